"""Pure rules of the customer relationship: the handover checklist, the check-in schedule, referral transitions and
the next best action. No ORM here: services and selectors feed these plain values and store or show the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import CheckInKind, HandoverPreference, Household, ReferralStatus

# --------------------------------------------------------------------------------------------------------------------
# Handover checklist

# Every item a plan can hold, in the order a handover runs. Labels are translated when shown; rows store the code,
# so a plan generated in one language reads in another.
CHECKLIST_ITEMS: dict[str, object] = {
    "confirm_time": _("Confirm date, time and who comes along"),
    "paperwork_ready": _("Prepare registration, insurance and finance papers"),
    "valet": _("Valet the car and check it is free of marks"),
    "fuel_or_charge": _("Fill the tank or charge the battery fully"),
    "app_paired": _("Pair the owner's phone and set up the brand app"),
    "quick_walkaround": _("Keep it short: a ten-minute walk-around, then keys"),
    "full_walkaround": _("Full walk-around of the car and its controls"),
    "reserve_bay": _("Reserve the handover bay and unveil the car under a cover"),
    "photos": _("Take photos of the owner (and family) with the car"),
    "refreshments": _("Prepare refreshments"),
    "child_seats": _("Fit the child seats and show the ISOFIX points"),
    "family_features": _("Show the rear-seat and child-lock features to the family"),
    "transport_home": _("Arrange transport: the car goes to the owner's home or work"),
    "delivery_driver": _("Brief the delivery driver on the walk-around"),
    "charging_briefing": _("Explain charging at home and on the road"),
    "track_briefing": _("Track-day briefing: tyres, brakes, driving modes and warranty on track"),
    "weekend_tour": _("Suggest a first weekend route and the brand's driving experiences"),
    "business_setup": _("Set up business features: calendar, navigation to the office, invoices"),
    "interests_gift": _("Prepare a small welcome gift that fits the owner's interests"),
    "service_intro": _("Introduce the service adviser and book the first check"),
    "explain_checkins": _("Tell the owner we will call after one week, three months and a year"),
}


def checklist_item_label(code: str) -> str:
    """The item's translated label (an unknown code, e.g. from an older release, shows as itself)."""
    return str(CHECKLIST_ITEMS.get(code, code))


def handover_checklist(*, preference: str, household: str = "", usage: Sequence[str] = (),
                       interests: Sequence[str] = (), powertrain: str = "") -> list[str]:
    """The checklist for a handover, as item codes in running order.

    The customer's own wish decides the shape: someone who wants to drive straight off gets a short list (no
    ceremony forced on them); a ceremony gets the bay, photos and refreshments; a delivery gets the transport.
    The household, the use of the car, interests and the powertrain then add what fits this person.
    """
    usage_set = {u.lower() for u in usage}
    codes = ["confirm_time", "paperwork_ready", "valet", "fuel_or_charge"]
    if preference == HandoverPreference.QUICK:
        codes += ["app_paired", "quick_walkaround"]
    elif preference == HandoverPreference.HOME:
        codes += ["transport_home", "delivery_driver", "app_paired", "full_walkaround"]
    else:
        # A ceremony, or not asked yet: the full handover is the safe default; ceremony adds the moment itself.
        codes += ["app_paired", "full_walkaround"]
        if preference == HandoverPreference.CEREMONY:
            codes += ["reserve_bay", "photos", "refreshments"]
    if household == Household.FAMILY or "family" in usage_set:
        codes += ["child_seats"]
        if preference != HandoverPreference.QUICK:
            codes += ["family_features"]
    if powertrain.lower() in {"electric", "plug_in_hybrid"}:
        codes += ["charging_briefing"]
    if "track" in usage_set:
        codes += ["track_briefing"]
    if "weekend" in usage_set and preference != HandoverPreference.QUICK:
        codes += ["weekend_tour"]
    if "business" in usage_set:
        codes += ["business_setup"]
    if interests and preference == HandoverPreference.CEREMONY:
        codes += ["interests_gift"]
    codes += ["service_intro", "explain_checkins"]
    return list(dict.fromkeys(codes))


# --------------------------------------------------------------------------------------------------------------------
# Check-ins after the handover

CHECKIN_OFFSETS: dict[str, dt.timedelta] = {
    CheckInKind.WEEK_1: dt.timedelta(days=7),
    CheckInKind.MONTH_3: dt.timedelta(days=91),
    CheckInKind.MONTH_12: dt.timedelta(days=365),
}
# A check-in is worth making a little late, but not once the next one is due: older ones are not scheduled at all
# for an ownership that reaches the system late (an import of a car handed over two years ago).
CHECKIN_GRACE = dt.timedelta(days=30)
# How far ahead a check-in shows as "due soon" in the next best action.
CHECKIN_DUE_SOON = dt.timedelta(days=7)


def checkin_schedule(*, handover_on: dt.date, today: dt.date) -> list[tuple[str, dt.date]]:
    """The check-ins to schedule for a car handed over on ``handover_on``: (kind, due date), earliest first.

    Check-ins whose date passed more than ``CHECKIN_GRACE`` ago are left out: calling "one week after" a year late
    is noise, not care.
    """
    return [(kind, handover_on + offset) for kind, offset in CHECKIN_OFFSETS.items()
            if handover_on + offset + CHECKIN_GRACE >= today]


def checkin_state(*, due_on: dt.date, done: bool, today: dt.date) -> str:
    """``done``, ``overdue`` (the due date passed), ``due`` (within a week) or ``scheduled``."""
    if done:
        return "done"
    if due_on < today:
        return "overdue"
    if due_on <= today + CHECKIN_DUE_SOON:
        return "due"
    return "scheduled"


# --------------------------------------------------------------------------------------------------------------------
# Referrals

REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.ENQUIRED: frozenset({ReferralStatus.TEST_DRIVE, ReferralStatus.BOUGHT, ReferralStatus.LOST}),
    ReferralStatus.TEST_DRIVE: frozenset({ReferralStatus.BOUGHT, ReferralStatus.LOST}),
    # A lost friend may come back: the lead reopens (their first enquiry date stays).
    ReferralStatus.LOST: frozenset({ReferralStatus.ENQUIRED}),
    ReferralStatus.BOUGHT: frozenset(),
}
# Which timestamp records each state.
REFERRAL_STATE_FIELD = {ReferralStatus.TEST_DRIVE: "test_drive_at", ReferralStatus.BOUGHT: "bought_at",
                        ReferralStatus.LOST: "lost_at"}


def referral_can_move(current: str, target: str) -> bool:
    return target in REFERRAL_TRANSITIONS.get(current, frozenset())


# A lead nobody moved on for this long needs a follow-up call.
REFERRAL_FOLLOW_UP_AFTER = dt.timedelta(days=14)

# --------------------------------------------------------------------------------------------------------------------
# Next best action


@dataclass(frozen=True)
class CheckInFact:
    pk: int
    kind: str
    due_on: dt.date
    vehicle: str


@dataclass(frozen=True)
class CaseFact:
    pk: int
    status: str
    respond_by: dt.datetime | None
    has_been_contacted: bool


@dataclass(frozen=True)
class ReferralFact:
    pk: int
    friend: str
    status: str
    last_moved_at: dt.datetime


@dataclass(frozen=True)
class DetractorFact:
    response_pk: int
    submitted_at: dt.datetime
    touchpoint: str


@dataclass(frozen=True)
class EventFact:
    """An experience event the customer could be invited to, or one they were invited to and have not answered."""

    pk: int
    title: str
    starts_at: dt.datetime
    free_seats: int = 0


@dataclass(frozen=True)
class HandoverFact:
    ownership_pk: int
    vehicle: str
    started_on: dt.date
    open_items: int
    has_plan: bool


@dataclass(frozen=True)
class CustomerFacts:
    """What the next-best-action rules know about one customer; selectors fill it through the scoping entry point.

    A later rule that needs more (events to invite to, say) adds a field with an empty default and a rule.
    """

    open_checkins: tuple[CheckInFact, ...] = ()
    open_cases: tuple[CaseFact, ...] = ()
    open_referrals: tuple[ReferralFact, ...] = ()
    # Only filled for viewers allowed to see scores: the band of an answer is a score.
    recent_detractors_without_case: tuple[DetractorFact, ...] = ()
    recent_handovers: tuple[HandoverFact, ...] = ()
    has_handover_preference: bool = True
    # Upcoming events at the customer's dealer with seats left that they were not invited to (only filled for
    # customers who accept marketing: an invitation they did not ask for is marketing), and invitations that are
    # still unanswered.
    events_to_invite_to: tuple[EventFact, ...] = ()
    unanswered_event_invitations: tuple[EventFact, ...] = ()


@dataclass(frozen=True)
class NextAction:
    """Something to do for the customer. ``urgency`` orders actions (lower first), ``due`` breaks ties."""

    code: str
    title: str
    detail: str
    urgency: int
    due: dt.datetime | None = None
    target: tuple[str, int] | None = None  # (kind, pk) of the row to act on, for a link

    @property
    def is_overdue(self) -> bool:
        return self.urgency < 10


NextActionRule = Callable[[CustomerFacts, dt.datetime], Iterable[NextAction]]

# Urgency bands: overdue promises first, then waiting customers, then work coming up, then opportunities.
OVERDUE = 0
WAITING = 10
SOON = 20
OPPORTUNITY = 30
HOUSEKEEPING = 40

# An unanswered invitation is worth a call in the last fortnight before the event; the first event worth inviting to
# is one within two months.
EVENT_REMINDER_WINDOW = dt.timedelta(days=14)
EVENT_INVITE_WINDOW = dt.timedelta(days=60)

# Handover plans matter from shortly before to shortly after the car leaves.
HANDOVER_WINDOW = dt.timedelta(days=30)
DETRACTOR_WINDOW = dt.timedelta(days=30)


def _day_start(day: dt.date, now: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=now.tzinfo)


def _case_rule(facts: CustomerFacts, now: dt.datetime) -> Iterable[NextAction]:
    for case in facts.open_cases:
        late = case.respond_by is not None and case.respond_by < now and not case.has_been_contacted
        yield NextAction(
            code="case_overdue" if late else "case_open",
            title=str(_("Respond to the open case") if late or not case.has_been_contacted
                      else _("Finish the open case")),
            detail=str(_("The promised first response is overdue.") if late
                       else _("The customer is waiting for the case to be put right.")),
            urgency=OVERDUE if late else WAITING, due=case.respond_by, target=("case", case.pk))


def _checkin_rule(facts: CustomerFacts, now: dt.datetime) -> Iterable[NextAction]:
    today = now.date()
    for checkin in facts.open_checkins:
        state = checkin_state(due_on=checkin.due_on, done=False, today=today)
        if state == "scheduled":
            continue
        label = str(CheckInKind(checkin.kind).label) if checkin.kind in CheckInKind.values else checkin.kind
        yield NextAction(
            code=f"checkin_{state}", title=str(_("Call for the check-in")),
            detail=f"{label} · {checkin.vehicle}", urgency=OVERDUE + 1 if state == "overdue" else SOON,
            due=_day_start(checkin.due_on, now), target=("checkin", checkin.pk))


def _detractor_rule(facts: CustomerFacts, now: dt.datetime) -> Iterable[NextAction]:
    for answer in facts.recent_detractors_without_case:
        if now - answer.submitted_at <= DETRACTOR_WINDOW:
            yield NextAction(code="detractor_without_case", title=str(_("Call about recent unhappy feedback")),
                             detail=str(_("An unhappy answer about %(touchpoint)s has no case yet.")
                                        % {"touchpoint": answer.touchpoint}),
                             urgency=WAITING + 1, due=answer.submitted_at, target=("response", answer.response_pk))


def _handover_rule(facts: CustomerFacts, now: dt.datetime) -> Iterable[NextAction]:
    for handover in facts.recent_handovers:
        if abs(_day_start(handover.started_on, now) - now) > HANDOVER_WINDOW:
            continue
        if not handover.has_plan:
            yield NextAction(code="handover_plan_missing", title=str(_("Prepare the handover plan")),
                             detail=handover.vehicle, urgency=SOON + 1,
                             due=_day_start(handover.started_on, now), target=("ownership", handover.ownership_pk))
        elif handover.open_items:
            yield NextAction(code="handover_items_open", title=str(_("Finish the handover checklist")),
                             detail=ngettext("%(count)s item open · %(vehicle)s", "%(count)s items open · %(vehicle)s",
                                             handover.open_items)
                             % {"count": handover.open_items, "vehicle": handover.vehicle},
                             urgency=SOON + 2, due=_day_start(handover.started_on, now),
                             target=("ownership", handover.ownership_pk))


def _referral_rule(facts: CustomerFacts, now: dt.datetime) -> Iterable[NextAction]:
    for referral in facts.open_referrals:
        stale = now - referral.last_moved_at >= REFERRAL_FOLLOW_UP_AFTER
        yield NextAction(
            code="referral_stale" if stale else "referral_new",
            title=str(_("Follow up the referred friend")),
            detail=f"{referral.friend} · {ReferralStatus(referral.status).label}",
            urgency=OPPORTUNITY if stale else OPPORTUNITY + 1,
            due=referral.last_moved_at + REFERRAL_FOLLOW_UP_AFTER, target=("referral", referral.pk))


def _preference_rule(facts: CustomerFacts, now: dt.datetime) -> Iterable[NextAction]:
    if not facts.has_handover_preference:
        yield NextAction(code="ask_handover_preference", title=str(_("Ask how they want their handover")),
                         detail=str(_("Drive straight off, or a moment with family, photos and refreshments?")),
                         urgency=HOUSEKEEPING)


def _event_rule(facts: CustomerFacts, now: dt.datetime) -> Iterable[NextAction]:
    for event in facts.unanswered_event_invitations:
        if now <= event.starts_at <= now + EVENT_REMINDER_WINDOW:
            yield NextAction(code="event_unanswered", title=str(_("Ask whether they are coming")),
                             detail=str(_("%(event)s: the invitation is unanswered.") % {"event": event.title}),
                             urgency=SOON + 3, due=event.starts_at - dt.timedelta(days=2), target=("event", event.pk))
    # One suggestion is enough: the soonest event with a seat.
    for event in sorted(facts.events_to_invite_to, key=lambda e: e.starts_at)[:1]:
        if now <= event.starts_at <= now + EVENT_INVITE_WINDOW and event.free_seats > 0:
            yield NextAction(code="event_invite", title=str(_("Invite to the next event")),
                             detail=ngettext("%(event)s · %(count)s seat left", "%(event)s · %(count)s seats left",
                                             event.free_seats) % {"event": event.title, "count": event.free_seats},
                             urgency=OPPORTUNITY + 2, due=event.starts_at, target=("event", event.pk))


# The rules, in no particular order (ordering comes from urgency). Extend with ``next_action_rule_register``.
NEXT_ACTION_RULES: list[NextActionRule] = [_case_rule, _checkin_rule, _detractor_rule, _handover_rule,
                                           _referral_rule, _preference_rule, _event_rule]


def next_action_rule_register(rule: NextActionRule) -> NextActionRule:
    """Add a rule (usable as a decorator), so another app can suggest actions without this module knowing it."""
    if rule not in NEXT_ACTION_RULES:
        NEXT_ACTION_RULES.append(rule)
    return rule


def next_best_actions(facts: CustomerFacts, *, now: dt.datetime,
                      rules: Sequence[NextActionRule] | None = None) -> list[NextAction]:
    """Every suggested action for the customer, most urgent first; within an urgency, the earliest due first."""
    actions = [action for rule in (NEXT_ACTION_RULES if rules is None else rules) for action in rule(facts, now)]
    far = dt.datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(actions, key=lambda a: (a.urgency, a.due or far, a.code))


__all__ = [
    "CHECKIN_OFFSETS", "CHECKLIST_ITEMS", "REFERRAL_TRANSITIONS", "CaseFact", "CheckInFact", "CustomerFacts",
    "DetractorFact", "HandoverFact", "NextAction", "ReferralFact", "checkin_schedule", "checkin_state",
    "checklist_item_label", "handover_checklist", "next_action_rule_register", "next_best_actions",
    "referral_can_move",
]
