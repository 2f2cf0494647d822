"""Advocacy over the API: rates per NPS band (GET) and recording referrals (POST), for staff.

Mounted by ``insidetrack/api.py`` under ``/analytics/advocacy``. The rates follow ``insidetrack.analytics.advocacy``:
a dealer whose brand hides scores gets the band-free total, with ``bands`` and ``comparisons`` null.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from insidetrack.core.actor import Actor
from insidetrack.core.api_auth import actor_of
from insidetrack.core.errors import PermissionDenied
from insidetrack.core.schemas import ErrorOut
from insidetrack.customers.models import Referral
from insidetrack.customers.services import referral_mark_bought, referral_move, referral_record

from . import advocacy as figures

router = Router()


def _staff(actor: Actor) -> Actor:
    if not actor.is_staff_role:
        raise PermissionDenied(_("Advocacy figures and referrals are for the brand's and dealers' staff."))
    return actor


class AdvocacyIn(Schema):
    months: int = Field(12, description="Months of answers: 12 or 24, ending 15 months before today so that every "
                                        "follow window has closed")

    @field_validator("months")
    @classmethod
    def _known_period(cls, months: int) -> int:
        if months not in figures.PERIOD_MONTHS:
            raise ValueError("months must be 12 or 24")
        return months


class RateOut(Schema):
    count: int = Field(..., description="Customers who did it")
    total: int = Field(..., description="Customers it was counted over")
    rate: float | None = Field(..., description="count ÷ total, 0-1; null when total is 0")
    low: float | None = Field(..., description="Wilson 95% interval, lower end")
    high: float | None = Field(..., description="Wilson 95% interval, upper end")


class BandOut(Schema):
    band: str = Field(..., description="detractor (0-6), passive (7-8), promoter (9-10), or all")
    customers: int
    referral: RateOut = Field(..., description="Referred a friend who enquired within 365 days after the answer")
    repurchase: RateOut = Field(..., description="Bought again within 365 days after the answer")
    service: RateOut = Field(..., description="Serviced at a brand dealer within 456 days, among customers due")


class ComparisonOut(Schema):
    outcome: str = Field(..., description="referral, repurchase or service")
    promoter_rate: float | None
    detractor_rate: float | None
    difference: float | None = Field(..., description="Promoters' rate minus detractors', 0-1 scale")
    difference_low: float | None = Field(..., description="Newcombe 95% interval, lower end")
    difference_high: float | None
    ratio: float | None = Field(..., description="Promoters' rate ÷ detractors'; null when detractors' count is 0")
    ratio_low: float | None = Field(..., description="Score 95% interval, lower end")
    ratio_high: float | None = Field(..., description="Upper end; null when unbounded")
    p_value: float | None = Field(..., description="Two-sided score test of equal rates")


class AdvocacyOut(Schema):
    since: date = Field(..., description="First day of the answers counted")
    until: date = Field(..., description="Day after the last day of the answers counted")
    windows_complete: bool
    bands_included: bool = Field(..., description="False for dealers whose brand hides scores: total only")
    total: BandOut
    bands: list[BandOut] | None
    comparisons: list[ComparisonOut] | None = Field(..., description="Promoters against detractors, per outcome")


def _band(row: figures.BandRow) -> dict[str, object]:
    def rate(value: figures.Rate) -> dict[str, object]:
        return {"count": value.count, "total": value.total, "rate": value.rate, "low": value.low, "high": value.high}

    return {"band": row.band, "customers": row.customers, "referral": rate(row.referral),
            "repurchase": rate(row.repurchase), "service": rate(row.service)}


@router.get("/rates", response={200: AdvocacyOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
            summary="Referral, repurchase and service-retention rates per NPS band, with 95% intervals")
def advocacy_rates(request: HttpRequest, filters: Query[AdvocacyIn]):
    """Staff only, scoped to the caller (brand, region or dealer)."""
    actor = _staff(actor_of(request))
    period = figures.advocacy_period(filters.months)
    report = figures.advocacy_report(actor=actor, period=period)
    return {
        "since": period.first_day,
        "until": period.last_day + timedelta(days=1),
        "windows_complete": period.windows_complete,
        "bands_included": report.bands_visible,
        "total": _band(report.total),
        "bands": None if report.bands is None else [_band(row) for row in report.bands],
        "comparisons": None if report.comparisons is None else [
            {"outcome": c.outcome, "promoter_rate": c.promoters.rate, "detractor_rate": c.detractors.rate,
             "difference": c.difference, "difference_low": c.difference_low, "difference_high": c.difference_high,
             "ratio": c.ratio, "ratio_low": c.ratio_low, "ratio_high": c.ratio_high, "p_value": c.p_value}
            for c in report.comparisons],
    }


class ReferralIn(Schema):
    referrer_pk: int = Field(..., description="The customer who sent the friend")
    referred_name: str = Field("", max_length=160)
    referred_email: str = Field("", max_length=254)
    referred_phone: str = Field("", max_length=32)
    referred_customer_pk: int | None = Field(None, description="The friend's customer record, if they have one")
    enquired_at: datetime | None = Field(None, description="When the friend enquired; default now")
    note: str = Field("", max_length=2000)


class ReferralOut(Schema):
    pk: int
    referrer_pk: int = Field(..., alias="referrer_id")
    dealer_code: str = Field(..., alias="dealer.code")
    referred_name: str
    referred_email: str
    referred_phone: str
    referred_customer_pk: int | None = Field(..., alias="referred_customer_id")
    status: str
    enquired_at: datetime
    bought_at: datetime | None
    source: str
    recorded_at: datetime


class BoughtIn(Schema):
    bought_at: datetime | None = Field(None, description="When the friend bought; default now")
    referred_customer_pk: int | None = Field(None, description="The friend's new customer record")


_WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.post("/referrals", response={201: ReferralOut, **_WRITE_ERRORS}, summary="Record a referral")
def referral_create(request: HttpRequest, payload: ReferralIn):
    """Staff record that an owner they look after sent a friend; the friend needs an e-mail or phone."""
    actor = _staff(actor_of(request))
    referral = referral_record(
        actor=actor, referrer_pk=payload.referrer_pk, referred_name=payload.referred_name,
        referred_email=payload.referred_email, referred_phone=payload.referred_phone,
        referred_customer_pk=payload.referred_customer_pk, enquired_at=payload.enquired_at, note=payload.note,
    )
    return Status(201, Referral.objects.select_related("dealer").get(pk=referral.pk))


@router.post("/referrals/{pk}/bought", response={200: ReferralOut, **_WRITE_ERRORS},
             summary="Mark that the referred friend bought")
def referral_bought(request: HttpRequest, pk: int, payload: BoughtIn):
    actor = _staff(actor_of(request))
    referral = referral_mark_bought(actor=actor, referral_pk=pk, bought_at=payload.bought_at,
                                    referred_customer_pk=payload.referred_customer_pk)
    return Referral.objects.select_related("dealer").get(pk=referral.pk)


class MoveIn(Schema):
    status: str = Field(..., description="enquired, test_drive, bought or lost (see the transition table)")
    at: datetime | None = Field(None, description="When it happened; default now")


@router.post("/referrals/{pk}/status", response={200: ReferralOut, **_WRITE_ERRORS},
             summary="Move a referral along: test drive, bought, lost, or reopened")
def referral_status(request: HttpRequest, pk: int, payload: MoveIn):
    """A move the transition table does not allow is a 409 naming both states; nothing changes."""
    actor = _staff(actor_of(request))
    referral = referral_move(actor=actor, referral_pk=pk, status=payload.status, at=payload.at)
    return Referral.objects.select_related("dealer").get_visible(actor, pk=referral.pk)
