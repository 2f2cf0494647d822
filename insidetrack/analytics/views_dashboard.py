"""The head-office and region dashboard: NPS with its interval over time and by stage, touchpoint, region, dealer,
model, channel and quarter; the funnel plot of dealers; response rate and closed-loop figures; drill-down to the
verbatims behind any number."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from insidetrack.cases.measures import PERIODS as CLOSED_LOOP_PERIODS
from insidetrack.cases.measures import closed_loop_measures
from insidetrack.core import clock
from insidetrack.core.decorators import staff_role_required
from insidetrack.core.errors import ValidationFailed
from insidetrack.network.selectors import scores_visible_to

from . import charts, dashboard
from .nps_statistics import nps_difference

BREAKDOWNS = (
    ("stage", _("stage")), ("touchpoint", _("touchpoint")), ("region", _("region")), ("dealer", _("dealer")),
    ("model", _("model")), ("channel", _("channel")), ("quarter", _("quarter")), ("month", _("month")),
)


def dashboard_visible(actor) -> bool:
    """Head office and region managers: the page compares dealers with each other, which is not a dealer's view."""
    return (actor.is_head_office or actor.is_region_manager) and scores_visible_to(actor)


def _month_choices(today) -> list[str]:
    """The months the period menus offer: the last two years, newest last."""
    default = dashboard.DashboardFilters.default(today=today)
    return [f"{month:%Y-%m}" for month in default.previous_period().months + default.months]


def _closest_period(months: int) -> int:
    days = months * 30
    return min(CLOSED_LOOP_PERIODS, key=lambda period: abs(period - days))


@staff_role_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if not dashboard_visible(actor):
        return render(request, "403.html", status=403)
    today = clock.now().date()
    error = ""
    try:
        filters = dashboard.DashboardFilters.from_query(request.GET, today=today)
    except ValidationFailed as exc:
        error, filters = str(exc), dashboard.DashboardFilters.default(today=today)
    if actor.is_region_manager:
        filters = replace(filters, region="")  # their scope is one region already
    by = request.GET.get("by", "stage")
    if by not in dashboard.DIMENSIONS:
        by = "stage"
    trend = dashboard.nps_trend(actor=actor, filters=filters)
    total = dashboard.total_of(trend)  # the same cells as the trend: no second pass over them
    previous = dashboard.nps_total(actor=actor, filters=filters.previous_period())
    rows = trend if by == "month" else dashboard.nps_breakdown(actor=actor, filters=filters, by=by)
    funnel = dashboard.funnel(actor=actor, filters=filters)
    feedback = reverse("analytics:responses")
    page = reverse("analytics:dashboard")

    def verbatims(drill: dict[str, str]) -> str:
        return f"{feedback}?{urlencode(drill)}"

    drill_urls = {point.code: verbatims(filters.as_query(dealer=point.code)) for point in funnel.points}
    change = nps_difference(previous.counts, total.counts) if previous.n and total.n else None
    closed_loop_days = _closest_period(len(filters.months))
    return render(request, "analytics/dashboard.html", {
        "filters": filters,
        "error": error,
        "by": by,
        "breakdowns": BREAKDOWNS,
        "choices": dashboard.filter_choices(actor=actor),
        "total": total,
        "total_rank": dashboard.rank_label(total),
        "previous": previous,
        "change": change,
        "change_margin": 1.96 * change.standard_error if change else None,
        "rows": [{"row": row, "rank": dashboard.rank_label(row.estimate),
                  "filter_url": f"{page}?{urlencode({**row.drill, 'by': by})}",
                  "verbatims_url": verbatims(row.drill)} for row in rows],
        "trend_json": charts.trend_figure(trend),
        "funnel": funnel,
        "funnel_json": charts.funnel_figure(funnel, drill_urls=drill_urls),
        "funnel_rows": [(point, drill_urls[point.code]) for point in sorted(
            (point for point in funnel.points if point.outside),
            key=lambda point: (not point.outside.endswith("998"), point.outside, -point.estimate.n))],
        "rate": dashboard.response_rate(actor=actor, filters=filters),
        "closed_loop": closed_loop_measures(actor=actor, days=closed_loop_days, region=filters.region).overall,
        "closed_loop_days": closed_loop_days,
        "all_verbatims_url": verbatims(filters.as_query()),
        "months": _month_choices(today),
    })
