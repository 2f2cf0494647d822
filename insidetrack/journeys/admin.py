from django.contrib import admin

from .models import Journey, Stage, Theme, Touchpoint


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["position", "code", "name", "name_de", "name_fr"]


@admin.register(Journey)
class JourneyAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "is_default"]
    inlines = [StageInline]


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = ["position", "code", "name", "stage", "department", "is_surveyed"]
    list_display_links = ["code", "name"]
    list_filter = ["journey", "stage", "department", "is_surveyed"]
    ordering = ["journey", "position"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    """Head office edits the taxonomy here: names in three languages and where each theme can be a root cause."""

    list_display = ["code", "name", "name_de", "name_fr", "is_active"]
    list_filter = ["brand", "is_active"]
    search_fields = ["code", "name", "name_de", "name_fr"]
    filter_horizontal = ["touchpoints"]
