"""Scorecard pages and their downloads: the viewer's own scope, a region, a dealer; each as a page, PDF, CSV, XLSX.

Thin: resolve the subject (404 outside the viewer's scope, nothing revealed), build the scorecard, render it. The
downloads have their own addresses (``…/scorecard.pdf``) so links stay plain and every one of them is walked by the
score-visibility test like any page.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from insidetrack.core import clock
from insidetrack.core.decorators import staff_role_required
from insidetrack.core.errors import NotFound, PermissionDenied, ValidationFailed

from .dashboard import Row, rank_label
from .scorecard_exports import CONTENT_TYPES, RENDERERS, scorecard_filename
from .scorecards import Scorecard, ScorecardPeriod, SubjectKind, scorecard_build, scorecard_subject

FORMATS = ("html", "pdf", "csv", "xlsx")


def _links(kind: str, code: str, query: dict[str, str]) -> dict[str, str]:
    """The page and its downloads for one subject, keeping the period."""
    suffix = f"?{urlencode(query)}" if query else ""
    if kind:
        names = {fmt: f"analytics:scorecard_{kind}" + ("" if fmt == "html" else f"_{fmt}") for fmt in FORMATS}
        return {fmt: reverse(name, args=[code]) + suffix for fmt, name in names.items()}
    return {fmt: reverse("analytics:scorecard" + ("" if fmt == "html" else f"_{fmt}")) + suffix for fmt in FORMATS}


@staff_role_required
def scorecard(request: HttpRequest, region_code: str = "", dealer_code: str = "", fmt: str = "html") -> HttpResponse:
    """A scorecard: ``fmt`` is fixed by the address (the page, or one of its downloads); ``?format=`` works too."""
    actor = request.actor
    fmt = request.GET.get("format", fmt) if fmt == "html" else fmt
    if fmt not in FORMATS:
        raise Http404("Unknown format")
    kind = SubjectKind.REGION if region_code else SubjectKind.DEALER if dealer_code else ""
    try:
        subject = scorecard_subject(actor=actor, kind=kind, code=region_code or dealer_code)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except PermissionDenied:
        return render(request, "403.html", status=403)
    now = clock.now()
    error, status = None, 200
    try:
        period = ScorecardPeriod.from_query(request.GET, now=now)
    except ValidationFailed as exc:
        error, status, period = exc.message, 422, ScorecardPeriod.default(now=now)
    card = scorecard_build(actor=actor, subject=subject, period=period, now=now)
    if fmt != "html" and error is None:
        answer = HttpResponse(RENDERERS[fmt](card), content_type=CONTENT_TYPES[fmt])
        disposition = "inline" if fmt == "pdf" else "attachment"
        answer["Content-Disposition"] = f'{disposition}; filename="{scorecard_filename(card, fmt)}"'
        return answer
    links = _links(kind, subject.code, period.as_query() if "from" in request.GET or "to" in request.GET else {})
    nps = card.nps
    return render(request, "analytics/scorecard.html", {
        "card": card,
        "nps": nps,
        "overall_rank_label": rank_label(nps.overall) if nps else "",
        "links": links,
        "error": error,
        "is_own": not kind,
        "unit_rows": _unit_rows(card),
    }, status=status)


def _unit_rows(card: Scorecard) -> list[tuple[Row, str, str]]:
    """Each row of the by-region or by-dealer table, with the link to that region's or dealer's scorecard."""
    if card.nps is None or not card.nps.unit_kind:
        return []
    name = f"analytics:scorecard_{card.nps.unit_kind}"
    return [(row, reverse(name, args=[row.key]), rank_label(row.estimate)) for row in card.nps.by_unit]
