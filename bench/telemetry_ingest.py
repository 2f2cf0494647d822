"""Benchmark: ``POST /api/v1/telemetry`` on PostgreSQL, in events per second, against a naive loader in the same run.

Usage::

    .venv/bin/python bench/telemetry_ingest.py                       # 20 batches of 1,000 events
    .venv/bin/python bench/telemetry_ingest.py --batches 40 --batch-size 500

It (re)creates a PostgreSQL database (``DATABASE_URL`` or ``postgres://postgres@127.0.0.1:5432/
insidetrack_telemetrybench``), migrates it, creates a network, customers who consented to connected-car data, their
vehicles, the default rules and a data provider, then times, through Django Ninja's ``TestClient`` on the project's
API (the real operation: the provider's bearer-token auth, the body-size guard, the batch schema, the per-event
pydantic validation, one VIN lookup per batch, ``COPY`` + ``INSERT … ON CONFLICT DO NOTHING RETURNING``):

* **ingestion**: the endpoint with the after-commit rule evaluation left queued (as with a Celery worker), which
  is what the provider waits for; then the queued evaluations run and are timed on their own;
* **embedded**: the endpoint with evaluation inline after commit (the embedded default, no broker);
* **retry**: the same batches sent again: every event answered as a duplicate, nothing written;
* **baseline**: a naive loader of the same kind of events: per event, a pydantic check, a VIN query and one ORM
  ``save()`` in its own transaction (an ``IntegrityError`` meaning duplicate).

The target is at least 5,000 events per second for ingestion.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import time

from _postgres import django_on_fresh_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/insidetrack_telemetrybench"


def _world(vehicles: int) -> tuple[object, str, list[str]]:
    """A brand with dealers, consenting customers each with a car, default rules and a provider."""
    from django.utils import timezone

    from insidetrack.connected import services
    from insidetrack.connected.models import DataProvider
    from insidetrack.customers.models import Customer, Vehicle
    from insidetrack.journeys.services import brand_setup
    from insidetrack.network.models import Dealer, Region

    brand = brand_setup()
    region = Region.objects.create(brand=brand, code="R1", name="Bench region")
    dealers = Dealer.objects.bulk_create(Dealer(brand=brand, region=region, code=f"D{n:03d}", name=f"Dealer {n}",
                                                country="GB") for n in range(20))
    now = timezone.now()
    people = Customer.objects.bulk_create(
        (Customer(brand=brand, dealer=dealers[n % 20], first_name="Bench", last_name=f"Owner{n}",
                  email=f"owner{n}@example.org", consent_connected_car=True, created_at=now)
         for n in range(vehicles)), batch_size=5_000)
    cars = Vehicle.objects.bulk_create(
        (Vehicle(vin=f"WAU{n:014d}", model="Aurelia GT", model_year=2024, current_owner=person)
         for n, person in enumerate(people)), batch_size=5_000)
    services.rules_seed_defaults(brand_id=brand.pk)
    raw = DataProvider.generate()
    from insidetrack.accounts.models import hash_token

    DataProvider.objects.create(brand=brand, name="Bench", prefix=raw[:10], token_hash=hash_token(raw),
                                created_at=now)
    return brand, raw, [car.vin for car in cars]


def _event(rng: random.Random, vin: str, event_id: str, when: dt.datetime) -> dict:
    """A realistic mix: mostly healthy readings, a few that trip a rule."""
    base = {"event_id": event_id, "vin": vin, "occurred_at": when.isoformat()}
    kind = rng.choices(("tyre_pressure", "battery", "driving_stats", "service_due", "fault_code"),
                       weights=(35, 25, 20, 15, 5))[0]
    if kind == "tyre_pressure":
        low = rng.random() < 0.03
        return base | {"type": kind, "unit": "kPa", "front_left": 180 if low else rng.randint(225, 245),
                       "front_right": rng.randint(225, 245), "rear_left": rng.randint(225, 245),
                       "rear_right": rng.randint(225, 245)}
    if kind == "battery":
        return base | {"type": kind, "voltage_12v": round(rng.uniform(11.6, 12.8), 2),
                       "state_of_charge": rng.randint(40, 100), "state_of_health": rng.randint(80, 100)}
    if kind == "driving_stats":
        return base | {"type": kind, "period_start": (when - dt.timedelta(days=7)).isoformat(),
                       "period_end": when.isoformat(), "distance_km": rng.randint(50, 900),
                       "harsh_braking": rng.randint(0, 20), "hard_acceleration": rng.randint(0, 15),
                       "cold_high_revs": rng.randint(0, 4), "short_trips": rng.randint(0, 25)}
    if kind == "service_due":
        return base | {"type": kind, "days": rng.randint(-5, 365), "km": rng.randint(0, 20000)}
    return base | {"type": kind, "code": rng.choice(("P0420", "P0171", "C0035", "B1000")),
                   "severity": rng.choices(("info", "minor", "serious"), weights=(60, 35, 5))[0]}


def _batches(rng: random.Random, vins: list[str], count: int, size: int, prefix: str) -> list[list[dict]]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return [[_event(rng, rng.choice(vins), f"{prefix}-{b}-{i}", now - dt.timedelta(minutes=rng.randint(0, 600)))
             for i in range(size)] for b in range(count)]


def _post_all(client, token: str, batches: list[list[dict]]) -> tuple[float, dict[str, int]]:
    totals = {"accepted": 0, "duplicates": 0, "rejected": 0}
    started = time.perf_counter()
    for batch in batches:
        response = client.post("/telemetry", data=json.dumps({"events": batch}),
                               content_type="application/json", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        for key in totals:
            totals[key] += len(body[key])
    return time.perf_counter() - started, totals


def _naive(provider, vins: list[str], events: list[dict]) -> float:
    """One pydantic check, one VIN query and one ORM save per event, each in its own transaction."""
    from django.db import IntegrityError, transaction

    from insidetrack.connected.models import TelemetryEvent
    from insidetrack.connected.schemas import EVENT_ADAPTER
    from insidetrack.customers.models import Vehicle

    started = time.perf_counter()
    for raw in events:
        event = EVENT_ADAPTER.validate_python(raw)
        vehicle = Vehicle.objects.select_related("current_owner").filter(vin=event.vin).first()
        if vehicle is None or not vehicle.current_owner.consent_connected_car:
            continue
        payload = json.loads(json.dumps(event.model_dump(mode="json", exclude={"event_id", "vin", "occurred_at",
                                                                                 "type"})))
        try:
            with transaction.atomic():
                TelemetryEvent.objects.create(
                    provider=provider, provider_event_id=event.event_id, brand_id=provider.brand_id,
                    dealer_id=vehicle.current_owner.dealer_id, customer_id=vehicle.current_owner_id, vehicle=vehicle,
                    kind=event.type, occurred_at=event.occurred_at, received_at=event.occurred_at, payload=payload)
        except IntegrityError:
            pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--vehicles", type=int, default=10_000)
    parser.add_argument("--baseline-events", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=9)
    options = parser.parse_args()

    django_on_fresh_database(os.environ.get("DATABASE_URL") or DEFAULT_URL,
                             env={"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"})
    from ninja.testing import TestClient

    from insidetrack.api import api
    from insidetrack.connected import services, tasks
    from insidetrack.connected.models import DataProvider, TelemetryEvent

    rng = random.Random(options.seed)
    _brand, token, vins = _world(options.vehicles)
    provider = DataProvider.objects.get()
    client = TestClient(api)  # the whole API: routing, the provider auth, the body guard, schemas
    # Warm up (imports, prepared statements, pydantic's validators) outside the timings.
    _post_all(client, token, _batches(rng, vins, 1, 50, "warm"))
    size, count = options.batch_size, options.batches
    events_total = size * count

    # 1. Ingestion as a provider sees it: evaluation queued for a worker.
    queued: list[list[int]] = []
    real_delay = tasks.evaluate_events.delay
    tasks.evaluate_events.delay = lambda event_pks: queued.append(event_pks)
    batches = _batches(rng, vins, count, size, "ingest")
    ingest_seconds, totals = _post_all(client, token, batches)
    tasks.evaluate_events.delay = real_delay
    started = time.perf_counter()
    evaluated = sum(services.events_evaluate(event_pks=pks).evaluated for pks in queued)
    evaluate_seconds = time.perf_counter() - started

    # 2. Embedded default: evaluation inline after each batch's commit.
    embedded_seconds, embedded_totals = _post_all(client, token, _batches(rng, vins, count, size, "embedded"))

    # 3. The same batches again: all duplicates.
    retry_seconds, retry_totals = _post_all(client, token, batches)

    # 4. Baseline: a naive loader, one ORM save per event.
    baseline_events = [event for batch in _batches(rng, vins, 1, options.baseline_events, "naive") for event in batch]
    baseline_seconds = _naive(provider, vins, baseline_events)

    rate = events_total / ingest_seconds
    baseline_rate = len(baseline_events) / baseline_seconds
    print(f"PostgreSQL, {count} batches of {size} events ({events_total:,} events), {options.vehicles:,} vehicles, "
          f"{TelemetryEvent.objects.count():,} events stored in the end")
    print(f"ingestion (endpoint, evaluation queued): {ingest_seconds:7.2f} s  {rate:9,.0f} events/s   "
          f"accepted {totals['accepted']:,}, duplicates {totals['duplicates']:,}, rejected {totals['rejected']:,}")
    print(f"rule evaluation of those events:         {evaluate_seconds:7.2f} s  {evaluated / evaluate_seconds:9,.0f} "
          f"events/s")
    print(f"embedded (evaluation inline):            {embedded_seconds:7.2f} s  "
          f"{events_total / embedded_seconds:9,.0f} events/s   accepted {embedded_totals['accepted']:,}")
    print(f"retry of the same batches (duplicates):  {retry_seconds:7.2f} s  {events_total / retry_seconds:9,.0f} "
          f"events/s   duplicates {retry_totals['duplicates']:,}, accepted {retry_totals['accepted']:,}")
    print(f"baseline (one ORM save per event):       {baseline_seconds:7.2f} s  {baseline_rate:9,.0f} events/s   "
          f"({len(baseline_events):,} events)")
    print(f"ratio ingestion / baseline: {rate / baseline_rate:.1f}x   target >= 5,000 events/s: "
          f"{'met' if rate >= 5000 else 'NOT met'}")


if __name__ == "__main__":
    main()
