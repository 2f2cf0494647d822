"""Survey response rates: invitations sent, opened and answered per ISO week, dealer and touchpoint.

An invitation counts in the week it was sent (``sent_at``, weeks starting on Monday in the project's time zone, as
ISO 8601 weeks do). Skipped invitations were never sent, so they are not in any rate; head office sees them apart,
counted by the reason they were skipped.

Every read goes through ``Invitation.objects.visible_to(actor)`` and is aggregated in the database.

Dealers (principal and staff, and a dealer system's API token) get the rates only, never the raw counts: a count of
invitations per week and touchpoint is small enough for a dealer to work out which customers were surveyed, and then
to lean on them before they answer. The rates keep the signal a dealer needs ("are our customers answering?") without
that handle. The counts are removed here, in the selectors, so no page or endpoint can leak them by accident.

A rate over very few invitations is a count in disguise (0% of one invitation says "your one customer was surveyed
and has not answered"), so for viewers without counts a rate over fewer than ``MIN_SENT_WITHOUT_COUNTS`` invitations
is withheld as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.journeys.models import Touchpoint
from insidetrack.surveys.models import Invitation, InvitationStatus

RATE_PERIODS = (4, 13, 26)
DEFAULT_WEEKS = 13
MIN_SENT_WITHOUT_COUNTS = 5

# Answering needs the survey page, so an answered invitation was opened even when the open was not recorded
# (an SMS link, or an e-mail client that blocks the tracking request): without this, opened could be below answered.
_ANSWERED = Q(status=InvitationStatus.ANSWERED)
_COUNTS = {
    "sent": Count("pk"),
    "opened": Count("pk", filter=Q(opened_at__isnull=False) | _ANSWERED),
    "answered": Count("pk", filter=_ANSWERED),
}

# Labels for the codes the invitation rules store in ``Invitation.skip_reason``; an unknown code is shown as it is.
SKIP_REASON_LABELS = {
    "no_consent": _("No consent to be surveyed"),
    "fleet_or_staff": _("Fleet or staff purchase"),
    "contacted_recently": _("Surveyed recently (contact limit)"),
    "bounced": _("Address known to bounce"),
    "no_contact": _("No usable e-mail or phone"),
    "no_rule": _("No survey rule for this event"),
    "event_too_old": _("Event reported too late"),
}


@dataclass(frozen=True, slots=True)
class RateFilters:
    """What the viewer narrowed the figures to; codes, so they can come straight from a query string."""

    weeks: int = DEFAULT_WEEKS
    region: str = ""
    dealer: str = ""
    touchpoint: str = ""


@dataclass(frozen=True, slots=True)
class RatePeriod:
    """Whole ISO weeks ending with the current one: ``since`` is a Monday 00:00, ``until`` the next week's Monday."""

    since: datetime
    until: datetime
    week_starts: tuple[date, ...]

    @property
    def current_week(self) -> date:
        return self.week_starts[-1]


@dataclass(frozen=True, slots=True)
class RateRow:
    """One line of a rate table; the three counts are ``None`` for viewers who may not see counts."""

    key: object
    label: str
    detail: str
    sent: int | None
    opened: int | None
    answered: int | None
    opened_rate: float | None
    answered_rate: float | None
    is_withheld: bool = False
    is_partial: bool = False


@dataclass(frozen=True, slots=True)
class RateCell:
    """The finest grain: one ISO week at one dealer for one touchpoint (what the API returns)."""

    week: date
    iso_week: str
    dealer_code: str
    dealer_name: str
    touchpoint: str
    sent: int | None
    opened: int | None
    answered: int | None
    opened_rate: float | None
    answered_rate: float | None
    is_withheld: bool = False


@dataclass(frozen=True, slots=True)
class SkipCount:
    reason: str
    label: str
    count: int


def counts_visible(actor: Actor) -> bool:
    """Head office and region managers see counts; dealers see rates only (see the module docstring for why)."""
    return actor.is_system or actor.is_head_office or actor.is_region_manager


def skipped_visible(actor: Actor) -> bool:
    """Skips follow the brand's contact policy, which head office owns; nobody else is shown them."""
    return actor.is_system or actor.is_head_office


def rate_period(weeks: int, *, now: datetime | None = None) -> RatePeriod:
    """The last ``weeks`` ISO weeks including the current, unfinished one, in the project's time zone."""
    local = timezone.localtime(now or clock.now())
    this_monday = local.date() - timedelta(days=local.weekday())
    first = this_monday - timedelta(weeks=weeks - 1)
    return RatePeriod(
        since=timezone.make_aware(datetime.combine(first, time.min)),
        until=timezone.make_aware(datetime.combine(this_monday + timedelta(weeks=1), time.min)),
        week_starts=tuple(first + timedelta(weeks=index) for index in range(weeks)),
    )


def iso_week(monday: date) -> str:
    """``2026-W47``: how ISO 8601 names a week, readable in every language."""
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _rates(sent: int, opened: int, answered: int, *, with_counts: bool) -> dict[str, int | float | bool | None]:
    """Counts and rates for one row; without counts, only rates, and none over too few invitations."""
    is_withheld = not with_counts and 0 < sent < MIN_SENT_WITHOUT_COUNTS
    shown = sent and not is_withheld
    return {
        "sent": sent if with_counts else None,
        "opened": opened if with_counts else None,
        "answered": answered if with_counts else None,
        "opened_rate": opened / sent if shown else None,
        "answered_rate": answered / sent if shown else None,
        "is_withheld": is_withheld,
    }


def filtered_invitations(actor: Actor, filters: RateFilters) -> QuerySet[Invitation]:
    """The invitations behind rates: the viewer's own (staff only), narrowed by region, dealer and touchpoint codes."""
    invitations = Invitation.objects.visible_to(actor)
    if not (actor.is_system or actor.is_staff_role):
        # An owner may see their own invitations, but rates are a staff figure: one person's "rate" means nothing.
        return invitations.none()
    if filters.region:
        invitations = invitations.filter(dealer__region__code=filters.region)
    if filters.dealer:
        invitations = invitations.filter(dealer__code=filters.dealer)
    if filters.touchpoint:
        invitations = invitations.filter(touchpoint__code=filters.touchpoint)
    return invitations


def _sent(actor: Actor, filters: RateFilters, period: RatePeriod) -> QuerySet[Invitation]:
    return filtered_invitations(actor, filters).filter(sent_at__gte=period.since, sent_at__lt=period.until)


def _week_of(value: datetime) -> date:
    # TruncWeek yields an aware datetime in the current time zone; its date is the local Monday.
    return timezone.localtime(value).date()


def rates_by_week(*, actor: Actor, filters: RateFilters, period: RatePeriod) -> list[RateRow]:
    """One row per week of the period, oldest first; weeks without invitations are there with nothing sent."""
    rows = {
        _week_of(r["week"]): r
        for r in _sent(actor, filters, period).annotate(week=TruncWeek("sent_at")).values("week")
        .annotate(**_COUNTS).order_by()
    }
    with_counts = counts_visible(actor)
    empty = {"sent": 0, "opened": 0, "answered": 0}
    result = []
    for monday in period.week_starts:
        counts = rows.get(monday, empty)
        result.append(RateRow(key=monday, label=iso_week(monday), detail="", is_partial=monday == period.current_week,
                              **_rates(counts["sent"], counts["opened"], counts["answered"], with_counts=with_counts)))
    return result


def rates_overall(*, actor: Actor, filters: RateFilters, period: RatePeriod) -> RateRow:
    """The whole period in one row (its own aggregate: a dealer's weekly rows carry no counts to add up)."""
    counts = _sent(actor, filters, period).aggregate(**_COUNTS)
    return RateRow(key="total", label="", detail="", **_rates(counts["sent"], counts["opened"], counts["answered"],
                                                                with_counts=counts_visible(actor)))


def rates_by_dealer(*, actor: Actor, filters: RateFilters, period: RatePeriod) -> list[RateRow]:
    """One row per dealer that sent invitations in the period, by name; ``detail`` is the dealer's region."""
    with_counts = counts_visible(actor)
    return [
        RateRow(key=r["dealer__code"], label=r["dealer__name"], detail=r["dealer__region__name"],
                **_rates(r["sent"], r["opened"], r["answered"], with_counts=with_counts))
        for r in _sent(actor, filters, period).values("dealer__code", "dealer__name", "dealer__region__name")
        .annotate(**_COUNTS).order_by("dealer__name", "dealer__code")
    ]


def rates_by_touchpoint(*, actor: Actor, filters: RateFilters, period: RatePeriod,
                        touchpoints: Sequence[Touchpoint]) -> list[RateRow]:
    """One row per touchpoint with invitations, in journey order; names come from ``touchpoints`` (the caller has
    them already for its filter), in the viewer's language."""
    rows = {r["touchpoint_id"]: r for r in _sent(actor, filters, period).values("touchpoint_id")
            .annotate(**_COUNTS).order_by()}
    with_counts = counts_visible(actor)
    return [
        RateRow(key=t.code, label=t.display_name(), detail="",
                **_rates(rows[t.pk]["sent"], rows[t.pk]["opened"], rows[t.pk]["answered"], with_counts=with_counts))
        for t in touchpoints if t.pk in rows
    ]


def rates_breakdown(*, actor: Actor, filters: RateFilters, period: RatePeriod) -> list[RateCell]:
    """Every (week, dealer, touchpoint) with invitations sent, grouped in one query; ordered by week, dealer code and
    touchpoint code so that consecutive exports compare line by line."""
    with_counts = counts_visible(actor)
    rows = (
        _sent(actor, filters, period).annotate(week=TruncWeek("sent_at"))
        .values("week", "dealer__code", "dealer__name", "touchpoint__code").annotate(**_COUNTS)
        .order_by("week", "dealer__code", "touchpoint__code")
    )
    return [
        RateCell(week=_week_of(r["week"]), iso_week=iso_week(_week_of(r["week"])), dealer_code=r["dealer__code"],
                 dealer_name=r["dealer__name"], touchpoint=r["touchpoint__code"],
                 **_rates(r["sent"], r["opened"], r["answered"], with_counts=with_counts))
        for r in rows
    ]


def skip_reasons(*, actor: Actor, filters: RateFilters, period: RatePeriod) -> list[SkipCount] | None:
    """Invitations deliberately not sent in the period (by when they were due), per reason, most frequent first.

    ``None`` for anyone but head office (see ``skipped_visible``).
    """
    if not skipped_visible(actor):
        return None
    rows = (
        filtered_invitations(actor, filters)
        .filter(status=InvitationStatus.SKIPPED, scheduled_for__gte=period.since, scheduled_for__lt=period.until)
        .values("skip_reason").annotate(count=Count("pk")).order_by("-count", "skip_reason")
    )
    return [SkipCount(reason=r["skip_reason"], count=r["count"],
                      label=str(SKIP_REASON_LABELS.get(r["skip_reason"], r["skip_reason"] or _("No reason recorded"))))
            for r in rows]
