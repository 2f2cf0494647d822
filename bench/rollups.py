"""Benchmark: ``rollups rebuild`` over the demo world, and a dashboard query on the rollups against raw responses.

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/rollups.py            # scale 1
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/rollups.py --scale 10
    .venv/bin/python bench/rollups.py --backend sqlite                                            # for comparison

It creates a fresh database (PostgreSQL next to ``DATABASE_URL``, dropped at the end unless ``--keep``; or a
temporary SQLite file), migrates it, and generates the demo world (``insidetrack.demo.generator.generate``, seed 7,
ending 2026-06-01: ~100,000 journey-survey responses at scale 1, written with ``COPY``). Then it times:

* ``insidetrack rollups rebuild`` (the management command, in-process), and the every-minute sweep right after it
  (which finds nothing to do: the cost of keeping up when nothing happened);
* a typical dashboard read, NPS per dealer over the last 90 days as head office sees it (counts of detractors,
  passives and promoters per dealer), against the raw responses (the query the landing pages run today) and against
  the rollups, each the median of ``--repetitions`` runs after one warm-up; both answers are checked to be equal;
* the same for one dealer's NPS over 90 days (what a dealer-scoped page reads).

The baseline of each ratio is the raw-response query measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
END = dt.date(2026, 6, 1)


def _admin(url: str):
    import psycopg

    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)


def _median_seconds(function, repetitions: int) -> tuple[float, object]:
    result = function()  # warm-up (and the answer)
    timings = []
    for _ in range(repetitions):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--repetitions", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    options = parser.parse_args()

    cleanup = None
    if options.backend == "postgres":
        base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        name = f"insidetrack_bench_rollups_{os.getpid()}"
        with _admin(base_url) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(base_url)._replace(path=f"/{name}"))
        where = f"PostgreSQL database {name}"
        if not options.keep:
            def cleanup() -> None:
                with _admin(base_url) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        os.environ.pop("DATABASE_URL", None)
        directory = tempfile.mkdtemp(prefix="insidetrack-bench-")
        os.environ["INSIDETRACK_DATA_DIR"] = directory
        where = f"SQLite file {directory}/insidetrack.sqlite3"
        if not options.keep:
            def cleanup() -> None:
                shutil.rmtree(directory, ignore_errors=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insidetrack.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Q, Sum

    from insidetrack.analytics.models import ResponseRollup
    from insidetrack.analytics.rollups import rollups_sweep
    from insidetrack.core.actor import Actor
    from insidetrack.core.roles import Role
    from insidetrack.demo.generator import generate
    from insidetrack.network.models import Dealer
    from insidetrack.surveys.models import Purpose, Response

    tag = f"[{options.backend}]"
    try:
        call_command("migrate", interactive=False, verbosity=0)
        print(f"{tag} generating the demo world, scale {options.scale:g}, into {where}…")
        report = generate(seed=7, scale=options.scale, end=END)
        print(f"{tag} {report.counts['responses']:,} responses")

        started = time.perf_counter()
        call_command("rollups", "rebuild", stdout=StringIO())
        rebuild = time.perf_counter() - started
        cells = ResponseRollup.objects.count()
        counted = ResponseRollup.objects.aggregate(n=Sum("count"))["n"]
        now = dt.datetime.combine(END, dt.time(), tzinfo=dt.UTC)
        started = time.perf_counter()
        swept = rollups_sweep(now=now).total
        sweep = time.perf_counter() - started
        print(f"{tag} rollups rebuild: {rebuild:.2f} s for {counted:,} responses into {cells:,} cells "
              f"({counted / rebuild:,.0f} responses/s); a sweep with nothing to do: {sweep * 1000:.1f} ms "
              f"(changed {swept})")

        dealer = Dealer.objects.order_by("code").first()
        head_office = Actor(role=Role.HEAD_OFFICE, brand_id=dealer.brand_id)
        principal = Actor(role=Role.DEALER_PRINCIPAL, brand_id=dealer.brand_id, dealer_id=dealer.pk)
        since_day = END - dt.timedelta(days=90)
        since = dt.datetime.combine(since_day, dt.time(), tzinfo=dt.UTC)
        raw_counts = {"detractors": Count("pk", filter=Q(score__lte=6)),
                      "passives": Count("pk", filter=Q(score__gte=7, score__lte=8)),
                      "promoters": Count("pk", filter=Q(score__gte=9))}
        rolled_counts = {"detractors": Sum("count", filter=Q(score__lte=6), default=0),
                         "passives": Sum("count", filter=Q(score__gte=7, score__lte=8), default=0),
                         "promoters": Sum("count", filter=Q(score__gte=9), default=0)}

        def raw_by_dealer(actor: Actor):
            return sorted(Response.objects.visible_to(actor).filter(purpose=Purpose.SURVEY, submitted_at__gte=since)
                          .values_list("dealer_id").annotate(**raw_counts).order_by())

        def rolled_by_dealer(actor: Actor):
            return sorted(ResponseRollup.objects.visible_to(actor).filter(day__gte=since_day)
                          .values_list("dealer_id").annotate(**rolled_counts).order_by())

        for label, actor in (("NPS per dealer, 90 days, head office", head_office),
                             (f"NPS of one dealer ({dealer.code}), 90 days", principal)):
            raw_seconds, raw_answer = _median_seconds(lambda a=actor: raw_by_dealer(a), options.repetitions)
            rolled_seconds, rolled_answer = _median_seconds(lambda a=actor: rolled_by_dealer(a), options.repetitions)
            assert raw_answer == rolled_answer, "the rollups disagree with the raw responses"
            answers = sum(d + p + q for _dealer, d, p, q in raw_answer)
            print(f"{tag} {label} ({len(raw_answer)} dealers, {answers:,} answers): raw responses "
                  f"{raw_seconds * 1000:.2f} ms, rollups {rolled_seconds * 1000:.2f} ms, "
                  f"ratio raw / rollups {raw_seconds / rolled_seconds:.1f}x")
    finally:
        connection.close()
        if cleanup:
            cleanup()


if __name__ == "__main__":
    main()
