"""Scoring the detectors' alerts against a simulation's ground truth: recall, precision, time to detect, fairness.

Why these figures: a head office acts on alerts, so what matters is how many gaming dealers are caught (recall, per
scenario since each has its own signature), how long after they start (time to detect, in quarters), how many
honest dealer-quarters are accused (the false-alarm rate, to be at most 1 %), what share of alerts are right
(precision), and whether some kind of honest dealer is accused more than others (small dealers, improving dealers,
a region): a detector that is twice as suspicious of one region would be unfair even at 1 % overall.

Recall is counted per *episode* (a dealer gaming from a first to a last quarter): the episode is caught if any of its
quarters is alerted, and the time to detect is the first alerted quarter minus the first gamed one. The share of
gamed dealer-quarters alerted is reported too (``period_recall``). Episodes that cannot be detected under the
30-response rule (no gamed touchpoint-quarter with 30 responses) are counted, and recall is also given without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from insidetrack.integrity.policies.signals import MIN_RESPONSES

#: Which detector pattern is the "right" label for each scenario (for per-scenario precision).
SCENARIO_PATTERN = {
    "score_begging": "asking or paying for 10s",
    "freebies": "asking or paying for 10s",
    "quarter_end_push": "quarter-end push",
    "tablet": "on-site completion",
}
MAX_FALSE_ALARM_RATE = 0.01
MIN_RECALL = 0.9
MAX_GROUP_RATIO = 2.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the evaluation needs from a detector run: alerts per dealer-quarter (and its pattern)."""

    dealer_names: list[str]
    quarters: list[int]
    alert: np.ndarray                       # (dealers, quarters) bool
    pattern: list[list[str]] | None = None  # (dealers, quarters) pattern label of the alert, "" none
    responses: np.ndarray | None = None     # (dealers, touchpoints, quarters) response counts
    touchpoint_names: list[str] | None = None


def outcome_of(result, pattern_names: Sequence[str] | None = None) -> Outcome:
    """An ``Outcome`` from a ``combine.ScanResult`` (kept loose so the evaluation does not depend on the combiner)."""
    names = list(pattern_names) if pattern_names is not None else []
    pattern = [[names[i] if 0 <= i < len(names) else "" for i in row] for row in np.asarray(result.pattern).tolist()]
    return Outcome(list(result.dealer_names), list(result.quarters), np.asarray(result.alert, dtype=bool), pattern,
                   getattr(result, "responses", None), getattr(result, "touchpoint_names", None))


def _median(values: list[float]) -> float:
    return float(np.median(values)) if values else float("nan")


def evaluate(outcomes: Outcome | Sequence[Outcome], truths, honest_groups: dict | Sequence[dict] | None = None) -> dict:
    """Pool one or several (outcome, ground truth, honest groups) triples into one report.

    ``truths`` are ``simulation.GroundTruth`` objects (episodes with dealer, scenario, first and last quarter,
    touchpoints). ``honest_groups`` default to the truths' own. Returns a plain dict (see the keys below).
    """
    if isinstance(outcomes, Outcome):
        outcomes, truths = [outcomes], [truths]
        honest_groups = [honest_groups] if honest_groups is not None else None
    if honest_groups is None:
        honest_groups = [t.honest_groups for t in truths]
    scen: dict[str, dict] = {}
    honest_periods = honest_alerts = 0
    all_alerts = gamed_alerts = 0
    pattern_alerts: dict[str, list[int]] = {}
    groups: dict[str, list[int]] = {}
    for outcome, truth, group_map in zip(outcomes, truths, honest_groups, strict=True):
        index = {name: i for i, name in enumerate(outcome.dealer_names)}
        qpos = {q: k for k, q in enumerate(outcome.quarters)}
        alert = np.asarray(outcome.alert, dtype=bool)
        gamed = np.zeros(alert.shape, dtype=bool)
        for e in truth.episodes:
            d = index[e.dealer]
            ks = [qpos[q] for q in range(e.first_quarter, e.last_quarter + 1) if q in qpos]
            gamed[d, ks] = True
            row = scen.setdefault(e.scenario, {"episodes": 0, "detected": 0, "testable": 0, "detected_testable": 0,
                                               "periods": 0, "periods_alerted": 0, "delays": []})
            row["episodes"] += 1
            row["periods"] += len(ks)
            row["periods_alerted"] += int(alert[d, ks].sum())
            testable = True
            if outcome.responses is not None and outcome.touchpoint_names is not None:
                tps = [outcome.touchpoint_names.index(t) for t in e.touchpoints]
                testable = bool((outcome.responses[d][np.ix_(tps, ks)] >= MIN_RESPONSES).any())
            row["testable"] += testable
            hits = [k for k in ks if alert[d, k]]
            if hits:
                row["detected"] += 1
                row["detected_testable"] += testable
                row["delays"].append(hits[0] - ks[0])
        honest = ~gamed
        honest_periods += int(honest.sum())
        honest_alerts += int((alert & honest).sum())
        all_alerts += int(alert.sum())
        gamed_alerts += int((alert & gamed).sum())
        if outcome.pattern is not None:
            for d, k in zip(*np.nonzero(alert), strict=True):
                counts = pattern_alerts.setdefault(outcome.pattern[d][k], [0, 0])
                counts[0] += 1
                counts[1] += int(gamed[d, k])
        for name, dealers in group_map.items():
            rows = [index[x] for x in dealers if x in index]
            counts = groups.setdefault(name, [0, 0])
            counts[0] += int(honest[rows].sum()) if rows else 0
            counts[1] += int((alert[rows] & honest[rows]).sum()) if rows else 0
    far = honest_alerts / honest_periods if honest_periods else float("nan")
    report_scenarios = {}
    for name, row in sorted(scen.items()):
        pattern = SCENARIO_PATTERN.get(name, "")
        pa = pattern_alerts.get(pattern)
        report_scenarios[name] = {
            "episodes": row["episodes"],
            "detected": row["detected"],
            "recall": row["detected"] / row["episodes"] if row["episodes"] else float("nan"),
            "testable_episodes": row["testable"],
            "recall_testable": row["detected_testable"] / row["testable"] if row["testable"] else float("nan"),
            "periods": row["periods"],
            "period_recall": row["periods_alerted"] / row["periods"] if row["periods"] else float("nan"),
            "precision": (pa[1] / pa[0]) if pa and pa[0] else float("nan"),
            "median_quarters_to_detect": _median(row["delays"]),
            "mean_quarters_to_detect": float(np.mean(row["delays"])) if row["delays"] else float("nan"),
        }
    report_groups = {}
    for name, (periods, alerts) in groups.items():
        rate = alerts / periods if periods else float("nan")
        report_groups[name] = {"periods": periods, "alerts": alerts, "rate": rate,
                               "ratio_to_average": rate / far if far and np.isfinite(rate) else float("nan")}
    acceptance = {
        "false_alarm_rate_at_most_1pct": bool(far <= MAX_FALSE_ALARM_RATE),
        "recall_at_least_0.9_each_scenario": bool(report_scenarios) and all(
            r["recall"] >= MIN_RECALL for r in report_scenarios.values()),
        "no_group_above_twice_average": all(
            not (g["ratio_to_average"] > MAX_GROUP_RATIO) for g in report_groups.values() if g["periods"]),
    }
    return {
        "scenarios": report_scenarios,
        "honest": {"periods": honest_periods, "alerts": honest_alerts, "false_alarm_rate": far},
        "overall": {"alerts": all_alerts, "precision": gamed_alerts / all_alerts if all_alerts else float("nan")},
        "patterns": {k: {"alerts": v[0], "precision": v[1] / v[0] if v[0] else float("nan")}
                     for k, v in pattern_alerts.items()},
        "groups": report_groups,
        "acceptance": acceptance,
    }
