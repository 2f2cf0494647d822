from django.contrib import admin

from .models import Brand, Dealer, Region


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "brand"]
    search_fields = ["name", "code"]


@admin.register(Dealer)
class DealerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "country", "language", "time_zone", "is_active"]
    list_filter = ["region", "country", "language", "is_active"]
    search_fields = ["code", "name", "city"]
