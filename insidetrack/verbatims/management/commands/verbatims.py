"""``insidetrack verbatims analyse|train|evaluate``: the text analysis from the command line.

- ``analyse [--brand CODE] [--since DATE] [--missing]``: (re)analyse verbatims with each brand's active model, with a
  progress bar. Safe while the app runs: each batch is one transaction and replaces the batch's earlier analysis.
- ``train [--brand CODE] [--no-scores]``: train a brand's model from the shipped examples, head office's labels and
  (unless ``--no-scores``) the verbatims' scores as weak sentiment labels; ``--analyse`` re-reads every verbatim after.
- ``evaluate --train TRAIN.csv --test TEST.csv``: train on one labelled file, predict another, print a JSON report
  (format: docs/verbatims.md). Touches no database.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from insidetrack.core.actor import Actor


def _date(value: str) -> dt.datetime:
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), tzinfo=dt.UTC)
    except ValueError as exc:
        raise CommandError(f"--since expects a date like 2026-06-30, got {value!r}") from exc


class Command(BaseCommand):
    help = "Analyse verbatims (language, sentiment, themes, flags), train a brand's model, or evaluate on CSVs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{analyse,train,evaluate}")
        analyse = sub.add_parser("analyse", help="Analyse verbatims with each brand's active model.")
        analyse.add_argument("--brand", default=None, help="Only this brand (its name); default: every brand.")
        analyse.add_argument("--since", type=_date, default=None, help="Only verbatims submitted from this day (UTC).")
        analyse.add_argument("--missing", action="store_true", help="Only verbatims not analysed yet.")
        train = sub.add_parser("train", help="Train a brand's model and make it the active one.")
        train.add_argument("--brand", default=None, help="Only this brand (its name); default: every brand.")
        train.add_argument("--no-scores", action="store_true",
                           help="Do not use the verbatims' scores as weak sentiment labels.")
        train.add_argument("--analyse", action="store_true", help="Re-analyse every verbatim with the new model.")
        evaluate = sub.add_parser("evaluate", help="Train on TRAIN.csv, predict TEST.csv, print a JSON report.")
        evaluate.add_argument("--train", required=True, metavar="TRAIN.csv",
                              help="Columns: text, language, sentiment, themes (|-separated); all but text optional.")
        evaluate.add_argument("--test", required=True, metavar="TEST.csv", help="Same columns as TRAIN.csv.")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout, highlight=False, width=None if self.stdout.isatty() else 120)
        if options["action"] == "evaluate":
            self._evaluate(options)
        elif options["action"] == "train":
            self._train(console, options)
        else:
            self._analyse(console, options)

    def _evaluate(self, options: dict[str, Any]) -> None:
        from insidetrack.verbatims.nlp.evaluation import EvaluationInputError, evaluate, read_labelled_csv

        try:
            train = read_labelled_csv(options["train"])
            test = read_labelled_csv(options["test"])
            report = evaluate(train, test)
        except EvaluationInputError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))

    def _brands(self, name: str | None) -> list:
        from insidetrack.network.models import Brand
        from insidetrack.verbatims.services import brands_with_verbatims

        if name is None:
            return brands_with_verbatims() or list(Brand.objects.order_by("pk"))
        brand = Brand.objects.filter(name=name).first()
        if brand is None:
            known = ", ".join(Brand.objects.order_by("name").values_list("name", flat=True)) or "none"
            raise CommandError(f"--brand: no brand named {name!r} (known: {known})")
        return [brand]

    def _train(self, console: Console, options: dict[str, Any]) -> None:
        from insidetrack.verbatims import services

        for brand in self._brands(options["brand"]):
            with console.status(f"Training the model of {brand.name}…"):
                trained = services.model_train(brand_id=brand.pk, actor=Actor.system(),
                                               use_scores=not options["no_scores"])
            console.print(f"{brand.name}: model {trained.pk} trained in {trained.training_seconds:.1f} s from "
                          f"{trained.seed_examples:,} shipped, {trained.labelled_examples:,} labelled and "
                          f"{trained.score_examples:,} score-labelled examples.")
            if options["analyse"]:
                self._analyse(console, {"brand": brand.name, "since": None, "missing": False})

    def _analyse(self, console: Console, options: dict[str, Any]) -> None:
        from insidetrack.verbatims import services

        brands = self._brands(options["brand"])
        started = time.perf_counter()
        done = 0
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      TimeRemainingColumn(), console=console, transient=True) as progress:
            for brand in brands:
                task = progress.add_task(f"Analysing verbatims of {brand.name}", total=None)

                def advance(count: int, total: int, task: Any = task) -> None:
                    progress.update(task, completed=count, total=total)

                done += services.verbatims_analyse_all(brand_id=brand.pk, since=options["since"],
                                                       only_missing=options["missing"], progress=advance)
        seconds = time.perf_counter() - started
        rate = done / seconds if seconds > 0 else 0.0
        console.print(f"Analysed {done:,} verbatims in {seconds:.1f} s ({rate:,.0f} per second).")
