"""``POST /api/v1/telemetry``: per-provider tokens, per-event errors that name the field, duplicates never twice."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from insidetrack.accounts.models import ApiToken, hash_token
from insidetrack.connected import services
from insidetrack.connected.models import TelemetryEvent
from insidetrack.connected.schemas import MAX_BATCH_BYTES
from insidetrack.core.tests.pages import client_for

from .conftest import NOW, event

pytestmark = pytest.mark.django_db
URL = "/api/v1/telemetry"


def post(client: Client, token: str | None, events: list[dict] | dict, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    body = events if isinstance(events, dict) else {"events": events}
    return client.post(URL, json.dumps(body), content_type="application/json", **headers, **extra)


def test_a_good_batch_is_stored_once_with_the_owner_and_dealer_of_the_car(connected,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(Client(), connected.token, [event(connected.vin_a, "e1"),
                                                    event(connected.vin_a, "e2", "battery")])
    assert response.status_code == 200
    assert response.json() == {"accepted": [{"index": 0, "event_id": "e1"}, {"index": 1, "event_id": "e2"}],
                               "duplicates": [], "rejected": []}
    stored = TelemetryEvent.objects.order_by("provider_event_id")
    assert [(e.provider_event_id, e.kind, e.customer_id, e.dealer_id, e.vehicle_id) for e in stored] == [
        ("e1", "tyre_pressure", connected.world.customers["a"].pk, connected.world.dealer_a.pk,
         connected.vehicle_a.pk),
        ("e2", "battery", connected.world.customers["a"].pk, connected.world.dealer_a.pk, connected.vehicle_a.pk)]
    assert stored[0].payload == {"unit": "kPa", "front_left": 230, "front_right": 230, "rear_left": 235,
                                 "rear_right": 235}
    assert all(e.evaluated_at == NOW for e in stored)  # rules ran after commit
    connected.provider.refresh_from_db()
    assert connected.provider.last_used_at == NOW


def test_bad_events_are_rejected_by_index_and_field_while_the_good_ones_are_stored(connected):
    batch = [
        event(connected.vin_a, "good-1"),
        event("WAU99999999999999", "unknown"),
        event(connected.vin_a, "bad-pressure", front_left=900),
        event(connected.vin_a, "bad-code", "fault_code", code="X12"),
        event(connected.vin_b, "no-consent"),
        {"event_id": "no-type", "vin": connected.vin_a, "occurred_at": "2026-03-10T09:00:00Z"},
        event(connected.vin_a, "future", occurred_at="2026-03-12T10:00:00Z"),
        event(connected.vin_a, "missing", "battery", voltage_12v=None, state_of_charge=None, state_of_health=None),
        event(connected.vin_a, "good-2", "service_due"),
    ]
    body = post(Client(), connected.token, batch).json()
    assert body["accepted"] == [{"index": 0, "event_id": "good-1"}, {"index": 8, "event_id": "good-2"}]
    assert [(r["index"], r["code"], r["field"]) for r in body["rejected"]] == [
        (1, "unknown_vin", "vin"), (2, "invalid", "front_left"), (3, "invalid", "code"), (4, "no_consent", "vin"),
        (5, "invalid", "type"), (6, "out_of_range", "occurred_at"),
        (7, "invalid", "state_of_charge, voltage_12v or state_of_health")]
    reasons = {r["index"]: r["reason"] for r in body["rejected"]}
    assert reasons[1] == "vin: no vehicle WAU99999999999999 of this brand"
    assert reasons[2] == "front_left: Input should be less than or equal to 600"
    assert reasons[4] == "vin: the owner has not consented to connected-car data; the event was not stored"
    assert sorted(TelemetryEvent.objects.values_list("provider_event_id", flat=True)) == ["good-1", "good-2"]


def test_a_duplicate_in_the_same_batch_and_across_batches_is_acknowledged_never_stored_twice(connected):
    client = Client()
    first = post(client, connected.token, [event(connected.vin_a, "e1"), event(connected.vin_a, "e1")]).json()
    assert first["accepted"] == [{"index": 0, "event_id": "e1"}]
    assert first["duplicates"] == [{"index": 1, "event_id": "e1", "reason": "same event_id as index 0 of this batch"}]
    retry = post(client, connected.token, [event(connected.vin_a, "e1"), event(connected.vin_a, "e2")]).json()
    assert retry["accepted"] == [{"index": 1, "event_id": "e2"}]
    assert retry["duplicates"] == [{"index": 0, "event_id": "e1", "reason": "already received from this provider"}]
    assert TelemetryEvent.objects.filter(provider_event_id="e1").count() == 1
    assert TelemetryEvent.objects.count() == 2


def test_another_provider_may_use_the_same_event_id(connected):
    _other, token = services.provider_create(actor=connected.world.actors["head_office"], name="Other")
    post(Client(), connected.token, [event(connected.vin_a, "e1")])
    body = post(Client(), token, [event(connected.vin_a, "e1")]).json()
    assert body["accepted"] == [{"index": 0, "event_id": "e1"}]
    assert TelemetryEvent.objects.count() == 2


@pytest.mark.parametrize("credential", ["none", "wrong", "revoked", "dealer_token", "session"])
def test_only_an_active_providers_token_is_accepted(connected, credential):
    client, token = Client(), None
    if credential == "wrong":
        token = "ct_not-a-token"
    elif credential == "revoked":
        services.provider_revoke(actor=connected.world.actors["head_office"], provider_pk=connected.provider.pk)
        token = connected.token
    elif credential == "dealer_token":
        raw = ApiToken.generate()
        ApiToken.objects.create(dealer=connected.world.dealer_a, name="DMS", prefix=raw[:8], token_hash=hash_token(raw))
        token = raw
    elif credential == "session":
        client = client_for(connected.world, "head_office")
    response = post(client, token, [event(connected.vin_a, "e1")])
    assert response.status_code == 401
    assert TelemetryEvent.objects.count() == 0


def test_a_batch_over_1000_events_is_refused_naming_the_limit_and_nothing_is_stored(connected):
    batch = [event(connected.vin_a, f"e{i}") for i in range(1001)]
    response = post(Client(), connected.token, batch)
    assert response.status_code == 422
    assert response.json()["field"] == "events"
    assert "at most 1000 items" in response.json()["detail"]
    assert TelemetryEvent.objects.count() == 0


def test_an_oversized_body_is_refused_with_413_naming_the_limit_and_earlier_batches_are_kept(connected):
    client = Client()
    post(client, connected.token, [event(connected.vin_a, "kept")])
    padding = "x" * (MAX_BATCH_BYTES + 10)
    response = post(client, connected.token, {"events": [event(connected.vin_a, "big")], "padding": padding})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert f"at most {MAX_BATCH_BYTES} bytes" in response.json()["detail"]
    assert list(TelemetryEvent.objects.values_list("provider_event_id", flat=True)) == ["kept"]


def test_a_body_that_is_not_a_batch_names_the_field(connected):
    response = post(Client(), connected.token, {"readings": []})
    assert response.status_code == 422
    assert response.json()["field"] == "events"


def test_the_service_refuses_a_batch_over_the_limit_too(connected):
    from insidetrack.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as error:
        services.telemetry_ingest(provider=connected.provider, events=[{}] * 1001)
    assert error.value.field == "events"


def test_the_endpoint_is_documented_in_the_openapi_schema(db):
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/telemetry"]["post"]
    assert sorted(operation["responses"]) == ["200", "401", "413", "422"]
    assert operation["security"] == [{"DataProviderAuth": []}]
