"""Benchmark: the survey-integrity detectors on simulated dealer networks with injected gaming (acceptance figures).

Usage::

    .venv/bin/python bench/integrity_eval.py                          # 50 networks of 300 dealers, seeds 1-50
    .venv/bin/python bench/integrity_eval.py --networks 5             # quicker, while tuning
    .venv/bin/python bench/integrity_eval.py --scale                  # then time the detectors on 10M responses
    .venv/bin/python bench/integrity_eval.py --mention-rate 0.12      # sensitivity: fewer customers mention it
    .venv/bin/python bench/integrity_eval.py --json results.json

Each network is simulated in memory (``insidetrack.integrity.simulation.simulate``: honest dealers of log-normal
sizes, regional levels, improving dealers, quarter-end delivery peaks, customer lounges, fleets..., and gaming
episodes of four scenarios) and scanned with the product's detectors (``insidetrack.integrity.policies.combine.scan``)
at their frozen thresholds. The evaluation (``policies.evaluation.evaluate``) pools all networks and prints, per
scenario, recall (episodes caught in any of their quarters; also among the episodes that the 30-response rule allows
to be tested at all), the share of gamed dealer-quarters alerted, precision of the alerts that name the scenario's
pattern and the median quarters from the start of gaming to the first alert; the false-alarm rate on honest
dealer-quarters; and the alert rate of honest groups (small dealers, improving dealers, each region...) against the
average honest rate.

The thresholds in ``combine`` were tuned on seeds 1000-1019; the default evaluation seeds are 1-50 (``--seed-offset``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from insidetrack.integrity.policies import combine  # noqa: E402
from insidetrack.integrity.policies.evaluation import Outcome, evaluate, outcome_of  # noqa: E402
from insidetrack.integrity.simulation import simulate  # noqa: E402

TUNING_SEEDS = "1000-1019"
SCALE_RESPONSES = 10_000_000


def _one(job: tuple[int, int, int, dict]) -> dict:
    """Simulate and scan one network; return only what the evaluation needs (picklable, small)."""
    seed, dealers, quarters, options = job
    started = time.perf_counter()
    history, truth = simulate(seed, dealers=dealers, quarters=quarters, **options)
    simulated = time.perf_counter()
    result = combine.scan(history)
    scanned = time.perf_counter()
    outcome = outcome_of(result, list(combine.PATTERNS))
    return {"seed": seed, "outcome": outcome, "truth": truth, "responses": len(history.responses.dealer),
            "simulate_s": simulated - started, "detect_s": scanned - simulated,
            "alerts": int(result.alert.sum())}


def run(networks: int, dealers: int, quarters: int, seed_offset: int, workers: int, options: dict) -> dict:
    jobs = [(seed_offset + i, dealers, quarters, options) for i in range(networks)]
    started = time.perf_counter()
    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_one, jobs, chunksize=1)
    else:
        results = [_one(job) for job in jobs]
    total = time.perf_counter() - started
    outcomes: list[Outcome] = [r["outcome"] for r in results]
    report = evaluate(outcomes, [r["truth"] for r in results])
    report["timing"] = {
        "networks": networks, "dealers": dealers, "quarters": quarters, "workers": workers,
        "seeds": f"{seed_offset}-{seed_offset + networks - 1}", "tuning_seeds": TUNING_SEEDS,
        "total_s": total,
        "simulate_s_per_network": float(np.mean([r["simulate_s"] for r in results])),
        "detect_s_per_network": float(np.mean([r["detect_s"] for r in results])),
        "responses_per_network": float(np.mean([r["responses"] for r in results])),
    }
    report["thresholds"] = {"RISK_ALERT": combine.RISK_ALERT, "Q_ALERT": combine.Q_ALERT}
    return report


def scale_run(responses: int, seed: int) -> dict:
    """Time the detectors alone on a simulated history of about ``responses`` responses."""
    from insidetrack.integrity.policies import signals

    per_dealer = 3_200        # responses per dealer over eight quarters at the default sizes
    dealers = max(300, responses // per_dealer)
    started = time.perf_counter()
    history, _ = simulate(seed, dealers=dealers)
    simulated = time.perf_counter() - started
    n = len(history.responses.dealer)
    t0 = time.perf_counter()
    ctx = signals.context(history)
    t1 = time.perf_counter()
    tables = signals.all_signals(ctx)
    t2 = time.perf_counter()
    families = len(tables)
    del ctx, tables                     # the full scan below builds its own
    result = combine.scan(history)
    t3 = time.perf_counter()
    return {"dealers": dealers, "responses": n, "invitations": len(history.invitations.dealer),
            "events": len(history.events.dealer), "simulate_s": simulated, "context_s": t1 - t0,
            "signals_s": t2 - t1, "families": families, "scan_s": t3 - t2, "alerts": int(result.alert.sum()),
            "reports": len(result.reports)}


def _fmt(value: float, digits: int = 2) -> str:
    return "-" if value is None or not np.isfinite(value) else f"{value:.{digits}f}"


def print_report(report: dict, scale: dict | None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, width=160)
    t = report["timing"]
    console.print(f"[bold]Survey integrity: {t['networks']} simulated networks of {t['dealers']} dealers x "
                  f"{t['quarters']} quarters[/bold] (seeds {t['seeds']}; thresholds tuned on seeds "
                  f"{t['tuning_seeds']}: RISK_ALERT={report['thresholds']['RISK_ALERT']}, "
                  f"Q_ALERT={report['thresholds']['Q_ALERT']})")
    table = Table(title="Per scenario", show_lines=False)
    for column in ("scenario", "episodes", "caught", "recall", "testable", "recall (testable)",
                   "gamed quarters alerted", "precision", "median quarters to detect"):
        table.add_column(column, justify="right" if column != "scenario" else "left")
    for name, row in report["scenarios"].items():
        table.add_row(name, str(row["episodes"]), str(row["detected"]), _fmt(row["recall"]),
                      str(row["testable_episodes"]), _fmt(row["recall_testable"]), _fmt(row["period_recall"]),
                      _fmt(row["precision"]), _fmt(row["median_quarters_to_detect"], 1))
    console.print(table)
    honest = report["honest"]
    console.print(f"Honest dealer-quarters: {honest['periods']:,}, false alarms: {honest['alerts']:,} "
                  f"= [bold]{honest['false_alarm_rate']:.2%}[/bold]; all alerts: {report['overall']['alerts']:,}, "
                  f"precision {report['overall']['precision']:.1%}")
    groups = Table(title="Honest groups: alert rate against the average honest rate")
    for column in ("group", "dealer-quarters", "alerts", "rate", "x average"):
        groups.add_column(column, justify="right" if column != "group" else "left")
    for name, row in report["groups"].items():
        groups.add_row(name, f"{row['periods']:,}", str(row["alerts"]), f"{row['rate']:.2%}",
                       _fmt(row["ratio_to_average"]))
    console.print(groups)
    console.print(f"Time: {t['total_s']:.0f} s in all ({t['workers']} worker(s)); per network "
                  f"{t['responses_per_network']:,.0f} responses, simulation {t['simulate_s_per_network']:.1f} s, "
                  f"detectors (scan with write-ups) {t['detect_s_per_network']:.1f} s")
    acceptance = report["acceptance"]
    console.print("Acceptance: " + "; ".join(f"{k}: {'PASS' if v else 'FAIL'}" for k, v in acceptance.items()))
    if scale:
        console.print(f"[bold]Scale[/bold]: {scale['responses']:,} responses, {scale['invitations']:,} invitations, "
                      f"{scale['events']:,} events ({scale['dealers']:,} dealers): context {scale['context_s']:.1f} s, "
                      f"{scale['families']} signal families {scale['signals_s']:.1f} s, full scan (signals, BH, "
                      f"combination, {scale['reports']} write-ups) {scale['scan_s']:.1f} s "
                      f"(simulation {scale['simulate_s']:.0f} s, not counted)")
    console.print(f"[dim]{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs[/dim]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--networks", type=int, default=50)
    parser.add_argument("--dealers", type=int, default=300)
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--seed-offset", type=int, default=1, help="first evaluation seed (tuning used 1000-1019)")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--mention-rate", type=float, default=None,
                        help="share of approached customers who mention the begging or the freebie (sensitivity)")
    parser.add_argument("--scale", action="store_true", help="also time the detectors on ~10M responses")
    parser.add_argument("--scale-responses", type=int, default=SCALE_RESPONSES)
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)
    options = {} if args.mention_rate is None else {"mention_rate": args.mention_rate}
    report = run(args.networks, args.dealers, args.quarters, args.seed_offset, args.workers, options)
    scale = scale_run(args.scale_responses, seed=999) if args.scale else None
    print_report(report, scale)
    if args.json:
        payload = {**report, "scale": scale}
        args.json.write_text(json.dumps(payload, indent=2, default=float))
    return 0 if all(report["acceptance"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
