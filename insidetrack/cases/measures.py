"""Closed-loop measures for head office and regions: how fast and how well dealers answer their customers.

Over the cases opened in a period (30, 90 or 365 days, 90 by default), per dealer, per region and overall:

- cases by kind;
- share responded on time (first contact before the respond-by deadline) and within 24 hours of opening, each over
  the cases that were contacted or whose window has passed (a case opened an hour ago is not late yet);
- median hours to first contact (every kind) and to resolution (recovery cases);
- reopen rate: recovery cases reopened at least once ÷ recovery cases;
- recovery rate: recovery cases whose follow-up score is 9-10 ÷ recovery cases whose follow-up was answered, always
  with the count it rests on and flagged as too few to rank below ``MIN_FOLLOW_UPS_TO_RANK`` answers;
- goodwill spent: approved gestures, summed per currency, and how many;
- open and overdue now: every open case of the dealer whenever it was opened, since old open work is the point.

Every read goes through ``visible_to(actor)``. Counts and sums are aggregated in the database per dealer (conditional
aggregation, portable to SQLite and PostgreSQL) and added up per region and overall in Python; medians are taken in
Python over the durations fetched in one query. The number of queries is four whatever the number of dealers.

Dealers do not get these figures: the issue shows them to head office and regions, and the recovery rate is built
on follow-up scores dealers may not see.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.errors import PermissionDenied
from insidetrack.network.models import Dealer
from insidetrack.network.selectors import dealers_visible_to

from .models import Case, Goodwill, GoodwillStatus
from .policies import AWAITING_CONTACT, OPEN_STATUSES, UNRESOLVED, CaseKind

PERIODS = (30, 90, 365)
DEFAULT_DAYS = 90
MIN_FOLLOW_UPS_TO_RANK = 30
# The brand's promise is 24 hours; the "within 24 hours" share is measured against it whatever a playbook says.
PROMISE = timedelta(hours=24)
# Follow-up scores of 9-10 count as recovered, as ``policies.is_recovered`` says.
RECOVERED_FROM_SCORE = 9


def measures_visible(actor: Actor) -> bool:
    """Head office and region managers (and the platform itself); nobody else."""
    return actor.is_system or actor.is_head_office or actor.is_region_manager


@dataclass(frozen=True, slots=True)
class GoodwillTotal:
    currency: str
    amount: Decimal
    gestures: int


@dataclass(frozen=True, slots=True)
class Rate:
    """A share with the counts it rests on; ``value`` is None when there is nothing to divide by."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True, slots=True)
class MeasureRow:
    """The figures for one dealer, one region or the whole scope."""

    key: str
    label: str
    detail: str
    cases: int
    thank_you: int
    acknowledgement: int
    recovery: int
    responded_on_time: Rate
    responded_within_24_hours: Rate
    median_hours_to_first_contact: float | None
    contacted: int
    median_hours_to_resolution: float | None
    resolved: int
    reopen_rate: Rate
    recovery_rate: Rate
    goodwill: tuple[GoodwillTotal, ...]
    open_now: int
    overdue_now: int

    @property
    def is_recovery_rate_rankable(self) -> bool:
        return self.recovery_rate.denominator >= MIN_FOLLOW_UPS_TO_RANK

    @property
    def goodwill_gestures(self) -> int:
        return sum(total.gestures for total in self.goodwill)


@dataclass(frozen=True, slots=True)
class ClosedLoopMeasures:
    days: int
    since: datetime
    until: datetime
    overall: MeasureRow
    by_region: list[MeasureRow]
    by_dealer: list[MeasureRow]


_COUNT_FIELDS = ("cases", "thank_you", "acknowledgement", "recovery", "on_time", "due", "within_24_hours",
                 "due_24_hours", "reopened", "follow_ups_answered", "recovered", "open_now", "overdue_now")


@dataclass
class _Tally:
    """What is added up for a row before it becomes a ``MeasureRow``."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_COUNT_FIELDS, 0))
    hours_to_first_contact: list[float] = field(default_factory=list)
    hours_to_resolution: list[float] = field(default_factory=list)
    goodwill: dict[str, list] = field(default_factory=dict)  # currency -> [amount, gestures]

    def add_counts(self, counts: dict[str, int]) -> None:
        for name in _COUNT_FIELDS:
            self.counts[name] += counts.get(name) or 0

    def add_goodwill(self, currency: str, amount: Decimal, gestures: int) -> None:
        total = self.goodwill.setdefault(currency, [Decimal("0"), 0])
        # SQLite returns a sum without its decimal places; money is shown with two.
        total[0] = (total[0] + amount).quantize(Decimal("0.01"))
        total[1] += gestures

    def merge(self, other: _Tally) -> None:
        self.add_counts(other.counts)
        self.hours_to_first_contact += other.hours_to_first_contact
        self.hours_to_resolution += other.hours_to_resolution
        for currency, (amount, gestures) in other.goodwill.items():
            self.add_goodwill(currency, amount, gestures)

    def row(self, *, key: str, label: str, detail: str = "") -> MeasureRow:
        c = self.counts
        return MeasureRow(
            key=key, label=label, detail=detail, cases=c["cases"], thank_you=c["thank_you"],
            acknowledgement=c["acknowledgement"], recovery=c["recovery"],
            responded_on_time=Rate(c["on_time"], c["due"]),
            responded_within_24_hours=Rate(c["within_24_hours"], c["due_24_hours"]),
            median_hours_to_first_contact=_median(self.hours_to_first_contact),
            contacted=len(self.hours_to_first_contact),
            median_hours_to_resolution=_median(self.hours_to_resolution),
            resolved=len(self.hours_to_resolution),
            reopen_rate=Rate(c["reopened"], c["recovery"]),
            recovery_rate=Rate(c["recovered"], c["follow_ups_answered"]),
            goodwill=tuple(GoodwillTotal(currency=currency, amount=amount, gestures=gestures)
                           for currency, (amount, gestures) in sorted(self.goodwill.items())),
            open_now=c["open_now"], overdue_now=c["overdue_now"],
        )


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def period_days(value: object) -> int:
    """One of the offered periods, else the default (a page's query string may hold anything)."""
    try:
        days = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return DEFAULT_DAYS
    return days if days in PERIODS else DEFAULT_DAYS


def _counts(*, since: datetime, now: datetime) -> dict[str, Count]:
    in_period = Q(opened_at__gte=since, opened_at__lte=now)
    recovery = in_period & Q(kind=CaseKind.RECOVERY)
    contacted = Q(first_contact_at__isnull=False)
    overdue = (Q(status__in=AWAITING_CONTACT, respond_by__lte=now)
               | Q(kind=CaseKind.RECOVERY, status__in=UNRESOLVED, resolve_by__lte=now))
    return {
        "cases": Count("pk", filter=in_period),
        "thank_you": Count("pk", filter=in_period & Q(kind=CaseKind.THANK_YOU)),
        "acknowledgement": Count("pk", filter=in_period & Q(kind=CaseKind.ACKNOWLEDGEMENT)),
        "recovery": Count("pk", filter=recovery),
        # Due: contacted, or the deadline has passed without contact. A case still inside its window is not late.
        # Against the deadline the case opened with: a reopen moves respond-by, not the promise being measured.
        "due": Count("pk", filter=in_period & (contacted | Q(promised_by__lte=now))),
        "on_time": Count("pk", filter=in_period & Q(first_contact_at__lte=F("promised_by"))),
        "due_24_hours": Count("pk", filter=in_period & (contacted | Q(opened_at__lte=now - PROMISE))),
        "within_24_hours": Count("pk", filter=in_period & Q(first_contact_at__lte=F("opened_at") + PROMISE)),
        "reopened": Count("pk", filter=recovery & Q(reopen_count__gte=1)),
        "follow_ups_answered": Count("pk", filter=recovery & Q(follow_up_score__isnull=False)),
        "recovered": Count("pk", filter=recovery & Q(follow_up_score__gte=RECOVERED_FROM_SCORE)),
        "open_now": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "overdue_now": Count("pk", filter=overdue),
    }


def closed_loop_measures(*, actor: Actor, days: int = DEFAULT_DAYS, region: str = "",
                         now: datetime | None = None) -> ClosedLoopMeasures:
    """The measures the actor may see (403 for anyone but head office and regions), optionally for one region.

    ``region`` is a region code and only narrows what scoping allows (a region manager asking for another region
    gets nothing).
    """
    if not measures_visible(actor):
        raise PermissionDenied(_("The closed-loop measures are for head office and regions."))
    now = now or clock.now()
    days = days if days in PERIODS else DEFAULT_DAYS
    since = now - timedelta(days=days)

    dealers: QuerySet[Dealer] = dealers_visible_to(actor).select_related("region")
    cases = Case.objects.visible_to(actor)
    goodwill = Goodwill.objects.visible_to(actor)
    if region:
        dealers = dealers.filter(region__code=region)
        cases = cases.filter(dealer__region__code=region)
        goodwill = goodwill.filter(case__dealer__region__code=region)

    tallies: dict[int, _Tally] = {}

    def tally(dealer_id: int) -> _Tally:
        return tallies.setdefault(dealer_id, _Tally())

    # 1. Counts per dealer: cases of the period, plus every case open now whenever it was opened.
    relevant = cases.filter(Q(opened_at__gte=since, opened_at__lte=now) | Q(status__in=OPEN_STATUSES))
    # Cases written before the first deadline was kept fall back to the current one.
    relevant = relevant.alias(promised_by=Coalesce("first_respond_by", "respond_by"))
    for row in relevant.values("dealer_id").annotate(**_counts(since=since, now=now)).order_by():
        tally(row["dealer_id"]).add_counts(row)

    # 2. Durations for the medians, in one query.
    durations = cases.filter(opened_at__gte=since, opened_at__lte=now).filter(
        Q(first_contact_at__isnull=False) | Q(kind=CaseKind.RECOVERY, resolved_at__isnull=False))
    for dealer_id, kind, opened_at, first_contact_at, resolved_at in durations.values_list(
            "dealer_id", "kind", "opened_at", "first_contact_at", "resolved_at").order_by():
        if first_contact_at is not None:
            tally(dealer_id).hours_to_first_contact.append(_hours(opened_at, first_contact_at))
        if kind == CaseKind.RECOVERY and resolved_at is not None:
            tally(dealer_id).hours_to_resolution.append(_hours(opened_at, resolved_at))

    # 3. Goodwill approved on the period's cases, per dealer and currency.
    spent = goodwill.filter(status=GoodwillStatus.APPROVED, case__opened_at__gte=since, case__opened_at__lte=now)
    for row in spent.values("case__dealer_id", "currency").annotate(amount=Sum("amount"), gestures=Count("pk")) \
            .order_by():
        tally(row["case__dealer_id"]).add_goodwill(row["currency"], row["amount"] or Decimal("0"), row["gestures"])

    # 4. The dealers themselves, so a dealer without cases is listed too.
    by_dealer, regions, overall = [], {}, _Tally()
    for dealer in sorted(dealers, key=lambda d: (d.region.name, d.name, d.code)):
        dealer_tally = tallies.get(dealer.pk, _Tally())
        by_dealer.append(dealer_tally.row(key=dealer.code, label=dealer.name, detail=dealer.region.name))
        region_tally = regions.setdefault(dealer.region_id, (dealer.region, _Tally()))[1]
        region_tally.merge(dealer_tally)
        overall.merge(dealer_tally)
    by_region = [t.row(key=r.code, label=r.name) for r, t in sorted(regions.values(), key=lambda v: v[0].name)]
    return ClosedLoopMeasures(days=days, since=since, until=now, overall=overall.row(key="", label=str(_("All"))),
                              by_region=by_region, by_dealer=by_dealer)
