"""The demo owner's portal content: what owner@insidetrack.demo finds on their own pages beyond the generated history.

The generated world gives every customer cars, handover plans, check-ins and answered surveys. The demo owner (the
customer ``users.demo_owner`` picks, the same one the demo sign-in is attached to) also gets what makes the owner
pages worth trying: a new car handed over five days ago with its handover plan and the check-in calls to come (so "My
vehicles" shows them), a survey invitation still open (so "My surveys" offers a link), an invitation to their dealer's
next experience day still to answer (so "My events" has Yes/No buttons), and a past sign-in by e-mailed link (so the
sign-in record is not empty). Runs after the experience events exist; running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from insidetrack.accounts.models import SignInEvent, SignInEventKind
from insidetrack.customers import policies
from insidetrack.customers.models import CheckIn, HandoverChecklistItem, HandoverPlan, Ownership, Vehicle
from insidetrack.journeys.models import EventInvitation, ExperienceEvent, ExperienceEventStatus, InvitedBy, RsvpStatus
from insidetrack.network.models import Brand
from insidetrack.surveys.models import (
    EventKind,
    Invitation,
    InvitationStatus,
    OperationalEvent,
    Purpose,
    Source,
)
from insidetrack.surveys.tokens import new_nonce

from .users import demo_dealer, demo_owner

SEAT_HOLDING = (RsvpStatus.INVITED, RsvpStatus.ACCEPTED)


def owner_portal_generate(*, seed: int = 7, end: dt.date | None = None) -> dict[str, int]:
    """Give each brand's demo owner an open survey, an event invitation to answer and a sign-in record."""
    end_day = end or timezone.localdate()
    # The world's "now" is the end day; a survey link must still work when someone tries a demo built in the past.
    now = timezone.make_aware(dt.datetime.combine(end_day, dt.time(9)))
    counts = {"owner_new_cars": 0, "owner_open_surveys": 0, "owner_event_invitations": 0, "owner_sign_in_events": 0}
    with transaction.atomic():
        for brand in Brand.objects.filter(dealers__isnull=False).distinct().order_by("pk"):
            try:
                customer = demo_owner(demo_dealer(brand))
            except LookupError:
                continue
            counts["owner_new_cars"] += _new_car(customer, now)
            counts["owner_open_surveys"] += _open_survey(customer, now)
            counts["owner_event_invitations"] += _event_invitation(customer, now)
            counts["owner_sign_in_events"] += _sign_ins(customer, now)
    return counts


def _new_car(customer, now: dt.datetime) -> int:
    """A new car of the model they drive most recently, handed over five days ago: its plan done, its calls to come."""
    vin = f"ZARDEMO{customer.pk:010d}"[:17]
    if Vehicle.objects.filter(vin=vin).exists():
        return 0
    latest = customer.vehicles.order_by("-model_year", "-pk").first()
    handed_over = (now - dt.timedelta(days=5)).date()
    registration = f"DM{handed_over:%y} OWN" if customer.dealer.country == "GB" else ""
    vehicle = Vehicle.objects.create(vin=vin, model=latest.model if latest else "Vela", model_year=handed_over.year,
                                     powertrain=latest.powertrain if latest else "", registration=registration,
                                     current_owner=customer)
    ownership = Ownership.objects.create(customer=customer, vehicle=vehicle, selling_dealer_id=customer.dealer_id,
                                         started_on=handed_over, is_new=True)
    codes = policies.handover_checklist(preference=customer.handover_preference, household=customer.household,
                                        usage=customer.usage or [], interests=customer.interests or [],
                                        powertrain=vehicle.powertrain)
    prepared = now - dt.timedelta(days=9)
    plan = HandoverPlan.objects.create(ownership=ownership, handover_preference=customer.handover_preference,
                                       generated_at=prepared)
    HandoverChecklistItem.objects.bulk_create([
        HandoverChecklistItem(plan=plan, code=code, position=position,
                              ticked_at=prepared + dt.timedelta(days=3, hours=position)) for position, code in
        enumerate(codes)])
    CheckIn.objects.bulk_create([
        CheckIn(ownership=ownership, kind=kind, due_on=due_on, scheduled_at=prepared + dt.timedelta(days=4))
        for kind, due_on in policies.checkin_schedule(handover_on=handed_over, today=handed_over)])
    return 1


def _open_survey(customer, now: dt.datetime) -> int:
    """A service visit three days ago whose survey was sent and is still open for ten more days (from today at the
    earliest)."""
    key = f"demo-owner-service-{customer.pk}"
    if OperationalEvent.objects.filter(dealer_id=customer.dealer_id, idempotency_key=key).exists():
        return 0
    from insidetrack.journeys.models import Touchpoint

    touchpoint = Touchpoint.objects.filter(journey__brand_id=customer.brand_id, journey__is_default=True,
                                           code="service_visit").first()
    if touchpoint is None:
        return 0
    vehicle = customer.vehicles.order_by("-model_year", "pk").first()
    visited = now - dt.timedelta(days=3)
    event = OperationalEvent.objects.create(
        brand_id=customer.brand_id, dealer_id=customer.dealer_id, customer=customer, vehicle=vehicle,
        touchpoint=touchpoint, kind=EventKind.SERVICE_COMPLETED, occurred_at=visited, source=Source.DEMO,
        idempotency_key=key)
    Invitation.objects.create(
        brand_id=customer.brand_id, dealer_id=customer.dealer_id, customer=customer, event=event,
        touchpoint=touchpoint, language=customer.language or "en", purpose=Purpose.SURVEY,
        status=InvitationStatus.SENT, scheduled_for=visited + dt.timedelta(hours=20),
        sent_at=visited + dt.timedelta(hours=20), expires_at=max(now, timezone.now()) + dt.timedelta(days=10),
        token_nonce=new_nonce())
    return 1


def _event_invitation(customer, now: dt.datetime) -> int:
    """An invitation, not yet answered, to the dealer's next planned event that still has a free seat."""
    upcoming = (ExperienceEvent.objects.filter(dealer_id=customer.dealer_id, status=ExperienceEventStatus.PLANNED,
                                               starts_at__gt=now).order_by("starts_at", "pk"))
    if EventInvitation.objects.filter(customer=customer, event__in=upcoming).exists():
        return 0
    for event in upcoming:
        if event.invitations.filter(status__in=SEAT_HOLDING).count() < event.capacity:
            EventInvitation.objects.create(event=event, customer=customer, invited_by=InvitedBy.HAND,
                                           invited_at=now - dt.timedelta(days=2), sent_at=now - dt.timedelta(days=2),
                                           token_nonce=secrets.token_urlsafe(16)[:22])
            return 1
    return 0


def _sign_ins(customer, now: dt.datetime) -> int:
    """The demo owner asked for a link and used it a week ago (the demo address is theirs: see users.py)."""
    if SignInEvent.objects.filter(customer=customer).exists():
        return 0
    requested = now - dt.timedelta(days=7, hours=2)
    SignInEvent.objects.bulk_create([
        SignInEvent(customer=customer, kind=SignInEventKind.LINK_REQUESTED, at=requested),
        SignInEvent(customer=customer, kind=SignInEventKind.LINK_USED, at=requested + dt.timedelta(minutes=2)),
    ])
    return 2
