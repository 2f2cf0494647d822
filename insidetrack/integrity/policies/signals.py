"""Gaming signals: one statistic per dealer x touchpoint x quarter, each against the network's honest variation.

Every family answers one question a head-office analyst would ask ("are there more fast answers than at other
dealers?") with a one-sided p-value against a null fitted on the cells of the same touchpoint and market, an effect
size in the unit the analyst thinks in, and the network reference it was compared with.

Rules that all families follow, and why:

* a cell with fewer than ``MIN_RESPONSES`` responses gets no p-value at all: with 20 answers, three unlucky 10s look
  like gaming, and accusing a dealer on that is worse than missing it. Pooling (below) only ever adds cells that
  were tested themselves, or earlier quarters of a cell that is;
* nulls are fitted across dealers (beta-binomial, or a score test whose variance has a lasting dealer effect), after
  leaving out dealers and cells that are already extreme, and shrunk towards all markets for small markets, so honest
  differences between dealers are expected and a few gaming dealers cannot hide themselves by widening the null;
* the comparison group is the same touchpoint in the same market: a French service visit is compared with French
  service visits, not with British handovers;
* gaming lasts and is often mild: each cell's p-value is the best of the quarter alone and the quarter pooled with up
  to three earlier ones (Bonferroni over the windows), but a window only counts when the quarter itself is unusual
  and about as unusual as the window, so a dealer that stopped is not accused on its past; and each family is also
  pooled over the dealer's tested touchpoints (``p_dealer``), because a dealer asking every customer for a 10 shows a
  little on each.

Everything is vectorised over cells (``np.bincount`` on a dense dealer x touchpoint x quarter index, one sort per
distinct-count), so millions of responses take seconds. A family returns a ``SignalTable`` of per-cell arrays;
``combine`` adds the BH q-values and the dealer-quarter risk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import special, stats

from insidetrack.integrity.policies.frames import History, days_to_quarter_end, quarter_of
from insidetrack.integrity.policies.stats import PRIOR_UNITS, betabinom_sf_fast, fit_betabinomial

MIN_RESPONSES = 30          # never test a cell with fewer responses (the rule)
FIT_MIN_RESPONSES = 10      # smaller cells say too little about a dealer's rate to help fit the null
LATE_DAYS = 21              # "near the period end": the last three weeks of the quarter
FAST_SECONDS = 600.0        # answered within ten minutes of the invitation
CONTACT_EDIT_DAYS = 1 / 24  # contact details changed within the hour before the invitation
SHARED_CUSTOMERS = 3        # a device, contact or network used by at least this many distinct customers
DEALER_NETWORK_DEALERS = 2  # a network used at most at this many dealers is "a dealer's" (not a mobile carrier's)
TEMPLATE_COPIES = 3         # a template: at least this many near-identical verbatims in the cell
MAX_LAG_DAYS = 60
MIN_NULL_DEALERS = 8        # a null group fitted from fewer dealers than this borrows from the other small markets


# --------------------------------------------------------------------------------------------------------------------
# The cell grid and what several families need.

@dataclass(slots=True)
class Context:
    """The frames with their cell index (dealer x touchpoint x quarter) and a few shared per-row derivatives."""

    history: History
    q0: int                      # first quarter (quarter index as ``quarter_of``)
    D: int
    T: int
    Q: int
    M: int
    r_quarter: np.ndarray        # per response, 0..Q-1
    r_cell: np.ndarray
    r_late: np.ndarray           # submitted in the last LATE_DAYS days of its quarter
    n: np.ndarray                # responses per cell
    tested: np.ndarray           # n >= MIN_RESPONSES
    fit: np.ndarray              # n >= FIT_MIN_RESPONSES
    cell_dealer: np.ndarray
    cell_touchpoint: np.ndarray
    cell_quarter: np.ndarray     # absolute quarter index
    cell_group: np.ndarray       # touchpoint x market
    groups: int
    masks: dict[str, np.ndarray] = field(default_factory=dict)   # per-response evidence masks by family
    notes: dict[str, np.ndarray] = field(default_factory=dict)   # per-cell (or per-row) by-products for explanations

    @property
    def cells(self) -> int:
        return self.D * self.T * self.Q

    def cell_of(self, dealer: np.ndarray, touchpoint: np.ndarray, quarter: np.ndarray) -> np.ndarray:
        return (np.asarray(dealer) * self.T + np.asarray(touchpoint)) * self.Q + np.asarray(quarter)

    def count(self, mask: np.ndarray, cell: np.ndarray | None = None) -> np.ndarray:
        cell = self.r_cell if cell is None else cell
        return np.bincount(cell, weights=np.asarray(mask, dtype=float), minlength=self.cells)

    def total(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.r_cell, weights=values, minlength=self.cells)


def _quarters_of_days(day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quarter index and days to quarter end per row, through a table over the days' range (no sort of the rows)."""
    day = np.asarray(day, dtype=np.int64)
    if len(day) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    first, last = int(day.min()), int(day.max())
    span = np.arange(first, last + 1)
    quarter, left = quarter_of(span), days_to_quarter_end(span)
    offset = day - first
    return quarter[offset], left[offset]


def context(history: History) -> Context:
    """Index the frames by cell; every family works from this (build it once per scan)."""
    net, r = history.network, history.responses
    D, T, M = len(net.dealer_names), len(net.touchpoint_names), len(net.market_names)
    r_q, r_left = _quarters_of_days(r.day)
    inv_q, _ = _quarters_of_days(history.invitations.day)
    ev_q, _ = _quarters_of_days(history.events.day)
    present = [a for a in (r_q, inv_q, ev_q) if len(a)]
    q0 = int(min(a.min() for a in present)) if present else 0
    q1 = int(max(a.max() for a in present)) if present else 0
    Q = q1 - q0 + 1
    cells = D * T * Q
    r_cell = (np.asarray(r.dealer) * T + np.asarray(r.touchpoint)) * Q + (r_q - q0)
    n = np.bincount(r_cell, minlength=cells).astype(float)
    idx = np.arange(cells)
    cell_dealer = idx // (T * Q)
    cell_touchpoint = (idx // Q) % T
    cell_quarter = q0 + idx % Q
    market = np.asarray(net.dealer_market)[cell_dealer]
    ctx = Context(history=history, q0=q0, D=D, T=T, Q=Q, M=M, r_quarter=r_q - q0, r_cell=r_cell,
                  r_late=r_left < LATE_DAYS, n=n, tested=n >= MIN_RESPONSES, fit=n >= FIT_MIN_RESPONSES,
                  cell_dealer=cell_dealer, cell_touchpoint=cell_touchpoint, cell_quarter=cell_quarter,
                  cell_group=cell_touchpoint * M + market, groups=T * M)
    ctx.notes["_inv_quarter"] = inv_q - q0
    ctx.notes["_ev_quarter"] = ev_q - q0
    return ctx


@dataclass(slots=True)
class SignalTable:
    """One family's result for every cell (arrays of length D x T x Q; ``p`` is NaN where not tested).

    ``p`` is the family's evidence at the cell: the quarter alone, or the quarter pooled with up to three previous
    ones when that is stronger (``window`` says how many quarters; Bonferroni over the windows tried). Low-intensity
    gaming that no single quarter proves shows up over a few; a window only counts when the quarter itself leans the
    same way, so a dealer that stopped is not accused on its past. ``p_dealer`` is the same evidence pooled over the
    dealer's tested touchpoints (those with at least 30 responses that quarter), per dealer x quarter: a dealer
    asking every customer for a 10 shows a little on each touchpoint.
    """

    family: str
    statistic: np.ndarray     # the test statistic (a z-score) for the quarter alone
    p: np.ndarray             # one-sided p-value against the network null, best window; NaN: not tested
    effect: np.ndarray        # effect size in ``effect_unit`` (the quarter alone)
    observed: np.ndarray      # the dealer's value (a share, a mean...)
    reference: np.ndarray     # the network's value for the same touchpoint and market (or for the dealer's level)
    count: np.ndarray         # numerator: how many responses (events, invitations) drove it
    size: np.ndarray          # denominator
    statistic_name: str = "z"
    effect_unit: str = "share points"
    p_quarter: np.ndarray | None = None   # the quarter alone
    window: np.ndarray | None = None      # quarters pooled for ``p`` (1 = the quarter alone)
    p_dealer: np.ndarray | None = None    # (D x Q) pooled over the dealer's tested touchpoints, best window
    window_dealer: np.ndarray | None = None
    #: (departments x D x Q) the same, pooled over each department's touchpoints (sales, service...): gaming is done
    #: by a team, so it shows on the touchpoints that team owns; None when one department owns every touchpoint.
    p_department: np.ndarray | None = None
    q: np.ndarray | None = None           # BH q-value of ``p`` across the scan, set by ``combine.scan``


#: Windows tried: the quarter alone and pooled with the previous one, two or three.
WINDOWS = (1, 2, 3, 4)
#: A window counts only if the quarter alone is at least this unusual (same direction now).
WINDOW_NEEDS_P = 0.1


@dataclass(slots=True)
class _Pool:
    """What pooling over quarters and touchpoints needs, per cell.

    ``count``: a count ``a`` out of ``b`` against a beta-binomial with per-cell ``mean`` and ``dispersion`` (rho);
    ``score``: an efficient score ``a`` with information ``b`` and a lasting dealer effect ``dispersion`` (tau2),
    whose pooled z is then standardised by the network's median and MAD (an empirical null: a dealer's lasting
    deviation dominates a long window, and its distribution need not be normal).
    """

    kind: str
    a: np.ndarray
    b: np.ndarray
    mean: np.ndarray | None
    dispersion: np.ndarray


def _rolling(values: np.ndarray, rows: int, Q: int, w: int) -> np.ndarray:
    """Sum over the quarter and the w - 1 previous ones, on a (rows x Q) grid given flat."""
    grid = values.reshape(rows, Q)
    c = np.concatenate([np.zeros((rows, 1)), np.cumsum(grid, axis=1)], axis=1)
    k = np.arange(Q)
    return (c[:, k + 1] - c[:, np.maximum(k + 1 - w, 0)]).ravel()


def _windowed(pool: _Pool, rows: int, Q: int, tested: np.ndarray, fit: np.ndarray, group: np.ndarray,
              groups: int, windows: tuple[int, ...] = WINDOWS,
              first: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p of the quarter alone, and the Bonferroni-corrected best allowed window, per cell of a (rows x Q) grid.

    ``first`` replaces the quarter-alone p where an exact test exists.
    """
    a, b = np.nan_to_num(pool.a), np.nan_to_num(pool.b)
    p_by_window, excess_by_window = [], []
    for w in windows:
        aw, bw = (a, b) if w == 1 else (_rolling(a, rows, Q, w), _rolling(b, rows, Q, w))
        p_w = np.ones(len(a))
        if pool.kind == "count":
            mw = pool.mean if w == 1 else np.where(bw > 0, _rolling(np.nan_to_num(b * pool.mean), rows, Q, w)
                                                   / np.maximum(bw, 1e-12), pool.mean)
            idx = np.flatnonzero(tested & (bw > 0))
            p_w[idx] = betabinom_sf_fast(aw[idx], bw[idx], mw[idx], pool.dispersion[idx])
            excess = np.where(bw > 0, (aw - bw * mw) / np.maximum(bw, 1e-12), 0.0)
        else:
            z = aw / np.sqrt(np.maximum(bw + bw ** 2 * pool.dispersion, 1e-12))
            if w > 1:
                z = _empirical_null(z, group, groups, fit & tested & (bw > 0))
            p_w = np.where(tested & (bw > 0), stats.norm.sf(z), 1.0)
            excess = np.where(bw > 0, aw / np.maximum(bw, 1e-12), 0.0)
        if w == 1 and first is not None:
            p_w = np.where(tested, np.nan_to_num(first, nan=1.0), 1.0)
        p_by_window.append(p_w)
        excess_by_window.append(excess)
    stack = np.stack(p_by_window)
    quarter = np.arange(len(a)) % Q
    available = np.array([quarter + 1 >= w for w in windows])
    # A window counts only if the quarter itself leans the same way, and about as far: at least half the window's
    # excess. A dealer that stopped gaming is not accused on its past.
    consistent = np.stack([excess_by_window[0] >= 0.5 * e for e in excess_by_window])
    allowed = available & ((np.arange(len(windows))[:, None] == 0)
                           | ((stack[0] <= WINDOW_NEEDS_P)[None, :] & consistent))
    best = np.where(allowed, stack, np.inf).argmin(0)
    p = np.minimum(np.take_along_axis(stack, best[None, :], 0)[0] * available.sum(0), 1.0)
    return (np.where(tested, np.clip(stack[0], 1e-300, 1.0), np.nan),
            np.where(tested, np.clip(p, 1e-300, 1.0), np.nan), np.array(windows)[best])


def _empirical_null(z: np.ndarray, group: np.ndarray, groups: int, use: np.ndarray) -> np.ndarray:
    """Centre and scale z per group by the median and MAD of the ``use`` cells (never narrower than N(0, 1))."""
    out = z.copy()
    for g in range(groups):
        members = group == g
        ref = z[members & use & np.isfinite(z)]
        if len(ref) < 20:
            continue
        centre = np.median(ref)
        scale = max(1.4826 * np.median(np.abs(ref - centre)), 1.0)
        out[members] = (z[members] - centre) / scale
    return out


def _table(ctx: Context, family: str, pool: _Pool, statistic: np.ndarray, effect: np.ndarray,
           observed: np.ndarray, reference: np.ndarray, count: np.ndarray, size: np.ndarray, tested: np.ndarray,
           p_quarter: np.ndarray | None = None, windows: tuple[int, ...] = WINDOWS, **names: str) -> SignalTable:
    """Per-cell and per-dealer evidence with windows; ``p_quarter`` is the quarter-alone p of an exact test."""
    p1, p, window = _windowed(pool, ctx.D * ctx.T, ctx.Q, tested, ctx.fit, ctx.cell_group, ctx.groups, windows,
                              p_quarter)
    # Pooled over the dealer's touchpoints, and over each department's.
    p_dealer, window_dealer = _pooled(ctx, pool, tested, np.ones(ctx.T, dtype=bool), windows)
    departments = _departments(ctx)
    p_department = (np.stack([_pooled(ctx, pool, tested, departments == g, windows)[0]
                              for g in range(int(departments.max()) + 1)]) if departments is not None else None)
    return SignalTable(family, statistic, p, effect, observed, reference, count, size, p_quarter=p1, window=window,
                       p_dealer=p_dealer, window_dealer=window_dealer, p_department=p_department, **names)


def _departments(ctx: Context) -> np.ndarray | None:
    """Department index of each touchpoint, or None when one department owns them all (nothing to add)."""
    owner = ctx.history.network.touchpoint_department
    if owner is None or len(owner) != ctx.T or len(np.unique(owner)) < 2:
        return None
    return np.unique(np.asarray(owner), return_inverse=True)[1]


def _pooled(ctx: Context, pool: _Pool, tested: np.ndarray, members: np.ndarray,
            windows: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(D x Q) p and window of the family pooled over the ``members`` touchpoints of each dealer.

    Every member touchpoint with at least ``FIT_MIN_RESPONSES`` answers counts, when together they reach
    ``MIN_RESPONSES``: a dealer asking a little at several small touchpoints is seen, and nothing is judged on fewer
    than 30 answers.
    """
    shape = (ctx.D, ctx.T, ctx.Q)
    keep = (tested | (ctx.fit & np.isfinite(pool.b) & (np.nan_to_num(pool.b) > 0))).reshape(shape)
    keep &= members[None, :, None]
    keep &= (np.where(keep, ctx.n.reshape(shape), 0.0).sum(1) >= MIN_RESPONSES)[:, None, :]
    a = np.where(keep, np.nan_to_num(pool.a).reshape(shape), 0.0).sum(1).ravel()
    b = np.where(keep, np.nan_to_num(pool.b).reshape(shape), 0.0).sum(1).ravel()
    if pool.kind == "count":
        mean = (np.where(keep, np.nan_to_num(pool.b * pool.mean).reshape(shape), 0.0).sum(1).ravel()
                / np.maximum(b, 1e-12))
        disp = (np.where(keep, np.nan_to_num(pool.b * pool.dispersion).reshape(shape), 0.0).sum(1).ravel()
                / np.maximum(b, 1e-12))
    else:
        mean = None
        info = np.nan_to_num(pool.b).reshape(shape)
        disp = (np.where(keep, info ** 2 * np.nan_to_num(pool.dispersion).reshape(shape), 0.0).sum(1).ravel()
                / np.maximum(b ** 2, 1e-12))
    dealer_tested = keep.any(1).ravel()
    market = np.repeat(np.asarray(ctx.history.network.dealer_market), ctx.Q)
    dealer_fit = (ctx.fit.reshape(shape) & keep).any(1).ravel()
    _, p, window = _windowed(_Pool(pool.kind, a, b, mean, np.clip(disp, 0.0, None)), ctx.D, ctx.Q,
                             dealer_tested, dealer_fit, market, ctx.M, windows)
    return p.reshape(ctx.D, ctx.Q), window.reshape(ctx.D, ctx.Q)


def _share_signal(ctx: Context, family: str, x: np.ndarray, m: np.ndarray, *, tested: np.ndarray | None = None,
                  group: np.ndarray | None = None, groups: int | None = None,
                  expected: np.ndarray | None = None) -> SignalTable:
    """A count out of a denominator, against a beta-binomial null per group (default: touchpoint x market).

    With ``expected`` (a per-cell expected share) only the dispersion is fitted. Windows pool the counts and the
    denominators of the previous quarters with the same dispersion: all honest differences between dealers are then
    treated as lasting, which is the cautious reading.
    """
    group = ctx.cell_group if group is None else group
    groups = ctx.groups if groups is None else groups
    tested = ctx.tested & (m > 0) if tested is None else tested & (m > 0)
    mean, rho = fit_betabinomial(x, m, group, groups, ctx.fit & (m > 0), expected=expected, units=ctx.cell_dealer)
    share = np.where(m > 0, x / np.maximum(m, 1), np.nan)
    sd = np.sqrt(mean * (1 - mean) * (1 + (m - 1) * rho) / np.maximum(m, 1))
    statistic = np.where(m > 0, (share - mean) / np.maximum(sd, 1e-12), np.nan)
    return _table(ctx, family, _Pool("count", x, m, mean, rho), statistic, share - mean, share, mean, x, m, tested)


def _fit_tau2(ctx: Context, u: np.ndarray, info: np.ndarray, use: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centre a score per group (small-sample bias) and fit its extra variance: E[u^2] = info + info^2 tau2.

    Fitted by moments after trimming cells beyond z = 3.09 (the upper 0.1 %), three times, so a few gaming dealers
    do not widen it. Returns the centred score and tau2 per cell.
    """
    z = u / np.sqrt(np.maximum(info, 1e-12))
    g = ctx.cell_group
    keep = use & np.isfinite(z)
    bias = np.zeros(ctx.groups)
    tau2 = np.zeros(ctx.groups)
    uc = u
    for _ in range(3):
        for k in range(ctx.groups):
            members = keep & (g == k)
            bias[k] = np.median(z[members]) if members.sum() >= 10 else 0.0
        uc = u - bias[g] * np.sqrt(np.maximum(info, 0.0))
        num = np.bincount(g, weights=np.where(keep, uc ** 2 - info, 0.0), minlength=ctx.groups)
        den = np.bincount(g, weights=np.where(keep, info ** 2, 0.0), minlength=ctx.groups)
        tau2 = np.clip(np.where(den > 0, num / np.maximum(den, 1e-12), 0.0), 0.0, None)
        # Small groups borrow from all: shrink towards the overall tau2 by cells (about eight per dealer).
        overall = max(float(num.sum() / max(den.sum(), 1e-12)), 0.0)
        cells = np.bincount(g, weights=keep.astype(float), minlength=ctx.groups)
        tau2 = (cells * tau2 + 8 * PRIOR_UNITS * overall) / (cells + 8 * PRIOR_UNITS)
        zc = uc / np.sqrt(np.maximum(info + info ** 2 * tau2[g], 1e-12))
        keep = use & np.isfinite(zc) & (zc < 3.09)
    return uc, tau2[g]


# --------------------------------------------------------------------------------------------------------------------
# Score shape: too many 10s for the dealer's level, and the missing middle.

def _ordered_logit(counts: np.ndarray, theta: np.ndarray, iterations: int = 30) -> tuple[np.ndarray, ...]:
    """Per-row location ``mu`` of an ordered logit with fixed thresholds (Fisher scoring), and q, dq/dmu at it."""
    rows = len(counts)
    N = counts.sum(1)
    mu = np.zeros(rows)
    zeros, ones = np.zeros((rows, 1)), np.ones((rows, 1))
    for _ in range(iterations):
        F = special.expit(theta - mu[:, None])
        q = np.clip(np.diff(np.concatenate([zeros, F, ones], axis=1), axis=1), 1e-12, None)
        f = np.concatenate([zeros, F * (1 - F), zeros], axis=1)
        dq = f[:, :-1] - f[:, 1:]
        score = (counts * dq / q).sum(1)
        info = N * (dq ** 2 / q).sum(1)
        step = np.clip(score / np.maximum(info, 1e-12), -2.0, 2.0)
        mu = np.clip(mu + step, -8.0, 8.0)
        if np.all(np.abs(step) < 1e-7):
            break
    F = special.expit(theta - mu[:, None])
    q = np.clip(np.diff(np.concatenate([zeros, F, ones], axis=1), axis=1), 1e-12, None)
    f = np.concatenate([zeros, F * (1 - F), zeros], axis=1)
    dq = f[:, :-1] - f[:, 1:]
    return mu, q, dq


def score_shape(ctx: Context) -> SignalTable:
    """Too many 10s for the dealer's level, taken from the middle (7-9): the signature of asking for a 10.

    Each market and touchpoint's pooled scores give the thresholds of an ordered logit; a cell's level is its own
    location on that scale, so a dealer whose customers are simply happier is expected to have more 10s *and* fewer
    7-9s and fewer detractors. The statistic is the efficient score test for moving mass from 7-9 to 10 at the
    fitted level (the level is re-fitted, so a high level alone does not count). Honest dealers also differ in shape
    (polarised clienteles), a lasting dealer effect: the score's variance is info + info^2 tau2, tau2 fitted by
    moments across the cells of the group after trimming the extreme ones.
    Effect: the one-step estimate of the share of responses moved from 7-9 to 10.
    """
    r = ctx.history.responses
    C = ctx.cells
    counts = np.bincount(ctx.r_cell * 11 + np.asarray(r.score, dtype=np.int64), minlength=C * 11)
    counts = counts.reshape(C, 11).astype(float)
    pooled = np.zeros((ctx.groups, 11))
    np.add.at(pooled, ctx.cell_group[ctx.fit], counts[ctx.fit])
    pooled += 0.5
    cum = np.cumsum(pooled, axis=1)[:, :-1] / pooled.sum(1, keepdims=True)
    theta = np.log(cum) - np.log1p(-cum)
    rows = np.flatnonzero(ctx.fit)
    u_all = np.full(C, np.nan)
    i_all = np.full(C, np.nan)
    effect = np.full(C, np.nan)
    expected_ten = np.full(C, np.nan)
    expected_mid = np.full(C, np.nan)
    level = np.full(C, np.nan)
    if len(rows):
        k = counts[rows]
        N = k.sum(1)
        mu, q, dq = _ordered_logit(k, theta[ctx.cell_group[rows]])
        q10, qm = q[:, 10], q[:, 7:10].sum(1)
        d10, dm = dq[:, 10], dq[:, 7:10].sum(1)
        u = k[:, 10] / q10 - k[:, 7:10].sum(1) / qm
        i_pp = N * (1 / q10 + 1 / qm)
        i_pm = N * (d10 / q10 - dm / qm)
        i_mm = N * (dq ** 2 / q).sum(1)
        info = np.maximum(i_pp - i_pm ** 2 / np.maximum(i_mm, 1e-12), 1e-12)
        u_all[rows], i_all[rows] = u, info
        effect[rows] = u / info
        expected_ten[rows], expected_mid[rows], level[rows] = q10, qm, mu
    # Honest dealers differ in shape (polarised clienteles): a lasting dealer effect on the score, fitted by moments.
    uc, tau2 = _fit_tau2(ctx, u_all, i_all, ctx.fit)
    z_adj = uc / np.sqrt(np.maximum(i_all + i_all ** 2 * tau2, 1e-12))
    ctx.notes["_shape_u"], ctx.notes["_shape_info"] = uc, i_all
    ten_share = np.where(ctx.n > 0, counts[:, 10] / np.maximum(ctx.n, 1), np.nan)
    ctx.masks["score_shape"] = np.asarray(r.score) == 10
    ctx.notes["_expected_middle"] = expected_mid
    ctx.notes["_middle_share"] = np.where(ctx.n > 0, counts[:, 7:10].sum(1) / np.maximum(ctx.n, 1), np.nan)
    ctx.notes["_level"] = level
    ctx.notes["_network_ten_share"] = (pooled[:, 10] / pooled.sum(1))[ctx.cell_group]
    return _table(ctx, "score_shape", _Pool("score", uc, i_all, None, tau2), z_adj, effect, ten_share, expected_ten,
                  counts[:, 10], ctx.n, ctx.tested & np.isfinite(z_adj),
                  effect_unit="share of responses moved from 7-9 to 10")


def score_shape_change(ctx: Context) -> SignalTable:
    """The score shape against the dealer's own previous quarters: 10s taken from the middle *since* a quarter.

    A dealer's shape deviation (a polarised clientele, a habit of the region) lasts, and it is most of the honest
    variation of the score shape statistic. Comparing the recent quarters with the dealer's own earlier ones cancels
    it: the efficient score of the recent quarter(s) minus what the earlier quarters' average deviation predicts,
    over the variance of both. The recent part is the quarter alone or with up to three before it, the baseline the
    (up to four) quarters before that; the result is standardised by the network's median and MAD. Gaming that
    starts in the middle of the history shows here even when the dealer's level hides it from the network test.
    """
    if "_shape_u" not in ctx.notes:
        score_shape(ctx)
    u = np.nan_to_num(ctx.notes["_shape_u"]).reshape(ctx.D * ctx.T, ctx.Q)
    info = np.nan_to_num(ctx.notes["_shape_info"]).reshape(ctx.D * ctx.T, ctx.Q)
    cu = np.concatenate([np.zeros((len(u), 1)), np.cumsum(u, 1)], 1)
    ci = np.concatenate([np.zeros((len(u), 1)), np.cumsum(info, 1)], 1)
    k = np.arange(ctx.Q)
    tested = ctx.tested.reshape(ctx.D * ctx.T, ctx.Q)
    fit = ctx.fit.reshape(ctx.D * ctx.T, ctx.Q)
    z_by_window, a_by_window, b_by_window = [], [], []
    for w in WINDOWS:
        lo = np.maximum(k + 1 - w, 0)
        base_lo = np.maximum(lo - 4, 0)
        u_recent, i_recent = cu[:, k + 1] - cu[:, lo], ci[:, k + 1] - ci[:, lo]
        u_base, i_base = cu[:, lo] - cu[:, base_lo], ci[:, lo] - ci[:, base_lo]
        ok = (k + 1 >= w) & (i_base > 0) & (i_recent > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            a = u_recent - i_recent * u_base / i_base
            b = i_recent + i_recent ** 2 / i_base
            z = np.where(ok, a / np.sqrt(b), np.nan)
        z_by_window.append(z.ravel())
        a_by_window.append(np.where(ok, a, np.nan).ravel())
        b_by_window.append(np.where(ok, b, np.nan).ravel())
    # Empirical null per group for each window, on the cells that could be tested.
    stack = np.stack([_empirical_null(z, ctx.cell_group, ctx.groups, fit.ravel() & np.isfinite(z))
                      for z in z_by_window])
    valid = tested.ravel() & np.isfinite(stack[0])
    p_stack = np.where(np.isfinite(stack), stats.norm.sf(stack), 1.0)
    available = np.isfinite(stack)
    effect = [np.nan_to_num(a / np.maximum(b_, 1e-12)) for a, b_ in zip(a_by_window, b_by_window, strict=True)]
    consistent = np.stack([effect[0] >= 0.5 * e for e in effect])
    allowed = available & ((np.arange(len(WINDOWS))[:, None] == 0)
                           | ((p_stack[0] <= WINDOW_NEEDS_P)[None, :] & consistent))
    best = np.where(allowed, p_stack, np.inf).argmin(0)
    p = np.minimum(np.take_along_axis(p_stack, best[None, :], 0)[0] * np.maximum(available.sum(0), 1), 1.0)
    p = np.where(valid, np.clip(p, 1e-300, 1.0), np.nan)
    # Over the dealer's tested touchpoints (and each department's): the standardised z of the best window add up
    # (Stouffer) per quarter.
    z1 = np.where(valid, stack[0], 0.0).reshape(ctx.D, ctx.T, ctx.Q)
    zbest = np.where(valid, np.take_along_axis(stack, best[None, :], 0)[0], 0.0).reshape(ctx.D, ctx.T, ctx.Q)

    def stouffer(members: np.ndarray) -> np.ndarray:
        k = (valid.reshape(ctx.D, ctx.T, ctx.Q) & members[None, :, None]).sum(1)
        z_now = np.where(members[None, :, None], z1, 0.0).sum(1) / np.sqrt(np.maximum(k, 1))
        z_win = np.where(members[None, :, None], zbest, 0.0).sum(1) / np.sqrt(np.maximum(k, 1))
        return np.clip(np.where(k > 0, np.minimum(2 * np.minimum(stats.norm.sf(z_now),
                                                                 stats.norm.sf(z_win) * len(WINDOWS)), 1.0),
                                np.nan), 1e-300, 1.0)

    p_dealer = stouffer(np.ones(ctx.T, dtype=bool))
    departments = _departments(ctx)
    p_department = (np.stack([stouffer(departments == g) for g in range(int(departments.max()) + 1)])
                    if departments is not None else None)
    ctx.masks["score_shape_change"] = np.asarray(ctx.history.responses.score) == 10
    table = SignalTable("score_shape_change", stack[0], p, a_by_window[0] / np.maximum(b_by_window[0], 1e-12),
                        ctx.notes.get("_middle_share", np.full(ctx.cells, np.nan)),
                        ctx.notes.get("_expected_middle", np.full(ctx.cells, np.nan)), np.zeros(ctx.cells), ctx.n,
                        effect_unit="share moved from 7-9 to 10, beyond the dealer's own earlier quarters",
                        p_quarter=np.where(valid, p_stack[0], np.nan), window=np.array(WINDOWS)[best],
                        p_dealer=p_dealer, window_dealer=np.ones((ctx.D, ctx.Q), dtype=int),
                        p_department=p_department)
    return table


def score_text_mismatch(ctx: Context) -> SignalTable:
    """10s whose own verbatim is negative, out of the 10s with a verbatim: the customer gave the score asked for."""
    r = ctx.history.responses
    tens = (np.asarray(r.score) == 10) & np.asarray(r.has_verbatim, dtype=bool)
    mismatch = tens & np.asarray(r.negative_text, dtype=bool)
    ctx.masks["score_text_mismatch"] = mismatch
    return _share_signal(ctx, "score_text_mismatch", ctx.count(mismatch), ctx.count(tens))


def incentive_language(ctx: Context) -> SignalTable:
    """Verbatims that the verbatim pipeline flags for incentive or coaching ("free service for a 10")."""
    r = ctx.history.responses
    flagged = np.asarray(r.incentive_language, dtype=bool) & np.asarray(r.has_verbatim, dtype=bool)
    ctx.masks["incentive_language"] = flagged
    return _share_signal(ctx, "incentive_language", ctx.count(flagged), ctx.count(r.has_verbatim))


def templated_verbatims(ctx: Context) -> SignalTable:
    """Near-identical verbatims repeated in the same cell, beyond what cells of that size show.

    The count is the copies beyond the first pair of every group with at least ``TEMPLATE_COPIES`` copies in the
    cell: honest customers occasionally write the same sentence (a coincidental triple counts one), a dealer's
    suggested text or a tablet's stock phrase gives many. The more verbatims a cell has, the likelier coincidences
    are, so the null is fitted per market and per size band of the cell (quintiles of the number of verbatims).
    """
    r = ctx.history.responses
    group = np.asarray(r.template_group)
    has = np.asarray(r.has_verbatim, dtype=bool)
    templated = np.zeros(len(group), dtype=bool)
    excess = np.zeros(ctx.cells)
    grouped = np.flatnonzero((group >= 0) & has)
    if len(grouped):
        key = ctx.r_cell[grouped].astype(np.int64) * (int(group.max()) + 1) + group[grouped]
        uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        templated[grouped] = counts[inverse] >= TEMPLATE_COPIES
        big = counts >= TEMPLATE_COPIES
        cell_of_group = uniq // (int(group.max()) + 1)
        excess = np.bincount(cell_of_group[big], weights=counts[big] - 2.0, minlength=ctx.cells)
    ctx.masks["templated_verbatims"] = templated
    m = ctx.count(has)
    # Size bands: quintiles of the network's verbatims per cell, so that every band has enough cells to fit.
    sizes = m[ctx.fit & (m > 0)]
    edges = np.unique(np.quantile(sizes, [0.2, 0.4, 0.6, 0.8])) if len(sizes) else np.zeros(0)
    band = np.searchsorted(edges, m, side="right")
    market = np.asarray(ctx.history.network.dealer_market)[ctx.cell_dealer]
    group = market * 5 + band
    # A market with a handful of dealers cannot say what coincidences look like at its size (one big dealer would
    # be its own null): its cells join the band of every such market.
    fitted = ctx.fit & (m > 0)
    dealers_in = np.array([len(np.unique(ctx.cell_dealer[fitted & (group == g)])) for g in range(ctx.M * 5)])
    group = np.where(dealers_in[group] < MIN_NULL_DEALERS, ctx.M * 5 + band, group)
    return _share_signal(ctx, "templated_verbatims", excess, m, group=group, groups=ctx.M * 5 + 5)


# --------------------------------------------------------------------------------------------------------------------
# Answered on site.

def fast_answers(ctx: Context) -> SignalTable:
    """Answers within ten minutes of the invitation: customers rarely do that, tablets at the desk always do."""
    seconds = np.asarray(ctx.history.responses.seconds_to_answer, dtype=float)
    known = np.isfinite(seconds)
    fast = known & (seconds < FAST_SECONDS)
    ctx.masks["fast_answers"] = fast
    return _share_signal(ctx, "fast_answers", ctx.count(fast), ctx.count(known))


def _distinct_per(key: np.ndarray, member: np.ndarray) -> np.ndarray:
    """For each row, the number of distinct ``member`` values sharing its ``key`` (keys < 0 give 0).

    One sort of the (key, member) pairs; the counts are scattered back through the sort order.
    """
    out = np.zeros(len(key), dtype=np.int64)
    valid = np.flatnonzero(key >= 0)
    if len(valid) == 0:
        return out
    k, mbr = key[valid].astype(np.int64), member[valid].astype(np.int64)
    width = int(mbr.max()) + 1
    order = np.argsort(k * width + mbr, kind="stable")
    ks, ms = k[order], mbr[order]
    new_key = np.concatenate([[True], ks[1:] != ks[:-1]])
    new_pair = new_key | np.concatenate([[True], ms[1:] != ms[:-1]])
    run = np.cumsum(new_key) - 1
    distinct = np.bincount(run, weights=new_pair)
    out[valid[order]] = distinct[run].astype(np.int64)
    return out


def dealer_network(ctx: Context) -> SignalTable:
    """Answers from a network used by several customers of this dealer and almost nowhere else: the dealer's own.

    A mobile carrier's range is shared by customers of hundreds of dealers and does not count; a dealer's Wi-Fi
    (the customer lounge, or a tablet at the desk) does, so this signal alone is weak and is read with the others.
    """
    r = ctx.history.responses
    net = np.asarray(r.network)
    dealer = np.asarray(r.dealer, dtype=np.int64)
    pair_key = np.where(net >= 0, net.astype(np.int64) * ctx.D + dealer, -1)
    customers = _distinct_per(pair_key, np.asarray(r.customer))
    dealers = _distinct_per(np.where(net >= 0, net, -1), dealer)
    flagged = (net >= 0) & (customers >= SHARED_CUSTOMERS) & (dealers <= DEALER_NETWORK_DEALERS)
    ctx.masks["dealer_network"] = flagged
    return _share_signal(ctx, "dealer_network", ctx.count(flagged), ctx.count(net >= 0))


def _shared_devices(ctx: Context) -> np.ndarray:
    """Per response: its device answered for at least SHARED_CUSTOMERS distinct customers (computed once)."""
    if "_shared_device" not in ctx.notes:
        r = ctx.history.responses
        device = np.asarray(r.device)
        ctx.notes["_shared_device"] = (device >= 0) & (_distinct_per(device, np.asarray(r.customer))
                                                       >= SHARED_CUSTOMERS)
    return ctx.notes["_shared_device"]


def shared_device(ctx: Context) -> SignalTable:
    """Answers from a device that answered for several distinct customers (a household shares at most two)."""
    r = ctx.history.responses
    device = np.asarray(r.device)
    flagged = _shared_devices(ctx)
    ctx.masks["shared_device"] = flagged
    return _share_signal(ctx, "shared_device", ctx.count(flagged), ctx.count(device >= 0))


def fast_on_shared_device(ctx: Context) -> SignalTable:
    """Among answers from a device that answered for several customers, more fast ones than answers usually are.

    Each half has an innocent cause on its own (customers in the lounge answer quickly on their own phones; a fleet
    manager answers for his drivers on his laptop, whenever he gets to it), and under those causes the two are
    unrelated: the fleet manager's answers are as often fast as anyone's. A tablet at the desk makes the shared
    device's answers fast almost every time. So the count of fast answers among the shared devices' answers is tested
    against the network's rate of fast answers (same touchpoint and market, same beta-binomial null).
    """
    r = ctx.history.responses
    seconds = np.asarray(r.seconds_to_answer, dtype=float)
    known = np.isfinite(seconds)
    fast = known & (seconds < FAST_SECONDS)
    shared = _shared_devices(ctx)
    mean, rho = fit_betabinomial(ctx.count(fast), ctx.count(known), ctx.cell_group, ctx.groups,
                                 ctx.fit & (ctx.count(known) > 0), units=ctx.cell_dealer)
    x, m = ctx.count(fast & shared), ctx.count(known & shared)
    ctx.masks["fast_on_shared_device"] = fast & shared
    share = np.where(m > 0, x / np.maximum(m, 1), np.nan)
    sd = np.sqrt(mean * (1 - mean) * (1 + (m - 1) * rho) / np.maximum(m, 1))
    statistic = np.where(m > 0, (share - mean) / np.maximum(sd, 1e-12), np.nan)
    return _table(ctx, "fast_on_shared_device", _Pool("count", x, m, mean, rho), statistic, share - mean, share,
                  mean, x, m, ctx.tested & (m > 0))


# --------------------------------------------------------------------------------------------------------------------
# Contact substitution.

def shared_contact(ctx: Context) -> SignalTable:
    """Invitations sent to an address that several distinct customers share (a couple shares at most two)."""
    r = ctx.history.responses
    contact = np.asarray(r.contact)
    flagged = (contact >= 0) & (_distinct_per(contact, np.asarray(r.customer)) >= SHARED_CUSTOMERS)
    ctx.masks["shared_contact"] = flagged
    return _share_signal(ctx, "shared_contact", ctx.count(flagged), ctx.count(contact >= 0))


def dealer_domain_contact(ctx: Context) -> SignalTable:
    """Invitations sent to an address at the dealer's own e-mail domain, as if staff were the customers."""
    flagged = np.asarray(ctx.history.responses.contact_is_dealer_domain, dtype=bool)
    ctx.masks["dealer_domain_contact"] = flagged
    return _share_signal(ctx, "dealer_domain_contact", ctx.count(flagged), ctx.n)


def contact_edited(ctx: Context) -> SignalTable:
    """Contact details changed within the hour before the invitation (typed in at the desk to receive it)."""
    days = np.asarray(ctx.history.responses.days_contact_changed_before_invite, dtype=float)
    flagged = np.isfinite(days) & (days <= CONTACT_EDIT_DAYS)
    ctx.masks["contact_edited"] = flagged
    return _share_signal(ctx, "contact_edited", ctx.count(flagged), ctx.n)


# --------------------------------------------------------------------------------------------------------------------
# Quarter end.

def _lag_cdf(ctx: Context) -> np.ndarray:
    """Per touchpoint, G[t, x] = P(answered fewer than x days after the invitation day), x = 0..MAX_LAG_DAYS + 1."""
    r = ctx.history.responses
    seconds = np.asarray(r.seconds_to_answer, dtype=float)
    known = np.isfinite(seconds)
    day = np.asarray(r.day, dtype=float)
    sent = np.floor(day[known] + 0.5 - seconds[known] / 86_400)
    lag = np.clip(day[known] - sent, 0, MAX_LAG_DAYS).astype(np.int64)
    tp = np.asarray(r.touchpoint)[known]
    pmf = np.bincount(tp * (MAX_LAG_DAYS + 1) + lag, minlength=ctx.T * (MAX_LAG_DAYS + 1)).astype(float)
    pmf = pmf.reshape(ctx.T, MAX_LAG_DAYS + 1) + 1e-9
    pmf /= pmf.sum(1, keepdims=True)
    return np.concatenate([np.zeros((ctx.T, 1)), np.cumsum(pmf, axis=1)], axis=1)


def _window_probability(G: np.ndarray, tp: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """G[tp, offset] with offsets below 0 meaning 0 and beyond the table meaning 1."""
    clipped = np.clip(offset, 0, G.shape[1] - 1).astype(np.int64)
    return G[tp, clipped]


def quarter_end_spike(ctx: Context) -> SignalTable:
    """More answers in the last three weeks than the invitations' own timing explains.

    A dealer that delivers many cars at quarter end also receives many answers then: that is not pushing. So the
    expected share of the quarter's answers that fall in its last three weeks is computed from when this dealer's
    invitations were sent and the network's distribution of days from invitation to answer (for the same
    touchpoint); the observed late count is tested against it with a beta-binomial whose dispersion is fitted across
    the group. Pushing customers who were invited weeks ago shows as late answers no invitation peak explains.
    """
    inv = ctx.history.invitations
    G = _lag_cdf(ctx)
    day = np.asarray(inv.day, dtype=np.int64)
    tp = np.asarray(inv.touchpoint, dtype=np.int64)
    dealer = np.asarray(inv.dealer, dtype=np.int64)
    inv_q = ctx.notes["_inv_quarter"]
    starts = np.array([_quarter_start(ctx.q0 + k) for k in range(ctx.Q + 2)])
    # Invitations per cell and day of their quarter (a small histogram), then the exposures as dot products.
    inside = (inv_q >= 0) & (inv_q < ctx.Q)
    width = 93
    offset = np.clip(day - starts[np.clip(inv_q, 0, ctx.Q)], 0, width - 1)
    cell = ctx.cell_of(dealer, tp, np.clip(inv_q, 0, ctx.Q - 1))
    hist = np.bincount((cell * width + offset)[inside], minlength=ctx.cells * width).reshape(ctx.cells, width)
    j = np.arange(width)
    late_exposure = np.zeros(ctx.cells)
    total_exposure = np.zeros(ctx.cells)
    for k in range(ctx.Q):
        for t in range(ctx.T):
            cells = ctx.cell_of(np.arange(ctx.D), t, k)
            sent = starts[k] + j
            # Answers within the invitation's own quarter...
            start, end = starts[k], starts[k + 1]
            at_end = _window_probability(G, np.full(width, t), end - sent)
            total = at_end - _window_probability(G, np.full(width, t), start - sent)
            late = at_end - _window_probability(G, np.full(width, t), end - LATE_DAYS - sent)
            total_exposure[cells] += hist[cells] @ total
            late_exposure[cells] += hist[cells] @ late
            # ...and spilling into the next one.
            if k + 1 < ctx.Q:
                nxt = ctx.cell_of(np.arange(ctx.D), t, k + 1)
                s2, e2 = starts[k + 1], starts[k + 2]
                at_end2 = _window_probability(G, np.full(width, t), e2 - sent)
                total_exposure[nxt] += hist[cells] @ (at_end2 - _window_probability(G, np.full(width, t), s2 - sent))
                late_exposure[nxt] += hist[cells] @ (at_end2 - _window_probability(G, np.full(width, t),
                                                                                    e2 - LATE_DAYS - sent))
    expected = np.clip(np.where(total_exposure > 0, late_exposure / np.maximum(total_exposure, 1e-12), 0.0),
                       1e-4, 1 - 1e-4)
    late_n = ctx.count(ctx.r_late)
    ctx.masks["quarter_end_spike"] = ctx.r_late
    table = _share_signal(ctx, "quarter_end_spike", late_n, ctx.n, expected=expected)
    # For the innocent explanation: the late share of invitations, and the network's usual late share of answers.
    quarter_length = (starts[1:ctx.Q + 1] - starts[:ctx.Q])[np.arange(ctx.cells) % ctx.Q]
    late_days = j[None, :] >= (quarter_length - LATE_DAYS)[:, None]
    inv_total = hist.sum(1).astype(float)
    ctx.notes["_invitation_late_share"] = np.where(inv_total > 0, (hist * late_days).sum(1) / np.maximum(inv_total, 1),
                                                   np.nan)
    usual = np.bincount(ctx.cell_group, weights=np.where(ctx.fit, late_n, 0.0), minlength=ctx.groups) / np.maximum(
        np.bincount(ctx.cell_group, weights=np.where(ctx.fit, ctx.n, 0.0), minlength=ctx.groups), 1)
    ctx.notes["_usual_late_share"] = usual[ctx.cell_group]
    return table


def _quarter_start(quarter: int) -> int:
    year, q = divmod(int(quarter), 4)
    return int(np.datetime64(f"{year}-{q * 3 + 1:02d}-01", "D").astype(np.int64))


def quarter_end_scores(ctx: Context) -> SignalTable:
    """More promoters (9-10) among the last three weeks' answers than among the rest of the quarter's.

    Given the cell's promoters and its number of late answers, the late promoters are hypergeometric if timing and
    score are unrelated (Fisher's exact test, one-sided): exact for small counts, and conservative. The network's
    own quarter-end pattern (rushed deliveries are slightly worse) only makes it more so. Needs at least five answers
    on each side.
    """
    score = np.asarray(ctx.history.responses.score)
    late = ctx.r_late
    promoter = score >= 9
    n_l = ctx.count(late)
    n_e = ctx.n - n_l
    k_total = ctx.count(promoter)
    k_late = ctx.count(promoter & late)
    enough = (n_l >= 5) & (n_e >= 5)
    p = np.ones(ctx.cells)
    rows = np.flatnonzero(ctx.tested & enough)
    if len(rows):
        p[rows] = stats.hypergeom.sf(k_late[rows] - 1, ctx.n[rows], k_total[rows], n_l[rows])
    with np.errstate(invalid="ignore", divide="ignore"):
        late_share = k_late / n_l
        early_share = (k_total - k_late) / n_e
    expected = k_total * n_l / np.maximum(ctx.n, 1)
    sd = np.sqrt(np.maximum(n_l * (k_total / np.maximum(ctx.n, 1)) * (1 - k_total / np.maximum(ctx.n, 1))
                            * n_e / np.maximum(ctx.n - 1, 1), 1e-12))
    ctx.masks["quarter_end_scores"] = late & promoter
    # Windows: the hypergeometric scores of the quarters add up (a Mantel-Haenszel-like sum), with a lasting dealer
    # effect fitted like the score shape's.
    u = np.where(enough, k_late - expected, np.nan)
    info = np.where(enough, sd ** 2, np.nan)
    uc, tau2 = _fit_tau2(ctx, u, info, ctx.fit & enough)
    return _table(ctx, "quarter_end_scores", _Pool("score", uc, info, None, tau2), (k_late - expected) / sd,
                  late_share - early_share, late_share, early_share, k_late, n_l, ctx.tested & enough, p_quarter=p,
                  effect_unit="promoter share points (last three weeks minus earlier)")


# --------------------------------------------------------------------------------------------------------------------
# Suppression.

def not_invited(ctx: Context) -> SignalTable:
    """Handovers, services... that got no invitation: a dealer can keep unhappy customers away from the survey."""
    ev = ctx.history.events
    cell = ctx.cell_of(ev.dealer, ev.touchpoint, ctx.notes["_ev_quarter"])
    m = np.bincount(cell, minlength=ctx.cells).astype(float)
    x = np.bincount(cell, weights=~np.asarray(ev.invited, dtype=bool), minlength=ctx.cells)
    return _share_signal(ctx, "not_invited", x, m, expected=_quarter_rate(ctx, x, m))


def _quarter_rate(ctx: Context, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """The network's rate per touchpoint x market x *quarter*, as each cell's expected share.

    Invitations and bounces move for the whole network at once (a programme starting with stale addresses, an
    e-mail provider's bad week, an outage of the invitation feed): against the network of the same quarter, a
    dealer is judged on what it did differently, not on when it happened to be surveyed. Only the mean follows
    the quarter; the dispersion is still fitted per touchpoint x market over all quarters (a quarter's few cells
    would make it noisy).
    """
    quarter = ctx.cell_quarter - ctx.q0
    use = ctx.fit & (m > 0)
    # A market with a handful of dealers has no network of its own to compare with: it takes the touchpoint's rate
    # over all markets that quarter.
    dealers_in = np.array([len(np.unique(ctx.cell_dealer[use & (ctx.cell_group == g)])) for g in range(ctx.groups)])
    small = dealers_in[ctx.cell_group] < MIN_NULL_DEALERS
    key = np.where(small, ctx.groups * ctx.Q + ctx.cell_touchpoint * ctx.Q + quarter, ctx.cell_group * ctx.Q + quarter)
    size = (ctx.groups + ctx.T) * ctx.Q
    tot_x = np.bincount(key, weights=np.where(use, x, 0.0), minlength=size)
    tot_m = np.bincount(key, weights=np.where(use, m, 0.0), minlength=size)
    rate = np.maximum(tot_x / np.maximum(tot_m, 1.0), 0.5 / np.maximum(tot_m, 1.0))
    return rate[key]


def undeliverable(ctx: Context) -> SignalTable:
    """Invitations that bounced or went to an invalid address: a wrong address is a quiet way to suppress."""
    inv = ctx.history.invitations
    cell = ctx.cell_of(inv.dealer, inv.touchpoint, ctx.notes["_inv_quarter"])
    m = np.bincount(cell, minlength=ctx.cells).astype(float)
    x = np.bincount(cell, weights=np.asarray(inv.undeliverable, dtype=float), minlength=ctx.cells)
    return _share_signal(ctx, "undeliverable", x, m, expected=_quarter_rate(ctx, x, m))


# --------------------------------------------------------------------------------------------------------------------
# Unexpected jumps.

def nps_jump(ctx: Context) -> SignalTable:
    """A sequential test on the dealer's empirical-Bayes shrunk NPS: a jump, not a trend.

    It is the likelihood-ratio (GLR) test of a level shift at the current quarter against the dealer's own local
    trend, i.e. a one-step-ahead forecast residual, run every quarter.

    Each cell's NPS is shrunk towards the network's (same touchpoint, market and quarter) by the ratio of the
    between-dealer variance to its sampling variance. The quarter is then compared with the forecast from the
    dealer's previous quarters: a weighted linear trend over the last three or four (a rising one only: after a dip,
    getting back to the old level is not a jump); with fewer, a jump cannot be told from a trend and is not tested.
    The forecast's own variance, the cell's posterior variance and the network's quarter-to-quarter variation of a
    dealer's true NPS make up the denominator. A dealer improving steadily is forecast well and is not flagged;
    gaming that starts in a quarter lifts it above its own trend at once.
    """
    score = np.asarray(ctx.history.responses.score)
    n = ctx.n
    prom, det = ctx.count(score >= 9), ctx.count(score <= 6)
    with np.errstate(invalid="ignore", divide="ignore"):
        pp, pd = prom / n, det / n
        nps = 100 * (pp - pd)
        var = 1e4 * (pp + pd - (pp - pd) ** 2) / n
    usable = ctx.fit & np.isfinite(nps)
    var = np.where(usable, np.maximum(var, 25.0 / np.maximum(n, 1)), np.nan)
    # Network mean per group and quarter; between-dealer variance per group.
    gq = ctx.cell_group * ctx.Q + (ctx.cell_quarter - ctx.q0)
    w = np.where(usable, n, 0.0)
    mean_gq = np.bincount(gq, weights=np.where(usable, nps * n, 0.0), minlength=ctx.groups * ctx.Q) / np.maximum(
        np.bincount(gq, weights=w, minlength=ctx.groups * ctx.Q), 1)
    centre = mean_gq[gq]
    dev2 = np.where(usable, (nps - centre) ** 2 - var, 0.0)
    tau2 = np.bincount(ctx.cell_group, weights=dev2, minlength=ctx.groups) / np.maximum(
        np.bincount(ctx.cell_group, weights=usable.astype(float), minlength=ctx.groups), 1)
    tau2 = np.maximum(tau2, 4.0)[ctx.cell_group]
    shrink = tau2 / (tau2 + var)
    y = np.where(usable, centre + shrink * (nps - centre), np.nan)
    v = np.where(usable, shrink * var, np.nan)
    # Series per dealer x touchpoint.
    S = ctx.D * ctx.T
    Y, V = y.reshape(S, ctx.Q), v.reshape(S, ctx.Q)
    # Quarter-to-quarter variation of a dealer's true NPS: from the network's first differences (robust).
    diff = Y[:, 1:] - Y[:, :-1]
    noise = V[:, 1:] + V[:, :-1]
    group_s = ctx.cell_group.reshape(S, ctx.Q)[:, 0]
    sigma2 = np.zeros(ctx.groups)
    for g in range(ctx.groups):
        sel = (group_s == g)[:, None] & np.isfinite(diff)
        if sel.sum() >= 10:
            mad2 = (1.4826 * np.median(np.abs(diff[sel] - np.median(diff[sel])))) ** 2
            sigma2[g] = max((mad2 - np.median(noise[sel])) / 2, 1.0)
        else:
            sigma2[g] = 25.0
    s2 = sigma2[group_s]
    z = np.full((S, ctx.Q), np.nan)
    forecast = np.full((S, ctx.Q), np.nan)
    for t in range(3, ctx.Q):
        lo = max(0, t - 4)
        Yp, Vp = Y[:, lo:t], V[:, lo:t] + s2[:, None]
        x = np.arange(lo, t, dtype=float)[None, :].repeat(S, 0)
        ok = np.isfinite(Yp)
        k = ok.sum(1)
        wts = np.where(ok, 1 / np.where(ok, Vp, 1.0), 0.0)
        Yz = np.where(ok, Yp, 0.0)
        sw = wts.sum(1)
        xm = (wts * x).sum(1) / np.maximum(sw, 1e-12)
        ym = (wts * Yz).sum(1) / np.maximum(sw, 1e-12)
        sxx = (wts * (x - xm[:, None]) ** 2).sum(1)
        sxy = (wts * (x - xm[:, None]) * (Yz - ym[:, None])).sum(1)
        trend = k >= 3
        # Improvements are extrapolated, declines are not: after a dip, a return to the old level is not a jump.
        slope = np.where(trend, np.maximum(sxy / np.maximum(sxx, 1e-12), 0.0), 0.0)
        pred = ym + slope * (t - xm)
        pred_var = 1 / np.maximum(sw, 1e-12) + np.where(trend, (t - xm) ** 2 / np.maximum(sxx, 1e-12), 0.0)
        valid = (k >= 3) & np.isfinite(Y[:, t])      # a trend needs three quarters; before that, no jump test
        z[:, t] = np.where(valid, (Y[:, t] - pred) / np.sqrt(V[:, t] + s2 + pred_var), np.nan)
        forecast[:, t] = np.where(valid, pred, np.nan)
    z, forecast = z.ravel(), forecast.ravel()
    ctx.notes["_shrunk_nps"] = y
    tested = ctx.tested & np.isfinite(z)
    # A jump is an event of one quarter: no windows; over touchpoints the z-scores add up (Stouffer).
    table = _table(ctx, "nps_jump", _Pool("score", np.where(tested, z, 0.0), tested.astype(float), None,
                                          np.zeros(ctx.cells)),
                   z, y - forecast, y, forecast, prom - det, n, tested, windows=(1,),
                   effect_unit="NPS points above the dealer's own trend")
    return table


# --------------------------------------------------------------------------------------------------------------------

FAMILIES: dict[str, Callable[[Context], SignalTable]] = {
    "score_shape": score_shape,
    "score_shape_change": score_shape_change,
    "score_text_mismatch": score_text_mismatch,
    "incentive_language": incentive_language,
    "templated_verbatims": templated_verbatims,
    "fast_answers": fast_answers,
    "dealer_network": dealer_network,
    "shared_device": shared_device,
    "fast_on_shared_device": fast_on_shared_device,
    "shared_contact": shared_contact,
    "dealer_domain_contact": dealer_domain_contact,
    "contact_edited": contact_edited,
    "quarter_end_spike": quarter_end_spike,
    "quarter_end_scores": quarter_end_scores,
    "not_invited": not_invited,
    "undeliverable": undeliverable,
    "nps_jump": nps_jump,
}


def all_signals(ctx: Context | History) -> list[SignalTable]:
    """Every family on one context (built from the history if needed)."""
    if isinstance(ctx, History):
        ctx = context(ctx)
    return [family(ctx) for family in FAMILIES.values()]
