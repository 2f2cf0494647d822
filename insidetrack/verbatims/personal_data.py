"""What the text analysis holds about a person, for the owner's export and erasure (see core.personal_data).

The analysis of a verbatim keeps its language, sentiment, theme tags and flags after erasure, so theme counts and
the integrity review's incentive-language counts read the same; the words themselves (the phrases that raised a
flag, the full-text search document built from the text) go with the verbatim.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from insidetrack.core.personal_data import Section, register

from .models import VerbatimAnalysis, VerbatimTheme


def export_analysis(customer_pk: int) -> list[dict[str, Any]]:
    analyses = VerbatimAnalysis.objects.filter(response__customer_id=customer_pk).order_by("submitted_at", "pk")
    themes: dict[int, list[str]] = {}
    for link in (VerbatimTheme.objects.filter(analysis__response__customer_id=customer_pk)
                 .select_related("theme").order_by("theme__code")):
        themes.setdefault(link.analysis_id, []).append(link.theme.code)
    return [{"submitted_at": analysis.submitted_at.isoformat(), "language": analysis.language,
             "sentiment": analysis.sentiment, "themes": themes.get(analysis.pk, []),
             "flagged_phrases": analysis.flag_phrases or {}} for analysis in analyses]


def erase_analysis(customer_pk: int, now: datetime) -> int:
    analyses = VerbatimAnalysis.objects.filter(response__customer_id=customer_pk)
    return (analyses.exclude(flag_phrases={}).update(flag_phrases={})
            + analyses.filter(search_document__isnull=False).update(search_document=None))


register(Section(key="verbatim_analysis", title=_("What the analysis read in your comments"),
                 purpose=_("To find the themes customers talk about (for example waiting times or explanations) "
                           "and to spot safety issues quickly."),
                 export=export_analysis, erase=erase_analysis, order=45))
