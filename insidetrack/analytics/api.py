"""Analytics over the API: response rates (the measure issue adds NPS and rollups here)."""

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from insidetrack.core.api_auth import actor_of
from insidetrack.core.errors import PermissionDenied
from insidetrack.core.schemas import ErrorOut

from . import response_rates as rates

router = Router()


class RatesIn(Schema):
    weeks: int = Field(13, description="Whole ISO weeks up to and including the current one: 4, 13 or 26")
    region: str = Field("", description="Region code (narrows what the caller may see; never widens it)")
    dealer: str = Field("", description="Dealer code")
    touchpoint: str = Field("", description="Touchpoint code, e.g. handover")

    @field_validator("weeks")
    @classmethod
    def _known_period(cls, weeks: int) -> int:
        # The same three periods the page offers, so the API cannot be used to slice weeks thinner or wider.
        if weeks not in (4, 13, 26):
            raise ValueError("weeks must be 4, 13 or 26")
        return weeks


class RateCellOut(Schema):
    week: date = Field(..., description="Monday the ISO week starts on")
    iso_week: str = Field(..., description="e.g. 2026-W47")
    dealer_code: str
    dealer_name: str
    touchpoint: str
    sent: int | None = Field(..., description="Null for dealers: they see rates only")
    opened: int | None = Field(..., description="Null for dealers: they see rates only")
    answered: int | None = Field(..., description="Null for dealers: they see rates only")
    opened_rate: float | None = Field(..., description="Opened ÷ sent, 0-1; an answered invitation counts as opened")
    answered_rate: float | None = Field(..., description="Answered ÷ sent, 0-1")
    rates_withheld: bool = Field(..., alias="is_withheld",
                                 description="True when a viewer without counts gets no rate: too few invitations")


class SkipCountOut(Schema):
    reason: str
    count: int


class RatesOut(Schema):
    weeks: int
    since: date = Field(..., description="First day of the period (a Monday)")
    until: date = Field(..., description="Day after the period ends (a Monday)")
    counts_included: bool = Field(..., description="False for dealers, who see rates only")
    rows: list[RateCellOut]
    skipped: list[SkipCountOut] | None = Field(..., description="Invitations not sent, by reason; head office only")


@router.get("/response-rates", response={200: RatesOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
            summary="Invitations sent, opened and answered per ISO week, dealer and touchpoint")
def response_rates(request: HttpRequest, filters: Query[RatesIn]):
    """Staff only. Dealers get the rates with the counts null: counts per week would let them single out surveyed
    customers (see ``insidetrack.analytics.response_rates``)."""
    actor = actor_of(request)
    if not actor.is_staff_role:
        raise PermissionDenied(_("Response rates are for the brand's and dealers' staff."))
    selection = rates.RateFilters(weeks=filters.weeks, region=filters.region, dealer=filters.dealer,
                                  touchpoint=filters.touchpoint)
    period = rates.rate_period(filters.weeks)
    skipped = rates.skip_reasons(actor=actor, filters=selection, period=period)
    return {
        "weeks": filters.weeks,
        "since": period.week_starts[0],
        "until": timezone.localtime(period.until).date(),
        "counts_included": rates.counts_visible(actor),
        "rows": rates.rates_breakdown(actor=actor, filters=selection, period=period),
        "skipped": None if skipped is None else [{"reason": s.reason, "count": s.count} for s in skipped],
    }


class NpsIn(Schema):
    from_month: str = Field("", alias="from", description="First month, YYYY-MM (default: twelve months ago)")
    to_month: str = Field("", alias="to", description="Last month, YYYY-MM (default: this month)")
    region: str = Field("", description="Region code (narrows what the caller may see; never widens it)")
    dealer: str = Field("", description="Dealer code")
    touchpoint: str = Field("", description="Touchpoint code, e.g. handover")
    model: str = Field("", description="Vehicle model, e.g. Aurelia Vento")
    channel: str = Field("", description="email or sms")
    by: str = Field("month", description="Breakdown: stage, touchpoint, region, dealer, model, channel, quarter, month")


class NpsEstimateOut(Schema):
    detractors: int
    passives: int
    promoters: int
    n: int
    nps: float | None = Field(..., description="-100..100; null without answers")
    low: float | None = Field(..., description="95% interval, adjusted Wald")
    high: float | None
    margin: float | None = Field(..., description="Half the interval's width: the ± shown")
    is_rankable: bool = Field(..., description="False below 30 answers: too uncertain to rank")


class NpsRowOut(Schema):
    key: str
    label: str
    estimate: NpsEstimateOut


class NpsOut(Schema):
    first_month: date
    last_month: date
    total: NpsEstimateOut
    by: str
    rows: list[NpsRowOut]


def _estimate_out(estimate) -> dict:
    return {"detractors": estimate.detractors, "passives": estimate.passives, "promoters": estimate.promoters,
            "n": estimate.n, "nps": estimate.nps, "low": estimate.low, "high": estimate.high,
            "margin": estimate.margin, "is_rankable": estimate.is_rankable}


@router.get("/nps", response={200: NpsOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
            summary="NPS with its 95% interval for a period, overall and broken down, from the rollups")
def nps(request: HttpRequest, filters: Query[NpsIn]):
    """For viewers who may see scores (head office, regions, and dealers only where the brand shows them scores),
    within their scope. Every figure carries its interval; ``is_rankable`` is false below 30 answers."""
    from insidetrack.network.selectors import scores_visible_to

    from . import dashboard

    actor = actor_of(request)
    if not actor.is_staff_role or not scores_visible_to(actor):
        raise PermissionDenied(_("NPS figures are not available to you: your brand does not show scores to dealers."))
    parsed = dashboard.DashboardFilters.from_query({
        "from": filters.from_month, "to": filters.to_month, "region": filters.region, "dealer": filters.dealer,
        "touchpoint": filters.touchpoint, "model": filters.model, "channel": filters.channel,
    }, today=timezone.now().date())
    rows = dashboard.nps_breakdown(actor=actor, filters=parsed, by=filters.by)
    return {
        "first_month": parsed.first_month,
        "last_month": parsed.last_month,
        "total": _estimate_out(dashboard.nps_total(actor=actor, filters=parsed)),
        "by": filters.by,
        "rows": [{"key": str(row.key), "label": row.label, "estimate": _estimate_out(row.estimate)} for row in rows],
    }
