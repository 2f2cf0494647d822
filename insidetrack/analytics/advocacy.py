"""Advocacy versus loyalty: do promoters actually promote, and do they come back?

The seeds draw the distinction: *loyalty* is coming back (buying again, servicing the car at the brand's dealers);
*advocacy* is convincing friends (a friend enquires because an owner sent them). A 9 or 10 says "I would recommend";
this module checks, per NPS band, how often customers then did.

Definitions (each customer counts once, in one band):

* **Who and which band.** Customers who answered a journey survey (``purpose=survey``: case follow-ups never count)
  in the period, through ``Response.objects.visible_to(actor)``. A customer's band comes from their *latest* journey
  answer in the period, the freshest word on how they feel: detractor 0-6, passive 7-8, promoter 9-10. That answer's
  moment anchors every follow window below.
* **Referral rate.** Share of the band with at least one referral (``customers.Referral``) whose friend enquired
  within ``REFERRAL_WINDOW`` (12 months) after the answer.
* **Repurchase rate.** Share who bought again within ``REPURCHASE_WINDOW`` (12 months) after the answer: a
  ``repurchase`` operational event, or a new ownership started in the window by a customer who already owned a car
  of the brand on the day of the answer. A purchase already under way at the answer (a ``repurchase`` or
  ``deposit_taken`` event in the year before it) does not count through its ownership: that decision came before
  the answer, so it says nothing about what the answer led to.
* **Service retention.** Among customers whose car was *due* for a service (they owned a car of the brand on the day
  of the answer and still owned one a year later: a yearly service fell due), the share with a ``service_completed``
  event at any of the brand's dealers within ``SERVICE_WINDOW`` (15 months: the year plus three months' grace).
  Customers who sold their car without replacing it are not in the denominator: they could not come back.

Windows are complete by construction: the pages and the API only offer answer periods ending ``SERVICE_WINDOW`` (the
longest window) before today, so no customer is counted as "did not" while their window is still open. The
selector reports ``windows_complete`` for any other period it is given.

Every rate carries a Wilson 95% interval (``statsmodels.stats.proportion.proportion_confint``); promoters against
detractors get the difference (Newcombe's hybrid score interval), the ratio (score interval) and a two-sided score
test. The population is scoped; the outcomes of those customers (a referral, a service at another dealer of the
brand) are looked up brand-wide, because loyalty to the brand is what is measured. Everything is aggregated in one
database query; no customer row leaves the database.

Bands reveal scores: a dealer whose brand hides scores from dealers (``scores_visible_to``) gets the band-free
totals only, never a per-band figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    test_proportions_2indep,
)

from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.customers.models import Ownership, Referral
from insidetrack.network.selectors import scores_visible_to
from insidetrack.surveys.models import EventKind, OperationalEvent, Response

REFERRAL_WINDOW = timedelta(days=365)
REPURCHASE_WINDOW = timedelta(days=365)
SERVICE_WINDOW = timedelta(days=456)  # 15 months: a yearly service plus three months' grace
SERVICE_DUE_AFTER = timedelta(days=365)  # still owning a car this long after the answer: a yearly service fell due
PURCHASE_IN_FLIGHT = timedelta(days=365)  # a deposit this long before the answer may still be delivering
LONGEST_WINDOW = max(REFERRAL_WINDOW, REPURCHASE_WINDOW, SERVICE_WINDOW)
PERIOD_MONTHS = (12, 24)
DEFAULT_PERIOD_MONTHS = 12
CONFIDENCE = 0.95

DETRACTOR, PASSIVE, PROMOTER = "detractor", "passive", "promoter"
BANDS = (DETRACTOR, PASSIVE, PROMOTER)
BAND_LABELS = {
    DETRACTOR: gettext_lazy("Detractors (0-6)"),
    PASSIVE: gettext_lazy("Passives (7-8)"),
    PROMOTER: gettext_lazy("Promoters (9-10)"),
}
OUTCOMES = ("referral", "repurchase", "service")
OUTCOME_LABELS = {
    "referral": gettext_lazy("Referred a friend"),
    "repurchase": gettext_lazy("Bought again"),
    "service": gettext_lazy("Serviced at a brand dealer"),
}


# --------------------------------------------------------------------------------------------------------------------
# Pure maths


@dataclass(frozen=True, slots=True)
class Rate:
    """``count`` of ``total`` with its Wilson 95% interval; rate and interval are ``None`` when ``total`` is 0."""

    count: int
    total: int
    rate: float | None
    low: float | None
    high: float | None

    @property
    def shown(self) -> str:
        return "—" if self.rate is None else f"{100 * self.rate:.1f}%"

    @property
    def interval(self) -> str:
        return "" if self.low is None else f"{100 * self.low:.1f}\u2013{100 * self.high:.1f}%"


def wilson(count: int, total: int) -> Rate:
    """The share with its Wilson score interval: unlike the plain Wald interval it stays inside 0-1 and keeps a
    width at 0% or 100%, which matters for rates as low as referrals."""
    if total <= 0:
        return Rate(count=0, total=0, rate=None, low=None, high=None)
    if not 0 <= count <= total:
        raise ValueError("count must be between 0 and total")
    low, high = proportion_confint(count, total, alpha=1 - CONFIDENCE, method="wilson")
    return Rate(count=count, total=total, rate=count / total, low=float(low), high=float(high))


@dataclass(frozen=True, slots=True)
class Comparison:
    """One outcome, promoters against detractors: difference in points (0-1 scale), ratio, and a score test."""

    outcome: str
    promoters: Rate
    detractors: Rate
    difference: float | None
    difference_low: float | None
    difference_high: float | None
    ratio: float | None
    ratio_low: float | None
    ratio_high: float | None
    p_value: float | None

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])

    @property
    def difference_shown(self) -> str:
        return "—" if self.difference is None else _points(self.difference)

    @property
    def difference_interval(self) -> str:
        if self.difference_low is None:
            return ""
        return f"{_points(self.difference_low)} \u2026 {_points(self.difference_high)}"

    @property
    def ratio_shown(self) -> str:
        return "—" if self.ratio is None else f"{self.ratio:.2f}"

    @property
    def ratio_interval(self) -> str:
        if self.ratio_low is None:
            return ""
        return f"{self.ratio_low:.2f} \u2026 {'∞' if self.ratio_high is None else f'{self.ratio_high:.2f}'}"

    @property
    def p_shown(self) -> str:
        if self.p_value is None:
            return "—"
        return "< 0.001" if self.p_value < 0.001 else f"{self.p_value:.3f}"

    @property
    def is_significant(self) -> bool:
        """The difference's 95% interval excludes zero."""
        return self.difference_low is not None and (self.difference_low > 0 or self.difference_high < 0)


def _points(share: float) -> str:
    """A difference of two shares in percentage points, signed: "+3.3"."""
    value = round(100 * share, 1)
    return "0.0" if value == 0 else f"{value:+.1f}"


def _finite(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def compare(outcome: str, promoters: Rate, detractors: Rate) -> Comparison:
    """Promoters against detractors on one outcome. Nothing to compare when either group is empty; no ratio (nor its
    interval) when detractors never did it, since "infinitely as often" reads as nonsense."""
    empty = Comparison(outcome, promoters, detractors, None, None, None, None, None, None, None)
    if not promoters.total or not detractors.total:
        return empty
    counts = (promoters.count, promoters.total, detractors.count, detractors.total)
    alpha = 1 - CONFIDENCE
    difference = promoters.rate - detractors.rate
    # statsmodels works out every statistic (odds, ratio) on the way and warns when a group's share is 0 or 1;
    # the ones used below are guarded, so the warnings are noise.
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = confint_proportions_2indep(*counts, method="newcomb", compare="diff", alpha=alpha)
        ratio = ratio_low = ratio_high = None
        if detractors.count and promoters.count:
            ratio = promoters.rate / detractors.rate
            ratio_low, ratio_high = (_finite(v) for v in confint_proportions_2indep(*counts, method="score",
                                                                                   compare="ratio", alpha=alpha))
        p_value = None
        if promoters.count + detractors.count and (promoters.count + detractors.count
                                                   < promoters.total + detractors.total):
            p_value = _finite(test_proportions_2indep(*counts, method="score", compare="diff").pvalue)
    return Comparison(outcome, promoters, detractors, difference, _finite(low), _finite(high), ratio, ratio_low,
                      ratio_high, p_value)


def reading(comparison: Comparison) -> str:
    """The comparison in one plain sentence for the page, with its 95% interval and whether chance could explain it."""
    values = {
        "outcome": comparison.label,  # not lower-cased: German nouns keep their capital
        "promoters": comparison.promoters.shown,
        "detractors": comparison.detractors.shown,
    }
    if comparison.difference is None:
        return _("Not enough customers in both groups to compare: %(outcome)s.") % values
    if comparison.ratio is not None:
        values.update(ratio=f"{comparison.ratio:.1f}", low=f"{comparison.ratio_low:.1f}",
                      high="∞" if comparison.ratio_high is None else f"{comparison.ratio_high:.1f}")
        if comparison.is_significant:
            sentence = _("%(outcome)s: promoters %(ratio)s times as often as detractors (%(promoters)s against "
                         "%(detractors)s; 95%% interval of the ratio %(low)s to %(high)s).")
        else:
            sentence = _("%(outcome)s: promoters %(ratio)s times as often as detractors (%(promoters)s against "
                         "%(detractors)s), but the 95%% interval of the ratio (%(low)s to %(high)s) includes 1: "
                         "the difference could be chance.")
        return _capitalised(sentence % values)
    values.update(low=f"{100 * comparison.difference_low:+.1f}", high=f"{100 * comparison.difference_high:+.1f}")
    return _capitalised(_("%(outcome)s: promoters %(promoters)s, detractors %(detractors)s (95%% interval of the "
                          "difference %(low)s to %(high)s points).") % values)


def _capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


# --------------------------------------------------------------------------------------------------------------------
# The period


@dataclass(frozen=True, slots=True)
class AdvocacyPeriod:
    """Answers submitted in [since, until), followed up to ``as_of``."""

    since: datetime
    until: datetime
    as_of: datetime

    @property
    def windows_complete(self) -> bool:
        """Every answer's longest follow window has closed by ``as_of``: a "did not" is final."""
        return self.until + LONGEST_WINDOW <= self.as_of

    @property
    def first_day(self) -> date:
        return timezone.localtime(self.since).date()

    @property
    def last_day(self) -> date:
        return timezone.localtime(self.until).date() - timedelta(days=1)


def advocacy_period(months: int = DEFAULT_PERIOD_MONTHS, *, now: datetime | None = None) -> AdvocacyPeriod:
    """``months`` of answers (12 or 24) ending the longest follow window before today, in the project's time zone."""
    if months not in PERIOD_MONTHS:
        raise ValueError("months must be one of PERIOD_MONTHS")
    now = now or clock.now()
    until_day = timezone.localdate(now) - LONGEST_WINDOW
    since_day = until_day - timedelta(days=365 * months // 12)
    return AdvocacyPeriod(since=timezone.make_aware(datetime.combine(since_day, time.min)),
                          until=timezone.make_aware(datetime.combine(until_day, time.min)), as_of=now)


# --------------------------------------------------------------------------------------------------------------------
# The selector


@dataclass(frozen=True, slots=True)
class BandRow:
    """One band (or ``"all"``): how many customers, and what they did after their answer."""

    band: str
    label: str
    customers: int
    referral: Rate
    repurchase: Rate
    service: Rate

    @property
    def service_due(self) -> int:
        return self.service.total


@dataclass(frozen=True, slots=True)
class AdvocacyReport:
    """The figures for one period and viewer. ``bands`` and ``comparisons`` are ``None`` for a viewer who may not
    see scores (the total alone reveals none)."""

    period: AdvocacyPeriod
    total: BandRow
    bands: list[BandRow] | None
    comparisons: list[Comparison] | None

    @property
    def bands_visible(self) -> bool:
        return self.bands is not None

    @property
    def readings(self) -> list[str]:
        return [reading(c) for c in self.comparisons or []]


def _plus(expression, window: timedelta, output_field):
    return ExpressionWrapper(expression + Value(window), output_field=output_field)


def _journey_answers(actor: Actor, period: AdvocacyPeriod) -> QuerySet[Response]:
    return Response.objects.visible_to(actor).reported().filter(
        customer__isnull=False, submitted_at__gte=period.since, submitted_at__lt=period.until)


def _latest_answers(actor: Actor, period: AdvocacyPeriod) -> QuerySet[Response]:
    """Each customer's latest journey answer in the period (ties broken by key): exactly one row per customer."""
    later = _journey_answers(actor, period).filter(customer_id=OuterRef("customer_id")).filter(
        Q(submitted_at__gt=OuterRef("submitted_at")) | Q(submitted_at=OuterRef("submitted_at"), pk__gt=OuterRef("pk")))
    return _journey_answers(actor, period).filter(~Exists(later))


def _outcomes(answers: QuerySet[Response]) -> QuerySet[Response]:
    """Annotate each anchoring answer with its band and one flag per outcome (see the module docstring)."""
    at = OuterRef("submitted_at")
    # Ownership dates are compared with the answer's timestamp directly: both databases then compare the date as
    # midnight UTC, which is cheap (no per-row time-zone conversion) and off by at most a day at midnight.
    day = OuterRef("submitted_at")
    customer = OuterRef("customer_id")
    referred = Referral.objects.filter(referrer_id=customer, enquired_at__gt=at,
                                       enquired_at__lte=_plus(at, REFERRAL_WINDOW, DateTimeField()))
    repurchase_event = OperationalEvent.objects.filter(
        customer_id=customer, kind=EventKind.REPURCHASE, occurred_at__gt=at,
        occurred_at__lte=_plus(at, REPURCHASE_WINDOW, DateTimeField()))
    new_ownership = Ownership.objects.filter(customer_id=customer, started_on__gt=day,
                                             started_on__lte=_plus(day, REPURCHASE_WINDOW, DateTimeField()))
    owned_then = Ownership.objects.filter(customer_id=customer, started_on__lte=day)
    purchase_in_flight = OperationalEvent.objects.filter(
        customer_id=customer, kind__in=(EventKind.REPURCHASE, EventKind.DEPOSIT_TAKEN), occurred_at__lte=at,
        occurred_at__gte=ExpressionWrapper(at - Value(PURCHASE_IN_FLIGHT), output_field=DateTimeField()))
    a_year_on = _plus(day, SERVICE_DUE_AFTER, DateTimeField())
    owned_a_year_on = Ownership.objects.filter(customer_id=customer, started_on__lte=a_year_on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=a_year_on))
    serviced = OperationalEvent.objects.filter(
        customer_id=customer, brand_id=OuterRef("brand_id"), kind=EventKind.SERVICE_COMPLETED, occurred_at__gt=at,
        occurred_at__lte=_plus(at, SERVICE_WINDOW, DateTimeField()))
    return answers.annotate(
        band=Case(When(score__gte=9, then=Value(PROMOTER)), When(score__gte=7, then=Value(PASSIVE)),
                  default=Value(DETRACTOR), output_field=CharField()),
        has_referred=Exists(referred),
        has_repurchased=Exists(repurchase_event) | (Exists(new_ownership) & Exists(owned_then)
                                                    & ~Exists(purchase_in_flight)),
        is_service_due=Exists(owned_then) & Exists(owned_a_year_on),
        has_serviced=Exists(serviced),
    )


_COUNTS = {
    "customers": Count("pk"),
    "referred": Count("pk", filter=Q(has_referred=True)),
    "repurchased": Count("pk", filter=Q(has_repurchased=True)),
    "due": Count("pk", filter=Q(is_service_due=True)),
    "retained": Count("pk", filter=Q(is_service_due=True, has_serviced=True)),
}


def _row(band: str, label: str, counts: dict[str, int]) -> BandRow:
    customers = counts["customers"]
    return BandRow(band=band, label=label, customers=customers, referral=wilson(counts["referred"], customers),
                   repurchase=wilson(counts["repurchased"], customers),
                   service=wilson(counts["retained"], counts["due"]))


def advocacy_counts(*, actor: Actor, period: AdvocacyPeriod) -> dict[str, dict[str, int]]:
    """Per band: customers, referred, repurchased, service due and retained; one aggregate query. Scores stay in
    the database, but the keys are bands: callers decide whether the viewer may see them (``advocacy_report`` does)."""
    if not (actor.is_system or actor.is_staff_role):
        return {band: dict.fromkeys(_COUNTS, 0) for band in BANDS}
    rows = (_outcomes(_latest_answers(actor, period)).values("band").annotate(**_COUNTS).order_by())
    found = {row["band"]: {key: row[key] for key in _COUNTS} for row in rows}
    return {band: found.get(band, dict.fromkeys(_COUNTS, 0)) for band in BANDS}


def advocacy_report(*, actor: Actor, period: AdvocacyPeriod) -> AdvocacyReport:
    """Referral, repurchase and service-retention rates per NPS band with intervals, and promoters against
    detractors; band-free totals only for a viewer who may not see scores. Staff only: an owner gets nothing (one
    person's "rate" means nothing), an anonymous actor nothing either."""
    counts = advocacy_counts(actor=actor, period=period)
    total = _row("all", _("All customers who answered"),
                 {key: sum(counts[band][key] for band in BANDS) for key in _COUNTS})
    if not scores_visible_to(actor) or not (actor.is_system or actor.is_staff_role):
        return AdvocacyReport(period=period, total=total, bands=None, comparisons=None)
    bands = [_row(band, str(BAND_LABELS[band]), counts[band]) for band in BANDS]
    by_band = {row.band: row for row in bands}
    comparisons = [compare(outcome, getattr(by_band[PROMOTER], outcome), getattr(by_band[DETRACTOR], outcome))
                   for outcome in OUTCOMES]
    return AdvocacyReport(period=period, total=total, bands=bands, comparisons=comparisons)


def band_of(score: int) -> str:
    """The band a 0-10 score falls in (the same cut-offs as the database expression above)."""
    return PROMOTER if score >= 9 else PASSIVE if score >= 7 else DETRACTOR



def referral_list(*, actor: Actor, limit: int = 15) -> list[Referral]:
    """The latest referrals the actor may see (their dealer's, their region's, the brand's), newest recorded first."""
    if not (actor.is_system or actor.is_staff_role):
        return []
    return list(Referral.objects.visible_to(actor).select_related("referrer", "dealer")
                .order_by("-recorded_at", "-pk")[:limit])
