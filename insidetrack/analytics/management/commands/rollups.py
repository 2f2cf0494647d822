"""``insidetrack rollups rebuild [--since DATE]``: recompute the response rollups from the raw responses.

Thin by design: it checks the arguments, calls :func:`insidetrack.analytics.rollups.rollups_rebuild`, shows
progress and prints the summary. Safe while the app runs: each chunk of days is one transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from insidetrack.analytics.rollups import REBUILD_CHUNK_MONTHS, rollups_rebuild


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--since expects a date like 2026-06-30, got {value!r}") from exc


class Command(BaseCommand):
    help = "Rebuild the response rollups (counts per day, dealer, touchpoint, model, channel and score)."

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="action", required=True, metavar="{rebuild}")
        rebuild = subparsers.add_parser("rebuild", help="Recompute the rollups from the raw responses.")
        rebuild.add_argument("--since", type=_date, default=None,
                             help="Recompute from this day's month on (UTC), e.g. 2026-06-01 (default: every day).")
        rebuild.add_argument("--chunk-months", type=int, default=REBUILD_CHUNK_MONTHS,
                             help=f"Calendar months per transaction (default {REBUILD_CHUNK_MONTHS}).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chunk_months"] < 1:
            raise CommandError("--chunk-months must be at least 1.")
        console = Console(file=self.stdout, highlight=False, width=None if self.stdout.isatty() else 120)
        started = time.perf_counter()
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("Rebuilding rollups (days)", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = rollups_rebuild(since=options["since"], chunk_months=options["chunk_months"], on_progress=advance)
        seconds = time.perf_counter() - started
        if report.first_day is None:
            console.print("No responses to roll up.")
            return
        table = Table(title="Rollups rebuilt", show_header=False)
        table.add_row("days (UTC)", f"{report.first_day} to {report.last_day}")
        table.add_row("transactions", f"{report.chunks:,}")
        table.add_row("responses counted", f"{report.counted:,}")
        table.add_row("time", f"{seconds:.2f} s")
        console.print(table)
