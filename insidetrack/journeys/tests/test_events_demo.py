"""The demo's experience events, on a small hand-made world: days where attendances were, guests as the rule would
have invited them, and nothing left for the live rule to do twice."""

from __future__ import annotations

import datetime as dt

from insidetrack.customers.tests.factories import CustomerFactory
from insidetrack.demo.generator.events import events_generate
from insidetrack.journeys import services_events
from insidetrack.journeys.models import EventInvitation, ExperienceEvent
from insidetrack.surveys.models import EventKind
from insidetrack.surveys.tests.factories import OperationalEventFactory

END = dt.date(2026, 6, 1)


def _moment(customer, kind, when):
    from insidetrack.journeys.models import Touchpoint

    touchpoint = Touchpoint.objects.get(journey__brand=customer.brand, journey__is_default=True,
                                        code="deposit" if kind == EventKind.DEPOSIT_TAKEN else "experience_event")
    return OperationalEventFactory(customer=customer, kind=kind, occurred_at=when, touchpoint=touchpoint)


def test_demo_days_hold_the_attendees_and_the_invited_depositors(world):
    dealer = world.dealer_a
    came = [CustomerFactory(dealer=dealer, brand=world.brand) for _ in range(3)]
    stayed_away = CustomerFactory(dealer=dealer, brand=world.brand)
    recent = CustomerFactory(dealer=dealer, brand=world.brand)
    for index, customer in enumerate(came):
        _moment(customer, EventKind.DEPOSIT_TAKEN, dt.datetime(2026, 2, 1 + index, 10, tzinfo=dt.UTC))
        _moment(customer, EventKind.EXPERIENCE_ATTENDED, dt.datetime(2026, 3, 14, 11, tzinfo=dt.UTC))
    _moment(stayed_away, EventKind.DEPOSIT_TAKEN, dt.datetime(2026, 2, 5, 10, tzinfo=dt.UTC))
    _moment(recent, EventKind.DEPOSIT_TAKEN, dt.datetime(2026, 5, 20, 10, tzinfo=dt.UTC))

    counts = events_generate(seed=3, end=END)
    days = ExperienceEvent.objects.filter(dealer=dealer).order_by("starts_at")
    assert counts == {"experience_events": 2, "event_invitations": 5}
    held, coming = days
    assert (held.status, held.starts_at.date(), coming.status) == ("held", dt.date(2026, 3, 14), "planned")
    guests = {i.customer_id: i for i in held.invitations.all()}
    assert {c.pk for c in came} <= set(guests) and all(guests[c.pk].attended for c in came)
    assert guests[stayed_away.pk].attended is False
    assert list(coming.invitations.values_list("customer_id", flat=True)) == [recent.pk]
    assert all(i.trigger_reference.startswith("deposit:") for i in EventInvitation.objects.all())
    # The live rule finds every depositor invited already.
    assert services_events.event_invitations_for_depositors(now=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)) == 0
    assert events_generate(seed=3, end=END) == {"experience_events": 0, "event_invitations": 0}
