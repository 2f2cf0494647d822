"""The customer page and its forms, for every role: what each sees, what each may do, and what a refusal leaves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from insidetrack.core.actor import Actor
from insidetrack.core.tests.pages import client_for
from insidetrack.customers.models import CheckIn, HandoverChecklistItem, Ownership, Referral
from insidetrack.customers.services import handover_plan_generate

PAGE_FOR_A = {
    "head_office": 200, "region_manager": 200, "dealer_principal": 200, "dealer_staff": 200,
    "other_dealer": 404, "owner": 403, "anonymous": 302,
}


def _setup_a(world):
    customer = world.customers["a"]
    customer.household, customer.usage, customer.handover_preference = "family", ["family"], "ceremony"
    customer.interests = ["sailing"]
    customer.save()
    ownership = Ownership.objects.get(customer=customer)
    today = timezone.localdate()
    Ownership.objects.filter(pk=ownership.pk).update(started_on=today - dt.timedelta(days=10))
    plan = handover_plan_generate(actor=Actor.system(), ownership_pk=ownership.pk)
    checkin = CheckIn.objects.create(ownership=ownership, kind="week_1", due_on=today - dt.timedelta(days=3),
                                     scheduled_at=timezone.now())
    return customer, ownership, plan, checkin


@pytest.mark.parametrize("role", list(PAGE_FOR_A))
def test_the_customer_page_by_role(world, role):
    customer, _ownership, plan, checkin = _setup_a(world)
    page = client_for(world, role).get(reverse("customers:detail", args=[customer.pk]))
    assert page.status_code == PAGE_FOR_A[role]
    if page.status_code != 200:
        return
    html = page.content.decode()
    assert "Next best action" in html
    # The overdue check-in comes before the open case (both wait; the check-in's date has passed).
    assert html.index('data-code="checkin_overdue"') < html.index('data-code="case_open"')
    assert "Take photos of the owner (and family) with the car" in html
    assert "Fit the child seats and show the ISOFIX points" in html
    assert "Referred Friend of A" in html  # the timeline carries the referral
    assert "Case opened, now New" in html and "Survey answer" in html
    assert "Friend of B" not in html and "Friend of C" not in html
    # Only the dealer's team gets the forms to work the customer.
    works = role in ("dealer_principal", "dealer_staff")
    assert (f'action="{reverse("customers:checkin_record", args=[customer.pk, checkin.pk])}"' in html) is works
    assert (reverse("customers:handover_tick", args=[plan.items.first().pk]) in html) is works


def test_timeline_is_newest_first_and_hides_scores_from_a_dealer(world):
    customer, *_ = _setup_a(world)
    html = client_for(world, "dealer_staff").get(reverse("customers:detail", args=[customer.pk])).content.decode()
    timeline = html[html.index('id="timeline"'):html.index('id="referrals"')]
    assert 'class="score' not in timeline
    hq = client_for(world, "head_office").get(reverse("customers:detail", args=[customer.pk])).content.decode()
    hq_timeline = hq[hq.index('id="timeline"'):hq.index('id="referrals"')]
    assert hq_timeline.count('class="score') == 1 and ">10</span>" in hq_timeline


def test_staff_record_a_referral_from_the_page(world):
    customer = world.customers["a"]
    client = client_for(world, "dealer_staff")
    url = reverse("customers:referral_add", args=[customer.pk])
    refused = client.post(url, {"referred_name": "Sam Lee", "referred_email": "sam@example.org"})
    assert refused.status_code == 422
    assert "Only record a friend who agreed to be contacted." in refused.content.decode()
    assert not Referral.objects.filter(referred_name="Sam Lee").exists()
    done = client.post(url, {"referred_name": "Sam Lee", "referred_email": "sam@example.org", "friend_consents": "on"})
    assert done.status_code == 302
    referral = Referral.objects.get(referred_name="Sam Lee")
    assert (referral.referrer_id, referral.source, referral.friend_consents) == (customer.pk, "dealer", True)
    again = client.post(url, {"referred_name": "Sam", "referred_email": "SAM@example.org", "friend_consents": "on"})
    assert again.status_code == 409 and "already recorded" in again.content.decode()
    moved = client.post(reverse("customers:referral_move", args=[customer.pk, referral.pk]), {"status": "test_drive"})
    assert moved.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "test_drive"
    wrong = client.post(reverse("customers:referral_move", args=[customer.pk, referral.pk]), {"status": "enquired"})
    assert wrong.status_code == 409 and "cannot go from Test drive to Enquired" in wrong.content.decode()


def test_another_dealer_cannot_post_for_the_customer(world):
    customer, _ownership, plan, checkin = _setup_a(world)
    client = client_for(world, "other_dealer")
    item = plan.items.first()
    assert client.post(reverse("customers:referral_add", args=[customer.pk]),
                       {"referred_name": "X", "referred_email": "x@example.org", "friend_consents": "on"}
                       ).status_code == 404
    assert client.post(reverse("customers:handover_tick", args=[item.pk]), {"ticked": "1"}).status_code == 404
    assert client.post(reverse("customers:checkin_record", args=[customer.pk, checkin.pk]),
                       {"outcome": "reached"}).status_code == 404
    assert not Referral.objects.filter(referred_name="X").exists()
    item.refresh_from_db()
    checkin.refresh_from_db()
    assert item.ticked_at is None and checkin.done_at is None


def test_dealer_staff_tick_and_record_a_check_in(world):
    customer, ownership, plan, checkin = _setup_a(world)
    client = client_for(world, "dealer_staff")
    item = plan.items.get(code="photos")
    detail = reverse("customers:detail", args=[customer.pk])
    response = client.post(reverse("customers:handover_tick", args=[item.pk]), {"ticked": "1", "next": detail})
    assert response.status_code == 302 and response["Location"] == f"{detail}#item-{item.pk}"
    item.refresh_from_db()
    assert item.ticked_by_id == world.users["dealer_staff"].pk
    assert HandoverChecklistItem.objects.filter(plan=plan, ticked_at__isnull=False).count() == 1
    # An outside "next" is ignored: the tick comes back to the plan page.
    response = client.post(reverse("customers:handover_tick", args=[item.pk]),
                           {"ticked": "0", "next": "https://evil.example/"})
    assert response["Location"].startswith(reverse("customers:handover", args=[ownership.pk]))
    bad = client.post(reverse("customers:checkin_record", args=[customer.pk, checkin.pk]), {"outcome": "?"})
    assert bad.status_code == 422
    good = client.post(reverse("customers:checkin_record", args=[customer.pk, checkin.pk]),
                       {"outcome": "reached", "note": "All well"})
    assert good.status_code == 302
    checkin.refresh_from_db()
    assert (checkin.outcome, checkin.note) == ("reached", "All well")
    html = client.get(detail).content.decode()
    assert "Check-in: Spoke to the owner" in html and 'data-code="checkin_overdue"' not in html


@pytest.mark.parametrize("role", list(PAGE_FOR_A))
def test_the_handover_page_by_role(world, role):
    _customer, ownership, _plan, _checkin = _setup_a(world)
    page = client_for(world, role).get(reverse("customers:handover", args=[ownership.pk]))
    assert page.status_code == PAGE_FOR_A[role]
    if page.status_code == 200:
        assert "Prepare refreshments" in page.content.decode()


def test_the_handover_page_names_the_powertrain_in_words_and_keeps_an_unknown_one(world):
    _customer, ownership, _plan, _checkin = _setup_a(world)
    client = client_for(world, "dealer_staff")
    for stored, shown in (("plug_in_hybrid", "Plug-in hybrid"), ("hydrogen", "hydrogen")):
        type(ownership.vehicle).objects.filter(pk=ownership.vehicle_id).update(powertrain=stored)
        page = client.get(reverse("customers:handover", args=[ownership.pk])).content.decode()
        assert f"· {shown}</dd>" in page


def test_managers_see_but_do_not_change_the_handover(world):
    _customer, _ownership, plan, _checkin = _setup_a(world)
    item = plan.items.first()
    response = client_for(world, "head_office").post(reverse("customers:handover_tick", args=[item.pk]),
                                                     {"ticked": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.ticked_at is None


def test_the_handover_in_the_timeline_leads_to_its_plan(world):
    from insidetrack.surveys.tests.factories import OperationalEventFactory

    customer, ownership, _plan, _checkin = _setup_a(world)
    OperationalEventFactory(customer=customer, dealer=customer.dealer, vehicle=ownership.vehicle, kind="handover")
    html = client_for(world, "dealer_staff").get(reverse("customers:detail", args=[customer.pk])).content.decode()
    timeline = html[html.index('id="timeline"'):html.index('id="referrals"')]
    assert f'<a href="{reverse("customers:handover", args=[ownership.pk])}">Handover</a>' in timeline


def test_the_customer_page_reads_a_fixed_number_of_queries(world):
    """More cars, plans, check-ins and referrals do not mean more queries (no query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from insidetrack.customers.tests.factories import OwnershipFactory, VehicleFactory

    customer, *_ = _setup_a(world)
    client = client_for(world, "dealer_staff")
    url = reverse("customers:detail", args=[customer.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one_car:
        assert client.get(url).status_code == 200
    for n in range(3):
        extra = OwnershipFactory(vehicle=VehicleFactory(current_owner=customer), started_on=timezone.localdate())
        handover_plan_generate(actor=Actor.system(), ownership_pk=extra.pk)
        CheckIn.objects.create(ownership=extra, kind="week_1", due_on=timezone.localdate(), scheduled_at=timezone.now())
        Referral.objects.create(brand=customer.brand, dealer=customer.dealer, referrer=customer,
                                referred_name=f"Friend {n}", referred_email=f"f{n}@example.org",
                                enquired_at=timezone.now(), recorded_at=timezone.now())
    with CaptureQueriesContext(connection) as four_cars:
        page = client.get(url)
    assert page.content.decode().count('class="car"') == 4
    assert len(four_cars) == len(one_car) == 20


def test_events_appear_in_the_timeline_and_as_the_next_best_action(world):
    """An invitation and a visit are in the timeline; an upcoming event with seats is suggested to a customer who
    accepts marketing, and not to one who does not."""
    from insidetrack.journeys.models import EventInvitation, ExperienceEvent

    customer, *_ = _setup_a(world)
    now = timezone.now()
    past = ExperienceEvent.objects.create(brand=world.brand, dealer=world.dealer_a, title="Spring track day",
                                          starts_at=now - dt.timedelta(days=20), ends_at=now - dt.timedelta(days=19),
                                          place="Circuit Nord", capacity=10, created_at=now - dt.timedelta(days=60))
    EventInvitation.objects.create(event=past, customer=customer, invited_at=now - dt.timedelta(days=40),
                                   status="accepted", attended=True)
    coming = ExperienceEvent.objects.create(brand=world.brand, dealer=world.dealer_a, title="Summer drive-out",
                                            starts_at=now + dt.timedelta(days=25), ends_at=now + dt.timedelta(days=26),
                                            place="Lake", capacity=2, created_at=now)
    EventInvitation.objects.create(event=coming, customer=world.customers["b"], invited_at=now, status="accepted")
    client = client_for(world, "dealer_staff")
    url = reverse("customers:detail", args=[customer.pk])

    customer.consent_marketing = False
    customer.save()
    html = client.get(url).content.decode()
    timeline = html[html.index('id="timeline"'):html.index('id="referrals"')]
    assert "Invited to Spring track day" in timeline and "Came to Spring track day" in timeline
    assert "Summer drive-out" not in html

    customer.consent_marketing = True
    customer.save()
    html = client.get(url).content.decode()
    actions = html[html.index('id="next"'):html.index('id="timeline"')]
    assert 'data-code="event_invite"' in actions and "Summer drive-out · 1 seat left" in actions
    assert reverse("journeys:event", args=[coming.pk]) in actions
