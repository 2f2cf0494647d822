"""Small statistical building blocks shared by the signals: robust beta-binomial nulls and Benjamini-Hochberg.

Why beta-binomial: dealers differ for innocent reasons (clientele, staff, local habits), so a count of fast answers or
of 10s with a negative verbatim varies more between honest dealers than a binomial allows. A binomial null would
flag every large honest dealer; the beta-binomial's extra dispersion ``rho`` is fitted across the dealers of the same
touchpoint and market, so a dealer is compared with how much honest dealers really differ.

Why robust: the cells being judged are also the cells the null is fitted on. Cells that are already extreme under a
first fit are left out of a second fit, so a handful of gaming dealers cannot widen the null enough to hide.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

#: Smallest dispersion assumed: even very homogeneous counts are not treated as exactly binomial.
RHO_FLOOR = 1e-4
#: Cells more extreme than this (upper tail) under a first fit are left out of the refit.
TRIM_P = 1e-4
#: Share of the dealers (by pooled share, per group) left out of the first fit.
INITIAL_TRIM = 0.10
#: After the first fit a dealer stays out only if all its cells together are this extreme (gross, lasting gaming).
UNIT_TRIM_P = 1e-8
#: A group's dispersion is shrunk towards the all-groups one as if that one came from this many dealers.
PRIOR_UNITS = 20.0


def bh_qvalues(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values) of the finite entries; NaN stays NaN (not tested)."""
    shape = np.shape(p)
    p = np.asarray(p, dtype=float).ravel()
    q = np.full(p.shape, np.nan)
    finite = np.flatnonzero(np.isfinite(p))
    m = len(finite)
    if m == 0:
        return q.reshape(shape)
    order = finite[np.argsort(p[finite], kind="stable")]
    ranked = p[order] * m / np.arange(1, m + 1)
    q[order] = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    return q.reshape(shape)


def _ab(p: np.ndarray, rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    rho = np.clip(rho, RHO_FLOOR, 0.999)
    return p * (1 - rho) / rho, (1 - p) * (1 - rho) / rho


def _window_sum(start: np.ndarray, stop: np.ndarray, n: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sum of the beta-binomial pmf over k = start..stop (inclusive) per row, as one ragged vectorised evaluation.

    The log-pmf is computed exactly at each window's start and continued by the ratio of successive terms,
    pmf(k + 1) / pmf(k) = (n - k)(k + a) / ((k + 1)(n - k - 1 + b)), with a segmented cumulative sum: one logarithm
    per term instead of nine log-gamma evaluations.
    """
    length = np.maximum(stop - start + 1, 0).astype(np.int64)
    out = np.zeros(len(start))
    rows = np.flatnonzero(length > 0)
    if len(rows) == 0:
        return out
    length = length[rows]
    s0, nn0, aa0, bb0 = start[rows], n[rows], a[rows], b[rows]
    first = (special.gammaln(nn0 + 1) - special.gammaln(s0 + 1) - special.gammaln(nn0 - s0 + 1)
             + special.betaln(s0 + aa0, nn0 - s0 + bb0) - special.betaln(aa0, bb0))
    offsets = np.concatenate([[0], np.cumsum(length)[:-1]])
    row = np.repeat(np.arange(len(rows)), length)
    j = np.arange(int(length.sum())) - offsets[row]
    k = s0[row] + j - 1                                   # the ratio that leads to term j comes from k = start + j - 1
    nn, aa, bb = nn0[row], aa0[row], bb0[row]
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(j > 0, np.log((nn - k) * (k + aa)) - np.log((k + 1) * (nn - k - 1 + bb)), 0.0)
    csum = np.cumsum(step)
    logpmf = first[row] + csum - (csum[offsets] - step[offsets])[row]
    peak = np.maximum.reduceat(logpmf, offsets)
    total = np.bincount(row, weights=np.exp(logpmf - peak[row]), minlength=len(rows))
    out[rows] = np.exp(peak + np.log(total))
    return out


def betabinom_sf(x: np.ndarray, n: np.ndarray, p: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """P(X >= x) for X ~ beta-binomial(n, mean p, intra-class correlation rho), vectorised.

    scipy's ``betabinom.sf`` sums in a Python loop per element, far too slow for a scan of every dealer. Here the
    tail of a bell-shaped distribution is summed over a window of eight standard deviations (plus 15) from ``x``,
    which holds all the mass that matters; below the mean, and for U- or J-shaped distributions when it is shorter,
    the lower side is summed instead and subtracted from one (exact to about 1e-15).
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    p = np.broadcast_to(np.asarray(p, dtype=float), x.shape).astype(float)
    rho = np.broadcast_to(np.asarray(rho, dtype=float), x.shape).astype(float)
    a, b = _ab(p, rho)
    out = np.ones(x.shape)
    todo = (x > 0) & (n > 0)
    if not todo.any():
        return out
    sd = np.sqrt(n * p * (1 - p) * (1 + (n - 1) * np.clip(rho, RHO_FLOOR, 0.999)))
    # Bell-shaped (a, b >= 1): the mass lies within a window around x. U- or J-shaped (rare events with a large
    # dispersion): sum exactly, over whichever side of x is shorter.
    bell = (a >= 1) & (b >= 1)
    width = np.where(bell, np.ceil(8 * sd + 15), n + 1)
    upper = todo & np.where(bell, x >= n * p, n - x < x)
    lower = todo & ~upper
    tail = _window_sum(np.where(upper, x, 0), np.where(upper, np.minimum(n, x + width), -1), n, a, b)
    below = _window_sum(np.where(lower, np.maximum(0, x - 1 - width), 0), np.where(lower, x - 1, -1), n, a, b)
    out[upper] = tail[upper]
    out[lower] = 1 - below[lower]
    # One minus a sum near one loses the digits of a tiny tail: sum those tails directly.
    redo = lower & (out < 1e-10)
    if redo.any():
        out[redo] = _window_sum(np.where(redo, x, 0), np.where(redo, n, -1), n, a, b)[redo]
    out[x > n] = 0.0
    return np.clip(out, 0.0, 1.0)


def betabinom_sf_fast(x: np.ndarray, n: np.ndarray, p: np.ndarray, rho: np.ndarray, exact_below: float = 0.1,
                      ) -> np.ndarray:
    """The upper tail, exact where a normal approximation puts it below ``exact_below`` (where it matters)."""
    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    p = np.broadcast_to(np.asarray(p, dtype=float), x.shape).astype(float)
    rho = np.broadcast_to(np.asarray(rho, dtype=float), x.shape).astype(float)
    out = approximate_sf(x, n, p, np.clip(rho, RHO_FLOOR, 0.999))
    out = np.where(x <= 0, 1.0, out)
    exact = np.flatnonzero((out < exact_below) & (x > 0))
    out[exact] = betabinom_sf(x[exact], n[exact], p[exact], rho[exact])
    return out


def approximate_sf(x: np.ndarray, n: np.ndarray, p: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """A normal approximation of the beta-binomial upper tail, good enough to decide which cells to trim."""
    var = n * p * (1 - p) * (1 + (n - 1) * rho)
    return stats.norm.sf((x - 0.5 - n * p) / np.sqrt(np.maximum(var, 1e-12)))


def _moments(x: np.ndarray, n: np.ndarray, p: np.ndarray, group: np.ndarray, groups: int,
             use: np.ndarray) -> np.ndarray:
    """Method-of-moments rho per group: E[(x - n p)^2] = n p (1 - p) (1 + (n - 1) rho)."""
    w = use.astype(float)
    var = np.clip(p * (1 - p), 1e-12, None)
    excess = np.bincount(group, weights=w * ((x - n * p) ** 2 / var - n), minlength=groups)
    pairs = np.bincount(group, weights=w * n * (n - 1), minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.where(pairs > 0, excess / pairs, RHO_FLOOR)
    return np.clip(rho, RHO_FLOOR, 0.5)


def _shrunk_moments(x: np.ndarray, n: np.ndarray, p: np.ndarray, group: np.ndarray, groups: int, use: np.ndarray,
                    unit_of_cell: np.ndarray | None) -> np.ndarray:
    """Per-group moments rho, shrunk towards the all-groups rho by the number of dealers behind each group.

    A market with thirty dealers estimates its dispersion from few of them, and after trimming that estimate is
    biased low; borrowing from the other markets (which differ in level far more than in how much dealers differ)
    keeps its null from being too narrow.
    """
    rho = _moments(x, n, p, group, groups, use)
    overall = _moments(x, n, p, np.zeros(len(x), dtype=np.int64), 1, use)[0]
    if unit_of_cell is None:
        units = np.bincount(group, weights=use.astype(float), minlength=groups) / 8.0
    else:
        pairs = np.unique(unit_of_cell[use])
        units = np.bincount(np.asarray(group)[use][np.unique(unit_of_cell[use], return_index=True)[1]],
                            minlength=groups).astype(float) if len(pairs) else np.zeros(groups)
    return np.clip((units * rho + PRIOR_UNITS * overall) / (units + PRIOR_UNITS), RHO_FLOOR, 0.5)


def fit_betabinomial(x: np.ndarray, n: np.ndarray, group: np.ndarray, groups: int, fit: np.ndarray,
                     expected: np.ndarray | None = None, units: np.ndarray | None = None,
                     rounds: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Per-cell null mean and dispersion, fitted per group on the ``fit`` cells, robust to the cells it judges.

    Without ``expected`` the null mean is the group's pooled rate; with it (a per-cell expected rate, e.g. from the
    invitations' timing) only the dispersion is fitted. Returns (mean, rho) per cell.

    Gaming is persistent and dealer-wide while honest rare events are sporadic, so the first fit leaves out the
    ``units`` (dealers) whose pooled share over all their cells of the group is in the top ``INITIAL_TRIM``; the later
    fits use every cell that is not extreme (exact upper tail below ``TRIM_P``) under the previous fit, of the units
    that are not grossly extreme over all their cells together (``UNIT_TRIM_P``). That brings back the honest
    dealers left out at first, but not a dealer whose every quarter is high. Each group's dispersion is shrunk
    towards the all-groups one (``PRIOR_UNITS``).
    """
    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    base = fit & (n > 0)
    use = base
    if units is not None:
        unit_key = np.asarray(units, dtype=np.int64) * groups + group
        uniq, inverse = np.unique(unit_key, return_inverse=True)
        unit_x = np.bincount(inverse, weights=np.where(base, x, 0.0))
        unit_n = np.bincount(inverse, weights=np.where(base, n, 0.0))
        unit_share = np.where(unit_n > 0, unit_x / np.maximum(unit_n, 1), 0.0)
        if expected is not None:
            unit_e = np.bincount(inverse, weights=np.where(base, n * np.asarray(expected, dtype=float), 0.0))
            unit_share = unit_share - np.where(unit_n > 0, unit_e / np.maximum(unit_n, 1), 0.0)
        unit_group = uniq % groups
        has = unit_n > 0
        limit = _group_quantile(unit_share, unit_group, groups, has, 1 - INITIAL_TRIM)
        use = base & ~(unit_share > limit)[inverse]
    for round_ in range(rounds + 1):
        if expected is None:
            tot_x = np.bincount(group, weights=x * use, minlength=groups)
            tot_n = np.bincount(group, weights=n * use, minlength=groups)
            rate = np.where(tot_n > 0, tot_x / np.maximum(tot_n, 1), 0.0)
            # A group with no event at all still gets a small rate: "never seen" is not "impossible".
            rate = np.maximum(rate, 0.5 / np.maximum(tot_n, 1))
            mean = rate[group]
        else:
            mean = np.asarray(expected, dtype=float)
        rho = _shrunk_moments(x, n, mean, group, groups, use, inverse if units is not None else None)[group]
        if round_ == rounds:
            break
        # Exact tails only where the normal approximation says the cell might be extreme (in a right-skewed tail it
        # understates the tail probability, so every cell beyond TRIM_P is among the candidates).
        candidate = base & (approximate_sf(x, n, mean, rho) < 0.01)
        p_up = np.ones(len(x))
        p_up[candidate] = betabinom_sf(x[candidate], n[candidate], mean[candidate], rho[candidate])
        use = base & (p_up >= TRIM_P)
        if units is not None:
            # A dealer whose cells are each only a little unusual can be very unusual over all its quarters: gaming
            # lasts. Such dealers stay out of the fit.
            ux = np.bincount(inverse, weights=np.where(base, x, 0.0))
            un = np.bincount(inverse, weights=np.where(base, n, 0.0))
            um = np.bincount(inverse, weights=np.where(base, n * mean, 0.0)) / np.maximum(un, 1e-12)
            ur = np.bincount(inverse, weights=np.where(base, n * rho, 0.0)) / np.maximum(un, 1e-12)
            unit_p = betabinom_sf_fast(ux, un, um, ur)
            use &= (unit_p >= UNIT_TRIM_P)[inverse]
    return mean, rho


def _group_quantile(values: np.ndarray, group: np.ndarray, groups: int, use: np.ndarray, q: float) -> np.ndarray:
    """Per row, the q-quantile of ``values`` over the ``use`` rows of its group (inf for empty groups)."""
    out = np.full(groups, np.inf)
    order = np.lexsort((values, group))
    sel = order[use[order]]
    g_sorted = group[sel]
    starts = np.searchsorted(g_sorted, np.arange(groups), side="left")
    ends = np.searchsorted(g_sorted, np.arange(groups), side="right")
    for g in np.flatnonzero(ends > starts):
        k = starts[g] + int(np.floor(q * (ends[g] - starts[g] - 1)))
        out[g] = values[sel[k]]
    return out[group]


def robust_z(z: np.ndarray, group: np.ndarray, groups: int, fit: np.ndarray) -> np.ndarray:
    """Centre and scale a statistic per group by the median and MAD of the ``fit`` cells (outliers barely move them)."""
    out = np.full(z.shape, np.nan)
    for g in range(groups):
        members = (group == g) & np.isfinite(z)
        ref = z[members & fit]
        if len(ref) < 10:
            ref = z[fit & np.isfinite(z)]
        if len(ref) == 0:
            continue
        centre = np.median(ref)
        scale = 1.4826 * np.median(np.abs(ref - centre))
        out[members] = (z[members] - centre) / max(scale, 1e-6)
    return out
