"""A data provider with its raw token, the default rules, and customer A's consent to connected-car data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)  # a Tuesday, 10:00 in London


@dataclass
class Connected:
    world: object
    provider: object
    token: str
    vin_a: str  # customer A consented
    vin_b: str  # customer B did not
    vehicle_a: object


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr("insidetrack.core.clock.now", lambda: NOW)
    return NOW


@pytest.fixture
def connected(world) -> Connected:
    from insidetrack.connected import services

    provider, token = services.provider_create(actor=world.actors["head_office"], name="Telematics", now=NOW)
    services.rules_seed_defaults(brand_id=world.brand.pk)
    customer_a = world.customers["a"]
    customer_a.consent_connected_car = True
    customer_a.email = "owner.a@example.org"
    customer_a.language = "de"
    customer_a.save()
    vehicle_a = customer_a.vehicles.get()
    vehicle_a.model = "Aurelia GT"
    vehicle_a.save()
    return Connected(world, provider, token, vehicle_a.vin, world.customers["b"].vehicles.get().vin, vehicle_a)


def event(vin: str, event_id: str, type_: str = "tyre_pressure", **fields) -> dict:
    """One event as a provider sends it; defaults make a healthy reading of the type."""
    base = {"event_id": event_id, "vin": vin, "occurred_at": "2026-03-10T09:30:00Z", "type": type_}
    healthy = {
        "tyre_pressure": {"unit": "kPa", "front_left": 230, "front_right": 230, "rear_left": 235, "rear_right": 235},
        "fault_code": {"code": "P0420", "severity": "minor"},
        "service_due": {"days": 120, "km": 9000},
        "battery": {"voltage_12v": 12.6, "state_of_charge": 90, "state_of_health": 95},
        "driving_stats": {"period_start": "2026-03-02T00:00:00Z", "period_end": "2026-03-09T00:00:00Z",
                          "distance_km": 320, "harsh_braking": 2, "hard_acceleration": 1, "cold_high_revs": 0,
                          "short_trips": 4},
    }[type_]
    return base | healthy | fields
