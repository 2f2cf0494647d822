"""The experience event endpoints, read by every role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from insidetrack.core.tests.pages import client_for
from insidetrack.journeys.models import EventInvitation, ExperienceEvent, RsvpStatus

EVENTS = {"head_office": ["a", "c"], "region_manager": ["a"], "dealer_principal": ["a"], "dealer_staff": ["a"],
          "other_dealer": ["c"], "owner": []}


@pytest.fixture
def events(world):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    made = {}
    for key, dealer in (("a", world.dealer_a), ("c", world.dealer_c)):
        made[key] = ExperienceEvent.objects.create(
            brand=world.brand, dealer=dealer, title=f"Drive-out {key}", kind="drive_out", starts_at=start,
            ends_at=start + dt.timedelta(hours=5), place="Lake", capacity=8, created_at=start)
        EventInvitation.objects.create(event=made[key], customer=world.customers[key], invited_at=start,
                                       status=RsvpStatus.ACCEPTED)
    return made


@pytest.mark.parametrize("role", list(EVENTS))
def test_each_role_lists_its_events_only(world, events, role):
    answer = client_for(world, role).get("/api/v1/journey/experience-events?upcoming=true")
    assert answer.status_code == 200
    assert sorted(e["title"] for e in answer.json()) == [f"Drive-out {k}" for k in EVENTS[role]]
    assert all(e["accepted"] == 1 and e["capacity"] == 8 for e in answer.json())


def test_another_dealers_event_is_not_found(world, events):
    client = client_for(world, "dealer_principal")
    assert client.get(f"/api/v1/journey/experience-events/{events['c'].pk}").status_code == 404
    own = client.get(f"/api/v1/journey/experience-events/{events['a'].pk}").json()
    assert [g["customer_pk"] for g in own["guests"]] == [world.customers["a"].pk]


def test_an_owner_reads_their_own_invitations(world, events):
    answer = client_for(world, "owner").get("/api/v1/journey/event-invitations").json()
    assert [(i["event_title"], i["status"]) for i in answer] == [("Drive-out a", "accepted")]
    assert client_for(world, "anonymous").get("/api/v1/journey/event-invitations").status_code == 401
