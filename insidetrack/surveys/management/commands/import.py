"""``insidetrack import events FILE`` and ``insidetrack import responses FOLDER``: the CSV imports.

Thin by design: it checks the arguments, calls one importer, shows progress and prints the summary; the
importers in :mod:`insidetrack.surveys.importers` validate and write. See docs/imports.md for the file formats.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from insidetrack.surveys.importers import ImportFormatError, Rejects, events_import, history_import


def _rejects_path(given: str | None, default: Path) -> Path:
    return Path(given) if given else default


class Command(BaseCommand):
    help = "Import operational events (which may trigger surveys) or a previous programme's survey history from CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="target", required=True, metavar="{events,responses}")
        events = subparsers.add_parser("events", help="Operational events from a dealer-system CSV export.")
        events.add_argument("file", type=Path, help="CSV file, UTF-8, with a header line (see docs/imports.md).")
        events.add_argument("--dealer", default=None,
                            help="Accept only this dealer's rows (and use it when the file has no dealer_code).")
        events.add_argument("--rejects", default=None,
                            help="Where to write rejected rows (default: FILE with .rejects.csv beside it).")
        events.add_argument("--chunk-size", type=int, default=10_000,
                            help="Rows per transaction (default 10,000); a crash keeps whole chunks only.")
        history = subparsers.add_parser("responses", help="Historical invitations and responses from a folder.")
        history.add_argument("folder", type=Path, help="Folder with customers.csv, invitations.csv, responses.csv "
                                                       "and optionally dealers.csv.")
        history.add_argument("--rejects", default=None,
                             help="Folder for the rejects files (default: FOLDER); one <file>.rejects.csv per file.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.console = Console(file=self.stdout, highlight=False, width=None if self.stdout.isatty() else 120)
        try:
            if options["target"] == "events":
                self._events(options)
            else:
                self._responses(options)
        except ImportFormatError as error:
            raise CommandError(error.message) from error

    def _events(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=self.console, transient=True) as progress:
            task = progress.add_task(f"Importing {path.name}", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = events_import(path=path, dealer_code=options["dealer"], chunk_size=options["chunk_size"],
                                   on_progress=advance)
        table = Table(title=f"Events import: {path.name}", show_header=False)
        table.add_row("rows read", f"{report.rows_read:,}")
        table.add_row("imported", f"{report.imported:,}")
        table.add_row("duplicates (already imported)", f"{report.duplicates:,}")
        table.add_row("rejected", f"{report.rejected:,}")
        table.add_row("invitations created", f"{report.invitations:,}")
        table.add_row("time", f"{report.seconds:.2f} s")
        table.add_row("rows/s", f"{report.rows_per_second:,.0f}")
        self.console.print(table)
        self._write_rejects(report.rejects, _rejects_path(options["rejects"], path.with_suffix(".rejects.csv")))

    def _responses(self, options: dict[str, Any]) -> None:
        folder: Path = options["folder"]
        with self.console.status(f"Importing the history in {folder}…"):
            report = history_import(folder=folder)
        table = Table(title=f"History import: {folder}")
        for column in ("file", "rows read", "imported", "already there", "rejected"):
            table.add_column(column, justify="left" if column == "file" else "right")
        for name, file in report.files.items():
            table.add_row(name, f"{file.rows_read:,}", f"{file.imported:,}", f"{file.existing:,}",
                          f"{file.rejected:,}")
        self.console.print(table)
        self.console.print(f"Time: {report.seconds:.2f} s. No survey was sent: history never triggers invitations.")
        rejects_folder = Path(options["rejects"]) if options["rejects"] else folder
        for name, file in report.files.items():
            if file.rejects is not None:
                self._write_rejects(file.rejects, rejects_folder / name.replace(".csv", ".rejects.csv"))

    def _write_rejects(self, rejects: Rejects, path: Path) -> None:
        if not rejects:
            return
        rejects.write(path)
        reasons = ", ".join(f"{kind} ({count:,})" for kind, count in sorted(rejects.reasons().items()))
        self.console.print(f"[yellow]{len(rejects):,} rejected row(s) of {rejects.file_name}[/yellow] written to "
                           f"{path}: {reasons}")
