"""External benchmarks in the admin, checked by the same rules as head office's benchmarks page. The rollups are
derived data, rebuilt from responses, and are not offered here."""

from django import forms
from django.contrib import admin

from insidetrack.core import clock

from .benchmarks import benchmark_problems
from .models import ExternalBenchmark


class ExternalBenchmarkAdminForm(forms.ModelForm):
    """The admin checks a benchmark's figures by the rules of the benchmarks page, so neither stores what the other
    would refuse."""

    class Meta:
        model = ExternalBenchmark
        fields = ["brand", "name", "kind", "source", "touchpoint", "period_start", "period_end", "nps", "sample_size",
                  "promoter_share", "detractor_share"]

    def clean(self) -> dict:
        data = super().clean()
        problems = benchmark_problems(
            nps=data.get("nps"), period_start=data.get("period_start"), period_end=data.get("period_end"),
            sample_size=data.get("sample_size"), promoter_share=data.get("promoter_share"),
            detractor_share=data.get("detractor_share"))
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


@admin.register(ExternalBenchmark)
class ExternalBenchmarkAdmin(admin.ModelAdmin):
    form = ExternalBenchmarkAdminForm
    list_display = ["name", "kind", "brand", "touchpoint", "period_start", "period_end", "nps", "sample_size",
                    "entered_at"]
    list_filter = ["kind", "brand"]
    list_select_related = ["brand", "touchpoint"]
    search_fields = ["name", "source"]
    date_hierarchy = "period_end"
    readonly_fields = ["entered_by", "entered_at"]

    def save_model(self, request, obj: ExternalBenchmark, form, change: bool) -> None:
        # As on the benchmarks page: whoever last entered the figures answers for them.
        obj.entered_by = request.user
        obj.entered_at = clock.now()
        super().save_model(request, obj, form, change)
