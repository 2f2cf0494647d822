"""Moments of truth: which touchpoints' scores and which complaints best explain how customers feel about the brand
and what they do next, as pure functions with no ORM so each figure can be checked on simulated data.

Three outcomes, one per customer: the relationship score (the 0-10 answer at the ownership check-in, a relationship
survey), bought again (a repurchase) and referred a friend (a friend enquired). The explanatory variables are the
customer's latest score at each other touchpoint and whether any of their verbatims carried a theme with negative
sentiment ("negative themes").

Method, chosen so that correlated touchpoints (a customer who liked the handover tends to like the test drive) do not
steal each other's credit: **LMG relative weights** (Lindeman, Merenda and Gold; the Shapley value of R²). A driver's
share is its increase in R² averaged over every order in which the drivers could enter the regression, so the shares
add up to the model's R² and do not depend on an arbitrary order. Exact: every subset of at most ``MAX_DRIVERS``
drivers is fitted from the covariance matrix (batched solves), no sampling. For the yes/no outcomes the same
decomposition applies to the linear probability model (dominance analysis on R²); the alternative kept here,
``PERMUTATION`` (a logistic model; a driver's importance is how much worse, in deviance, it predicts when that driver
is shuffled across customers), is what the bench compares against: with missing answers it credits touchpoints that
have no effect of their own (they stand in for the unanswered ones), and a bootstrap of it takes tens of seconds.

**Uncertainty: bootstrap.** Customers are resampled with replacement ``BOOTSTRAP`` times, the whole method rerun, and
the 2.5th and 97.5th percentiles of each share reported (percentile interval, 95%). Seeded, so a page shows the same
figures on every load.

**Customers who did not answer a touchpoint** (nobody answers the experience-event survey without going, and most
customers answer few surveys): *pairwise-complete moments*. Each covariance is taken from the customers who answered
both touchpoints (or the touchpoint and the outcome), so everyone counts where they answered and nobody is invented a
score. The share then reads "how much this touchpoint's score matters for a customer who goes through it"; the number
of customers behind it is shown beside it. Keeping only customers who answered every touchpoint would leave almost
nobody; filling in the mean with an "answered" indicator (what the logistic alternative does) lets an often-answered
touchpoint stand in for a rarely-answered one. Touchpoints answered by fewer than ``MIN_ANSWERED`` customers are left
out rather than estimated from noise.

Shares are of the *explained* part: "the handover holds 40% of what we can explain about repurchase" is the reading,
and the model's R² (or deviance explained) says how much that is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import combinations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

BOOTSTRAP = 100
CONFIDENCE = 0.95
MAX_DRIVERS = 10  # 1,023 subsets for the exact LMG decomposition: a page in seconds
MIN_ANSWERED = 30  # customers who answered a touchpoint (or mentioned a theme) for it to be a driver
MIN_CUSTOMERS = 60  # customers in the analysis at all
MIN_POSITIVES = 20  # customers who did the thing (bought again, referred), and as many who did not
PERMUTATION_REPEATS = 3
EIGENVALUE_FLOOR = 0.01  # on the correlation scale, for pairwise-complete moments
SEED = 20260101

TOUCHPOINT = "touchpoint"
THEME = "theme"
LMG, PERMUTATION = "lmg", "permutation"
PAIRWISE, INDICATOR = "pairwise", "indicator"


@dataclass(frozen=True, slots=True)
class Driver:
    """One candidate driver: a touchpoint's score or a negative theme."""

    code: str
    kind: str  # TOUCHPOINT or THEME


@dataclass(frozen=True, slots=True)
class DriverShare:
    """A driver's share of what the model explains, with its bootstrap interval and how many customers it touches."""

    driver: Driver
    share: float
    low: float
    high: float
    customers: int  # answered the touchpoint / mentioned the theme negatively

    @property
    def is_clear(self) -> bool:
        """The interval stays clear of zero: the driver matters beyond sampling noise."""
        return self.low > 0.0


@dataclass(frozen=True, slots=True)
class DriverResult:
    """The decomposition for one outcome; ``shares`` ordered from the largest."""

    method: str  # "lmg" or "permutation"
    customers: int
    positives: int | None  # for a yes/no outcome, how many said yes
    fit: float  # R² (lmg) or the share of the null deviance explained (permutation)
    fit_low: float
    fit_high: float
    shares: tuple[DriverShare, ...]
    bootstrap: int


@dataclass(frozen=True, slots=True)
class DriverFrame:
    """Per-customer inputs: touchpoint scores (NaN where not answered), negative-theme flags and the outcome."""

    scores: FloatArray  # (customers, touchpoints)
    touchpoints: tuple[str, ...]
    themes_flags: FloatArray  # (customers, themes), 0 or 1
    themes: tuple[str, ...]
    outcome: FloatArray  # (customers,)

    def __post_init__(self) -> None:
        n = self.outcome.shape[0]
        if self.scores.shape != (n, len(self.touchpoints)):
            raise ValueError(f"Scores must be {n} customers by {len(self.touchpoints)} touchpoints, "
                             f"not {self.scores.shape}")
        if self.themes_flags.shape != (n, len(self.themes)):
            raise ValueError(f"Theme flags must be {n} customers by {len(self.themes)} themes, "
                             f"not {self.themes_flags.shape}")
        if np.isnan(self.outcome).any():
            raise ValueError("The outcome must be known for every customer in the frame")


@dataclass(frozen=True, slots=True)
class Design:
    """The regression matrix with the columns of each driver grouped."""

    matrix: FloatArray  # (customers, columns), without an intercept
    groups: tuple[tuple[int, ...], ...]
    drivers: tuple[Driver, ...]
    customers: tuple[int, ...]  # per driver


def design_from_frame(frame: DriverFrame, *, missing: str = PAIRWISE, min_answered: int = MIN_ANSWERED,
                      max_drivers: int = MAX_DRIVERS) -> Design:
    """Touchpoints first, then the most mentioned negative themes, up to the cap.

    ``missing`` is PAIRWISE (a touchpoint is one column, NaN where not answered, for pairwise-complete moments) or
    INDICATOR (the score where answered, the mean elsewhere, and an "answered" column, both in the touchpoint's
    group; a touchpoint every customer answered gets no indicator, it would be constant).
    """
    if missing not in (PAIRWISE, INDICATOR):
        raise ValueError(f"Missing answers are handled {PAIRWISE!r} or {INDICATOR!r}, not {missing!r}")
    columns: list[FloatArray] = []
    groups: list[tuple[int, ...]] = []
    drivers: list[Driver] = []
    customers: list[int] = []
    answered_counts = (~np.isnan(frame.scores)).sum(axis=0)
    order = sorted(range(len(frame.touchpoints)), key=lambda j: -answered_counts[j])
    for j in order:
        if len(drivers) >= max_drivers:
            break
        answered = ~np.isnan(frame.scores[:, j])
        count = int(answered.sum())
        if count < min_answered:
            continue
        if missing == PAIRWISE:
            score = frame.scores[:, j]
        else:
            score = np.where(answered, frame.scores[:, j], frame.scores[answered, j].mean())
        group = [len(columns)]
        columns.append(score)
        if missing == INDICATOR and count < len(answered):
            group.append(len(columns))
            columns.append(answered.astype(float))
        groups.append(tuple(group))
        drivers.append(Driver(frame.touchpoints[j], TOUCHPOINT))
        customers.append(count)
    mentions = frame.themes_flags.sum(axis=0)
    for j in sorted(range(len(frame.themes)), key=lambda j: (-mentions[j], frame.themes[j])):
        if len(drivers) >= max_drivers:
            break
        count = int(mentions[j])
        if count < min_answered or count == len(frame.outcome):
            continue
        groups.append((len(columns),))
        columns.append(frame.themes_flags[:, j].astype(float))
        drivers.append(Driver(frame.themes[j], THEME))
        customers.append(count)
    matrix = np.column_stack(columns) if columns else np.empty((len(frame.outcome), 0))
    return Design(matrix=matrix, groups=tuple(groups), drivers=tuple(drivers), customers=tuple(customers))


# --- LMG (Shapley value of R²) -------------------------------------------------------------------------------------


def subset_r2(covariance: FloatArray, cross: FloatArray, variance: float,
              groups: Sequence[Sequence[int]]) -> FloatArray:
    """R² of the least-squares fit on every subset of groups, indexed by the subset's bit mask.

    From moments only: R²(S) = c_S' Σ_SS⁻¹ c_S / var(y). Subsets with the same number of columns are solved as one
    batch. A tiny ridge keeps a column that happens to be constant in a bootstrap sample from making Σ singular; it
    then contributes nothing, as it should.
    """
    k = len(groups)
    result = np.zeros(1 << k)
    if variance <= 0.0 or k == 0:
        return result
    ridge = 1e-10 * max(float(np.trace(covariance)), 1e-12)
    for size, masks, index in _subset_plan(tuple(tuple(g) for g in groups)):
        sigma = covariance[index[:, :, None], index[:, None, :]] + ridge * np.eye(size)
        c = cross[index]  # (batch, size)
        beta = np.linalg.solve(sigma, c[:, :, None])[:, :, 0]
        result[masks] = np.einsum("bi,bi->b", c, beta) / variance
    return np.clip(result, 0.0, 1.0)


@lru_cache(maxsize=32)
def _subset_plan(groups: tuple[tuple[int, ...], ...]) -> list[tuple[int, IntArray, IntArray]]:
    """Every non-empty subset of groups as (column count, masks, column indices), batched by column count; the same
    for every bootstrap replicate, so built once."""
    by_size: dict[int, list[tuple[int, list[int]]]] = {}
    for mask in range(1, 1 << len(groups)):
        columns = [c for g in range(len(groups)) if mask >> g & 1 for c in groups[g]]
        by_size.setdefault(len(columns), []).append((mask, columns))
    return [(size, np.array([m for m, _ in items]), np.array([cols for _, cols in items]))
            for size, items in sorted(by_size.items())]


def _shapley_weights(k: int) -> FloatArray:
    """Weight of a subset of size s not containing the driver: s! (k - s - 1)! / k!."""
    return np.array([math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)])


def shapley_from_subsets(values: FloatArray, k: int) -> FloatArray:
    """The Shapley value of each of k players from the value of every coalition (indexed by bit mask)."""
    weights = _shapley_weights(k)
    masks = np.arange(1 << k)
    sizes = np.array([bin(m).count("1") for m in range(1 << k)])
    shapley = np.zeros(k)
    for j in range(k):
        without = masks[(masks >> j & 1) == 0]
        shapley[j] = float(np.sum(weights[sizes[without]] * (values[without | (1 << j)] - values[without])))
    return shapley


def pairwise_covariance(data: FloatArray, *, min_pairs: int = MIN_ANSWERED) -> FloatArray:
    """Covariance of the columns, each entry from the rows where both columns are known (NaN elsewhere).

    Two columns known together for fewer than ``min_pairs`` customers get no correlation (zero) rather than one
    estimated from a handful. The pairwise matrix need not be positive definite when columns are known for different
    customers; its correlation matrix's eigenvalues are floored at ``EIGENVALUE_FLOOR`` (a nearly singular matrix
    would let some subset "explain" the outcome perfectly), and the variances put back.
    """
    known = ~np.isnan(data)
    values = np.where(known, data, 0.0)
    weights = known.astype(float)
    pairs = weights.T @ weights
    sums = values.T @ weights  # [i, j]: sum of column i over rows where j is known too
    products = values.T @ values
    with np.errstate(invalid="ignore", divide="ignore"):
        covariance = (products - sums * sums.T / pairs) / (pairs - 1.0)
        # Each correlation from the same customers as its covariance: the variances over the pair's rows.
        squares = (values**2).T @ weights
        variances = (squares - sums**2 / pairs) / (pairs - 1.0)
        correlation = covariance / np.sqrt(variances * variances.T)
    correlation[~np.isfinite(correlation) | (pairs < min_pairs)] = 0.0
    correlation = np.clip((correlation + correlation.T) / 2.0, -1.0, 1.0)
    np.fill_diagonal(correlation, 1.0)
    eigenvalues, vectors = np.linalg.eigh(correlation)
    if eigenvalues.min() < EIGENVALUE_FLOOR:
        correlation = (vectors * np.maximum(eigenvalues, EIGENVALUE_FLOOR)) @ vectors.T
        scale = np.sqrt(np.diag(correlation))
        correlation = correlation / scale[:, None] / scale[None, :]
    spread = np.sqrt(np.maximum(np.diag(covariance), 0.0))
    spread[~np.isfinite(spread)] = 0.0
    return correlation * spread[:, None] * spread[None, :]


def lmg(matrix: FloatArray, outcome: FloatArray, groups: Sequence[Sequence[int]]) -> tuple[FloatArray, float]:
    """Each group's LMG weight (its Shapley share of R², in R² units) and the full model's R².

    Missing scores (NaN) are handled by pairwise-complete moments: each covariance from the customers who answered
    both touchpoints (or the touchpoint and the outcome).
    """
    k = len(groups)
    if k == 0:
        return np.zeros(0), 0.0
    data = np.column_stack([matrix, outcome])
    moments = pairwise_covariance(data) if np.isnan(matrix).any() else np.cov(data, rowvar=False)
    values = subset_r2(moments[:-1, :-1], moments[:-1, -1], float(moments[-1, -1]), groups)
    return shapley_from_subsets(values, k), float(values[-1])


def lmg_population(covariance: FloatArray, coefficients: FloatArray, noise_variance: float,
                   groups: Sequence[Sequence[int]]) -> FloatArray:
    """The true LMG shares (of R², summing to 1) for a linear model y = Xβ + ε with known Cov(X), β and Var(ε).

    What the estimate should recover; used by the tests and the bench.
    """
    cross = covariance @ coefficients
    variance = float(coefficients @ covariance @ coefficients + noise_variance)
    values = subset_r2(covariance, cross, variance, groups)
    weights = shapley_from_subsets(values, len(groups))
    return weights / weights.sum()


# --- Logistic model and permutation importance ---------------------------------------------------------------------


def logistic_fit(matrix: FloatArray, outcome: FloatArray, *, ridge: float = 1e-6, max_iterations: int = 50,
                 start: FloatArray | None = None) -> FloatArray:
    """Coefficients (intercept first) of a logistic regression by Newton's method on standardised columns.

    The same estimate as statsmodels' ``Logit`` (the tests compare them) at a fraction of the cost, which matters when
    it is refitted for every bootstrap replicate; the tiny ridge keeps a constant or perfectly separating column from
    sending the solve to infinity.
    """
    centre = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale[scale == 0.0] = 1.0
    x = np.column_stack([np.ones(len(outcome)), (matrix - centre) / scale])
    if start is None:
        beta = np.zeros(x.shape[1])
    else:  # a bootstrap replicate starts from the full sample's fit, a few Newton steps away
        beta = np.concatenate([[start[0] + float(start[1:] @ centre)], start[1:] * scale])
    penalty = ridge * len(outcome) * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(max_iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        gradient = x.T @ (outcome - p) - penalty @ beta
        hessian = (x * (p * (1.0 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        beta = beta + step
        if float(np.max(np.abs(step))) < 1e-7:
            break
    # Back to the original units, so the coefficients can be applied to the raw matrix.
    slopes = beta[1:] / scale
    return np.concatenate([[beta[0] - float(slopes @ centre)], slopes])


def _deviance(linear: FloatArray, outcome: FloatArray) -> float:
    """Mean log loss times two, stable for large |linear|: log(1 + e^η) - yη."""
    return 2.0 * float(np.mean(np.logaddexp(0.0, linear) - outcome * linear))


def permutation_importance(matrix: FloatArray, outcome: FloatArray, coefficients: FloatArray,
                           groups: Sequence[Sequence[int]], rng: np.random.Generator, *,
                           repeats: int = PERMUTATION_REPEATS) -> tuple[FloatArray, float]:
    """Per group, the mean increase in deviance when its columns are shuffled together; and the deviance explained.

    Shuffling a group's columns together keeps a touchpoint's score and its "answered" indicator consistent with each
    other. Negative increases (shuffling helped, by chance) count as zero.
    """
    intercept, slopes = coefficients[0], coefficients[1:]
    linear = intercept + matrix @ slopes
    base = _deviance(linear, outcome)
    rate = float(np.clip(outcome.mean(), 1e-12, 1 - 1e-12))
    null = -2.0 * (rate * math.log(rate) + (1 - rate) * math.log(1 - rate))
    importance = np.zeros(len(groups))
    for g, columns in enumerate(groups):
        cols = list(columns)
        own = matrix[:, cols] @ slopes[cols]
        total = 0.0
        for _ in range(repeats):
            shuffled = own[rng.permutation(len(outcome))]
            total += _deviance(linear - own + shuffled, outcome) - base
        importance[g] = max(total / repeats, 0.0)
    return importance, max(1.0 - base / null, 0.0)


# --- The decomposition with its bootstrap --------------------------------------------------------------------------


def _normalised(weights: FloatArray) -> FloatArray:
    total = float(weights.sum())
    return weights / total if total > 0 else np.zeros_like(weights)


def decompose(frame: DriverFrame, *, binary: bool, method: str = LMG, bootstrap: int = BOOTSTRAP, seed: int = SEED,
              confidence: float = CONFIDENCE, min_answered: int = MIN_ANSWERED,
              max_drivers: int = MAX_DRIVERS) -> DriverResult | None:
    """The drivers of one outcome with bootstrap intervals; None when there are too few customers to say anything.

    ``binary`` says the outcome is yes/no (0 or 1, and enough of each). ``method`` is LMG (pairwise-complete
    moments; for a yes/no outcome the R² of the linear probability model) or PERMUTATION (a logistic model with
    missing scores as indicators; yes/no outcomes only).
    """
    if method not in (LMG, PERMUTATION):
        raise ValueError(f"The method is {LMG!r} or {PERMUTATION!r}, not {method!r}")
    if method == PERMUTATION and not binary:
        raise ValueError("Permutation importance of a logistic model needs a yes/no outcome")
    outcome = frame.outcome.astype(float)
    n = len(outcome)
    positives = None
    if binary:
        if not np.isin(outcome, (0.0, 1.0)).all():
            raise ValueError("A yes/no outcome must be 0 or 1 for every customer")
        positives = int(outcome.sum())
        if min(positives, n - positives) < MIN_POSITIVES:
            return None
    if n < MIN_CUSTOMERS:
        return None
    logistic = method == PERMUTATION
    design = design_from_frame(frame, missing=INDICATOR if logistic else PAIRWISE, min_answered=min_answered,
                               max_drivers=max_drivers)
    if not design.groups:
        return None
    rng = np.random.default_rng(seed)

    full: FloatArray | None = None

    def run(matrix: FloatArray, y: FloatArray) -> tuple[FloatArray, float]:
        if logistic:
            # A replicate takes two Newton steps from the full sample's fit: the one-step estimator is already
            # first-order equivalent to the full refit, and it halves the cost of the bootstrap.
            coefficients = logistic_fit(matrix, y) if full is None else logistic_fit(matrix, y, start=full,
                                                                                     max_iterations=2)
            # One shuffle per replicate: the bootstrap averages the shuffling noise out along with the sampling.
            return permutation_importance(matrix, y, coefficients, design.groups, rng,
                                          repeats=PERMUTATION_REPEATS if full is None else 1)
        return lmg(matrix, y, design.groups)

    weights, fit = run(design.matrix, outcome)
    if logistic:
        full = logistic_fit(design.matrix, outcome)
    shares = _normalised(weights)
    replicate_shares = np.empty((bootstrap, len(design.groups)))
    replicate_fit = np.empty(bootstrap)
    for b in range(bootstrap):
        index = rng.integers(0, n, n)
        w, f = run(design.matrix[index], outcome[index])
        replicate_shares[b] = _normalised(w)
        replicate_fit[b] = f
    tail = 100.0 * (1.0 - confidence) / 2.0
    low, high = np.percentile(replicate_shares, [tail, 100.0 - tail], axis=0)
    fit_low, fit_high = np.percentile(replicate_fit, [tail, 100.0 - tail])
    items = [DriverShare(driver=design.drivers[g], share=float(shares[g]), low=float(low[g]), high=float(high[g]),
                         customers=design.customers[g]) for g in range(len(design.groups))]
    items.sort(key=lambda item: (-item.share, item.driver.code))
    return DriverResult(method=method, customers=n, positives=positives, fit=fit,
                        fit_low=float(fit_low), fit_high=float(fit_high), shares=tuple(items), bootstrap=bootstrap)


def correlation_ranking(frame: DriverFrame) -> list[tuple[str, float]]:
    """The naive baseline: each touchpoint's correlation with the outcome among customers who answered it, largest
    first. It double-counts correlated touchpoints, which is what the decomposition corrects; the bench compares them.
    """
    ranking = []
    for j, code in enumerate(frame.touchpoints):
        answered = ~np.isnan(frame.scores[:, j])
        if answered.sum() < 3 or np.std(frame.scores[answered, j]) == 0 or np.std(frame.outcome[answered]) == 0:
            continue
        ranking.append((code, float(np.corrcoef(frame.scores[answered, j], frame.outcome[answered])[0, 1])))
    ranking.sort(key=lambda item: -abs(item[1]))
    return ranking


def rank_agreement(recovered: Sequence[str], truth: Sequence[str]) -> float:
    """Kendall's tau between two orderings of the same codes (1 = identical order), ignoring codes not in both."""
    common = [code for code in truth if code in recovered]
    position = {code: i for i, code in enumerate(c for c in recovered if c in common)}
    pairs = list(combinations(common, 2))
    if not pairs:
        return 1.0
    agree = sum(1 if position[a] < position[b] else -1 for a, b in pairs)
    return agree / len(pairs)


def build_frame(*, answers: Iterable[tuple[int, str, int, datetime]],
                negative_themes: Iterable[tuple[int, str, datetime]],
                anchors: Mapping[int, datetime], outcomes: Mapping[int, float],
                touchpoints: Sequence[str], themes: Sequence[str], include_anchor: bool) -> DriverFrame:
    """The per-customer frame from raw records: each customer in ``anchors`` (the moment the outcome is measured
    from), their latest score per touchpoint and their negative themes *up to* that moment.

    Only what came before the outcome can explain it: with ``include_anchor`` False the anchor's own answer (the
    relationship survey whose score is the outcome, and its verbatim's themes) is left out, else it is a driver too
    (a repurchase within a year *after* the latest answer).
    """
    customers = sorted(anchors)
    row = {customer: i for i, customer in enumerate(customers)}
    column = {code: j for j, code in enumerate(touchpoints)}
    theme_column = {code: j for j, code in enumerate(themes)}
    scores = np.full((len(customers), len(touchpoints)), np.nan)
    latest: dict[tuple[int, int], datetime] = {}

    def counts(at: datetime, anchor: datetime) -> bool:
        return at <= anchor if include_anchor else at < anchor

    for customer, code, score, at in answers:
        i, j = row.get(customer), column.get(code)
        if i is None or j is None or not counts(at, anchors[customer]):
            continue
        if not 0 <= score <= 10:
            raise ValueError(f"A score is 0 to 10, not {score!r}")
        if (i, j) not in latest or at > latest[(i, j)]:
            latest[(i, j)] = at
            scores[i, j] = score
    flags = np.zeros((len(customers), len(themes)))
    for customer, code, at in negative_themes:
        i, j = row.get(customer), theme_column.get(code)
        if i is not None and j is not None and counts(at, anchors[customer]):
            flags[i, j] = 1.0
    outcome = np.array([float(outcomes[customer]) for customer in customers])
    return DriverFrame(scores=scores, touchpoints=tuple(touchpoints), themes_flags=flags, themes=tuple(themes),
                       outcome=outcome)
