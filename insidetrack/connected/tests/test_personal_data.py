"""The connected car's section of an owner's data: exported in full, erased to counts."""

from __future__ import annotations

import pytest
from django.db.models import Count

from insidetrack.connected import personal_data, services
from insidetrack.connected.models import Notification, RuleMatch, TelemetryEvent
from insidetrack.core.personal_data import sections

from .conftest import NOW, event

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {
        "events": list(TelemetryEvent.objects.values("dealer_id", "kind").annotate(n=Count("pk")).order_by("kind")),
        "notifications": list(Notification.objects.values("dealer_id", "kind", "rule_id").annotate(n=Count("pk"))
                              .order_by("kind", "rule_id")),
        "matches": list(RuleMatch.objects.values("rule_id", "outcome").annotate(n=Count("pk")).order_by("rule_id")),
    }


def test_the_section_is_registered():
    assert "connected_car" in [section.key for section in sections()]


def test_export_then_erase_keeps_the_counts_and_removes_what_identifies(connected):
    customer = connected.world.customers["a"]
    result = services.telemetry_ingest(provider=connected.provider, events=[
        event(connected.vin_a, "s1", "service_due", days=10), event(connected.vin_a, "b1", "battery")], now=NOW)
    services.events_evaluate(event_pks=result.event_pks, now=NOW)
    exported = personal_data.export(customer.pk)
    assert [(row["kind"], row["vin"]) for row in exported["telemetry_events"]] == [
        ("service_due", connected.vin_a), ("battery", connected.vin_a)]
    assert exported["notifications"][0]["title"] == "Zeit für einen Servicetermin"
    before = counts()
    assert personal_data.erase(customer.pk, NOW) == 3
    assert counts() == before
    assert set(TelemetryEvent.objects.values_list("vehicle_id", flat=True)) == {None}
    assert all(row.payload == {} for row in TelemetryEvent.objects.all())
    assert list(Notification.objects.values_list("title", "body", "email_due_at")) == [("", "", None)]
    assert personal_data.erase(customer.pk, NOW) == 0  # idempotent
    assert personal_data.export(customer.pk)["telemetry_events"][0]["vin"] is None
