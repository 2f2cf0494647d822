"""Benchmark: one run of the closed loop's every-minute sweep over 100,000 open cases, against a plain baseline.

Usage::

    .venv/bin/python bench/case_sweep.py                      # PostgreSQL, 100,000 open cases, 3 repetitions
    .venv/bin/python bench/case_sweep.py --cases 20000 --repetitions 1
    .venv/bin/python bench/case_sweep.py --backend both       # then the same once on SQLite, for comparison
    .venv/bin/python bench/case_sweep.py --profile            # cProfile of the first sweep, top functions

It (re)creates a PostgreSQL database (``DATABASE_URL`` or ``postgres://postgres@127.0.0.1:5432/
insidetrack_bench_sweep``), migrates it, and writes with ``COPY`` (the demo generator's bulk writer) a network of
80 dealers in 6 regions, with a principal and two staff at each dealer, a manager per region and two people at head
office (so every notice has someone to go to), 50,000 customers, and 100,000 open cases from survey answers (each
with its response and its "created" event). The deadlines are set against a fixed "now" so that one sweep is due
to claim, per 100,000 cases:

* 3,000 respond-by reminders (new cases due within the 4-hour reminder lead),
* 1,000 resolve-by reminders (recovery cases being worked on, due within the lead),
* 1,500 escalations to the region (reminded, overdue, not yet escalated),
* 500 escalations to head office (escalated to the region more than 24 hours ago and still overdue),

i.e. 6% of the open cases, while the other 94,000 are open but not due: new work with time left, reminded work
not yet overdue, recovery cases being worked on, resolved cases waiting for their follow-up survey, and overdue
work already escalated (recently to the region, or already at head office).

Each repetition runs on a fresh copy of that database (``CREATE DATABASE … TEMPLATE``) and times
``insidetrack.cases.services.cases_sweep(now=…)`` twice: the first run claims, writes the event rows and sends the
notices (Django's locmem e-mail backend: each e-mail is rendered and counted, nothing leaves the machine; Celery runs
eagerly, so the notices are part of the sweep's time); the second run finds nothing to do. The baseline, measured
in the same copy right after: one plain ``UPDATE … WHERE id IN (…)`` of as many case rows as the first run claimed,
plus a ``COPY`` of as many event rows, in one transaction.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/insidetrack_bench_sweep"
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
HOUR = 3600
DEALERS = 80
REGIONS = 6
# Per 100,000 open cases: what one sweep is due to claim, then what is open but not due.
DUE = {"respond_reminder": 3_000, "resolve_reminder": 1_000, "to_region": 1_500, "to_head_office": 500}
NOT_DUE = {"new": 40_000, "reminded": 10_000, "working": 20_000, "resolved": 15_000, "at_region": 6_000,
           "at_head_office": 3_000}
VERBATIMS = ("The car was not ready when promised and nobody called.", "Great handover, thank you Anna.",
             "Waited two hours for an oil change.", "Der Wagen war nicht fertig, niemand hat angerufen.",
             "Accueil parfait, merci.", "")


def _admin(url: str):
    import psycopg

    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)


def _db_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _recreate(url: str, *, template: str | None = None) -> None:
    name = _db_name(url)
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def _drop(url: str) -> None:
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_db_name(url)}" WITH (FORCE)')


def _plan(total: int) -> list[str]:
    """The state of each case, scaled from the per-100,000 mix and shuffled over the dealers' cases."""
    factor = total / 100_000
    states = [state for mix in (DUE, NOT_DUE) for state, count in mix.items() for _ in range(round(count * factor))]
    states += ["new"] * (total - len(states))
    random.Random(7).shuffle(states)
    return states[:total]


def _case_state(state: str, rng: random.Random) -> dict[str, object]:
    """Kind, status, deadlines and sweep marks for a case in ``state`` at NOW."""
    now = NOW
    h = dt.timedelta(hours=1)
    kind = "recovery" if state in ("resolve_reminder", "working", "resolved") else rng.choice(
        ("thank_you", "thank_you", "thank_you", "acknowledgement", "recovery"))
    values: dict[str, object] = {"kind": kind, "status": "new", "respond_reminded_at": None,
                                 "resolve_reminded_at": None, "escalation_level": 0, "escalated_to_region_at": None,
                                 "escalated_to_head_office_at": None, "contacted_at": None, "in_progress_at": None,
                                 "resolved_at": None, "follow_up_at": None}
    if state == "respond_reminder":
        respond_by = now + rng.uniform(0.05, 3.95) * h
    elif state == "new":
        respond_by = now + rng.uniform(4.5, 23.5) * h
    elif state == "reminded":
        respond_by = now + rng.uniform(0.2, 3.9) * h
        values["respond_reminded_at"] = respond_by - 4 * h
    elif state == "to_region":
        respond_by = now - rng.uniform(0.01, 0.9) * h
        values["respond_reminded_at"] = respond_by - 4 * h
    elif state == "at_region":
        respond_by = now - rng.uniform(1, 20) * h
        values.update(respond_reminded_at=respond_by - 4 * h, escalation_level=1,
                      escalated_to_region_at=respond_by + dt.timedelta(minutes=1))
    elif state == "to_head_office":
        respond_by = now - rng.uniform(25, 30) * h
        values.update(respond_reminded_at=respond_by - 4 * h, escalation_level=1,
                      escalated_to_region_at=respond_by + dt.timedelta(minutes=1))
    elif state == "at_head_office":
        respond_by = now - rng.uniform(25, 90) * h
        values.update(respond_reminded_at=respond_by - 4 * h, escalation_level=2,
                      escalated_to_region_at=respond_by + dt.timedelta(minutes=1),
                      escalated_to_head_office_at=respond_by + dt.timedelta(hours=24, minutes=1))
    else:  # recovery cases after the first call: working on it, due for a reminder, or resolved
        respond_by = now - rng.uniform(20, 100) * h
        contacted = respond_by - rng.uniform(2, 20) * h
        values.update(status="in_progress" if rng.random() < 0.7 else "contacted", contacted_at=contacted)
        if values["status"] == "in_progress":
            values["in_progress_at"] = contacted + h
        resolve_by = respond_by + 96 * h
        if state == "resolve_reminder":
            resolve_by = now + rng.uniform(0.05, 3.95) * h
        elif state == "working":
            resolve_by = now + rng.uniform(4.5, 100) * h
        else:
            values.update(status="resolved", resolved_at=now - rng.uniform(1, 70) * h)
            values["follow_up_at"] = values["resolved_at"] + 72 * h
        values["resolve_by"] = resolve_by
    opened = respond_by - 24 * h
    values["opened_at"] = opened
    values["respond_by"] = respond_by
    if kind == "recovery" and "resolve_by" not in values:
        values["resolve_by"] = opened + 120 * h
    values.setdefault("resolve_by", None)
    return values


def build_world(total: int) -> None:
    """Network, people, customers, responses and ``total`` open cases, written with COPY (executemany on SQLite)."""
    from django.db import connection, transaction

    from insidetrack.accounts.models import Membership, User
    from insidetrack.cases.models import Case, CaseEvent
    from insidetrack.cases.services import closed_loop_setup
    from insidetrack.core.roles import Role
    from insidetrack.customers.models import Customer
    from insidetrack.demo.generator.writer import BulkWriter
    from insidetrack.journeys.models import Touchpoint
    from insidetrack.journeys.services import brand_setup
    from insidetrack.network.models import Dealer, Region
    from insidetrack.surveys.models import Response

    rng = random.Random(11)
    brand = brand_setup()
    closed_loop_setup(brand=brand)
    playbooks = {p.band: p.pk for p in brand.playbooks.filter(touchpoint__isnull=True)}
    touchpoints = list(Touchpoint.objects.filter(journey__brand=brand, is_surveyed=True).values_list(
        "pk", "department"))
    regions = Region.objects.bulk_create(Region(brand=brand, code=f"R{n}", name=f"Region {n}")
                                         for n in range(REGIONS))
    dealers = Dealer.objects.bulk_create(
        Dealer(brand=brand, region=regions[n % REGIONS], code=f"D{n:03d}", name=f"Dealer {n}", country="GB",
               time_zone="Europe/London") for n in range(DEALERS))
    people: list[tuple[User, dict]] = []
    for dealer in dealers:
        for role, local in ((Role.DEALER_PRINCIPAL, "principal"), (Role.DEALER_STAFF, "staff1"),
                            (Role.DEALER_STAFF, "staff2")):
            people.append((User(username=f"{local}.{dealer.code}@bench.test", email=f"{local}.{dealer.code}@bench.test",
                                first_name=local, last_name=dealer.code, password="!"),
                           {"role": role, "dealer": dealer}))
    for region in regions:
        people.append((User(username=f"manager.{region.code}@bench.test", email=f"manager.{region.code}@bench.test",
                            first_name="Manager", last_name=region.code, password="!"),
                       {"role": Role.REGION_MANAGER, "region": region}))
    for n in range(2):
        people.append((User(username=f"hq{n}@bench.test", email=f"hq{n}@bench.test", first_name="Head",
                            last_name=f"Office {n}", password="!"), {"role": Role.HEAD_OFFICE}))
    users = User.objects.bulk_create([user for user, _scope in people])
    Membership.objects.bulk_create(Membership(user=user, brand=brand, **scope)
                                   for user, (_user, scope) in zip(users, people, strict=True))

    sql = (lambda moment: moment) if connection.vendor == "postgresql" else (
        lambda moment: None if moment is None else moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" "))
    weights = [rng.lognormvariate(0, 0.6) for _ in dealers]
    with transaction.atomic():
        writer = BulkWriter(connection)
        customers = writer.register("customers", Customer, (
            "id", "brand_id", "dealer_id", "first_name", "last_name", "email", "phone", "language", "deal_type",
            "consent_surveys", "consent_marketing", "consent_connected_car", "household", "usage", "interests",
            "handover_preference", "notes", "created_at"))
        responses = writer.register("responses", Response, (
            "id", "brand_id", "dealer_id", "customer_id", "touchpoint_id", "vehicle_model", "score", "verbatim",
            "language", "channel", "source", "invited_at", "opened_at", "submitted_at", "network_fingerprint",
            "device_fingerprint"))
        cases = writer.register("cases", Case, (
            "id", "brand_id", "dealer_id", "customer_id", "response_id", "touchpoint_id", "department", "kind",
            "status", "source", "playbook_id", "subject", "opened_at", "respond_by", "resolve_by", "contacted_at",
            "first_contact_at", "in_progress_at", "resolved_at", "reopen_count", "respond_reminded_at",
            "resolve_reminded_at", "escalation_level", "escalated_to_region_at", "escalated_to_head_office_at",
            "resolution", "follow_up_at", "updated_at"))
        events = writer.register("events", CaseEvent, (
            "id", "case_id", "at", "kind", "actor_name", "from_status", "to_status", "detail", "data"))
        customer_count = max(1, total // 2)
        customer_dealer = rng.choices(dealers, weights, k=customer_count)
        for n, dealer in enumerate(customer_dealer):
            writer.add(customers, (customers.next_pk + n, brand.pk, dealer.pk, "Bench", f"Owner {n}",
                                   f"owner{n}@example.org", "", "en", "retail", True, False, False, "", "[]", "[]",
                                   "", "", sql(NOW - dt.timedelta(days=400))))
        first_customer = customers.next_pk
        customers.next_pk += customer_count
        for state in _plan(total):
            customer = rng.randrange(customer_count)
            dealer = customer_dealer[customer]
            values = _case_state(state, rng)
            kind = values["kind"]
            score = {"thank_you": rng.choice((9, 10)), "acknowledgement": rng.choice((7, 8))}.get(
                kind, rng.randrange(7))
            touchpoint, department = rng.choice(touchpoints)
            opened = values["opened_at"]
            response_pk, case_pk = responses.next_pk, cases.next_pk
            responses.next_pk += 1
            cases.next_pk += 1
            writer.add(responses, (response_pk, brand.pk, dealer.pk, first_customer + customer, touchpoint, "Vela",
                                   score, rng.choice(VERBATIMS), "en", "email", "survey",
                                   sql(opened - dt.timedelta(hours=3)), sql(opened - dt.timedelta(minutes=2)),
                                   sql(opened), "", ""))
            band = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
            writer.add(cases, (
                case_pk, brand.pk, dealer.pk, first_customer + customer, response_pk, touchpoint, department, kind,
                values["status"], "survey", playbooks[band], "", sql(opened), sql(values["respond_by"]),
                sql(values["resolve_by"]), sql(values["contacted_at"]), sql(values["contacted_at"]),
                sql(values["in_progress_at"]), sql(values["resolved_at"]), 0, sql(values["respond_reminded_at"]),
                sql(values["resolve_reminded_at"]), values["escalation_level"], sql(values["escalated_to_region_at"]),
                sql(values["escalated_to_head_office_at"]), "Apologised and fixed it." if values["resolved_at"] else "",
                sql(values["follow_up_at"]), sql(opened)))
            writer.add(events, (events.next_pk, case_pk, sql(opened), "created", "Inside Track", "", "new",
                                "Recovery case" if kind == "recovery" else "Thank-you call", "{}"))
            events.next_pk += 1
            writer.maybe_flush()
        writer.flush()
        writer.reset_sequences()
    writer.analyze()


def _counts() -> dict[str, int]:
    from insidetrack.cases.models import Case, CaseEvent

    return {"open cases": Case.objects.exclude(status="closed").count(), "events": CaseEvent.objects.count()}


def sweep_once(profile: bool = False) -> tuple[float, object, int, int, float]:
    """One timed ``cases_sweep``: (seconds, result, e-mails sent, event rows written, seconds sending notices)."""
    from django.core import mail

    from insidetrack.cases import notices
    from insidetrack.cases.models import CaseEvent
    from insidetrack.cases.services import cases_sweep

    mail.outbox = []
    sending = {"seconds": 0.0}
    real_send = notices.send_notices

    def timed_send(**kwargs):
        begun = time.perf_counter()
        try:
            return real_send(**kwargs)
        finally:
            sending["seconds"] += time.perf_counter() - begun

    notices.send_notices = timed_send
    events_before = CaseEvent.objects.count()
    profiler = cProfile.Profile() if profile else None
    try:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = cases_sweep(now=NOW)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
    finally:
        notices.send_notices = real_send
    if profiler:
        print("--- cProfile of the first sweep, by cumulative time ---")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        print("--- by own time ---")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    return seconds, result, len(mail.outbox), CaseEvent.objects.count() - events_before, sending["seconds"]


def baseline(rows: int) -> float:
    """Seconds for one plain UPDATE of ``rows`` case rows by key plus a bulk insert of ``rows`` event rows."""
    from django.db import connection, transaction

    from insidetrack.cases.models import Case, CaseEvent
    from insidetrack.demo.generator.writer import BulkWriter

    pks = list(Case.objects.order_by("pk").values_list("pk", flat=True)[:rows])
    marker = NOW if connection.vendor == "postgresql" else NOW.replace(tzinfo=None).isoformat(" ")
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE cases_case SET resolve_reminded_at = %s WHERE id IN "
                           f"({', '.join(['%s'] * len(pks))})", [marker, *pks])
        writer = BulkWriter(connection)
        events = writer.register("events", CaseEvent, (
            "id", "case_id", "at", "kind", "actor_name", "from_status", "to_status", "detail", "data"))
        for n, pk in enumerate(pks):
            writer.add(events, (events.next_pk + n, pk, marker, "reminder", "Inside Track", "", "", "",
                                '{"deadline": "resolve_by"}'))
        writer.flush()
    return time.perf_counter() - started


def _describe(result: object) -> str:
    return (f"reminded {len(result.reminded):,}, to region {len(result.escalated_to_region):,}, "
            f"to head office {len(result.escalated_to_head_office):,}, opened {result.opened}, "
            f"follow-ups {result.follow_ups}")


def _switch_database(name: str) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def run(backend: str, total: int, repetitions: int, profile: bool) -> None:
    os.environ.pop("CELERY_BROKER_URL", None)  # eager Celery: the notices are sent inside the sweep's time
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    folder = None
    if backend == "postgres":
        url = os.environ.get("DATABASE_URL") or DEFAULT_URL
        if not url.startswith("postgres"):
            sys.exit("--backend postgres needs DATABASE_URL to point to PostgreSQL (or leave it unset)")
        _recreate(url)
        os.environ["DATABASE_URL"] = url
    else:
        os.environ.pop("DATABASE_URL", None)
        folder = tempfile.mkdtemp(prefix="insidetrack-sweep-")
        os.environ["INSIDETRACK_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insidetrack.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()
        build_world(total)
        counts = _counts()
        print(f"[{backend}] world: {DEALERS} dealers in {REGIONS} regions, {counts['open cases']:,} open cases, "
              f"{counts['events']:,} event rows, built in {time.perf_counter() - started:.1f} s")
        factor = total / 100_000
        print(f"[{backend}] due at {NOW:%Y-%m-%d %H:%M} UTC: "
              + ", ".join(f"{name.replace('_', ' ')} {round(count * factor):,}" for name, count in DUE.items())
              + f" ({sum(DUE.values()) / 1000:.0f}% of the open cases)")
        template = connection.settings_dict["NAME"]
        copies: list[tuple[float, float, float, float]] = []
        for repetition in range(repetitions):
            if backend == "postgres":
                _switch_database(template)  # no session may use the template while it is copied
                connection.close()
                copy = f"{template}_run"
                _recreate(urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{copy}")),
                          template=template)
                _switch_database(copy)
            else:
                source = Path(template)
                copy = str(source.with_name(f"run{repetition}.sqlite3"))
                connection.close()
                shutil.copyfile(source, copy)
                _switch_database(copy)
            first, result, emails, events, sending = sweep_once(profile=profile and repetition == 0)
            second, again, emails_again, events_again, _ = sweep_once()
            claimed = len(result.reminded) + len(result.escalated_to_region) + len(result.escalated_to_head_office)
            plain = baseline(claimed)
            copies.append((first, second, plain, sending))
            print(f"[{backend}] run {repetition + 1}: first sweep {first:.3f} s ({_describe(result)}; {events:,} event "
                  f"rows, {emails:,} e-mails, of which sending {sending:.3f} s); second sweep {second:.3f} s "
                  f"({_describe(again)}; {events_again} event rows, {emails_again} e-mails)")
            print(f"[{backend}] run {repetition + 1}: baseline UPDATE of {claimed:,} case rows by key + bulk insert "
                  f"of {claimed:,} event rows: {plain:.3f} s; ratio sweep / baseline {first / plain:.1f}x")
        if backend == "postgres":
            _switch_database(template)
            connection.close()
            _drop(urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{template}_run")))
        firsts = [c[0] for c in copies]
        plains = [c[2] for c in copies]
        print(f"[{backend}] first sweep over {total:,} open cases: median {statistics.median(firsts):.3f} s "
              f"(min {min(firsts):.3f}, max {max(firsts):.3f}; target under 2 s); without the notices "
              f"{statistics.median(c[0] - c[3] for c in copies):.3f} s; second sweep median "
              f"{statistics.median(c[1] for c in copies):.3f} s; baseline median {statistics.median(plains):.3f} s; "
              f"ratio {statistics.median(firsts) / statistics.median(plains):.1f}x")
    finally:
        connection.close()
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--backend", choices=("postgres", "sqlite", "both"), default="postgres")
    parser.add_argument("--profile", action="store_true", help="Print a cProfile of the first sweep.")
    options = parser.parse_args()
    if options.backend != "both":
        run(options.backend, options.cases, options.repetitions, options.profile)
        return
    for backend, repetitions in (("postgres", options.repetitions), ("sqlite", 1)):
        # Separate processes: Django settings cannot be switched in-process.
        command = [sys.executable, __file__, "--cases", str(options.cases), "--repetitions", str(repetitions),
                   "--backend", backend, *(["--profile"] if options.profile else [])]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
