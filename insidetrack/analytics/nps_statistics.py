"""The statistics behind every NPS we show, as pure functions with no ORM, so each can be checked against worked values.

An NPS is a difference of two shares taken from one multinomial sample (promoters minus detractors), so its
variance is (p + d - (p - d)^2) / n, not the sum of two binomial variances. Everything here works on counts in the
order (detractors, passives, promoters) and reports on the -100..100 scale ("points").

Library choices: the special functions (log-gamma, digamma, trigamma), the normal distribution (``ndtr``,
``ndtri``) and the root finder come from scipy (``scipy.special``, ``scipy.optimize.brentq``), and Benjamini-Hochberg
from statsmodels (``multipletests(method="fdr_bh")``): well-kept, widely checked implementations rather than our own.
What is ours is the NPS-specific part: Tango's constrained estimate, the dealer-against-the-rest comparison, and the
Dirichlet-multinomial fit by Newton's method on log alpha with a backtracking line search.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import special

# The conventional level for every interval we show; kept as a default, never hard-coded in the formulas.
CONFIDENCE = 0.95

# With identical dealers the marginal likelihood keeps rising as the prior concentration grows (the data show no
# spread beyond sampling noise), so the fit would run to infinity. A concentration of a million responses is full
# pooling for any real dealer, and keeps the log-gamma arithmetic well inside double precision.
MAX_CONCENTRATION = 1e6
# A share that never occurs anywhere drives its alpha to zero; a floor keeps the logarithms finite.
MIN_ALPHA = 1e-6


class NpsCounts(NamedTuple):
    """How many detractors (0-6), passives (7-8) and promoters (9-10) a group of responses holds."""

    detractors: int
    passives: int
    promoters: int

    @property
    def n(self) -> int:
        return self.detractors + self.passives + self.promoters


def _checked(counts: Sequence[int]) -> NpsCounts:
    """Accept any (detractors, passives, promoters) triple, refusing negatives, which would give a silent nonsense."""
    detractors, passives, promoters = (int(value) for value in counts)
    if min(detractors, passives, promoters) < 0:
        raise ValueError(f"Counts must not be negative: {tuple(counts)!r}")
    return NpsCounts(detractors, passives, promoters)


@lru_cache(maxsize=16)
def z_for(confidence: float) -> float:
    """The two-sided normal quantile for a confidence level (1.959964 for 95%); cached, as every row of a page asks."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"Confidence must be between 0 and 1, not {confidence!r}")
    return float(special.ndtri(0.5 + confidence / 2))


def nps(counts: Sequence[int]) -> float | None:
    """NPS in points; None for no responses, because an empty group has no score (it is not a score of 0)."""
    c = _checked(counts)
    if not c.n:
        return None
    return 100.0 * (c.promoters - c.detractors) / c.n


def nps_standard_error(counts: Sequence[int]) -> float | None:
    """Standard error of the NPS in points, from the multinomial variance (p + d - (p - d)^2) / n.

    Promoter and detractor shares come from the same sample and are negatively correlated; this is the exact variance
    of their difference, which the sum of two binomial variances would overstate.
    """
    c = _checked(counts)
    if not c.n:
        return None
    p, d = c.promoters / c.n, c.detractors / c.n
    return 100.0 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / c.n)


def nps_interval_adjusted_wald(counts: Sequence[int], *, confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """Interval in points by adjusted Wald: add 3/4 promoter, 3/4 detractor and 3 to n, then clip to [-100, 100].

    The plain Wald interval collapses to zero width at n=1 or when every answer is a 10; the adjustment (Bonett and
    Price's for a difference of dependent proportions) keeps small samples honest, and it is a closed form cheap
    enough for every row of every table.
    """
    c = _checked(counts)
    if not c.n:
        return None
    n = c.n + 3
    p, d = (c.promoters + 0.75) / n, (c.detractors + 0.75) / n
    centre = p - d
    half = z_for(confidence) * math.sqrt(max(p + d - centre**2, 0.0) / n)
    return max(-100.0, 100.0 * (centre - half)), min(100.0, 100.0 * (centre + half))


def constrained_detractor_share(counts: Sequence[int], *, delta: float) -> float:
    """Maximum-likelihood detractor share when the promoter share is forced to be delta more (Tango 1998).

    Maximising promoters*log(d + delta) + detractors*log(d) + passives*log(1 - 2d - delta) over d gives the quadratic
    2n d^2 + W d - detractors * delta * (1 - delta) = 0 with W = -(promoters + detractors) + delta(2n - promoters +
    detractors); its larger root is the interior maximum (Tango's closed form, with his b = promoters, c =
    detractors). The score interval needs it at every candidate delta, so a closed form beats a numeric search.
    """
    c = _checked(counts)
    if not c.n:
        raise ValueError("The constrained estimate needs at least one response")
    if not -1.0 <= delta <= 1.0:
        raise ValueError(f"An NPS difference of shares lies in [-1, 1], not {delta!r}")
    n, b, d = c.n, c.promoters, c.detractors
    w = -(b + d) + delta * (2 * n - b + d)
    root = (math.sqrt(max(w * w + 8 * n * d * delta * (1 - delta), 0.0)) - w) / (4 * n)
    # Rounding must not push the estimate outside its feasible range [max(0, -delta), (1 - delta) / 2].
    return min(max(root, 0.0, -delta), (1 - delta) / 2)


def _score_statistic(counts: NpsCounts, delta: float) -> float:
    """Tango's score statistic for the hypothesis NPS = 100*delta: observed minus delta over its constrained SE."""
    observed = (counts.promoters - counts.detractors) / counts.n
    if delta == observed:
        return 0.0
    d = constrained_detractor_share(counts, delta=delta)
    variance = (2 * d + delta * (1 - delta)) / counts.n
    if variance <= 0.0:
        # Only at delta = +-1 (or delta = 0 with no promoters or detractors): no spread is possible there, so any
        # departure from it is infinitely significant.
        return math.copysign(math.inf, observed - delta)
    return (observed - delta) / math.sqrt(variance)


def _root(function: Callable[[float], float], low: float, high: float) -> float:
    """The root of a function that changes sign between low and high (scipy's Brent method, to 1e-12)."""
    from scipy.optimize import brentq  # imported when first needed: it costs every web process start otherwise

    return float(brentq(function, low, high, xtol=1e-12))


def nps_interval_score(counts: Sequence[int], *, confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """Interval in points by the score method (Tango 1998): every NPS the data would not reject at this level.

    The bounds are the deltas where |score statistic| = z, found by a root finder on each side of the observed NPS; the
    variance is taken under the hypothesis rather than at the estimate, so the interval stays inside [-100, 100], is
    never of zero width below n of a few dozen, and covers close to its nominal level even at small n, which is why
    it is the reference the adjusted Wald interval is checked against.
    """
    c = _checked(counts)
    if not c.n:
        return None
    z = z_for(confidence)
    observed = (c.promoters - c.detractors) / c.n

    def excess(delta: float) -> float:
        return abs(_score_statistic(c, delta)) - z

    # Below the observed value the statistic rises to +inf at delta = -1; above it, it falls to -inf at delta = 1.
    low = -1.0 if observed <= -1.0 else _root(lambda delta: -excess(delta), -1.0, observed)
    high = 1.0 if observed >= 1.0 else _root(excess, observed, 1.0)
    return max(-100.0, 100.0 * low), min(100.0, 100.0 * high)


@dataclass(frozen=True, slots=True)
class NpsDifference:
    """One NPS minus another, in points, with the z test of "no difference" between two independent samples."""

    difference: float
    standard_error: float
    z: float
    p_value: float


def nps_difference(first: Sequence[int], second: Sequence[int]) -> NpsDifference | None:
    """Compare two independent groups: z = (nps1 - nps2) / sqrt(se1^2 + se2^2), with a two-sided p-value.

    The samples must not overlap (see nps_against_rest); None when either is empty, as there is nothing to compare.
    When both standard errors are zero (say every answer on both sides a 10) an equal pair gives z = 0, p = 1, and an
    unequal pair an infinite z with p = 0; small samples like that are better compared with care than ranked.
    """
    nps_first, nps_second = nps(first), nps(second)
    if nps_first is None or nps_second is None:
        return None
    se_first, se_second = nps_standard_error(first), nps_standard_error(second)
    assert se_first is not None and se_second is not None  # both groups are non-empty here
    difference = nps_first - nps_second
    standard_error = math.hypot(se_first, se_second)
    if standard_error > 0.0:
        z = difference / standard_error
    else:
        z = 0.0 if difference == 0.0 else math.copysign(math.inf, difference)
    return NpsDifference(difference=difference, standard_error=standard_error, z=z,
                         p_value=float(2 * special.ndtr(-abs(z))))


def nps_against_rest(*, dealer: Sequence[int], network: Sequence[int]) -> NpsDifference | None:
    """Compare a dealer with the rest of the network, removing the dealer's own responses from the network first.

    Testing a dealer against a total that includes it compares it partly with itself: the difference shrinks, the two
    samples are no longer independent, and a large dealer can never look different. So the dealer's counts are
    subtracted from the network totals; counts larger than the totals mean the figures do not belong together and
    raise ValueError. None when the dealer or the rest has no responses.
    """
    own, total = _checked(dealer), _checked(network)
    if any(part > whole for part, whole in zip(own, total, strict=True)):
        raise ValueError(f"The dealer's counts {tuple(own)!r} exceed the network totals {tuple(total)!r}")
    rest = NpsCounts(*(whole - part for part, whole in zip(own, total, strict=True)))
    return nps_difference(own, rest)


@dataclass(frozen=True, slots=True)
class FalseDiscoveryResult:
    """Benjamini-Hochberg adjusted p-values (q-values) and which hypotheses are rejected, in the input order."""

    q_values: tuple[float, ...]
    rejected: tuple[bool, ...]


def benjamini_hochberg(p_values: Sequence[float], *, fdr: float = 0.05) -> FalseDiscoveryResult:
    """Control the false discovery rate across many dealers tested at once (Benjamini and Hochberg 1995).

    With a hundred dealers each tested at 5%, about five look different by chance alone; this step-up procedure keeps
    the expected share of false flags among those flagged at most `fdr`. Sorted ascending, p_(k) is rejected for every
    k up to the largest with p_(k) <= k * fdr / m; the q-value is min over j >= k of m * p_(j) / j, capped at 1
    (statsmodels' ``multipletests(method="fdr_bh")``).
    """
    if not 0.0 < fdr < 1.0:
        raise ValueError(f"The false discovery rate must be between 0 and 1, not {fdr!r}")
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1 or np.any(np.isnan(p)) or np.any((p < 0) | (p > 1)):
        raise ValueError("p-values must be a flat sequence of numbers in [0, 1]")
    if not p.size:
        return FalseDiscoveryResult(q_values=(), rejected=())
    # statsmodels takes most of a second to import: only the analyses that test many dealers pay for it.
    from statsmodels.stats.multitest import multipletests

    rejected, q_values, _sidak, _bonferroni = multipletests(p, alpha=fdr, method="fdr_bh")
    return FalseDiscoveryResult(q_values=tuple(float(q) for q in q_values),
                                rejected=tuple(bool(r) for r in rejected))


# --- Empirical Bayes -----------------------------------------------------------------------------------------------

FloatArray = npt.NDArray[np.float64]


def _digamma(x: FloatArray) -> FloatArray:
    return special.digamma(x)


def _trigamma(x: FloatArray) -> FloatArray:
    return special.polygamma(1, x)


def _log_gamma(x: FloatArray) -> FloatArray:
    return special.gammaln(x)


def _count_matrix(dealers: Sequence[Sequence[int]]) -> FloatArray:
    rows = [_checked(counts) for counts in dealers]
    return np.array(rows, dtype=float).reshape(len(rows), 3)


def _log_likelihood(counts: FloatArray, alpha: FloatArray) -> float:
    total = alpha.sum()
    n = counts.sum(axis=1)
    per_dealer = (_log_gamma(np.array([total])) - _log_gamma(n + total)
                  + (_log_gamma(counts + alpha) - _log_gamma(alpha)).sum(axis=1))
    return float(per_dealer.sum())


def dirichlet_multinomial_log_likelihood(dealers: Sequence[Sequence[int]], alpha: Sequence[float]) -> float:
    """Log marginal likelihood of the dealers' counts under a Dirichlet(alpha) prior, without the multinomial
    coefficients (they do not depend on alpha).

    Per dealer: lgamma(A) - lgamma(n + A) + sum_k [lgamma(x_k + alpha_k) - lgamma(alpha_k)], A = sum(alpha). The
    log-gamma form is exact for any alpha > 0 and cheap for any n.
    """
    a = np.asarray(alpha, dtype=float)
    if a.shape != (3,) or np.any(a <= 0):
        raise ValueError(f"alpha must be three positive numbers, not {alpha!r}")
    return _log_likelihood(_count_matrix(dealers), a)


def _gradient_and_hessian(counts: FloatArray, alpha: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Gradient and Hessian of the log marginal likelihood in log alpha (the parameters the fit moves)."""
    total = alpha.sum()
    n = counts.sum(axis=1)
    gradient = (_digamma(counts + alpha) - _digamma(alpha)).sum(axis=0) + float(
        (_digamma(np.array([total])) - _digamma(n + total)).sum())
    common = float((_trigamma(np.array([total])) - _trigamma(n + total)).sum())
    diagonal = (_trigamma(counts + alpha) - _trigamma(alpha)).sum(axis=0)
    hessian = common + np.diag(diagonal)
    # Chain rule for alpha = exp(theta): H_theta = diag(alpha) H diag(alpha) + diag(alpha * gradient).
    return alpha * gradient, np.outer(alpha, alpha) * hessian + np.diag(alpha * gradient)


def _within_bounds(theta: FloatArray, max_concentration: float) -> FloatArray:
    """Keep alpha positive and its sum at most the cap; the cap scales all alphas alike, so the prior mean is kept."""
    theta = np.maximum(theta, math.log(MIN_ALPHA))
    excess = math.log(float(np.exp(theta).sum())) - math.log(max_concentration)
    return theta - excess if excess > 0 else theta


def fit_dirichlet_prior(dealers: Sequence[Sequence[int]], *,
                        max_concentration: float = MAX_CONCENTRATION) -> tuple[float, float, float]:
    """The Dirichlet(alpha_detractor, alpha_passive, alpha_promoter) prior that best explains the dealers' counts.

    Maximum marginal (Dirichlet-multinomial) likelihood across dealers, by Newton's method on log alpha (which keeps
    alpha positive) with a backtracking line search, using the size of each curvature where the likelihood is not
    concave; started from the pooled shares at the best of a few concentrations. scipy.optimize would do this, but it
    is not a dependency here, and with three parameters Newton's method is short and fast.

    The concentration sum(alpha) is capped at `max_concentration`: when dealers differ no more than sampling noise
    allows, the likelihood rises without limit towards full pooling, and the cap stops there instead of overflowing.
    Dealers with no responses carry no information and are ignored; at least one dealer must have responses.
    """
    counts = _count_matrix(dealers)
    counts = counts[counts.sum(axis=1) > 0]
    if not counts.shape[0]:
        raise ValueError("Fitting a prior needs at least one dealer with responses")
    if max_concentration <= 3 * MIN_ALPHA:
        raise ValueError(f"max_concentration is too small: {max_concentration!r}")

    def log_likelihood(theta: FloatArray) -> float:
        return _log_likelihood(counts, np.exp(theta))

    shares = (counts.sum(axis=0) + 0.5) / (counts.sum() + 1.5)
    starts = [_within_bounds(np.log(shares * concentration), max_concentration)
              for concentration in (1.0, 10.0, 100.0, 1000.0)]
    theta = max(starts, key=log_likelihood)
    current = log_likelihood(theta)
    for _ in range(200):
        gradient, hessian = _gradient_and_hessian(counts, np.exp(theta))
        # Newton's step, with each curvature taken by its size (eigenvalue -> -|eigenvalue|): where the likelihood is
        # concave this is Newton itself; where it is not (along the concentration, as it flattens towards full
        # pooling) the step still climbs, and does so at Newton's pace across narrow ridges where a plain gradient
        # step would zig-zag for hundreds of iterations.
        eigenvalues, eigenvectors = np.linalg.eigh(hessian)
        curvature = np.maximum(np.abs(eigenvalues), max(1e-12, 1e-10 * float(np.max(np.abs(eigenvalues)))))
        step = eigenvectors @ ((eigenvectors.T @ gradient) / curvature)
        # A trust region: never move any alpha by more than a factor e^5 in one step.
        largest = float(np.max(np.abs(step)))
        if largest > 5.0:
            step = step * (5.0 / largest)
        improved = False
        size = 1.0
        while size > 1e-10:
            candidate = _within_bounds(theta + size * step, max_concentration)
            value = log_likelihood(candidate)
            if value > current:
                improved = True
                break
            size /= 2
        if not improved:
            break
        change = value - current
        moved = float(np.max(np.abs(candidate - theta)))
        theta, current = candidate, value
        if change < 1e-12 * (1.0 + abs(current)) and moved < 1e-9:
            break
    alpha = np.exp(theta)
    return float(alpha[0]), float(alpha[1]), float(alpha[2])


@dataclass(frozen=True, slots=True)
class ShrinkageResult:
    """Each dealer's NPS pulled towards its stage mean, in points, with the fitted prior it was pulled by."""

    shrunk_nps: tuple[float, ...]
    alpha: tuple[float, float, float]
    prior_mean_nps: float

    @property
    def concentration(self) -> float:
        """sum(alpha): how many responses the prior is worth; a dealer with n responses keeps n / (n + this)."""
        return sum(self.alpha)


def nps_shrunk(dealers: Sequence[Sequence[int]], *, max_concentration: float = MAX_CONCENTRATION) -> ShrinkageResult:
    """Empirical-Bayes NPS for each dealer within one stage, shrunk towards the stage mean.

    A dealer with eight responses and an NPS of +100 is mostly luck; ranking raw NPS rewards the small and noisy. A
    Dirichlet prior over (detractor, passive, promoter) shares is fitted to all dealers of the stage at once
    (fit_dirichlet_prior), and each dealer's posterior mean shares (counts + alpha) / (n + sum alpha) give its shrunk
    NPS: small dealers move most, large ones barely, and a dealer with no responses gets the prior mean.
    """
    counts = _count_matrix(dealers)
    alpha = np.array(fit_dirichlet_prior(dealers, max_concentration=max_concentration))
    posterior = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha.sum())
    shrunk = 100.0 * (posterior[:, 2] - posterior[:, 0])
    prior_mean = 100.0 * float(alpha[2] - alpha[0]) / float(alpha.sum())
    return ShrinkageResult(shrunk_nps=tuple(float(value) for value in shrunk),
                           alpha=(float(alpha[0]), float(alpha[1]), float(alpha[2])), prior_mean_nps=prior_mean)


@dataclass(frozen=True, slots=True)
class Overdispersion:
    """How much more dealers differ than sampling noise explains (Spiegelhalter 2005, "Handling over-dispersion of
    performance indicators").

    ``phi`` is the multiplicative factor (mean squared winsorised z-score; about 1 when dealers differ only by chance)
    and ``tau`` the additive between-dealer standard deviation in points (0 when ``phi`` shows no excess).
    """

    phi: float
    tau: float


def overdispersion(values: Sequence[float], standard_errors: Sequence[float], *, target: float,
                   winsorise: float = 0.1) -> Overdispersion:
    """Estimate the between-dealer spread beyond chance, for funnel-plot limits that flag the unusual, not everyone.

    Real dealer networks differ by more than sampling noise (sites, staff, customers): with limits from noise alone
    most large dealers fall outside them, and the plot says nothing. Following Spiegelhalter, z-scores against the
    target are winsorised at ``winsorise`` and ``1 - winsorise`` (so the outliers being looked for do not inflate the
    estimate), phi is their mean square, and the additive random-effects variance is
    tau^2 = (I phi - (I - 1)) / (sum w - sum w^2 / sum w) with w = 1 / se^2, or 0 when I phi <= I - 1.
    Units with a zero standard error carry no information about spread and are left out.
    """
    pairs = [(v, s) for v, s in zip(values, standard_errors, strict=True) if s > 0]
    if len(pairs) < 3:
        return Overdispersion(phi=1.0, tau=0.0)
    estimates = np.array([v for v, _s in pairs])
    errors = np.array([s for _v, s in pairs])
    z = (estimates - target) / errors
    low, high = np.quantile(z, [winsorise, 1.0 - winsorise])
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    units = len(pairs)
    weights = 1.0 / errors**2
    denominator = float(weights.sum() - (weights**2).sum() / weights.sum())
    if units * phi <= units - 1 or denominator <= 0:
        return Overdispersion(phi=phi, tau=0.0)
    return Overdispersion(phi=phi, tau=math.sqrt((units * phi - (units - 1)) / denominator))
