"""Benchmark: how fast the demo-world generator fills a fresh database, against a plain bulk insert baseline.

Usage::

    .venv/bin/python bench/demo_generation.py --scale 1            # fresh SQLite file in a temporary directory
    .venv/bin/python bench/demo_generation.py --scale 1 --backend postgres   # fresh database next to DATABASE_URL
    .venv/bin/python bench/demo_generation.py --scale 10 --backend both

The baseline, measured in the same run and the same database, writes as many minimal rows (an integer key, an
integer, a short text) as the generator wrote in total, with the generator's own write path (``executemany`` on
SQLite, ``COPY`` on PostgreSQL). The ratio says how much the realism costs on top of raw insert speed: computing
journeys, scores and verbatims, and maintaining the real tables' indexes and constraints.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def _fresh_postgres_url(base_url: str) -> tuple[str, str]:
    """A new, empty database on the server DATABASE_URL points to (dropped again at the end)."""
    import psycopg

    name = f"insidetrack_bench_{os.getpid()}"
    parts = urlsplit(base_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _drop_postgres(base_url: str, name: str) -> None:
    import psycopg

    parts = urlsplit(base_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _baseline(rows: int) -> float:
    """Seconds to write ``rows`` minimal rows the way the generator writes, in one transaction."""
    from django.db import connection, transaction

    batch = 200_000
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_baseline")
        cursor.execute("CREATE TABLE bench_baseline (id bigint PRIMARY KEY, number integer, label varchar(20))")
    started = time.perf_counter()
    with transaction.atomic():
        raw = connection.connection
        for first in range(0, rows, batch):
            chunk = [(pk, pk % 11, "baseline") for pk in range(first + 1, min(rows, first + batch) + 1)]
            if connection.vendor == "postgresql":
                with raw.cursor() as cursor, cursor.copy("COPY bench_baseline (id, number, label) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
            else:
                raw.executemany("INSERT INTO bench_baseline (id, number, label) VALUES (?, ?, ?)", chunk)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_baseline")
    return elapsed


def run_one(backend: str, scale: float, seed: int, keep: bool) -> None:
    """Benchmark one backend in this process (Django settings are fixed once set up)."""
    cleanup = None
    if backend == "postgres":
        base_url = os.environ.get("DATABASE_URL", "")
        if not base_url.startswith("postgres"):
            raise SystemExit("--backend postgres needs DATABASE_URL=postgres://user@host:port/any-database")
        url, name = _fresh_postgres_url(base_url)
        os.environ["DATABASE_URL"] = url
        if not keep:
            cleanup = lambda: _drop_postgres(base_url, name)  # noqa: E731
        where = f"PostgreSQL database {name}"
    else:
        os.environ.pop("DATABASE_URL", None)
        directory = tempfile.mkdtemp(prefix="insidetrack-bench-")
        os.environ["INSIDETRACK_DATA_DIR"] = directory
        if not keep:
            cleanup = lambda: shutil.rmtree(directory, ignore_errors=True)  # noqa: E731
        where = f"SQLite file {directory}/insidetrack.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insidetrack.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from insidetrack.demo.generator import generate

    try:
        call_command("migrate", interactive=False, verbosity=0)
        print(f"[{backend}] scale {scale:g}, seed {seed}, into {where}")
        started = time.perf_counter()
        report = generate(seed=seed, scale=scale, end=dt.date(2026, 6, 1))
        elapsed = time.perf_counter() - started
        rows = report.rows
        baseline = _baseline(rows)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"[{backend}] rows: " + ", ".join(f"{name} {count:,}" for name, count in report.counts.items()))
        print(f"[{backend}] phases: " + ", ".join(f"{name} {sec:.1f}s" for name, sec in report.phases.items()))
        print(f"[{backend}] generation: {elapsed:.1f} s for {rows:,} rows = {rows / elapsed:,.0f} rows/s "
              f"({report.counts['responses']:,} responses, {report.counts['responses'] / elapsed:,.0f}/s)")
        print(f"[{backend}] baseline ({'COPY' if connection.vendor == 'postgresql' else 'executemany'} of "
              f"{rows:,} minimal rows): {baseline:.1f} s = {rows / baseline:,.0f} rows/s")
        print(f"[{backend}] ratio generation / baseline: {elapsed / baseline:.1f}x; peak memory {peak_mb:,.0f} MB")
    finally:
        connection.close()
        if cleanup:
            cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--keep", action="store_true", help="Keep the generated database afterwards.")
    options = parser.parse_args()
    if options.backend != "both":
        run_one(options.backend, options.scale, options.seed, options.keep)
        return
    for backend in ("sqlite", "postgres"):  # separate processes: Django settings cannot be switched in-process
        command = [sys.executable, __file__, "--scale", str(options.scale), "--seed", str(options.seed),
                   "--backend", backend, *(["--keep"] if options.keep else [])]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
