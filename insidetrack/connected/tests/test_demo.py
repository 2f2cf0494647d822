"""The demo generator's connected car: readings through the real ingestion and rules, written once."""

from __future__ import annotations

import pytest

from insidetrack.connected.models import DataProvider, Notification, Rule, TelemetryEvent
from insidetrack.demo.generator.connected import connected_generate

pytestmark = pytest.mark.django_db


def test_the_demo_writes_readings_rules_and_notifications_once(world):
    from insidetrack.customers.models import Customer

    Customer.objects.update(consent_connected_car=True)
    counts = connected_generate(seed=3)
    assert DataProvider.objects.count() == 1
    assert Rule.objects.count() == 8
    # the world is too small for a 35% share of the other cars: the demo owner's story alone
    assert counts == {"telemetry_events": 6, "owner_notifications": 6, "connected_cases": 1}
    assert TelemetryEvent.objects.filter(evaluated_at__isnull=True).count() == 0
    assert sorted((row.rule.name, row.read_at is None) for row in Notification.objects.all()) == [
        ("12 V battery weak", True), ("Anticipate to brake gently", False), ("Service due soon", False),
        ("Tyre pressure low", True), ("Tyre pressures uneven", False), ("Warm up before high revs", False)]
    assert connected_generate(seed=3) == {"telemetry_events": 0, "owner_notifications": 0, "connected_cases": 0}
