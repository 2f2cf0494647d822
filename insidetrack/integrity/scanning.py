"""Run the detectors over a brand and record what they found: risk per dealer-quarter, and alerts for review.

A scan is idempotent: it recomputes every assessment of the quarters it covers (late answers and re-analysed
verbatims change the evidence) and opens an alert only for a dealer-quarter that has none, so a dismissed alert is
not reopened by the next night's scan. The every-minute sweep starts a brand's scan once a day.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction

from insidetrack.core import clock
from insidetrack.network.models import Brand

from .history import load_history
from .models import Alert, AlertEvent, AlertEventKind, IntegrityScan, RiskAssessment
from .policies import combine
from .policies.combine import DealerPeriodRisk, ScanResult

#: Quarters a scan covers: two years, so the jump detector sees a dealer's own history.
SCAN_QUARTERS = 8
SCAN_EVERY = timedelta(hours=24)


def quarter_start(quarter: int) -> date:
    """First day of a quarter index (year * 4 + quarter - 1)."""
    return date(quarter // 4, quarter % 4 * 3 + 1, 1)


def quarter_label(quarter: int) -> str:
    return f"{quarter // 4}Q{quarter % 4 + 1}"


def quarter_of_day(day: date) -> int:
    return day.year * 4 + (day.month - 1) // 3


# What a scan rewrites in a dealer-quarter's assessment (all but its key).
_ASSESSED = ["brand", "period_start", "responses", "risk", "is_alert", "signals", "evidence", "ruled_out",
             "scanned_at"]


@dataclass(frozen=True, slots=True)
class ScanSummary:
    scan: IntegrityScan
    result: ScanResult
    dealer_ids: list[int]
    #: Seconds of each phase ("read", "detect", "write"): the benchmark reports them, the scan row keeps the total.
    phases: dict[str, float] = field(default_factory=dict)


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def json_safe(value: object) -> object:
    """NaN and infinities (an empty week's mean score) become null: JSON has no NaN, and the database checks."""
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalars
        return json_safe(value.item())
    return value


def _stored_signals(report: DealerPeriodRisk) -> list[dict]:
    return json_safe([{"code": s.family, "touchpoint": s.touchpoint, "observed": _finite(s.observed),
             "reference": _finite(s.network_reference), "p": _finite(s.p_value), "q": _finite(s.q_value),
             "effect": _finite(s.effect), "effect_unit": s.effect_unit, "count": _finite(s.count),
             "size": _finite(s.size)} for s in report.signals])


def _ruled_out(report: DealerPeriodRisk) -> list[dict]:
    """The innocent explanations the evidence already excludes: those of the patterns, then lounge and fleet."""
    return json_safe([*report.innocent_patterns, *report.explanations_ruled_out])


def _evidence(report: DealerPeriodRisk) -> dict:
    return json_safe({
        "pattern": report.pattern, "strength": report.strength,
        "examples": {s.family: list(s.evidence_response_ids) for s in report.signals if s.evidence_response_ids},
        "weekly": report.weekly, "untested": report.untested, "explanations_possible": report.explanations_possible})


def integrity_scan(*, brand_id: int, now: datetime | None = None, quarters: int = SCAN_QUARTERS,
                   last_quarter: int | None = None) -> ScanSummary:
    """Scan the brand's ``quarters`` quarters up to ``last_quarter`` (default: the current one) and record them.

    An explicit last quarter is for history (an evaluation of an imported dataset); the nightly scan looks at now.
    """
    now = now or clock.now()
    started = time.perf_counter()
    current = quarter_of_day(now.date()) if last_quarter is None else last_quarter
    first = current - quarters + 1
    since = clock.month_start_utc(quarter_start(first))
    until = min(now + timedelta(seconds=1), clock.month_start_utc(quarter_start(current + 1)))
    loaded = load_history(brand_id=brand_id, since=since, until=until)
    read = time.perf_counter()
    result = combine.scan(loaded.history)
    detected = time.perf_counter()
    reports = {(r.dealer, r.quarter): r for r in result.reports}
    code_to_id = dict(zip(loaded.history.network.dealer_names, loaded.dealer_ids, strict=True))
    with transaction.atomic():
        scan = IntegrityScan.objects.create(brand_id=brand_id, started_at=now, first_period=quarter_label(first),
                                            last_period=quarter_label(current),
                                            responses=len(loaded.history.responses.response_id),
                                            thresholds={"risk_alert": combine.RISK_ALERT, "q_alert": combine.Q_ALERT})
        assessments: list[RiskAssessment] = []
        alerts: list[tuple[int, int, float, list[dict]]] = []
        responses = result.responses.sum(axis=1)  # (dealers, quarters)
        for d, dealer_code in enumerate(result.dealer_names):
            for k, quarter in enumerate(result.quarters):
                if not result.tested[d, k]:
                    continue
                report = reports.get((dealer_code, quarter))
                risk = _finite(result.risk[d, k]) or 0.0
                assessment = RiskAssessment(
                    dealer_id=code_to_id[dealer_code], period=quarter_label(quarter), brand_id=brand_id,
                    period_start=quarter_start(quarter), responses=int(responses[d, k]), risk=risk,
                    is_alert=bool(result.alert[d, k]), signals=_stored_signals(report) if report else [],
                    evidence=_evidence(report) if report else {}, ruled_out=_ruled_out(report) if report else [],
                    scanned_at=now)
                assessments.append(assessment)
                if result.alert[d, k] and report is not None:
                    alerts.append((code_to_id[dealer_code], quarter, risk, assessment.signals))
        # One upsert per batch rather than a SELECT and an UPDATE per dealer-quarter (1,200 of them for 150 dealers
        # over eight quarters): the row of a dealer-quarter is replaced whole, as update_or_create replaced it.
        RiskAssessment.objects.bulk_create(assessments, batch_size=500, update_conflicts=True,
                                           unique_fields=["dealer", "period"], update_fields=_ASSESSED)
        tested = len(assessments)
        opened = sum(_open_alert(brand_id, dealer_id, quarter, risk, signals, now)
                     for dealer_id, quarter, risk, signals in alerts)
        scan.finished_at = clock.now()
        scan.dealer_periods = tested
        scan.alerts_opened = opened
        scan.seconds = time.perf_counter() - started
        scan.save(update_fields=["finished_at", "dealer_periods", "alerts_opened", "seconds"])
    return ScanSummary(scan=scan, result=result, dealer_ids=loaded.dealer_ids,
                       phases={"read": read - started, "detect": detected - read,
                               "write": time.perf_counter() - detected})


def _open_alert(brand_id: int, dealer_id: int, quarter: int, risk: float, signals: list[dict], now: datetime) -> int:
    """Open the dealer-quarter's alert unless it has one (whatever its state): returns 1 if opened."""
    if Alert.objects.filter(dealer_id=dealer_id, period=quarter_label(quarter)).exists():
        return 0
    try:
        with transaction.atomic():  # a concurrent scan may open the same alert: the constraint settles it
            alert = Alert.objects.create(brand_id=brand_id, dealer_id=dealer_id, period=quarter_label(quarter),
                                         period_start=quarter_start(quarter), opened_at=now, risk_at_opening=risk,
                                         signals_at_opening=signals)
    except IntegrityError:
        return 0
    AlertEvent.objects.create(alert=alert, at=now, kind=AlertEventKind.OPENED, actor_name="Inside Track",
                              detail=f"risk {risk:.1f}")
    return 1


def integrity_sweep(*, now: datetime | None = None) -> int:
    """Scan each brand whose last scan started more than ``SCAN_EVERY`` ago; returns how many brands were scanned."""
    now = now or clock.now()
    scanned = 0
    for brand_id in Brand.objects.order_by("pk").values_list("pk", flat=True):
        last = IntegrityScan.objects.filter(brand_id=brand_id).order_by("-started_at").values_list(
            "started_at", flat=True).first()
        if last is None or now - last >= SCAN_EVERY:
            integrity_scan(brand_id=brand_id, now=now)
            scanned += 1
    return scanned
