"""POST /api/v1/events: per-item validation, idempotent batches, the batch limit, and who may report for whom."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from insidetrack.accounts.models import ApiToken, hash_token
from insidetrack.accounts.tests.factories import PASSWORD
from insidetrack.customers.tests.factories import CustomerFactory, VehicleFactory
from insidetrack.surveys.models import Invitation, OperationalEvent
from insidetrack.surveys.services import events_record

URL = "/api/v1/events"


def token_client(dealer) -> Client:
    raw = ApiToken.generate()
    ApiToken.objects.create(dealer=dealer, name="DMS", prefix=raw[:8], token_hash=hash_token(raw))
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def session_client(world, role) -> Client:
    client = Client()
    assert client.login(username=world.users[role].email, password=PASSWORD)
    return client


def post(client: Client, body) -> tuple[int, dict]:
    answer = client.post(URL, data=json.dumps(body), content_type="application/json")
    return answer.status_code, answer.json()


@pytest.fixture
def when() -> dt.datetime:
    return timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)


def event(customer, when, key, kind="handover", **extra) -> dict:
    return {"kind": kind, "occurred_at": when.isoformat(), "customer_id": customer.pk, "idempotency_key": key,
            **extra}


def counts() -> tuple[int, int]:
    return OperationalEvent.objects.count(), Invitation.objects.count()


def test_single_event_is_recorded_and_its_invitation_scheduled(world, when):
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
    status, body = post(token_client(world.dealer_a), event(customer, when, "dms-1", external_reference="HO-77"))
    assert status == 200
    created = OperationalEvent.objects.get(idempotency_key="dms-1")
    [result] = body["results"]
    assert {k: body[k] for k in ("received", "created", "duplicates", "rejected")} == {
        "received": 1, "created": 1, "duplicates": 0, "rejected": 0}
    assert parse_datetime(result["invitation"]["scheduled_for"]) == when + dt.timedelta(hours=72)
    result["invitation"]["scheduled_for"] = None
    assert result == {"index": 0, "status": "created", "idempotency_key": "dms-1", "event_pk": created.pk,
                      "invitation": {"decision": "scheduled", "scheduled_for": None, "channel": "email",
                                     "skip_reason": ""},
                      "error": None}
    assert (created.dealer_id, created.customer_id, created.kind, created.source, created.external_reference,
            created.touchpoint.code, created.occurred_at) == (
        world.dealer_a.pk, customer.pk, "handover", "api", "HO-77", "handover", when)
    assert created.invitation.status == "pending"


def test_bad_items_are_rejected_by_index_and_good_ones_kept(world, when):
    mine = CustomerFactory(dealer=world.dealer_a, brand=world.brand, email="Lea@Example.org")
    other = world.customers["b"]
    items = [
        event(mine, when, "k0", kind="test_drive"),
        event(mine, when, "k1", kind="teleport"),
        {**event(mine, when, "k2"), "occurred_at": "2026-11-20T10:00:00"},
        event(other, when, "k3"),
        {"kind": "handover", "occurred_at": when.isoformat(), "customer_email": "nobody@example.org",
         "idempotency_key": "k4"},
        {**event(mine, when, "k5"), "colour": "red"},
        {**event(mine, when, ""), "idempotency_key": ""},
        event(mine, timezone.now() + dt.timedelta(days=1), "k7"),
        {"kind": "handover", "occurred_at": when.isoformat(), "idempotency_key": "k8"},
        {**event(mine, when, "k9"), "occurred_at": "yesterday"},
        "not an object",
    ]
    status, body = post(token_client(world.dealer_a), {"events": items})
    assert status == 200
    assert (body["received"], body["created"], body["rejected"]) == (11, 1, 10)
    errors = [(r["index"], r["status"], r["error"] and (r["error"]["code"], r["error"]["field"]))
              for r in body["results"]]
    assert errors == [
        (0, "created", None),
        (1, "rejected", ("validation_failed", "kind")),
        (2, "rejected", ("validation_failed", "occurred_at")),
        (3, "rejected", ("unknown_customer", "customer_id")),
        (4, "rejected", ("unknown_customer", "customer_email")),
        (5, "rejected", ("validation_failed", "colour")),
        (6, "rejected", ("idempotency_key_required", "idempotency_key")),
        (7, "rejected", ("future_event", "occurred_at")),
        (8, "rejected", ("customer_required", "customer_id")),
        (9, "rejected", ("validation_failed", "occurred_at")),
        (10, "rejected", ("validation_failed", None)),
    ]
    details = {r["index"]: r["error"]["detail"] for r in body["results"] if r["error"]}
    assert details[2] == "occurred_at needs a time zone offset, e.g. +01:00 or Z."
    assert details[3] == f"No customer {other.pk} at dealer {world.dealer_a.code}."
    assert details[5] == "Unknown field(s): colour."
    assert body["results"][1]["idempotency_key"] == "k1"
    assert counts() == (3 + 1, 3 + 1)  # the world's three answered surveys plus the one good item


def test_customer_by_email_is_case_insensitive_and_must_be_unambiguous(world, when):
    mine = CustomerFactory(dealer=world.dealer_a, brand=world.brand, email="lea@example.org")
    CustomerFactory(dealer=world.dealer_a, brand=world.brand, email="twin@example.org")
    CustomerFactory(dealer=world.dealer_a, brand=world.brand, email="TWIN@example.org")
    base = {"kind": "test_drive", "occurred_at": when.isoformat()}
    status, body = post(token_client(world.dealer_a), {"events": [
        {**base, "customer_email": "LEA@example.org", "idempotency_key": "e1"},
        {**base, "customer_email": "twin@example.org", "idempotency_key": "e2"},
    ]})
    assert status == 200
    assert OperationalEvent.objects.get(pk=body["results"][0]["event_pk"]).customer_id == mine.pk
    assert body["results"][1]["error"] == {
        "code": "ambiguous_customer", "field": "customer_email",
        "detail": f"Several customers at dealer {world.dealer_a.code} share e-mail twin@example.org; "
                  f"send customer_id."}


def test_same_batch_twice_creates_nothing_new_and_returns_the_original_results(world, when):
    customers = [CustomerFactory(dealer=world.dealer_a, brand=world.brand) for _ in range(2)]
    items = [event(customers[0], when, "r1"), event(customers[1], when, "r2", kind="test_drive"),
             event(customers[0], when, "r3", kind="deposit_taken"), event(world.customers["b"], when, "r4")]
    client = token_client(world.dealer_a)
    _status, first = post(client, {"events": items})
    before = counts()
    _status, second = post(client, {"events": items})
    assert counts() == before
    assert [r["status"] for r in first["results"]] == ["created", "created", "created", "rejected"]
    assert [r["status"] for r in second["results"]] == ["duplicate", "duplicate", "duplicate", "rejected"]
    for original, retried in zip(first["results"], second["results"], strict=True):
        assert {**retried, "status": None} == {**original, "status": None}
    assert first["results"][2]["invitation"] == {"decision": "skipped", "scheduled_for": None, "channel": "",
                                                 "skip_reason": "contacted_recently"}
    assert (second["created"], second["duplicates"], second["rejected"]) == (0, 3, 1)


def test_a_key_repeated_within_a_batch_is_a_duplicate_of_the_first(world, when):
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
    _status, body = post(token_client(world.dealer_a),
                         {"events": [event(customer, when, "same"), event(customer, when, "same")]})
    assert [r["status"] for r in body["results"]] == ["created", "duplicate"]
    assert body["results"][0]["event_pk"] == body["results"][1]["event_pk"]
    assert OperationalEvent.objects.filter(idempotency_key="same").count() == 1


def test_keys_are_per_dealer(world, when):
    a = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
    c = CustomerFactory(dealer=world.dealer_c, brand=world.brand)
    post(token_client(world.dealer_a), event(a, when, "shared-key"))
    _status, body = post(token_client(world.dealer_c), event(c, when, "shared-key"))
    assert body["results"][0]["status"] == "created"
    assert OperationalEvent.objects.filter(idempotency_key="shared-key").count() == 2


def test_more_than_a_thousand_events_is_a_clear_413_and_writes_nothing(world, when):
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
    before = counts()
    status, body = post(token_client(world.dealer_a),
                        {"events": [event(customer, when, f"k{i}") for i in range(1001)]})
    assert (status, body) == (413, {"code": "batch_too_large", "field": None,
                                    "detail": "A batch holds at most 1,000 events; this one has 1,001. "
                                              "Split it into smaller batches."})
    assert counts() == before


def test_a_full_batch_of_a_thousand_is_accepted(world, when):
    customers = [CustomerFactory(dealer=world.dealer_a, brand=world.brand) for _ in range(10)]
    items = [event(customers[i % 10], when, f"k{i}", kind="service_completed") for i in range(1000)]
    status, body = post(token_client(world.dealer_a), {"events": items})
    assert (status, body["created"], body["rejected"]) == (200, 1000, 0)
    decisions = [r["invitation"]["decision"] for r in body["results"]]
    assert (decisions.count("scheduled"), decisions.count("skipped")) == (10, 990)


def test_a_body_over_the_upload_limit_is_a_413(world, when, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
    status, body = post(token_client(world.dealer_a), {"events": [event(customer, when, f"k{i}") for i in range(20)]})
    assert (status, body["code"]) == (413, "batch_too_large")
    assert body["detail"] == "The request body is too large. Send at most 1,000 events per request."
    assert counts() == (3, 3)


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '{"events": {"kind": "handover"}}'])
def test_malformed_bodies_are_a_422(world, body):
    answer = token_client(world.dealer_a).post(URL, data=body, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["code"] in {"invalid_json", "invalid_body"}
    assert counts() == (3, 3)


# --- who may report for whom -------------------------------------------------------------------------------------

def test_anonymous_and_forged_tokens_are_refused(world, when):
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
    assert post(Client(), event(customer, when, "x"))[0] == 401
    assert post(Client(HTTP_AUTHORIZATION="Bearer it_forged"), event(customer, when, "x"))[0] == 401
    assert counts() == (3, 3)


@pytest.mark.parametrize("role", ["owner", "region_manager"])
def test_owner_and_region_manager_may_not_report_events(world, when, role):
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
    status, body = post(session_client(world, role), event(customer, when, "x"))
    assert (status, body) == (403, {"code": "forbidden", "field": None,
                                    "detail": "Only a dealer system, dealer staff or head office may report events."})
    assert counts() == (3, 3)


@pytest.mark.parametrize(("role", "outcome"), [
    ("head_office", "created"), ("dealer_principal", "created"), ("dealer_staff", "created"),
    ("other_dealer", "rejected"),
])
def test_session_roles_report_for_their_own_dealer_only(world, when, role, outcome):
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
    status, body = post(session_client(world, role), event(customer, when, "x"))
    assert (status, body["results"][0]["status"]) == (200, outcome)
    assert OperationalEvent.objects.filter(customer=customer).count() == (1 if outcome == "created" else 0)


def test_a_dealer_token_cannot_post_for_another_dealer(world, when):
    customer_b = world.customers["b"]
    client = token_client(world.dealer_a)
    _status, body = post(client, {"events": [
        event(customer_b, when, "x1"),
        {**event(customer_b, when, "x2"), "dealer_code": world.dealer_b.code},
    ]})
    assert [r["error"] for r in body["results"]] == [
        {"code": "unknown_customer", "field": "customer_id",
         "detail": f"No customer {customer_b.pk} at dealer {world.dealer_a.code}."},
        {"code": "wrong_dealer", "field": "dealer_code",
         "detail": f"This token reports for dealer {world.dealer_a.code}, not {world.dealer_b.code}."},
    ]
    assert counts() == (3, 3)


def test_head_office_names_the_dealer_and_the_customer_must_belong_to_it(world, when):
    customer_b = CustomerFactory(dealer=world.dealer_b, brand=world.brand)
    client = session_client(world, "head_office")
    _status, body = post(client, {"events": [
        {**event(customer_b, when, "h1"), "dealer_code": world.dealer_b.code},
        {**event(customer_b, when, "h2", kind="test_drive"), "dealer_code": world.dealer_a.code},
        {**event(customer_b, when, "h3"), "dealer_code": "NOPE"},
    ]})
    assert [r["status"] for r in body["results"]] == ["created", "rejected", "rejected"]
    assert [r["error"]["code"] for r in body["results"][1:]] == ["unknown_customer", "unknown_dealer"]
    assert OperationalEvent.objects.get(idempotency_key="h1").dealer_id == world.dealer_b.pk


# --- vehicles and the first service ---------------------------------------------------------------------------

def test_first_service_of_a_vehicle_has_its_own_touchpoint(world, when):
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
    vehicle = VehicleFactory(current_owner=customer)
    stranger = VehicleFactory(current_owner=world.customers["a"])
    _status, body = post(token_client(world.dealer_a), {"events": [
        event(customer, when - dt.timedelta(days=200), "s1", kind="service_completed", vin=vehicle.vin),
        event(customer, when, "s2", kind="service_completed", vin=vehicle.vin),
        event(customer, when, "s3", kind="service_completed", vin="NOSUCHVIN"),
        event(customer, when, "s4", kind="service_completed", vin=stranger.vin),
    ]})
    touchpoints = [OperationalEvent.objects.get(pk=r["event_pk"]).touchpoint.code if r["event_pk"]
                   else r["error"]["code"] for r in body["results"]]
    assert touchpoints == ["first_service", "service_visit", "unknown_vehicle", "vehicle_not_customers"]
    assert OperationalEvent.objects.get(idempotency_key="s1").vehicle_id == vehicle.pk


def test_service_can_be_called_without_keys_by_an_import(world, when):
    from insidetrack.core.actor import Actor

    customer = CustomerFactory(dealer=world.dealer_c, brand=world.brand)
    result = events_record(actor=Actor.system(), source="import", items=[
        {"kind": "ownership_anniversary", "occurred_at": when, "customer_id": customer.pk},
    ])
    [item] = result.results
    assert (item.status, item.idempotency_key, item.invitation.decision) == ("created", "", "scheduled")
    assert OperationalEvent.objects.get(pk=item.event_pk).idempotency_key is None


def test_first_service_looks_at_services_already_on_record(world, when):
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
    vehicle = VehicleFactory(current_owner=customer)
    without_vin = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
    client = token_client(world.dealer_a)
    post(client, {"events": [
        event(customer, when - dt.timedelta(days=300), "old-1", kind="service_completed", vin=vehicle.vin),
        event(without_vin, when - dt.timedelta(days=300), "old-2", kind="service_completed"),
    ]})
    _status, body = post(client, {"events": [
        event(customer, when, "new-1", kind="service_completed", vin=vehicle.vin),
        event(without_vin, when, "new-2", kind="service_completed"),
        # Earlier than anything on record: still the first service.
        event(customer, when - dt.timedelta(days=400), "new-3", kind="service_completed", vin=vehicle.vin),
    ]})
    codes = [OperationalEvent.objects.get(pk=r["event_pk"]).touchpoint.code for r in body["results"]]
    assert codes == ["service_visit", "service_visit", "first_service"]


def test_batch_queries_do_not_grow_with_the_number_of_service_events(world, when):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = token_client(world.dealer_a)

    def batch(size: int, prefix: str) -> int:
        items = []
        for n in range(size):
            customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
            vehicle = VehicleFactory(current_owner=customer)
            items.append(event(customer, when, f"{prefix}-{n}", kind="service_completed", vin=vehicle.vin))
        with CaptureQueriesContext(connection) as queries:
            status, _body = post(client, {"events": items})
        assert status == 200
        return len(queries.captured_queries)

    batch(1, "warm-up")  # loads the default survey rules and stamps the token's last use, both once
    assert batch(3, "small") == batch(30, "large")
