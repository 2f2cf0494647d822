"""Benchmark: ``insidetrack import events`` against a plain ``COPY`` of the same file, in the same run.

Usage::

    .venv/bin/python bench/import_events.py                    # 200,000 events
    .venv/bin/python bench/import_events.py --rows 50000 --customers 5000

It (re)creates a PostgreSQL database (``DATABASE_URL`` or ``postgres://postgres@127.0.0.1:5432/
insidetrack_importbench``), migrates it, creates a small network and customers with ``bulk_create``, writes a CSV of
events for those customers, then times:

* the import (validation, customer lookups, COPY into staging, INSERT … ON CONFLICT, survey rules), and within it
  the time spent in ``invitations_schedule``;
* the baseline: ``COPY … FROM STDIN (FORMAT csv, HEADER)`` of the same file into a bare table with the same
  columns, all ``text``, no index: the fastest any loader could possibly be;
* a second baseline: a plain ``COPY`` of exactly the rows the import wrote (events and invitations, keys resolved)
  into the real tables, committed: the floor set by the schema's indexes and deferred foreign-key checks.

The target is an import rate of at least a quarter of the baseline's.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path

from _postgres import django_on_fresh_database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/insidetrack_importbench"
KINDS = ("test_drive", "deposit_taken", "handover", "service_completed", "enquiry", "ownership_anniversary")
HEADER = ["dealer_code", "event", "occurred_at", "customer_id", "customer_email", "vin", "touchpoint",
          "idempotency_key", "external_reference"]


def _world(customers: int, dealers: int) -> list[tuple[int, str, str]]:
    """A region, some dealers and ``customers`` customers; returns (pk, e-mail, dealer code) per customer."""
    from django.utils import timezone

    from insidetrack.customers.models import Customer
    from insidetrack.journeys.services import brand_setup
    from insidetrack.network.models import Dealer, Region

    brand = brand_setup()
    region = Region.objects.create(brand=brand, code="R1", name="Bench region")
    network = Dealer.objects.bulk_create(
        Dealer(brand=brand, region=region, code=f"D{n:03d}", name=f"Dealer {n}", country="GB")
        for n in range(dealers))
    now = timezone.now()
    people = Customer.objects.bulk_create(
        (Customer(brand=brand, dealer=network[n % dealers], first_name="Bench", last_name=f"Owner{n}",
                  email=f"owner{n}@example.org", created_at=now) for n in range(customers)), batch_size=5_000)
    codes = {dealer.pk: dealer.code for dealer in network}
    return [(person.pk, person.email, codes[person.dealer_id]) for person in people]


def _write_csv(path: Path, rows: int, people: list[tuple[int, str, str]], seed: int) -> None:
    """Events over the last 60 days; half name the customer by id, half by e-mail; every row has a key."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            pk, email, code = people[rng.randrange(len(people))]
            occurred = now - dt.timedelta(seconds=rng.randrange(60 * 86_400))
            by_id = n % 2 == 0
            writer.writerow([code, KINDS[n % len(KINDS)], occurred.isoformat(), pk if by_id else "",
                             "" if by_id else email, "", "", f"bench-{n}", f"RO-{n}"])


def _baseline(path: Path) -> float:
    """Seconds for a plain COPY of the file into a bare all-text table with the same columns."""
    from django.db import connection, transaction

    columns = ", ".join(f"{name} text" for name in HEADER)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_import_staging")
            cursor.execute(f"CREATE TABLE bench_import_staging ({columns})")
        started = time.perf_counter()
        with connection.connection.cursor() as cursor, path.open("rb") as handle, cursor.copy(
                f"COPY bench_import_staging ({', '.join(HEADER)}) FROM STDIN (FORMAT csv, HEADER true)") as copy:
            while block := handle.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_import_staging")
    return seconds


def _floor() -> tuple[float, int, int]:
    """Seconds for a plain COPY of exactly the rows the import wrote (events and invitations, already resolved to
    keys) into the real tables, committed: their indexes, unique constraints and deferred foreign-key checks are
    the floor any loader of this schema pays, which a bare text table does not show."""
    from django.db import connection, transaction

    tables = ("surveys_operationalevent", "surveys_invitation")
    dumps: dict[str, bytes] = {}
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        for table in tables:
            chunks = []
            with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for block in copy:
                    chunks.append(bytes(block))
            dumps[table] = b"".join(chunks)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    started = time.perf_counter()
    with transaction.atomic(), connection.connection.cursor() as cursor:
        for table in tables:
            with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(dumps[table])
    seconds = time.perf_counter() - started
    return seconds, dumps[tables[0]].count(b"\n"), dumps[tables[1]].count(b"\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--dealers", type=int, default=40)
    parser.add_argument("--chunk-size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()

    django_on_fresh_database(os.environ.get("DATABASE_URL") or DEFAULT_URL)
    from insidetrack.surveys.importers import events as events_module
    from insidetrack.surveys.models import Invitation

    started = time.perf_counter()
    people = _world(arguments.customers, arguments.dealers)
    print(f"world: {arguments.dealers} dealers, {len(people):,} customers in {time.perf_counter() - started:.1f} s")

    scheduling = {"seconds": 0.0}
    real_hook = events_module.schedule_invitations_hook

    def timed_hook(events):
        begun = time.perf_counter()
        try:
            return real_hook(events)
        finally:
            scheduling["seconds"] += time.perf_counter() - begun

    events_module.schedule_invitations_hook = timed_hook
    # Without a broker Celery runs eagerly, so each chunk's due invitations would be *sent* (e-mails rendered and
    # written) inside the import's wall time. With a broker (production) the import only enqueues; measure that.
    from insidetrack.surveys import tasks

    queued = {"tasks": 0}
    tasks.send_invitations.delay = lambda *args, **kwargs: queued.__setitem__("tasks", queued["tasks"] + 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.csv"
        _write_csv(path, arguments.rows, people, arguments.seed)
        print(f"file: {arguments.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB")
        baseline = _baseline(path)
        report = events_module.events_import(path=path, chunk_size=arguments.chunk_size)
        rerun = events_module.events_import(path=path, chunk_size=arguments.chunk_size)
    floor, floor_events, floor_invitations = _floor()
    import_rate = report.rows_read / report.seconds
    copy_rate = arguments.rows / baseline
    without_rules = report.seconds - scheduling["seconds"]
    print(f"plain COPY into a bare text table: {baseline:6.2f} s  {copy_rate:>10,.0f} rows/s")
    print(f"insidetrack import events:         {report.seconds:6.2f} s  {import_rate:>10,.0f} rows/s  "
          f"(imported {report.imported:,}, rejected {report.rejected:,}, invitations {report.invitations:,})")
    print(f"  of which invitations_schedule:   {scheduling['seconds']:6.2f} s  "
          f"({Invitation.objects.count():,} invitation rows; {queued['tasks']} send tasks queued, not run)")
    print(f"  import without the survey rules: {without_rules:6.2f} s  "
          f"{report.rows_read / without_rules:>10,.0f} rows/s")
    print(f"re-run (all duplicates):           {rerun.seconds:6.2f} s  "
          f"{rerun.rows_read / rerun.seconds:>10,.0f} rows/s  (duplicates {rerun.duplicates:,})")
    print(f"ratio import / plain COPY: {import_rate / copy_rate:.3f} (target ≥ 0.25); "
          f"without the survey rules: {(report.rows_read / without_rules) / copy_rate:.3f}")
    floor_rate = arguments.rows / floor
    print(f"plain COPY of the written rows into the real tables ({floor_events:,} events + "
          f"{floor_invitations:,} invitations, committed): {floor:6.2f} s  {floor_rate:>10,.0f} file rows/s")
    print(f"ratio import / COPY into the real tables: {import_rate / floor_rate:.3f}")


if __name__ == "__main__":
    main()
