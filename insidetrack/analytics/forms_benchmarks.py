"""The form head office adds and edits an external benchmark with.

It takes its fields, labels and help texts from the model, checks the figures with the same rules the services
apply (``benchmarks.benchmark_problems``) so each mistake is named next to its field, and is never saved itself:
the view hands ``as_input()`` to ``benchmark_create`` or ``benchmark_update``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from insidetrack.core.actor import Actor
from insidetrack.journeys.selectors import touchpoints_for

from .benchmarks import benchmark_problems
from .models import ExternalBenchmark
from .services_benchmarks import BenchmarkInput


class _TouchpointChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name()


class BenchmarkForm(forms.ModelForm):
    """Name, kind, source, touchpoint, period, NPS and, when the source gives them, sample size and shares."""

    class Meta:
        model = ExternalBenchmark
        fields = ["name", "kind", "source", "touchpoint", "period_start", "period_end", "nps", "sample_size",
                  "promoter_share", "detractor_share"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "nps": _("From -100 to 100, as published."),
            "sample_size": _("How many answers the figure is based on. Without it the NPS is compared as a fixed "
                             "target."),
            "promoter_share": _("Percent answering 9 or 10, if published."),
            "detractor_share": _("Percent answering 0 to 6, if published."),
        }
        field_classes = {"touchpoint": _TouchpointChoice}

    def __init__(self, *args, actor: Actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["touchpoint"].queryset = touchpoints_for(actor)
        self.fields["touchpoint"].empty_label = _("Whole journey")

    def clean(self) -> dict:
        data = super().clean()
        problems = benchmark_problems(
            nps=data.get("nps"), period_start=data.get("period_start"), period_end=data.get("period_end"),
            sample_size=data.get("sample_size"), promoter_share=data.get("promoter_share"),
            detractor_share=data.get("detractor_share"))
        for field, message in problems.items():
            if field not in self.errors:  # one message per field: "required" or "not a number" says it already
                self.add_error(field, message)
        return data

    def as_input(self) -> BenchmarkInput:
        """The cleaned figures for the services (only after ``is_valid()``)."""
        data = self.cleaned_data
        touchpoint = data.get("touchpoint")
        return BenchmarkInput(
            name=data["name"], kind=data["kind"], source=data.get("source", ""),
            touchpoint_pk=touchpoint.pk if touchpoint else None, period_start=data["period_start"],
            period_end=data["period_end"], nps=data["nps"], sample_size=data.get("sample_size"),
            promoter_share=data.get("promoter_share"), detractor_share=data.get("detractor_share"))
