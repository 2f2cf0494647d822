"""The journey map: stages and touchpoints as head office wrote them (owning department, rational and emotional
needs) with what customers answered at each (volume, NPS ± margin or sentiment only, emotion curve, top themes and
quotes), narrowed by period, region, dealer and model, with one department's part highlighted; as a page, an A3 PDF
and a PNG for a workshop wall.

Thin: parse the filters, build the figures once (``journey_map.journey_map_build``), render them.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from insidetrack.core import clock
from insidetrack.core.decorators import staff_role_required
from insidetrack.core.errors import ValidationFailed
from insidetrack.network.models import Department
from insidetrack.network.selectors import dealers_visible_to, regions_visible_to

from .dashboard import DashboardFilters, filter_choices
from .journey_map import JourneyMap, default_map_filters, journey_map_build, map_filters
from .journey_map_chart import emotion_figure
from .journey_map_exports import CONTENT_TYPES, RENDERERS, export_filename


def _month_choices(today, filters: DashboardFilters) -> list[str]:
    """The months the period menus offer: the last two years, oldest first (as on the dashboard), and the shown
    period's ends when they are older, so that applying another filter keeps the period."""
    default = DashboardFilters.default(today=today)
    months = {f"{month:%Y-%m}" for month in default.previous_period().months + default.months}
    months |= {f"{filters.first_month:%Y-%m}", f"{filters.last_month:%Y-%m}"}
    return sorted(months)


def _scope_name(actor) -> str:
    """Whose journey this is, for a region manager or a dealer (head office's is the brand's)."""
    if actor.is_region_manager:
        region = regions_visible_to(actor).first()
        return region.name if region else ""
    if actor.is_dealer:
        dealer = dealers_visible_to(actor).first()
        return dealer.name if dealer else ""
    return ""


@staff_role_required
def journey_map(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    today = clock.now().date()
    choices = filter_choices(actor=actor)
    error, status = "", 200
    try:
        filters = map_filters(request.GET, actor=actor, today=today, choices=choices)
    except ValidationFailed as exc:
        error, status, filters = str(exc), 422, default_map_filters(today=today)
    journey = journey_map_build(actor=actor, filters=filters)
    query = filters.as_query()
    suffix = f"?{urlencode(query)}" if query else ""
    return render(request, "analytics/journey_map.html", {
        "journey": journey,
        "filters": filters.period,
        "department": filters.department,
        "departments": Department.choices,
        "choices": choices,
        "months": _month_choices(today, filters.period),
        "error": error,
        "scope_name": _scope_name(actor),
        "chart_json": emotion_figure(journey),
        "pdf_url": reverse("journey_map:map_pdf") + suffix,
        "png_url": reverse("journey_map:map_png") + suffix,
        "period_query": urlencode(filters.period.as_query()),
    }, status=status)


@staff_role_required
def journey_map_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The map as an A3 landscape PDF or a PNG with the filters of the address; a bad filter is a 422 naming it."""
    if fmt not in RENDERERS:
        raise Http404("Unknown format")
    actor = request.actor
    now = clock.now()
    try:
        filters = map_filters(request.GET, actor=actor, today=now.date())
    except ValidationFailed as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    journey: JourneyMap = journey_map_build(actor=actor, filters=filters)
    names: dict[str, str] = {}
    if filters.period.region or filters.period.dealer:
        choices = filter_choices(actor=actor)
        names = {"region": dict(choices.regions).get(filters.period.region, ""),
                 "dealer": dict(choices.dealers).get(filters.period.dealer, "")}
    answer = HttpResponse(RENDERERS[fmt](journey, scope_name=_scope_name(actor), generated_at=now, names=names),
                          content_type=CONTENT_TYPES[fmt])
    disposition = "inline" if fmt == "pdf" else "attachment"
    answer["Content-Disposition"] = f'{disposition}; filename="{export_filename(journey, fmt)}"'
    return answer
