from django.contrib import admin

from .models import ContactPolicy, Invitation, InvitationEvent, OperationalEvent, Response, SurveyRule


@admin.register(OperationalEvent)
class OperationalEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "kind", "dealer", "customer", "source"]
    list_filter = ["kind", "source"]
    raw_id_fields = ["customer", "vehicle", "dealer"]
    list_select_related = ["dealer", "customer"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False


class InvitationHistoryInline(admin.TabularInline):
    """The audit trail is read-only: rows are written by the services that change an invitation."""

    model = InvitationEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "kind", "detail"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    inlines = [InvitationHistoryInline]
    list_display = ["scheduled_for", "touchpoint", "dealer", "channel", "status", "skip_reason", "delivery_status"]
    list_filter = ["status", "channel", "skip_reason", "delivery_status", "touchpoint"]
    raw_id_fields = ["customer", "event", "dealer"]
    list_select_related = ["dealer", "touchpoint"]
    show_full_result_count = False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["submitted_at", "score", "touchpoint", "dealer", "language", "channel", "verbatim"]
    list_filter = ["touchpoint", "language", "channel", "source"]
    search_fields = ["verbatim"]
    raw_id_fields = ["customer", "invitation", "dealer"]
    list_select_related = ["dealer", "touchpoint"]
    readonly_fields = ["network_fingerprint", "device_fingerprint"]
    date_hierarchy = "submitted_at"
    show_full_result_count = False


@admin.register(SurveyRule)
class SurveyRuleAdmin(admin.ModelAdmin):
    """Head office decides which event triggers which survey, after how long, and for how long the link works."""

    list_display = ["event_kind", "touchpoint", "is_active", "delay_hours", "channel", "expiry_days",
                    "reminder_after_days", "updated_at"]
    list_filter = ["is_active", "channel", "brand"]
    list_editable = ["is_active"]
    list_select_related = ["touchpoint"]
    readonly_fields = ["updated_at"]


@admin.register(ContactPolicy)
class ContactPolicyAdmin(admin.ModelAdmin):
    """The brand-wide limit on how often one owner is asked."""

    list_display = ["brand", "min_days_between_surveys"]
