"""Head office edits the closed loop's policy and playbooks here; cases are read-only (they change through services,
which write the event log)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Case, CaseEvent, CasePolicy, Goodwill, Playbook


@admin.register(CasePolicy)
class CasePolicyAdmin(admin.ModelAdmin):
    list_display = ["brand", "respond_within_hours", "resolve_within_hours", "count_opening_hours_only",
                    "reminder_hours_before", "head_office_after_hours", "follow_up_after_days"]
    fieldsets = [
        (None, {"fields": ["brand"]}),
        (_("Deadlines"), {"fields": ["respond_within_hours", "resolve_within_hours", "count_opening_hours_only",
                                  "reminder_hours_before", "head_office_after_hours"]}),
        (_("Follow-up survey"), {"fields": ["follow_up_after_days", "follow_up_valid_days"]}),
        (_("Goodwill empowerment"), {"fields": ["currency", "goodwill_limit_dealer_staff",
                                             "goodwill_limit_dealer_principal", "goodwill_limit_region_manager"]}),
    ]


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    list_display = ["band", "touchpoint", "title", "respond_within_hours", "resolve_within_hours", "is_active"]
    list_filter = ["band", "is_active", "touchpoint"]
    list_select_related = ["touchpoint"]


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CaseEventInline(_ReadOnlyInline):
    model = CaseEvent
    fields = readonly_fields = ["at", "kind", "actor_name", "from_status", "to_status", "detail", "data"]


class GoodwillInline(_ReadOnlyInline):
    model = Goodwill
    fields = readonly_fields = ["description", "amount", "currency", "status", "requested_at", "decided_at",
                                "decision_note"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: the pages and the API change cases through the services, which keep the event log true."""

    inlines = [CaseEventInline, GoodwillInline]
    list_display = ["pk", "kind", "status", "dealer", "touchpoint", "opened_at", "respond_by", "escalation_level"]
    list_filter = ["kind", "status", "escalation_level", "department"]
    list_select_related = ["dealer", "touchpoint"]
    raw_id_fields = ["customer", "response", "follow_up_invitation", "assignee"]
    date_hierarchy = "opened_at"
    show_full_result_count = False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
