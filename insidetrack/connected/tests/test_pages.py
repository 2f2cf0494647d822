"""Head office's rules and providers pages, and the owner's notifications page, for every role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insidetrack.connected import services
from insidetrack.connected.models import DataProvider, Notification, NotificationPreference, Rule
from insidetrack.core.tests.pages import client_for

from .conftest import NOW, event

pytestmark = pytest.mark.django_db
ROLES = ["head_office", "region_manager", "dealer_principal", "dealer_staff", "other_dealer", "owner", "anonymous"]
RULE_POST = {"name": "Very low charge", "condition": "battery_charge", "threshold": "15", "severity": "",
             "kind": "alert", "notifies_owner": "on", "cooldown_days": "5", "title": "Charge your car",
             "title_de": "Laden Sie Ihr Fahrzeug", "title_fr": "Rechargez votre véhicule",
             "message": "Charge is at {value} %.", "message_de": "Ladestand {value} %.",
             "message_fr": "Charge {value} %."}


def refused(response, role: str) -> bool:
    return response.status_code == 403 if role != "anonymous" else response.status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_only_head_office_sees_the_rules_and_providers_pages(connected, role):
    client = client_for(connected.world, role)
    for name in ("connected:rules", "connected:rule_new", "connected:providers"):
        response = client.get(reverse(name))
        if role == "head_office":
            assert response.status_code == 200
        else:
            assert refused(response, role), name
    rule = Rule.objects.get(name="Service due soon")
    response = client.get(reverse("connected:rule_edit", args=[rule.pk]))
    assert response.status_code == (200 if role == "head_office" else 403 if role != "anonymous" else 302)
    if role == "head_office":
        html = client.get(reverse("connected:rules")).content.decode()
        assert "Serious fault" in html and "Combine short trips" in html


@pytest.mark.parametrize("role", ROLES)
def test_creating_editing_and_switching_off_a_rule_is_head_office_only(connected, role):
    client = client_for(connected.world, role)
    rule = Rule.objects.get(name="Service due soon")
    before = Rule.objects.count()
    created = client.post(reverse("connected:rule_new"), RULE_POST)
    edited = client.post(reverse("connected:rule_edit", args=[rule.pk]), RULE_POST | {"name": "Renamed",
                                                                                      "condition": "service_days"})
    switched = client.post(reverse("connected:rule_switch", args=[rule.pk]), {"is_active": "0"})
    provider = client.post(reverse("connected:providers"), {"name": "Another"})
    rule.refresh_from_db()
    if role == "head_office":
        assert (created.status_code, edited.status_code, switched.status_code) == (302, 302, 302)
        new = Rule.objects.get(name="Very low charge")
        assert (new.brand_id, new.threshold, new.condition) == (connected.world.brand.pk, 15, "battery_charge")
        assert (rule.name, rule.is_active, rule.threshold) == ("Renamed", False, 15)
        html = provider.content.decode()
        raw = DataProvider.objects.get(name="Another")
        assert provider.status_code == 200 and f"<code class=\"token\">{raw.prefix}" in html
    else:
        assert all(refused(response, role) for response in (created, edited, switched, provider))
        assert Rule.objects.count() == before
        assert (rule.name, rule.is_active) == ("Service due soon", True)
        assert not DataProvider.objects.filter(name="Another").exists()


def test_a_rule_form_names_what_is_missing(connected):
    client = client_for(connected.world, "head_office")
    response = client.post(reverse("connected:rule_new"), RULE_POST | {"threshold": "", "condition": "tyre_low"})
    assert response.status_code == 422
    assert "This condition needs a threshold." in response.content.decode()
    response = client.post(reverse("connected:rule_new"), RULE_POST | {"condition": "fault_severity"})
    assert "Choose the lowest severity that trips a fault-code rule." in response.content.decode()
    assert not Rule.objects.filter(name="Very low charge").exists()


def test_revoking_a_provider_shows_it_revoked(connected):
    client = client_for(connected.world, "head_office")
    response = client.post(reverse("connected:provider_revoke", args=[connected.provider.pk]))
    assert response.status_code == 302
    connected.provider.refresh_from_db()
    assert connected.provider.revoked_at == NOW and connected.provider.is_active is False


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_sees_and_acts_on_their_notifications(connected, role):
    result = services.telemetry_ingest(provider=connected.provider,
                                       events=[event(connected.vin_a, "s1", "service_due", days=10)], now=NOW)
    services.events_evaluate(event_pks=result.event_pks, now=NOW)
    client = client_for(connected.world, role)
    page = client.get(reverse("portal:notifications"))
    read = client.post(reverse("portal:notification_read"))
    prefs = client.post(reverse("portal:notification_preferences"), {"alerts": "weekly", "tips": "off"})
    notification = Notification.objects.get()
    if role == "owner":
        html = page.content.decode()
        assert page.status_code == 200
        assert "Zeit für einen Servicetermin" in html and "is-unread" in html
        assert (read.status_code, prefs.status_code) == (302, 302)
        assert notification.read_at == NOW
        assert NotificationPreference.objects.get().alerts == "weekly"
    else:
        assert all(refused(response, role) for response in (page, read, prefs))
        assert notification.read_at is None
        assert NotificationPreference.objects.count() == 0


def test_the_owner_marks_one_notification_read(connected):
    for index, days in enumerate((10, 3)):
        result = services.telemetry_ingest(provider=connected.provider, events=[
            event(connected.vin_a, f"s{index}", "service_due", days=days)], now=NOW)
        services.events_evaluate(event_pks=result.event_pks, now=NOW)
        Notification.objects.update(rule=None)  # let the second one through the cooldown
    first, second = Notification.objects.order_by("pk")
    client = client_for(connected.world, "owner")
    client.post(reverse("portal:notification_read"), {"notification": str(first.pk)})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.read_at, second.read_at) == (NOW, None)
    assert "1 unread" in client.get(reverse("portal:notifications")).content.decode()


def test_the_command_issues_a_token_that_the_endpoint_accepts_and_revokes_it(world):
    import io
    import json

    from django.core.management import call_command
    from django.test import Client

    output = io.StringIO()
    call_command("dataprovider", "Aurelia Connect", stdout=output)
    raw = output.getvalue().strip().splitlines()[-1]
    assert raw.startswith("ct_")
    assert Rule.objects.filter(brand=world.brand).count() == 8
    body = {"events": [event("WAU99999999999999", "e1")]}
    response = Client().post("/api/v1/telemetry", json.dumps(body), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.json()["rejected"][0]["code"] == "unknown_vin"
    call_command("dataprovider", revoke=raw[:10], stdout=io.StringIO())
    response = Client().post("/api/v1/telemetry", json.dumps(body), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
