"""Benchmark: a full integrity scan over 10 million responses on PostgreSQL (target: under 60 s).

Usage::

    .venv/bin/python bench/integrity_scan.py                       # 10,000,000 responses (load ~10 min, once)
    .venv/bin/python bench/integrity_scan.py --responses 500000    # a quick check
    .venv/bin/python bench/integrity_scan.py --reuse               # the database a previous run left: no load

The responses are loaded exactly as ``bench/dashboard.py`` loads them (its network of 150 dealers over 24 months
and its ``INSERT ... SELECT generate_series``: real row widths, fingerprints, 40% verbatims), into their own database
(default ``insidetrack_bench_integrity``). Invitations, events and customers are not generated there, so their frames
are empty and the rate and suppression signals have nothing to test: the time measured is that of the responses,
which are the bulk of a scan. The scan is ``insidetrack.integrity.scanning.integrity_scan`` itself, over all eight
quarters of the data: reading the frames (one binary ``COPY`` per frame, the responses' split by ranges of the
table's pages over ``history.COPY_PARTS`` connections sharing one snapshot), every signal, the combination, and the
writes (assessments upserted, alerts) in one transaction. Each phase is printed, for the frames alone and for the
scan itself. A scan over a database a previous run left (``--reuse``) finds its alerts already open, as a nightly scan
does; the first scan of a fresh load opens them.

Baseline, in the same run: the portable reads (the ORM ``values_list`` path SQLite uses) of the newest
``--baseline-rows`` responses, against the ``COPY`` path's rate on all of them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
TARGET_SECONDS = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", default="insidetrack_bench_integrity")
    parser.add_argument("--reuse", action="store_true", help="Use the database as a previous run left it.")
    parser.add_argument("--baseline-rows", type=int, default=300_000)
    options = parser.parse_args()

    import dashboard  # bench/dashboard.py: the same network and load

    name = options.database
    fresh = dashboard.bench_database(name, reuse=options.reuse)
    import numpy as np
    from django.core.management import call_command
    from rich.console import Console

    from insidetrack.integrity import history, scanning
    from insidetrack.network.models import Brand
    from insidetrack.surveys.models import Purpose, Response

    console = Console(highlight=False, width=140)
    say = console.print
    call_command("migrate", interactive=False, verbosity=0)
    if fresh:
        world = dashboard.build_network(random.Random(options.seed))
        phases = dashboard.load_responses(world, options.responses, options.seed)
        say(f"load: {options.responses:,} responses in {sum(phases.values()):.0f} s (not part of the scan)")
        brand = world["brand"]
    else:
        brand = Brand.objects.get(name="Bench Motors")
        say(f"reusing {name}: {Response.objects.filter(purpose=Purpose.SURVEY).count():,} survey responses")
    end = dt.datetime.combine(dashboard.END, dt.time(), tzinfo=dt.UTC)
    last_quarter = scanning.quarter_of_day((end - dt.timedelta(days=1)).date())

    # The frames alone, timed per phase (the scan below reads them again: the database's cache is warm for both).
    since = end - dt.timedelta(days=3 * 8 * 31)
    started = time.perf_counter()
    loaded = history.load_history(brand_id=brand.pk, since=since, until=end)
    read_seconds = time.perf_counter() - started
    rows = len(loaded.history.responses.response_id)
    say(f"frames: {rows:,} responses read by binary COPY over {history.COPY_PARTS} connections in "
        f"{read_seconds:.1f} s ({rows / read_seconds:,.0f}/s)")

    from insidetrack.integrity.policies import combine

    started = time.perf_counter()
    result = combine.scan(loaded.history)
    detect_seconds = time.perf_counter() - started
    say(f"detectors: {int(result.tested.sum()):,} dealer-quarters, {len(result.reports):,} written up, "
        f"{int(np.asarray(result.alert).sum())} alerts in {detect_seconds:.1f} s")

    started = time.perf_counter()
    summary = scanning.integrity_scan(brand_id=brand.pk, now=end, quarters=8, last_quarter=last_quarter)
    scan_seconds = time.perf_counter() - started
    phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.phases.items())
    say(f"full scan (read + detect + write, one transaction): {scan_seconds:.1f} s for {summary.scan.responses:,} "
        f"responses ({phases}; {summary.scan.dealer_periods:,} assessments, {summary.scan.alerts_opened} alerts "
        f"opened); target {TARGET_SECONDS:.0f} s: {'met' if scan_seconds < TARGET_SECONDS else 'NOT met'}")

    # Baseline: the portable ORM reads of the newest responses.
    newest = Response.objects.filter(brand=brand, purpose=Purpose.SURVEY).order_by("-submitted_at").values_list(
        "submitted_at", flat=True)[options.baseline_rows - 1:options.baseline_rows].first()
    if newest is not None:
        dealer_index = {pk: i for i, pk in enumerate(loaded.dealer_ids)}
        touchpoint_index = {pk: i for i, pk in enumerate(loaded.touchpoint_ids)}
        started = time.perf_counter()
        portable = history._responses_portable(brand.pk, newest, end, dealer_index, touchpoint_index,
                                               loaded.history.network.dealer_domains)
        portable_seconds = time.perf_counter() - started
        portable_rate = len(portable.response_id) / portable_seconds
        say(f"baseline: the portable reads took {portable_seconds:.1f} s for {len(portable.response_id):,} responses "
            f"({portable_rate:,.0f}/s); binary COPY is {rows / read_seconds / portable_rate:.1f}x faster, and "
            f"{rows:,} responses through the portable reads would take ~{rows / portable_rate:.0f} s")


if __name__ == "__main__":
    main()
