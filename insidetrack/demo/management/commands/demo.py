"""``insidetrack demo``: the one command a newcomer runs to see the product with realistic data.

It migrates, generates the demo world if the database has none (or ``--reset``) and has the text analysis read
every verbatim of it, refreshes the demo sign-ins, prints them, then serves the app with the embedded scheduler,
with no other server to install.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from insidetrack.core.actor import Actor
from insidetrack.demo.generator import (
    GenerationError,
    GenerationReport,
    create_demo_users,
    demo_world_exists,
    generate,
    reset_demo_world,
)
from insidetrack.journeys.services import brand_setup
from insidetrack.network.models import Brand
from insidetrack.surveys.models import Response
from insidetrack.surveys.services import survey_setup


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--end expects a date like 2026-06-30, got {value!r}") from exc


class Command(BaseCommand):
    help = "Create the demo world (once) and the demo sign-ins, then serve Inside Track on http://127.0.0.1:8000."

    requires_system_checks: list[str] = []  # migrate and runserver run their own checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=7, help="Random seed; the same seed gives the same world.")
        parser.add_argument("--scale", type=float, default=1.0,
                            help="1.0 = 80 dealers, ~55,000 customers, ~100,000 responses (about 30 s).")
        parser.add_argument("--end", type=_date, default=None,
                            help="Last day of the two-year window (exclusive, default: today).")
        parser.add_argument("--reset", action="store_true",
                            help="Delete dealers, customers, surveys and demo ground truth first, then regenerate.")
        parser.add_argument("--no-serve", action="store_true", help="Generate and exit (tests, benchmarks).")
        parser.add_argument("--no-analysis", action="store_true",
                            help="Do not train the text model nor analyse the new world's verbatims "
                                 "(`insidetrack verbatims train --analyse` does it later).")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="Where to serve (default 127.0.0.1:8000).")

    def handle(self, *args: Any, **options: Any) -> None:
        # A pipe gets rich's default 80 columns, which would fold the e-mail addresses people need to copy.
        console = Console(file=self.stdout, highlight=False, width=None if self.stdout.isatty() else 140)
        console.print("[bold]Inside Track demo[/bold]: migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            deleted = reset_demo_world()
            console.print(f"Reset: deleted {sum(deleted.values()):,} rows.")
        if options["reset"] or not demo_world_exists():
            try:
                report = generate(seed=options["seed"], scale=options["scale"], end=options["end"], progress=True)
            except GenerationError as exc:
                raise CommandError(str(exc)) from exc
            self._print_report(console, report)
            if not options["no_analysis"]:
                self._analyse(console, brand_setup())  # the brand generate() set up
                self._scan(console, brand_setup())
        else:
            console.print("A demo world is already there (use [bold]--reset[/bold] to generate a new one).")
            if Response.objects.exclude(verbatim="").filter(analysis__isnull=True).exists():
                console.print("Some of its verbatims are not analysed yet: "
                              "[bold]insidetrack verbatims train --analyse[/bold] reads them all.")
        brand = brand_setup()
        # The survey rules and contact policy head office edits in the admin (the history above was generated
        # directly; from now on, new events follow these rules).
        survey_setup(brand=brand)
        sign_ins = create_demo_users(brand)
        table = Table(title="Demo sign-ins (password: insidetrack)", title_justify="left")
        for column in ("Role", "E-mail", "Password", "Sees"):
            table.add_column(column, no_wrap=column != "Sees")
        for sign_in in sign_ins:
            table.add_row(sign_in.role, sign_in.email, sign_in.password, sign_in.scope)
        console.print(table)
        if options["no_serve"]:
            return
        self._serve(console, options["addrport"])

    @staticmethod
    def _scan(console: Console, brand: Brand) -> None:
        """The integrity scan the nightly sweep would run, so the planted gaming dealers are in the alert queue."""
        from insidetrack.integrity.scanning import integrity_scan

        with console.status("Scanning for gamed scores…"):
            scan = integrity_scan(brand_id=brand.pk).scan
        console.print(f"Integrity scan: {scan.dealer_periods:,} dealer-quarters tested in {scan.seconds:.1f} s, "
                      f"{scan.alerts_opened} alert(s) for head office to review.")

    @staticmethod
    def _print_report(console: Console, report: GenerationReport) -> None:
        console.print(f"Generated {report.rows:,} rows in {report.elapsed:.1f} s "
                      f"(seed {report.seed}, scale {report.scale:g}, up to {report.end}).")
        counts = Table(title="Rows written", title_justify="left")
        counts.add_column("Table")
        counts.add_column("Rows", justify="right")
        for name, count in report.counts.items():
            counts.add_row(name, f"{count:,}")
        console.print(counts)
        phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.phases.items())
        console.print(f"Phases: {phases}")
        planted = Table(title="Planted gaming schemes (ground truth for integrity features)", title_justify="left")
        for column in ("Dealer", "Scheme", "From", "To", "Intensity", "Gamed responses"):
            planted.add_column(column)
        for item in report.planted:
            planted.add_row(f"{item.dealer_name} ({item.dealer_code})", str(item.scheme), item.starts_on,
                            item.ends_on, f"{item.intensity:.2f}", f"{item.responses:,}")
        console.print(planted)
        if report.emerging is not None:
            problem = report.emerging
            languages = ", ".join(f"{language} {count:,}" for language, count in problem.languages.items())
            console.print(f"Planted emerging problem (ground truth for emerging themes): {problem.description}, "
                          f"{problem.responses:,} verbatims, from {problem.starts_on} to {problem.ends_on}, at "
                          f"{problem.dealers} dealers in {', '.join(problem.countries)} ({languages}).")

    @staticmethod
    def _analyse(console: Console, brand: Brand) -> None:
        """Train the brand's model on the new world (its scores as weak labels) and analyse every verbatim with it,
        so the theme, sentiment and emerging-problem pages have something to show from the first sign-in."""
        from insidetrack.verbatims import services as verbatim_services

        started = time.perf_counter()
        with console.status("Training the verbatim model…"):
            trained = verbatim_services.model_train(brand_id=brand.pk, actor=Actor.system())
        console.print(f"Trained the verbatim model in {trained.training_seconds:.1f} s from "
                      f"{trained.seed_examples:,} shipped and {trained.score_examples:,} score-labelled examples.")
        analysing = time.perf_counter()
        columns = (TextColumn("[bold]Analysing verbatims"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task("verbatims", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            analysed = verbatim_services.verbatims_analyse_all(brand_id=brand.pk, progress=advance)
        finished = time.perf_counter()
        console.print(f"Analysed {analysed:,} verbatims in {finished - analysing:.1f} s "
                      f"(text analysis {finished - started:.1f} s in all).")

    @staticmethod
    def _serve(console: Console, addrport: str) -> None:
        """Runserver without the autoreloader (one process, so one scheduler loop) and static files by WhiteNoise."""
        from insidetrack.core.scheduler import SchedulerLoop

        if settings.SCHEDULER_ENABLED:
            SchedulerLoop().start()
        console.print(f"Serving on [bold]http://{addrport}/[/bold] — Ctrl+C to stop.")
        call_command("runserver", addrport, use_reloader=False)
