"""The connected car in a generated demo world: a data provider, the default rules, and four weeks of readings.

Runs after the world is written, like the referrals. A share of the cars whose owners consented to connected-car
data (and the demo owner's car, whose owner is given that consent) send a week's readings each week: tyre pressures,
the 12 V battery, the week's driving statistics, the service countdown, now and then a fault code. Most readings are
healthy; some trip a rule. The readings go through the real ingestion service (bulk insert, duplicates settled by the
database) and the real rule evaluation, replayed week by week with that week's clock, so cooldowns, digests, tips
and the dealers' proactive cases come out as they would have. E-mails whose time has passed are marked as sent (the
demo does not flood the mail folder with a month of alerts on its first sweep).

The demo owner's car tells a story: uneven tyres four weeks ago, a service coming up, two driving tips, then a weak
battery (an alert and a case for the dealer) and, today, a soft tyre, still unread.

Deterministic: one ``random.Random`` seeded by the run's seed, walking cars in key order.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import F
from django.utils import timezone

from insidetrack.connected import services
from insidetrack.connected.models import DataProvider, Notification, TelemetryEvent
from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.customers.models import Customer, Vehicle
from insidetrack.network.models import Brand

from .users import demo_dealer, demo_owner

SHARE = 0.35  # of consenting owners' cars
MAX_CARS = 600
WEEKS = 4
BATCH = 1000


def _now(end: dt.date | None) -> dt.datetime:
    if end is None or end >= timezone.localdate():
        return clock.now()
    return timezone.make_aware(dt.datetime.combine(end, dt.time(17, 0)))


def _week(rng: random.Random, vin: str, week: int, at: dt.datetime, service_days: int) -> list[dict]:
    """One car's readings for one week: mostly healthy, now and then something a rule notices."""
    stamp = at.isoformat()
    key = f"{vin}-w{week}"
    soft = rng.random() < 0.04
    tyres = {wheel: rng.randint(228, 242) for wheel in ("front_left", "front_right", "rear_left", "rear_right")}
    if soft:
        tyres[rng.choice(list(tyres))] = rng.randint(170, 195)
    elif rng.random() < 0.06:
        tyres[rng.choice(list(tyres))] -= rng.randint(32, 40)
    distance = rng.randint(60, 700)
    events = [
        {"event_id": f"{key}-tyres", "vin": vin, "occurred_at": stamp, "type": "tyre_pressure", "unit": "kPa",
         **tyres},
        {"event_id": f"{key}-battery", "vin": vin, "occurred_at": stamp, "type": "battery",
         "voltage_12v": round(rng.uniform(11.5, 11.8), 2) if rng.random() < 0.04 else round(rng.uniform(12.3, 12.8), 2),
         "state_of_charge": rng.randint(55, 100), "state_of_health": rng.randint(82, 100)},
        {"event_id": f"{key}-driving", "vin": vin, "occurred_at": stamp, "type": "driving_stats",
         "period_start": (at - dt.timedelta(days=7)).isoformat(), "period_end": stamp, "distance_km": distance,
         "harsh_braking": int(distance * rng.choice((0.01, 0.02, 0.03, 0.07))),
         "hard_acceleration": int(distance * rng.uniform(0, 0.03)),
         "cold_high_revs": rng.choices((0, 1, 2, 4), weights=(70, 15, 8, 7))[0],
         "short_trips": rng.choices((3, 8, 14, 24), weights=(40, 35, 17, 8))[0]},
        {"event_id": f"{key}-service", "vin": vin, "occurred_at": stamp, "type": "service_due",
         "days": service_days, "km": max(service_days * 40, 0)},
    ]
    if rng.random() < 0.03:
        events.append({"event_id": f"{key}-fault", "vin": vin, "occurred_at": stamp, "type": "fault_code",
                       "code": rng.choice(("C0035", "P0300", "B1318", "P0571")),
                       "severity": rng.choices(("minor", "serious", "critical"), weights=(50, 40, 10))[0]})
    return events


def _demo_owner_story(vin: str, now: dt.datetime) -> dict[int, list[dict]]:
    """The demo owner's car, week by week (0 = four weeks ago, ``WEEKS`` = today)."""
    def at(week: int) -> str:
        return (now - dt.timedelta(days=7 * (WEEKS - week), hours=3)).isoformat()

    healthy_tyres = {"unit": "kPa", "front_left": 236, "front_right": 235, "rear_left": 238, "rear_right": 237}
    return {
        0: [{"event_id": f"{vin}-story-0", "vin": vin, "occurred_at": at(0), "type": "tyre_pressure",
             "unit": "kPa", "front_left": 234, "front_right": 232, "rear_left": 236, "rear_right": 201}],
        1: [{"event_id": f"{vin}-story-1", "vin": vin, "occurred_at": at(1), "type": "service_due", "days": 12,
             "km": 640}],
        2: [{"event_id": f"{vin}-story-2", "vin": vin, "occurred_at": at(2), "type": "driving_stats",
             "period_start": at(1), "period_end": at(2), "distance_km": 412, "harsh_braking": 27,
             "hard_acceleration": 6, "cold_high_revs": 4, "short_trips": 9}],
        3: [{"event_id": f"{vin}-story-3", "vin": vin, "occurred_at": at(3), "type": "battery", "voltage_12v": 11.6,
             "state_of_charge": 48, "state_of_health": 71},
            {"event_id": f"{vin}-story-3t", "vin": vin, "occurred_at": at(3), "type": "tyre_pressure",
             **healthy_tyres}],
        WEEKS: [{"event_id": f"{vin}-story-4", "vin": vin, "occurred_at": at(WEEKS), "type": "tyre_pressure",
                 "unit": "bar", "front_left": 2.35, "front_right": 1.85, "rear_left": 2.4, "rear_right": 2.4}],
    }


def connected_generate(*, seed: int = 7, end: dt.date | None = None) -> dict[str, int]:
    """Write the demo's provider, rules and readings (once: a world that has a provider is left alone)."""
    if DataProvider.objects.exists():
        return {"telemetry_events": 0, "owner_notifications": 0, "connected_cases": 0}
    brand = Brand.objects.filter(dealers__isnull=False).distinct().order_by("pk").first()
    if brand is None:
        return {"telemetry_events": 0, "owner_notifications": 0, "connected_cases": 0}
    rng = random.Random(f"insidetrack-demo-connected:{seed}")
    now = _now(end)
    services.rules_seed_defaults(brand_id=brand.pk)
    raw = DataProvider.generate()
    from insidetrack.accounts.models import hash_token

    provider = DataProvider.objects.create(brand=brand, name="Aurelia Connect telematics", prefix=raw[:10],
                                           token_hash=hash_token(raw), created_at=now - dt.timedelta(days=60))
    try:
        demo = demo_owner(demo_dealer(brand))  # the customer the demo sign-in is attached to afterwards
    except LookupError:
        demo = None
    demo_vin = None
    if demo is not None:
        Customer.objects.filter(pk=demo.pk).update(consent_connected_car=True, consent_updated_at=now - dt.timedelta(
            days=90))
        demo_vin = Vehicle.objects.filter(current_owner=demo).order_by("pk").values_list("vin", flat=True).first()
    vins = list(Vehicle.objects.filter(current_owner__brand=brand, current_owner__consent_connected_car=True,
                                       current_owner__erased_at__isnull=True).exclude(vin=demo_vin)
                .order_by("pk").values_list("vin", flat=True))
    chosen = sorted(rng.sample(vins, min(MAX_CARS, int(len(vins) * SHARE))))
    service_days = {vin: rng.randint(5, 330) for vin in chosen}
    story = _demo_owner_story(demo_vin, now) if demo_vin else {}
    for week in range(WEEKS + 1):
        at = now - dt.timedelta(days=7 * (WEEKS - week))
        events = [] if week == WEEKS else [
            event for vin in chosen for event in _week(rng, vin, week, at - dt.timedelta(hours=rng.randint(1, 30)),
                                                      service_days[vin] - 7 * week)]
        events += story.get(week, [])
        for start in range(0, len(events), BATCH):
            result = services.telemetry_ingest(provider=provider, events=events[start:start + BATCH], now=at,
                                               evaluate=False)
            services.events_evaluate(event_pks=result.event_pks, now=at, send=False)
    # History: what was due has gone out, and the owners read what is older than a few days.
    Notification.objects.filter(email_due_at__lte=now).update(emailed_at=F("email_due_at"))
    Notification.objects.filter(created_at__lte=now - dt.timedelta(days=5)).update(
        read_at=F("created_at") + dt.timedelta(hours=9))
    if demo is not None:
        Notification.objects.filter(customer=demo, created_at__gte=now - dt.timedelta(days=10)).update(read_at=None)
    _work_the_cases(rng, now)
    from insidetrack.cases.models import Case

    return {"telemetry_events": TelemetryEvent.objects.count(), "owner_notifications": Notification.objects.count(),
            "connected_cases": Case.objects.filter(source="connected_car").count()}


#: Connected-car cases the dealer has worked by now: called within hours, put right within days (the older ones).
CALLED_AFTER_HOURS = (1, 18)
RESOLVED_AFTER_DAYS = 5
RESOLUTIONS = ("Checked at the workshop and put right; the owner is happy with the car again.",
               "Replaced the part under warranty; the reading is back to normal.",
               "Talked the owner through it and booked the car in; the fault is cleared.")


def _work_the_cases(rng: random.Random, now: dt.datetime) -> None:
    """Move the proactive cases as a dealer keeping the promise would have: a call within the 24 hours for every
    case older than a day, and the older ones put right, so the first sweep of the demo escalates nothing the
    history would not have."""
    from insidetrack.cases import services as case_services
    from insidetrack.cases.models import CallOutcome, Case

    system = Actor.system()
    for case in Case.objects.filter(source="connected_car", opened_at__lte=now - dt.timedelta(hours=20)).order_by(
            "opened_at", "pk"):
        called = case.opened_at + dt.timedelta(hours=rng.uniform(*CALLED_AFTER_HOURS))
        case_services.case_log_call(case_pk=case.pk, actor=system, outcome=CallOutcome.REACHED,
                                    note="Called about the car's alert.", now=called)
        if case.opened_at > now - dt.timedelta(days=RESOLVED_AFTER_DAYS):
            continue
        fixed = called + dt.timedelta(days=rng.uniform(1, 3))
        case_services.case_set_root_cause(case_pk=case.pk, actor=system, theme_code="vehicle_quality", now=fixed)
        case_services.case_record_resolution(case_pk=case.pk, actor=system, text=rng.choice(RESOLUTIONS), now=fixed)
        case_services.case_transition(case_pk=case.pk, actor=system, to_status="resolved", now=fixed)
