from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Brand, Dealer, Region


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    """Head office's settings for the brand, among them the policy on what dealers see (scores hidden by default)."""

    list_display = ["name", "slug", "dealers_see_scores"]
    fieldsets = [
        (None, {"fields": ["name", "slug"]}),
        (_("What dealers see"), {
            "fields": ["dealers_see_scores"],
            "description": _("Head office and region managers always see scores and NPS. This switch decides whether "
                             "dealer principals and staff see them too, on pages, exports and API answers. "
                             "E-mails never carry a score, whoever receives them."),
        }),
    ]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "brand"]
    search_fields = ["name", "code"]


@admin.register(Dealer)
class DealerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "country", "language", "time_zone", "is_active"]
    list_filter = ["region", "country", "language", "is_active"]
    search_fields = ["code", "name", "city"]
