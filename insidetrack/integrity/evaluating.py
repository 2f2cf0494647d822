"""``insidetrack integrity evaluate``: import a labelled history and score the detectors against its ground truth.

Anyone can measure the detectors on their own data: a history in the project's import format (docs/imports.md) and
a ground-truth file naming the gamed dealer-quarters. The history goes through the real import (so the verbatims are
analysed and the flags computed by the product's own pipeline), the real scan runs with its frozen thresholds, and
the figures come from the same evaluation the simulation benchmark uses. It needs an empty database, because the
dataset becomes the brand's history: run it with a scratch data directory.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db.models import Max, Min

from insidetrack.journeys.services import brand_setup
from insidetrack.surveys.importers.history import history_import
from insidetrack.surveys.models import Response

from . import scanning
from .policies import combine, evaluation
from .simulation.network import SCENARIOS, Episode, GroundTruth

TRUTH_COLUMNS = ("dealer_code", "scenario", "first_quarter", "last_quarter")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


class EvaluationInputError(ValueError):
    """The dataset or the ground truth cannot be evaluated; the message names the file, row and column."""


@dataclass(frozen=True, slots=True)
class TruthRow:
    dealer: str
    scenario: str
    first_quarter: int
    last_quarter: int
    touchpoints: tuple[str, ...]


def _quarter(value: str, where: str) -> int:
    match = _QUARTER.match(value.strip())
    if not match:
        raise EvaluationInputError(f"{where}: {value!r} is not a quarter like 2025Q3")
    return int(match.group(1)) * 4 + int(match.group(2)) - 1


def read_ground_truth(path: Path) -> list[TruthRow]:
    """``dealer_code,scenario,first_quarter,last_quarter[,touchpoints]`` (touchpoint codes separated by ``|``)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EvaluationInputError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise EvaluationInputError(f"{path}: not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in TRUTH_COLUMNS if name not in header]
    if missing:
        raise EvaluationInputError(f"{path}: missing column(s) {', '.join(missing)}; expected "
                                   f"{', '.join(TRUTH_COLUMNS)} and optionally touchpoints")
    reader.fieldnames = header
    rows = []
    for number, row in enumerate(reader, start=2):
        where = f"{path}, row {number}"
        scenario = (row.get("scenario") or "").strip()
        if scenario not in SCENARIOS:
            raise EvaluationInputError(f"{where}, column 'scenario': unknown scenario {scenario!r}; "
                                       f"expected one of {', '.join(SCENARIOS)}")
        first = _quarter(row.get("first_quarter") or "", f"{where}, column 'first_quarter'")
        last = _quarter(row.get("last_quarter") or "", f"{where}, column 'last_quarter'")
        if last < first:
            raise EvaluationInputError(f"{where}: last_quarter is before first_quarter")
        dealer = (row.get("dealer_code") or "").strip()
        if not dealer:
            raise EvaluationInputError(f"{where}, column 'dealer_code': empty")
        touchpoints = tuple(t.strip() for t in (row.get("touchpoints") or "").split("|") if t.strip())
        rows.append(TruthRow(dealer, scenario, first, last, touchpoints))
    return rows


def read_groups(path: Path) -> dict[str, list[str]]:
    """``dealer_code,group``: honest dealers by trait (small, improving, a region...), for the fairness check."""
    groups: dict[str, list[str]] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if not {"dealer_code", "group"} <= set(reader.fieldnames or []):
                raise EvaluationInputError(f"{path}: expected the columns dealer_code and group")
            for row in reader:
                groups.setdefault(row["group"].strip(), []).append(row["dealer_code"].strip())
    except FileNotFoundError:
        raise EvaluationInputError(f"{path}: file not found") from None
    return groups


def evaluate_dataset(folder: Path, truth_path: Path, groups_path: Path | None = None) -> dict:
    """Import ``folder``, scan every quarter it covers, and score the alerts against the ground truth."""
    truth_rows = read_ground_truth(truth_path)
    groups = read_groups(groups_path) if groups_path else {}
    if Response.objects.exists():
        raise EvaluationInputError("The database already holds responses: the evaluation imports the dataset as the "
                                   "brand's history, so run it on an empty database, e.g. "
                                   "INSIDETRACK_DATA_DIR=$(mktemp -d) insidetrack integrity evaluate ...")
    imported = history_import(folder=folder)
    brand = brand_setup()
    span = Response.objects.filter(brand=brand).aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    if span["first"] is None:
        raise EvaluationInputError(f"{folder}: no response was imported; see the rejects files")
    first_quarter = scanning.quarter_of_day(span["first"].date())
    last_quarter = scanning.quarter_of_day(span["last"].date())
    summary = scanning.integrity_scan(brand_id=brand.pk, now=span["last"] + timedelta(seconds=1),
                                      quarters=last_quarter - first_quarter + 1, last_quarter=last_quarter)
    result = summary.result
    known = set(result.dealer_names)
    unknown = sorted({row.dealer for row in truth_rows} - known)
    if unknown:
        raise EvaluationInputError(f"{truth_path}: dealer(s) not in the dataset: {', '.join(unknown[:10])}")
    touchpoints = tuple(result.touchpoint_names)
    truth = GroundTruth(
        episodes=[Episode(dealer=row.dealer, scenario=row.scenario, first_quarter=row.first_quarter,
                          last_quarter=row.last_quarter, touchpoints=tuple(t for t in row.touchpoints
                                                                           if t in touchpoints) or touchpoints,
                          intensity=math.nan) for row in truth_rows],
        quarters=list(result.quarters), honest_groups=groups)
    report = evaluation.evaluate(evaluation.outcome_of(result, list(combine.PATTERNS)), truth)
    report["dataset"] = {"responses": summary.scan.responses, "dealer_quarters": summary.scan.dealer_periods,
                         "quarters": f"{summary.scan.first_period}-{summary.scan.last_period}",
                         "import_seconds": round(imported.seconds, 1), "scan_seconds": round(summary.scan.seconds, 1),
                         "thresholds": summary.scan.thresholds}
    return report
