"""Pure rules of the closed loop, no ORM: score bands, the case lifecycle, deadlines, empowerment limits.

Kept free of the database so each rule is tested against worked values and reused by the sweep, the pages, the
API and the demo generator alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

from insidetrack.core.errors import InvalidTransition
from insidetrack.core.roles import Role


class ScoreBand(models.TextChoices):
    PROMOTER = "promoter", _("Promoter (9-10)")
    PASSIVE = "passive", _("Passive (7-8)")
    DETRACTOR = "detractor", _("Detractor (0-6)")


class CaseKind(models.TextChoices):
    """The work a response becomes: 9-10 a thank-you call, 7-8 an acknowledgement, 0-6 a recovery case."""

    THANK_YOU = "thank_you", _("Thank-you call")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    RECOVERY = "recovery", _("Recovery case")


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    VERIFIED = "verified", _("Verified")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")


# Statuses in which nobody has spoken to the customer yet (since the case opened or was reopened): the respond-by
# clock runs. Statuses in which a recovery case is not yet put right: the resolve-by clock runs.
AWAITING_CONTACT = frozenset({CaseStatus.NEW, CaseStatus.REOPENED})
UNRESOLVED = frozenset({CaseStatus.NEW, CaseStatus.CONTACTED, CaseStatus.IN_PROGRESS, CaseStatus.REOPENED})
OPEN_STATUSES = frozenset(UNRESOLVED | {CaseStatus.RESOLVED})

S = CaseStatus
# The transition table. A recovery case must be resolved before it can be verified, and verified (or given up with a
# reason) before it closes; thank-you calls and acknowledgements are one contact and done.
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    CaseKind.RECOVERY: {
        S.NEW: frozenset({S.CONTACTED, S.IN_PROGRESS, S.CLOSED}),
        S.CONTACTED: frozenset({S.IN_PROGRESS, S.RESOLVED, S.CLOSED}),
        S.IN_PROGRESS: frozenset({S.RESOLVED, S.CLOSED}),
        S.RESOLVED: frozenset({S.VERIFIED, S.REOPENED, S.CLOSED}),
        S.VERIFIED: frozenset({S.CLOSED, S.REOPENED}),
        S.REOPENED: frozenset({S.CONTACTED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED}),
        S.CLOSED: frozenset({S.REOPENED}),
    },
    CaseKind.THANK_YOU: {
        S.NEW: frozenset({S.CONTACTED, S.CLOSED}),
        S.CONTACTED: frozenset({S.CLOSED}),
        S.CLOSED: frozenset(),
    },
    CaseKind.ACKNOWLEDGEMENT: {
        S.NEW: frozenset({S.CONTACTED, S.CLOSED}),
        S.CONTACTED: frozenset({S.CLOSED}),
        S.CLOSED: frozenset(),
    },
}

# Moves that need a written reason: closing work nobody finished, and reopening. Closing a thank-you call after
# the customer was reached is the normal end and needs none.
_REOPENING = {(S.RESOLVED, S.REOPENED), (S.VERIFIED, S.REOPENED), (S.CLOSED, S.REOPENED)}
REASON_REQUIRED: dict[str, frozenset[tuple[str, str]]] = {
    CaseKind.RECOVERY: frozenset({(S.NEW, S.CLOSED), (S.CONTACTED, S.CLOSED), (S.IN_PROGRESS, S.CLOSED),
                                  (S.REOPENED, S.CLOSED), *_REOPENING}),
    CaseKind.THANK_YOU: frozenset({(S.NEW, S.CLOSED)}),
    CaseKind.ACKNOWLEDGEMENT: frozenset({(S.NEW, S.CLOSED)}),
}


def needs_reason(kind: str, current: str, target: str) -> bool:
    return (current, target) in REASON_REQUIRED.get(kind, frozenset())


# Verifying by hand (the customer confirmed on the phone) is a manager's call; the follow-up survey does it otherwise.
MANAGER_ONLY = frozenset({(S.RESOLVED, S.VERIFIED), (S.CLOSED, S.REOPENED)})
MANAGER_ROLES = frozenset({Role.DEALER_PRINCIPAL, Role.REGION_MANAGER, Role.HEAD_OFFICE})


def band_for(score: int) -> ScoreBand:
    if score >= 9:
        return ScoreBand.PROMOTER
    return ScoreBand.PASSIVE if score >= 7 else ScoreBand.DETRACTOR


KIND_FOR_BAND = {ScoreBand.PROMOTER: CaseKind.THANK_YOU, ScoreBand.PASSIVE: CaseKind.ACKNOWLEDGEMENT,
                 ScoreBand.DETRACTOR: CaseKind.RECOVERY}


def allowed_moves(kind: str, status: str) -> frozenset[str]:
    return TRANSITIONS.get(kind, {}).get(status, frozenset())


def check_transition(*, kind: str, current: str, target: str) -> None:
    """Raise InvalidTransition (409) unless the table allows ``current`` → ``target`` for this kind of case."""
    if target not in allowed_moves(kind, current):
        raise InvalidTransition(
            _("A %(kind)s cannot move from %(current)s to %(target)s.") % {
                "kind": CaseKind(kind).label, "current": CaseStatus(current).label,
                "target": CaseStatus(target).label if target in CaseStatus.values else target},
            field="status",
        )


# --------------------------------------------------------------------------------------------------------------------
# Deadlines

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _intervals(opening_hours: dict, day: datetime) -> list[tuple[time, time]]:
    result = []
    for interval in opening_hours.get(WEEKDAYS[day.weekday()], []) or []:
        try:
            start, end = (time.fromisoformat(value) for value in interval)
        except (TypeError, ValueError):
            continue  # head office edits this JSON; one bad interval must not stop the clock everywhere
        if end > start:
            result.append((start, end))
    return sorted(result)


def add_opening_hours(start: datetime, hours: float, *, time_zone: str, opening_hours: dict) -> datetime:
    """``start`` plus ``hours`` of the dealer's opening hours, counted in its local time; returned in UTC.

    Feedback that arrives on Saturday evening at a dealer closed on Sunday is due 24 opening hours later, i.e. well
    into the week. A dealer with no opening hours at all falls back to the clock (nobody would ever be due otherwise).
    """
    zone = ZoneInfo(time_zone)
    if not any(_intervals(opening_hours, datetime(2024, 1, day)) for day in range(1, 8)):
        return start + timedelta(hours=hours)
    remaining = timedelta(hours=hours)
    local = start.astimezone(zone)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    cursor = local.replace(tzinfo=None)
    for _day in range(3660):  # at most ten years of days: a guard, not a limit anyone meets
        for opens, closes in _intervals(opening_hours, day):
            window_start = max(cursor, datetime.combine(day.date(), opens))
            window_end = datetime.combine(day.date(), closes)
            if window_start >= window_end:
                continue
            available = window_end - window_start
            if remaining <= available:
                return (window_start + remaining).replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))
            remaining -= available
        day += timedelta(days=1)
        cursor = day
    return start + timedelta(hours=hours)


@dataclass(frozen=True, slots=True)
class DeadlineRules:
    """What the policy and the playbook say about time, already merged (playbook first, brand policy second)."""

    respond_within_hours: float
    resolve_within_hours: float | None
    count_opening_hours_only: bool
    time_zone: str
    opening_hours: dict


@dataclass(frozen=True, slots=True)
class Deadlines:
    respond_by: datetime
    resolve_by: datetime | None


def deadlines_for(*, opened_at: datetime, kind: str, rules: DeadlineRules) -> Deadlines:
    """Respond-by for every case; resolve-by only for recovery cases (a thank-you has nothing to resolve)."""
    def add(hours: float) -> datetime:
        if rules.count_opening_hours_only:
            return add_opening_hours(opened_at, hours, time_zone=rules.time_zone, opening_hours=rules.opening_hours)
        return opened_at + timedelta(hours=hours)

    resolve_by = None
    if kind == CaseKind.RECOVERY and rules.resolve_within_hours:
        resolve_by = add(rules.resolve_within_hours)
    return Deadlines(respond_by=add(rules.respond_within_hours), resolve_by=resolve_by)


def time_left(deadline: datetime | None, now: datetime) -> timedelta | None:
    """Signed: negative when overdue. Overdue is computed when read, never stored."""
    return None if deadline is None else deadline - now


# --------------------------------------------------------------------------------------------------------------------
# Empowerment

@dataclass(frozen=True, slots=True)
class EmpowermentLimits:
    """The goodwill each role may give without asking anyone (amounts in the brand's reporting currency)."""

    dealer_staff: Decimal
    dealer_principal: Decimal
    region_manager: Decimal

    def limit_for(self, role: str | None) -> Decimal | None:
        """The role's limit; None means unlimited (head office); Decimal(0) means it may give nothing alone."""
        if role == Role.HEAD_OFFICE:
            return None
        return {Role.DEALER_STAFF: self.dealer_staff, Role.DEALER_PRINCIPAL: self.dealer_principal,
                Role.REGION_MANAGER: self.region_manager}.get(role, Decimal(0))


def within_limit(*, amount: Decimal, role: str | None, limits: EmpowermentLimits) -> bool:
    limit = limits.limit_for(role)
    return limit is None or amount <= limit


def may_approve(*, amount: Decimal, role: str | None, limits: EmpowermentLimits) -> bool:
    """A manager approves what is within their own limit; dealer staff approve nothing."""
    return role in MANAGER_ROLES and within_limit(amount=amount, role=role, limits=limits)


# --------------------------------------------------------------------------------------------------------------------
# Follow-up

def follow_up_outcome(*, score: int, put_right: bool | None) -> str:
    """Verified or reopened: a 0-6, or a "no, you did not put it right", reopens the case."""
    if put_right is False or score <= 6:
        return CaseStatus.REOPENED
    return CaseStatus.VERIFIED


def is_recovered(score: int | None) -> bool:
    """A detractor whose follow-up score is 9-10: the recovery rate's numerator."""
    return score is not None and score >= 9
