"""The demo owner (owner@insidetrack.demo) finds real content on every owner page and can sign in by e-mailed link."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from insidetrack.accounts.models import SignInEvent, User
from insidetrack.customers.models import Customer
from insidetrack.demo.generator.owner_portal import owner_portal_generate

from .conftest import DEMO_END, DEMO_SEED

pytestmark = pytest.mark.django_db

OWNER = "owner@insidetrack.demo"


@pytest.fixture
def owner_client(demo_world) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=OWNER))
    return client


def test_the_demo_owner_has_something_on_every_page(demo_world, owner_client):
    customer = Customer.objects.get(email=OWNER)
    assert demo_world.report.counts["owner_new_cars"] == 1
    assert demo_world.report.counts["owner_open_surveys"] == 1
    assert demo_world.report.counts["owner_event_invitations"] == 1
    assert demo_world.report.counts["owner_sign_in_events"] == 2
    vehicles = owner_client.get(reverse("portal:vehicles")).content.decode()
    assert all(vehicle.vin in vehicles for vehicle in customer.vehicles.all())
    new_car = customer.vehicles.get(vin__startswith="ZARDEMO")
    steps = new_car.ownerships.get().handover_plan.items.count()
    assert f"{steps} of {steps} steps ready" in vehicles
    assert "One week after handover" in vehicles and "Three months after handover" in vehicles
    surveys = owner_client.get(reverse("portal:surveys")).content.decode()
    assert surveys.count('href="/s/') == 1
    assert surveys.count('class="score ') == customer.responses.count() >= 3
    invitation = customer.event_invitations.get(status="invited")
    assert invitation.event.title in owner_client.get(reverse("portal:events")).content.decode()
    assert customer.dealer.name in owner_client.get(reverse("portal:dealer")).content.decode()
    assert list(SignInEvent.objects.filter(customer=customer).order_by("at").values_list("kind", flat=True)) == [
        "link_requested", "link_used"]


def test_running_it_again_adds_nothing(demo_world):
    assert owner_portal_generate(seed=DEMO_SEED, end=DEMO_END) == {
        "owner_new_cars": 0, "owner_open_surveys": 0, "owner_event_invitations": 0, "owner_sign_in_events": 0}


def test_the_demo_owner_signs_in_with_a_link(demo_world, mailoutbox, django_capture_on_commit_callbacks):
    cache.clear()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):  # the lookup and the e-mail run after commit
        client.post(reverse("accounts:owner-link-request"), {"email": OWNER})
    (message,) = mailoutbox
    token = re.search(r"/sign-in/link/(sl_[\w-]+)/", message.body).group(1)
    response = client.post(reverse("accounts:owner-link-sign-in", kwargs={"token": token}))
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert int(client.session["_auth_user_id"]) == User.objects.get(email=OWNER).pk
    assert client.get(reverse("portal:home")).status_code == 200
