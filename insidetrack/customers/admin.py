from django.contrib import admin

from .models import Customer, Ownership, Referral, Vehicle


class OwnershipInline(admin.TabularInline):
    model = Ownership
    extra = 0
    raw_id_fields = ["vehicle", "selling_dealer"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "dealer", "language", "deal_type", "consent_surveys", "created_at"]
    list_filter = ["language", "deal_type", "consent_surveys", "household"]
    search_fields = ["last_name", "first_name", "email"]
    raw_id_fields = ["dealer"]
    list_select_related = ["dealer"]
    inlines = [OwnershipInline]


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ["vin", "model", "model_year", "powertrain", "current_owner"]
    search_fields = ["vin"]
    raw_id_fields = ["current_owner"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["referrer", "referred_name", "dealer", "status", "enquired_at", "bought_at", "source"]
    list_filter = ["status", "source"]
    search_fields = ["referred_name", "referred_email", "referrer__last_name", "referrer__email"]
    raw_id_fields = ["referrer", "referred_customer", "dealer", "recorded_by"]
    list_select_related = ["referrer", "dealer"]
    date_hierarchy = "enquired_at"
