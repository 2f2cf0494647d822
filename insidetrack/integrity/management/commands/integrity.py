"""``insidetrack integrity scan``: run the gaming detectors now and print each dealer-quarter's risk.

- ``scan [--brand NAME] [--quarters 8] [--format table|json]``: scans like the nightly sweep (records assessments and
  opens alerts), then prints every tested dealer-quarter: a table for people, or JSON (one object per dealer-quarter:
  dealer, period, responses, risk, alert, pattern, signals) for anyone who wants to score the detectors themselves.
- ``simulate FOLDER [--dealers 300] [--quarters 8] [--seed 1]``: writes a simulated dealer network (honest dealers,
  improving ones, quarter-end delivery peaks, and injected gaming: score begging, quarter-end push, freebies, tablet)
  in the history-import format, with ``ground_truth.csv`` and ``groups.csv`` for ``evaluate``. Touches no database.
- ``evaluate FOLDER --truth GROUND_TRUTH.csv [--groups GROUPS.csv] [--format table|json]``: imports a history in the
  import format into an empty database, scans all its quarters and prints recall, precision and time to detect per
  scenario, the false-alarm rate on honest dealer-quarters and, with groups, each honest group's alert rate.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table


class Command(BaseCommand):
    help = "Run the integrity (gaming) detectors, or evaluate them on a labelled history."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{scan,simulate,evaluate}")
        scan = sub.add_parser("scan", help="Scan a brand now and print each dealer-quarter's risk.")
        scan.add_argument("--brand", default=None, help="The brand's name; default: every brand.")
        scan.add_argument("--quarters", type=int, default=None, help="Quarters to cover (default 8).")
        scan.add_argument("--format", choices=("table", "json"), default="table")
        simulate = sub.add_parser("simulate", help="Write a simulated network with injected gaming and its truth.")
        simulate.add_argument("folder", help="Where to write the CSV files (created if missing).")
        simulate.add_argument("--dealers", type=int, default=300)
        simulate.add_argument("--quarters", type=int, default=8)
        simulate.add_argument("--seed", type=int, default=1)
        evaluate = sub.add_parser("evaluate", help="Import a labelled history (empty database) and score the alerts.")
        evaluate.add_argument("folder", help="A history in the import format (docs/imports.md).")
        evaluate.add_argument("--truth", required=True, metavar="GROUND_TRUTH.csv",
                              help="dealer_code,scenario,first_quarter,last_quarter[,touchpoints]")
        evaluate.add_argument("--groups", default=None, metavar="GROUPS.csv",
                              help="dealer_code,group: honest dealers by trait, for the fairness check.")
        evaluate.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "evaluate":
            self._evaluate(options)
            return
        if options["action"] == "simulate":
            self._simulate(options)
            return
        self._scan(options)

    def _simulate(self, options: dict[str, Any]) -> None:
        from pathlib import Path

        from ...simulation import simulate_network
        from ...simulation.writer import write_history

        if not 10 <= options["dealers"] <= 5000:
            raise CommandError(f"--dealers must be between 10 and 5000, got {options['dealers']}")
        if not 2 <= options["quarters"] <= 20:
            raise CommandError(f"--quarters must be between 2 and 20, got {options['quarters']}")
        folder = Path(options["folder"])
        if folder.exists() and any(folder.iterdir()):
            raise CommandError(f"{folder}: not empty; choose a new folder (a history is imported once)")
        simulation = simulate_network(options["seed"], dealers=options["dealers"], quarters=options["quarters"],
                                      keep_raw=True)
        counts = write_history(simulation, folder)
        episodes = simulation.truth.episodes
        self.stdout.write(f"Wrote {folder}: " + ", ".join(f"{name} {count:,}" for name, count in counts.items())
                          + f"; {len(episodes)} gaming episodes at {len({e.dealer for e in episodes})} dealers.")

    def _evaluate(self, options: dict[str, Any]) -> None:
        from pathlib import Path

        from insidetrack.surveys.importers.csvfiles import ImportFormatError

        from ...evaluating import EvaluationInputError, evaluate_dataset
        from ...scanning import json_safe

        try:
            report = evaluate_dataset(Path(options["folder"]), Path(options["truth"]),
                                      Path(options["groups"]) if options["groups"] else None)
        except (EvaluationInputError, ImportFormatError) as exc:
            raise CommandError(str(exc)) from exc
        report = json_safe(report)
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, indent=1))
            return
        console = Console(file=self.stdout, highlight=False, width=None if self.stdout.isatty() else 140)
        dataset = report["dataset"]
        console.print(f"{dataset['responses']:,} responses, {dataset['dealer_quarters']:,} dealer-quarters tested "
                      f"({dataset['quarters']}); import {dataset['import_seconds']} s, "
                      f"scan {dataset['scan_seconds']} s.")
        table = Table("scenario", "episodes", "recall", "precision", "median quarters to detect")
        for name, row in report["scenarios"].items():
            table.add_row(name, str(row["episodes"]), _figure(row["recall"]), _figure(row["precision"]),
                          _figure(row["median_quarters_to_detect"], 1))
        console.print(table)
        honest = report.get("honest", {})
        console.print(f"False alarms: {_figure(honest.get('false_alarm_rate'), 4)} of honest dealer-quarters.")
        if report.get("groups"):
            groups = Table("honest group", "dealer-quarters", "alert rate", "ratio to average")
            for name, row in report["groups"].items():
                groups.add_row(name, str(row["periods"]), _figure(row["rate"], 4), _figure(row["ratio_to_average"]))
            console.print(groups)

    def _scan(self, options: dict[str, Any]) -> None:
        from insidetrack.network.models import Brand

        from ... import scanning

        if options["brand"]:
            brands = list(Brand.objects.filter(name=options["brand"]))
            if not brands:
                known = ", ".join(Brand.objects.order_by("name").values_list("name", flat=True)) or "none"
                raise CommandError(f"--brand: no brand named {options['brand']!r} (known: {known})")
        else:
            brands = list(Brand.objects.order_by("pk"))
        quarters = options["quarters"] or scanning.SCAN_QUARTERS
        if quarters < 1 or quarters > 40:
            raise CommandError(f"--quarters must be between 1 and 40, got {quarters}")
        rows: list[dict[str, Any]] = []
        console = Console(file=self.stdout, highlight=False, width=None if self.stdout.isatty() else 140)
        for brand in brands:
            summary = scanning.integrity_scan(brand_id=brand.pk, quarters=quarters)
            result = summary.result
            reports = {(r.dealer, r.quarter): r for r in result.reports}
            responses = result.responses.sum(axis=1)
            for d, dealer in enumerate(result.dealer_names):
                for k, quarter in enumerate(result.quarters):
                    if not result.tested[d, k]:
                        continue
                    report = reports.get((dealer, quarter))
                    rows.append({"brand": brand.name, "dealer": dealer, "period": scanning.quarter_label(quarter),
                                 "responses": int(responses[d, k]), "risk": round(float(result.risk[d, k]), 3),
                                 "alert": bool(result.alert[d, k]),
                                 "pattern": report.pattern if report else None,
                                 "signals": sorted({s.family for s in report.signals}) if report else []})
            if options["format"] == "table":
                scan = summary.scan
                console.print(f"{brand.name}: {scan.dealer_periods:,} dealer-quarters from {scan.responses:,} "
                              f"responses ({scan.first_period}-{scan.last_period}) in {scan.seconds:.1f} s; "
                              f"{scan.alerts_opened} new alert(s).")
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=1))
            return
        table = Table("brand", "dealer", "quarter", "responses", "risk", "alert", "signals")
        for row in sorted(rows, key=lambda r: -r["risk"])[:40]:
            table.add_row(row["brand"], row["dealer"], row["period"], f"{row['responses']:,}", f"{row['risk']:.1f}",
                          "ALERT" if row["alert"] else "", ", ".join(row["signals"]))
        console.print(table)


def _figure(value: object, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"
