"""Landing pages for head office, region managers and dealers, and the feedback and dealer lists."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from insidetrack.core import clock
from insidetrack.core.decorators import staff_role_required
from insidetrack.core.errors import ValidationFailed
from insidetrack.journeys.selectors import touchpoints_for
from insidetrack.network.selectors import dealers_visible_to, regions_visible_to, scores_visible_to
from insidetrack.verbatims.models import Sentiment
from insidetrack.verbatims.selectors import FLAGS, SENTIMENTS, clean_query, incentive_visible_to, themes_for

from . import response_rates, selectors
from .dashboard import parse_month

PERIODS = (30, 90, 365)


def _period_days(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", 90))
    except ValueError:
        days = 90
    return days if days in PERIODS else 90


@staff_role_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the scope's NPS with its margin, response rate, breakdowns and latest verbatims.

    Dealers also get their open closed-loop work and how much feedback they answered on time; while their brand hides
    scores from dealers (the default) that, the response rate and the verbatims are all they get: no NPS, no score.
    """
    actor = request.actor
    days = _period_days(request)
    now = clock.now()
    since = now - timedelta(days=days)
    show_scores = scores_visible_to(actor)
    context = {
        "days": days,
        "periods": PERIODS,
        "show_scores": show_scores,
        "rate": selectors.response_rate(actor=actor, since=since),
        "recent": selectors.recent_responses(actor=actor),
        "scope_name": _scope_name(request),
        "breakdown_title": "",
    }
    if show_scores:
        if actor.is_head_office:
            context.update(breakdown_title="region", breakdown=selectors.nps_by(
                actor=actor, since=since, key="dealer__region__code", label="dealer__region__name"))
        elif actor.is_region_manager:
            context.update(breakdown_title="dealer", breakdown=selectors.nps_by(
                actor=actor, since=since, key="dealer__code", label="dealer__name"))
        context.update(
            overall=selectors.nps_overall(actor=actor, since=since),
            previous=selectors.nps_overall(actor=actor, since=since - timedelta(days=days), until=since),
            by_touchpoint=selectors.nps_by_touchpoint(actor=actor, since=since),
        )
    if actor.is_dealer:
        context.update(work=selectors.open_work(actor=actor, now=now),
                       on_time=selectors.answered_on_time(actor=actor, since=since, now=now))
    return render(request, "analytics/home.html", context)


def _scope_name(request: HttpRequest) -> str:
    actor = request.actor
    if actor.is_head_office:
        return ""
    if actor.is_region_manager:
        region = regions_visible_to(actor).first()
        return region.name if region else ""
    dealer = dealers_visible_to(actor).first()
    return dealer.name if dealer else ""


def _month_bounds(request: HttpRequest) -> tuple[datetime | None, datetime | None, str]:
    """``from``/``to`` months (YYYY-MM, as the dashboard links them) as UTC bounds, the way the rollups count months;
    a malformed month is reported and ignored rather than silently widening or narrowing the list."""
    try:
        first, last = parse_month(request.GET, "from"), parse_month(request.GET, "to")
    except ValidationFailed as exc:
        return None, None, str(exc)
    return (clock.month_start_utc(first) if first else None,
            clock.month_start_utc(clock.add_months(last, 1)) if last else None, "")


@staff_role_required
def responses(request: HttpRequest) -> HttpResponse:
    """Every verbatim the viewer may see, newest first, filterable by touchpoint, dealer and (where scores are
    visible) score; the dashboard's drill-down adds months, region, model and channel, so the verbatims behind any
    figure are one click away. A dealer whose brand hides scores gets no score column and no score filter: filtering
    by score would reveal the scores as surely as showing them, so a ``max_score`` in the address is ignored.

    The text analysis adds a search (``q``), a theme, a sentiment and a flag filter, and shows each verbatim's
    sentiment, themes and flags. The incentive-language flag is head office's and the regions': a dealer's
    ``flag=incentive`` is ignored like their ``max_score``. A search too long to be one is reported and ignored."""
    actor = request.actor
    show_scores = scores_visible_to(actor)
    show_incentive = incentive_visible_to(actor)
    touchpoint = request.GET.get("touchpoint", "")
    dealer = request.GET.get("dealer", "")
    max_score_raw = request.GET.get("max_score", "") if show_scores else ""
    max_score = int(max_score_raw) if max_score_raw.isdigit() and int(max_score_raw) <= 10 else None
    since, until, error = _month_bounds(request)
    drill = {key: request.GET.get(key, "").strip()[:60] for key in ("from", "to", "region", "model", "channel")}
    if error:
        since = until = None
        drill["from"] = drill["to"] = ""
    words = {"q": request.GET.get("q", ""), "theme": request.GET.get("theme", "").strip()[:40],
             "sentiment": request.GET.get("sentiment", ""), "flag": request.GET.get("flag", "")}
    if words["sentiment"] not in SENTIMENTS:
        words["sentiment"] = ""
    if words["flag"] not in FLAGS or (words["flag"] == "incentive" and not show_incentive):
        words["flag"] = ""
    try:
        words["q"] = clean_query(words["q"])
    except ValidationFailed as exc:
        error, words["q"] = str(exc), ""
    page = Paginator(selectors.response_list(
        actor=actor, query=words["q"], theme=words["theme"], sentiment=words["sentiment"], flag=words["flag"],
        touchpoint=touchpoint, dealer_code=dealer, max_score=max_score, since=since, until=until,
        region_code=drill["region"], vehicle_model=drill["model"], channel=drill["channel"]),
        25).get_page(request.GET.get("page"))
    return render(request, "analytics/responses.html", {
        "page": page,
        "show_scores": show_scores,
        "show_incentive": show_incentive,
        "touchpoints": touchpoints_for(actor),
        "dealers": dealers_visible_to(actor).order_by("name") if not actor.is_dealer else [],
        "themes": themes_for(actor),
        "sentiments": Sentiment.choices,
        "selected": {"touchpoint": touchpoint, "dealer": dealer, "max_score": max_score_raw, **words},
        "drill": {key: value for key, value in drill.items() if value},
        "error": error,
    })


@staff_role_required
def dealers(request: HttpRequest) -> HttpResponse:
    """Dealers with NPS and its margin; below the ranking threshold the figure is marked as too uncertain.

    The page is nothing but NPS figures, so a dealer whose brand hides scores is refused it (it is not in their menu).
    """
    actor = request.actor
    if not scores_visible_to(actor):
        return render(request, "403.html", status=403)
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
