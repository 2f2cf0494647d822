"""Key-driver analysis on a large simulation: recovered against true importances, the time taken, and the naive
baseline (ranking touchpoints by their correlation with the outcome) measured in the same run.

The simulated network: eight touchpoints whose scores are correlated within a customer (someone pleased at one visit
tends to be pleased at the next), most customers missing most touchpoints (they never went or did not answer), a
relationship score made of known weights plus noise, and buying again from a logistic model with known coefficients.
Three touchpoints have no effect of their own: a method that credits them is fooled by correlation.

    .venv/bin/python bench/drivers.py [--customers 30000] [--bootstrap 100] [--datasets 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from insidetrack.analytics import drivers

CODES = ("handover", "service_visit", "test_drive", "first_service", "finance", "deposit", "experience", "checkin")
WEIGHTS = np.array([0.55, 0.40, 0.20, 0.10, 0.0, 0.0, 0.05, 0.0])
LOGIT = np.array([0.70, 0.10, 0.40, 0.0, 0.25, 0.0, 0.0, 0.0])  # per standard deviation
ANSWERED = np.array([0.25, 0.7, 0.25, 0.2, 0.2, 0.15, 0.1, 0.6])
CORRELATION, SPREAD, NOISE, MEAN = 0.4, 2.0, 2.0, 7.5
SALES_TEAM = 0.4  # --sales-team raises it


def covariance() -> np.ndarray:
    """Everything mildly correlated; the deposit, the finance desk and the handover strongly (the same sales team),
    so a touchpoint without an effect of its own (deposit) correlates with the outcome almost as the handover does."""
    k = len(CODES)
    correlation = np.full((k, k), CORRELATION) + (1 - CORRELATION) * np.eye(k)
    handover, finance, deposit = CODES.index("handover"), CODES.index("finance"), CODES.index("deposit")
    for a, b in ((handover, deposit), (finance, deposit), (handover, finance)):
        correlation[a, b] = correlation[b, a] = SALES_TEAM
    assert np.linalg.eigvalsh(correlation).min() > 0
    return correlation * SPREAD**2


def simulate(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Latent scores for everyone; what is observed has gaps. Outcomes follow the latent scores."""
    latent = rng.multivariate_normal(np.full(len(CODES), MEAN), covariance(), n)
    relationship = latent @ WEIGHTS + rng.normal(0, NOISE, n)
    linear = -2.0 + ((latent - MEAN) / SPREAD) @ LOGIT
    bought = (rng.random(n) < 1 / (1 + np.exp(-linear))).astype(float)
    observed = np.where(rng.random(latent.shape) < ANSWERED, np.clip(np.round(latent), 0, 10), np.nan)
    return latent, observed, relationship, bought


def true_lmg() -> dict[str, float]:
    shares = drivers.lmg_population(covariance(), WEIGHTS, NOISE**2, [(j,) for j in range(len(CODES))])
    return dict(zip(CODES, shares, strict=True))


def true_permutation(rng: np.random.Generator) -> dict[str, float]:
    latent, _, _, bought = simulate(rng, 500_000)
    coefficients = np.concatenate([[-2.0 - MEAN / SPREAD * LOGIT.sum()], LOGIT / SPREAD])
    importance, _ = drivers.permutation_importance(latent, bought, coefficients, [(j,) for j in range(len(CODES))],
                                                   rng, repeats=3)
    return dict(zip(CODES, importance / importance.sum(), strict=True))


def true_linear_probability(rng: np.random.Generator) -> dict[str, float]:
    """LMG shares of R² of the linear probability model on the latent scores of a very large sample."""
    latent, _, _, bought = simulate(rng, 500_000)
    weights, _ = drivers.lmg(latent, bought, [(j,) for j in range(len(CODES))])
    return dict(zip(CODES, weights / weights.sum(), strict=True))


def tau(recovered: list[str], truth: dict[str, float]) -> float:
    """Kendall's tau over the pairs whose true shares differ by more than a point (true ties have no right order)."""
    position = {code: i for i, code in enumerate(recovered)}
    pairs = [(a, b) for a in truth for b in truth if truth[a] > truth[b] + 0.01 and a in position and b in position]
    return sum(1 if position[a] < position[b] else -1 for a, b in pairs) / len(pairs) if pairs else 1.0


def order(shares: dict[str, float]) -> list[str]:
    return sorted(shares, key=lambda code: -shares[code])


def report(name: str, truth: dict[str, float], runs: list[tuple[drivers.DriverResult, list[tuple[str, float]]]],
           seconds: list[float]) -> None:
    print(f"\n== {name} ==")
    true_order = order(truth)
    first = runs[0][0]
    print(f"{'touchpoint':<14}{'true':>8}{'recovered':>11}{'95% interval':>18}{'correlation':>13}")
    recovered = {s.driver.code: s for s in first.shares}
    correlations = dict(runs[0][1])
    for code in true_order:
        share = recovered.get(code)
        shown = f"{100 * share.share:10.1f}%  [{100 * share.low:5.1f}, {100 * share.high:5.1f}]" if share else ""
        print(f"{code:<14}{100 * truth[code]:7.1f}%{shown:>29}{correlations.get(code, float('nan')):13.2f}")
    taus, baseline_taus, covered, checks, top_right, baseline_top = [], [], 0, 0, 0, 0
    for result, correlation in runs:
        method_order = [s.driver.code for s in result.shares]
        baseline_order = [code for code, _ in correlation]
        taus.append(tau(method_order, truth))
        baseline_taus.append(tau(baseline_order, truth))
        top_right += method_order[0] == true_order[0]
        baseline_top += baseline_order[0] == true_order[0]
        for share in result.shares:
            checks += 1
            covered += share.low <= truth[share.driver.code] <= share.high
        # Credit given to touchpoints with no effect of their own.
    null_codes = [c for c in CODES if truth[c] < 0.02]
    null_share = np.mean([sum(s.share for s in r.shares if s.driver.code in null_codes) for r, _ in runs])
    print(f"rank agreement with the truth (Kendall tau over pairs a point apart, mean of {len(runs)} data sets): "
          f"method {np.mean(taus):.2f}, correlation baseline {np.mean(baseline_taus):.2f}")
    print(f"largest driver right: method {top_right}/{len(runs)}, baseline {baseline_top}/{len(runs)}")
    print(f"95% intervals covering the true share: {covered}/{checks} ({100 * covered / checks:.0f}%)")
    print(f"share credited to touchpoints without an effect ({', '.join(null_codes)}): {100 * null_share:.1f}%")
    print(f"time per data set: {np.mean(seconds):.2f} s (bootstrap {first.bootstrap}, {first.customers} customers)")


def main() -> None:
    global SALES_TEAM
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=30_000)
    parser.add_argument("--bootstrap", type=int, default=drivers.BOOTSTRAP)
    parser.add_argument("--datasets", type=int, default=5)
    parser.add_argument("--sales-team", type=float, default=0.4,
                        help="correlation of handover, finance and deposit (0.4 = like every other pair)")
    args = parser.parse_args()
    SALES_TEAM = args.sales_team
    rng = np.random.default_rng(2026)
    frames = [simulate(rng, args.customers) for _ in range(args.datasets)]

    # The truth for LMG comes from the latent scores; what the method sees has gaps and is rounded to 0-10, so the
    # recovered shares are the observable version. The ranking is what must survive.
    for name, truth, outcome_index, binary, method in (
        ("Relationship score (LMG, pairwise-complete moments)", true_lmg(), 2, False, drivers.LMG),
        ("Bought again (LMG of the linear probability model, pairwise)", true_linear_probability(rng), 3, True,
         drivers.LMG),
        ("Bought again (logistic, permutation, missing as indicators)", true_permutation(rng), 3, True,
         drivers.PERMUTATION),
    ):
        runs, seconds = [], []
        for latent, observed, *outcomes in frames:
            frame = drivers.DriverFrame(scores=observed, touchpoints=CODES, themes_flags=np.zeros((len(latent), 0)),
                                        themes=(), outcome=outcomes[outcome_index - 2])
            started = time.perf_counter()
            result = drivers.decompose(frame, binary=binary, method=method, bootstrap=args.bootstrap)
            seconds.append(time.perf_counter() - started)
            started = time.perf_counter()
            correlation = drivers.correlation_ranking(frame)
            baseline_seconds = time.perf_counter() - started
            assert result is not None
            runs.append((result, correlation))
        report(name, truth, runs, seconds)
        print(f"baseline time per data set: {baseline_seconds * 1000:.1f} ms "
              f"(ratio {np.mean(seconds) / baseline_seconds:.0f}x for the method)")

    # The same data seen in full (no gaps, no rounding): the method against the exact truth.
    print("\n== Relationship score, every touchpoint answered (checks the method itself) ==")
    runs, seconds = [], []
    for latent, _, relationship, _ in frames:
        frame = drivers.DriverFrame(scores=latent, touchpoints=CODES, themes_flags=np.zeros((len(latent), 0)),
                                    themes=(), outcome=relationship)
        started = time.perf_counter()
        result = drivers.decompose(frame, binary=False, bootstrap=args.bootstrap)
        seconds.append(time.perf_counter() - started)
        assert result is not None
        runs.append((result, drivers.correlation_ranking(frame)))
    report("complete data", true_lmg(), runs, seconds)


if __name__ == "__main__":
    main()
