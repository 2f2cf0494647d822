"""Experience events for a generated demo world: each dealer's monthly experience days, their guests and answers.

Runs after the world is written and reads it back, like the referrals. The world already holds each depositor's
``deposit_taken`` event and, for about 60% of them, an ``experience_attended`` event with its survey. This module
gives those moments a home: per dealer and month with attendances, one experience day (dated on the month's median
attendance, in the dealer's own time zone) whose guests are that month's attendees (accepted, attended) plus the
dealer's depositors who were invited but did not come (declined, never answered, or accepted and did not show).
Every guest is invited the way the rule does it (``invited_by="rule"``, the deposit as trigger), so the live rule
never invites them again. The surveys of past days exist already, so the days are marked as handed on.

Each dealer also gets the next month's experience day, still planned, with its recent depositors invited and some
answers in, so the events list has something coming up and the public answer links work for people trying the demo.

Deterministic: one ``random.Random`` seeded by the run's seed, walking dealers and customers in key order.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import statistics
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import formats, timezone, translation

from insidetrack.journeys.models import (
    EventInvitation,
    ExperienceEvent,
    ExperienceEventKind,
    ExperienceEventStatus,
    InvitedBy,
    RsvpStatus,
    Touchpoint,
)
from insidetrack.network.models import Dealer
from insidetrack.surveys.models import EventKind, OperationalEvent

# What became of a depositor invited to a day they did not attend.
NO_SHOW_OUTCOMES = ((RsvpStatus.DECLINED, 0.55), (RsvpStatus.INVITED, 0.3), (RsvpStatus.ACCEPTED, 0.15))
BATCH_SIZE = 5_000
PLACES = {"de": "Fahrerlebniszentrum", "fr": "Centre d'expérience", "en": "Experience centre"}


def _pick(rng: random.Random, outcomes: tuple[tuple[str, float], ...]) -> str:
    value, total = rng.random(), 0.0
    for outcome, weight in outcomes:
        total += weight
        if value < total:
            return outcome
    return outcomes[-1][0]


def _title(name: str, day: dt.date, language: str) -> str:
    with translation.override(language):
        return f"{name} · {formats.date_format(day, 'F Y')}"


def events_generate(*, seed: int = 7, end: dt.date | None = None) -> dict[str, int]:
    """Write the demo's experience events and their invitations (once: a world with events is left alone)."""
    if ExperienceEvent.objects.exists():
        return {"experience_events": 0, "event_invitations": 0}
    end_day = end or timezone.localdate()
    now = timezone.make_aware(dt.datetime.combine(end_day, dt.time.min))
    rng = random.Random(f"insidetrack-demo-events:{seed}")
    deposits: dict[int, list[tuple[int, dt.datetime, int]]] = defaultdict(list)
    for pk, dealer, customer, occurred in (OperationalEvent.objects.filter(kind=EventKind.DEPOSIT_TAKEN)
                                           .order_by("dealer_id", "occurred_at", "pk")
                                           .values_list("pk", "dealer_id", "customer_id", "occurred_at")
                                           .iterator(chunk_size=10_000)):
        deposits[dealer].append((pk, occurred, customer))
    attended: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)
    for dealer, customer, occurred in (OperationalEvent.objects.filter(kind=EventKind.EXPERIENCE_ATTENDED)
                                       .order_by("dealer_id", "occurred_at", "pk")
                                       .values_list("dealer_id", "customer_id", "occurred_at")
                                       .iterator(chunk_size=10_000)):
        attended[dealer].append((customer, occurred))
    names = {tp.journey.brand_id: tp for tp in Touchpoint.objects.filter(code="experience_event",
                                                                          journey__is_default=True)
             .select_related("journey")}
    events = invitations = 0
    with transaction.atomic():
        for dealer in Dealer.objects.order_by("pk"):
            touchpoint = names.get(dealer.brand_id)
            if touchpoint is None or (not attended[dealer.pk] and not deposits[dealer.pk]):
                continue
            made = _dealer_events(rng, dealer, touchpoint, deposits[dealer.pk], attended[dealer.pk], now)
            events += made[0]
            invitations += made[1]
    return {"experience_events": events, "event_invitations": invitations}


def _dealer_events(rng: random.Random, dealer: Dealer, touchpoint: Touchpoint,
                   deposits: list[tuple[int, dt.datetime, int]], attendances: list[tuple[int, dt.datetime]],
                   now: dt.datetime) -> tuple[int, int]:
    zone = ZoneInfo(dealer.time_zone or "UTC")
    language = dealer.language if dealer.language in PLACES else "en"
    name = touchpoint.display_name(language)
    place = f"{PLACES[language]} {dealer.city or dealer.name}"
    by_month: dict[tuple[int, int], list[tuple[int, dt.datetime]]] = defaultdict(list)
    for customer, occurred in attendances:
        local = occurred.astimezone(zone)
        by_month[(local.year, local.month)].append((customer, occurred))

    def day_at(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(day, dt.time(10), tzinfo=zone)
        return start, start + dt.timedelta(hours=7)

    # One day per month with attendances, dated on the month's median attendance.
    days: list[tuple[ExperienceEvent, list[int]]] = []
    for (_year, _month), guests in sorted(by_month.items()):
        middle = statistics.median_low([o for _c, o in guests]).astimezone(zone).date()
        starts, ends = day_at(middle)
        if starts >= now:
            continue
        capacity = max(12, round(len(guests) * 1.5 / 4) * 4)
        days.append((ExperienceEvent(
            brand_id=dealer.brand_id, dealer=dealer, kind=ExperienceEventKind.EXPERIENCE_DAY,
            title=_title(name, middle, language), starts_at=starts, ends_at=ends, place=place, capacity=capacity,
            status=ExperienceEventStatus.HELD, created_at=starts - dt.timedelta(days=60),
            surveys_requested_at=ends), [c for c, _o in guests]))
    # The next month's day, still to come.
    upcoming_day = (now + dt.timedelta(days=rng.randint(18, 40))).astimezone(zone).date()
    # A Saturday, and not in the Christmas and New Year holidays.
    while upcoming_day.weekday() != 5 or (upcoming_day.month, upcoming_day.day) >= (12, 20) \
            or (upcoming_day.month, upcoming_day.day) <= (1, 4):
        upcoming_day += dt.timedelta(days=1)
    starts, ends = day_at(upcoming_day)
    upcoming = ExperienceEvent(
        brand_id=dealer.brand_id, dealer=dealer, kind=ExperienceEventKind.EXPERIENCE_DAY,
        title=_title(name, upcoming_day, language), starts_at=starts, ends_at=ends, place=place, capacity=24,
        status=ExperienceEventStatus.PLANNED, created_at=now - dt.timedelta(days=30))
    ExperienceEvent.objects.bulk_create([e for e, _g in days] + [upcoming])

    deposits_of: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)
    for deposit_pk, occurred, customer in deposits:
        deposits_of[customer].append((deposit_pk, occurred))
    rows: list[EventInvitation] = []
    invited_customers: set[int] = set()
    deposit_iter = iter(deposits)
    pending = next(deposit_iter, None)
    for event, guests in days:
        # Deposits up to three weeks before the day were invited to it (the rule's "next day with a free seat").
        cutoff = event.starts_at - dt.timedelta(days=21)
        candidates: list[tuple[int, dt.datetime, int]] = []
        while pending is not None and pending[1] <= cutoff:
            candidates.append(pending)
            pending = next(deposit_iter, None)
        seats = event.capacity
        for customer in guests:
            if customer in invited_customers:
                continue
            deposit = max((d for d in deposits_of.get(customer, ()) if d[1] < event.starts_at),
                          key=lambda d: d[1], default=None)
            invited_at = (deposit[1] if deposit else event.starts_at - dt.timedelta(days=30)) + dt.timedelta(hours=2)
            rows.append(EventInvitation(
                event=event, customer_id=customer, invited_by=InvitedBy.RULE,
                trigger_reference=f"deposit:{deposit[0]}" if deposit else "", status=RsvpStatus.ACCEPTED,
                invited_at=invited_at, sent_at=invited_at,
                responded_at=invited_at + dt.timedelta(hours=rng.randint(2, 96)), attended=True))
            invited_customers.add(customer)
            seats -= 1
        attendees = set(guests)
        for deposit_pk, occurred, customer in candidates:
            if customer in invited_customers or customer in attendees or seats <= 0:
                continue
            if any(c == customer for c, _o in attendances if _o > occurred):
                continue  # they come to a later day
            outcome = _pick(rng, NO_SHOW_OUTCOMES)
            invited_at = occurred + dt.timedelta(hours=2)
            rows.append(EventInvitation(
                event=event, customer_id=customer, invited_by=InvitedBy.RULE, trigger_reference=f"deposit:{deposit_pk}",
                status=outcome, invited_at=invited_at, sent_at=invited_at,
                responded_at=None if outcome == RsvpStatus.INVITED else invited_at + dt.timedelta(
                    hours=rng.randint(3, 120))))
            invited_customers.add(customer)
            seats -= 1
    # The day to come: the last two months' depositors not invited yet, some already answered.
    seats = upcoming.capacity
    recent = [d for d in deposits if now - dt.timedelta(days=60) <= d[1] < now]
    for deposit_pk, occurred, customer in recent:
        if customer in invited_customers or seats <= 0:
            continue
        outcome = _pick(rng, ((RsvpStatus.ACCEPTED, 0.45), (RsvpStatus.INVITED, 0.4), (RsvpStatus.DECLINED, 0.15)))
        invited_at = max(occurred, upcoming.created_at) + dt.timedelta(hours=2)
        answered = outcome != RsvpStatus.INVITED
        rows.append(EventInvitation(
            event=upcoming, customer_id=customer, invited_by=InvitedBy.RULE, trigger_reference=f"deposit:{deposit_pk}",
            status=outcome, invited_at=invited_at, sent_at=invited_at,
            responded_at=min(invited_at + dt.timedelta(hours=rng.randint(3, 72)), now) if answered else None,
            token_nonce="" if answered else secrets.token_urlsafe(16)[:22]))
        invited_customers.add(customer)
        seats -= 1
    EventInvitation.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(days) + 1, len(rows)
