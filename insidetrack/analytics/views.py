"""Landing pages for head office, region managers and dealers, and the feedback and dealer lists."""

from __future__ import annotations

from datetime import timedelta

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from insidetrack.core import clock
from insidetrack.core.decorators import staff_role_required
from insidetrack.journeys.selectors import touchpoints_for
from insidetrack.network.selectors import dealers_visible_to, regions_visible_to
from insidetrack.surveys.selectors import response_list

from . import response_rates, selectors

PERIODS = (30, 90, 365)


def _period_days(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", 90))
    except ValueError:
        days = 90
    return days if days in PERIODS else 90


@staff_role_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: one scope's NPS with its margin, response rate, breakdowns and latest verbatims."""
    actor = request.actor
    days = _period_days(request)
    since = clock.now() - timedelta(days=days)
    if actor.is_head_office:
        breakdown_title, breakdown = "region", selectors.nps_by(actor=actor, since=since, key="dealer__region__code",
                                                                label="dealer__region__name")
    elif actor.is_region_manager:
        breakdown_title, breakdown = "dealer", selectors.nps_by(actor=actor, since=since, key="dealer__code",
                                                                label="dealer__name")
    else:
        breakdown_title, breakdown = "", []
    context = {
        "days": days,
        "periods": PERIODS,
        "overall": selectors.nps_overall(actor=actor, since=since),
        "previous": selectors.nps_overall(actor=actor, since=since - timedelta(days=days), until=since),
        "rate": selectors.response_rate(actor=actor, since=since),
        "by_touchpoint": selectors.nps_by_touchpoint(actor=actor, since=since),
        "breakdown_title": breakdown_title,
        "breakdown": breakdown,
        "recent": selectors.recent_responses(actor=actor),
        "scope_name": _scope_name(request),
    }
    return render(request, "analytics/home.html", context)


def _scope_name(request: HttpRequest) -> str:
    actor = request.actor
    if actor.is_head_office:
        return ""
    if actor.is_region_manager:
        from insidetrack.network.selectors import regions_visible_to

        region = regions_visible_to(actor).first()
        return region.name if region else ""
    dealer = dealers_visible_to(actor).first()
    return dealer.name if dealer else ""


@staff_role_required
def responses(request: HttpRequest) -> HttpResponse:
    """Every verbatim the viewer may see, newest first, filterable by touchpoint, dealer and score."""
    actor = request.actor
    touchpoint = request.GET.get("touchpoint", "")
    dealer = request.GET.get("dealer", "")
    max_score_raw = request.GET.get("max_score", "")
    max_score = int(max_score_raw) if max_score_raw.isdigit() and int(max_score_raw) <= 10 else None
    page = Paginator(response_list(actor=actor, touchpoint=touchpoint, dealer_code=dealer, max_score=max_score),
                     25).get_page(request.GET.get("page"))
    return render(request, "analytics/responses.html", {
        "page": page,
        "touchpoints": touchpoints_for(actor),
        "dealers": dealers_visible_to(actor).order_by("name") if not actor.is_dealer else [],
        "selected": {"touchpoint": touchpoint, "dealer": dealer, "max_score": max_score_raw},
    })


@staff_role_required
def dealers(request: HttpRequest) -> HttpResponse:
    """Dealers with NPS and its margin; below the ranking threshold the figure is marked as too uncertain."""
    actor = request.actor
    days = _period_days(request)
    since = clock.now() - timedelta(days=days)
    rows = selectors.nps_by(actor=actor, since=since, key="dealer__code", label="dealer__name")
    rows.sort(key=lambda r: (not r.estimate.is_rankable, -(r.estimate.nps or -1000)))
    return render(request, "analytics/dealers.html", {"rows": rows, "days": days, "periods": PERIODS})


@staff_role_required
def response_rates_page(request: HttpRequest) -> HttpResponse:
    """Invitations sent, opened and answered per ISO week, dealer and touchpoint; dealers see rates only."""
    actor = request.actor
    try:
        weeks = int(request.GET.get("weeks", response_rates.DEFAULT_WEEKS))
    except ValueError:
        weeks = response_rates.DEFAULT_WEEKS
    if weeks not in response_rates.RATE_PERIODS:
        weeks = response_rates.DEFAULT_WEEKS
    # Region and dealer filters only narrow what scoping already allows; a dealer has nothing to narrow.
    filters = response_rates.RateFilters(
        weeks=weeks,
        region=request.GET.get("region", "") if actor.is_head_office else "",
        dealer=request.GET.get("dealer", "") if not actor.is_dealer else "",
        touchpoint=request.GET.get("touchpoint", ""),
    )
    period = response_rates.rate_period(weeks)
    touchpoints = list(touchpoints_for(actor))
    scope = {"actor": actor, "filters": filters, "period": period}
    return render(request, "analytics/response_rates.html", {
        "filters": filters,
        "periods": response_rates.RATE_PERIODS,
        "period": period,
        "last_day": period.until - timedelta(days=1),
        "with_counts": response_rates.counts_visible(actor),
        "min_sent": response_rates.MIN_SENT_WITHOUT_COUNTS,
        "touchpoints": touchpoints,
        "regions": list(regions_visible_to(actor)) if actor.is_head_office else [],
        "dealers": list(dealers_visible_to(actor).order_by("name")) if not actor.is_dealer else [],
        "overall": response_rates.rates_overall(**scope),
        "by_week": response_rates.rates_by_week(**scope),
        "by_dealer": response_rates.rates_by_dealer(**scope) if not actor.is_dealer else [],
        "by_touchpoint": response_rates.rates_by_touchpoint(**scope, touchpoints=touchpoints),
        "skipped": response_rates.skip_reasons(**scope),
    })
