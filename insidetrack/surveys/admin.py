from django.contrib import admin

from .models import Invitation, OperationalEvent, Response


@admin.register(OperationalEvent)
class OperationalEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "kind", "dealer", "customer", "source"]
    list_filter = ["kind", "source"]
    raw_id_fields = ["customer", "vehicle", "dealer"]
    list_select_related = ["dealer", "customer"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
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
