"""One risk per dealer and quarter from the signals: how strong, which signals, what evidence, what was ruled out.

Why not simply add the signals up: several innocent situations light more than one signal at once. Customers in a
service lounge answer minutes after the invitation *and* from the dealer's Wi-Fi; a fleet manager receives all the
drivers' invitations on one address, answers from one device, on the fleet's network. Adding those signals would
accuse every dealer with a lounge or a fleet. So the risk is the evidence that is left once the *best* innocent
explanation has been allowed for: for each gaming pattern (asking or paying for 10s, quarter-end push, suppression
or a jump, on-site completion) the signals of the pattern are combined without the signals that an innocent
explanation could produce, for every explanation in turn, and the pattern keeps the smallest of these. A dealer
flagged for on-site completion has fast answers *on shared devices*, staff addresses or templated texts: more than a
lounge or a fleet would give. The explanations that could not account for the evidence are reported as ruled out.

Per family, the touchpoints of a dealer-quarter are combined first (the strongest touchpoint with a Šidák correction,
Fisher over the touchpoints, the counts pooled over the dealer's touchpoints, or pooled over one department's with a
Šidák correction over departments: the strongest, times the number of readings). Per
pattern, the families are combined by Fisher or by the strongest one with a Šidák correction, whichever is stronger
(times two): several moderate signals and one damning signal both count.

``risk`` is on a -log10 scale ("1 in 10^risk under the network's honest variation", corrected for the four
patterns). An alert needs the risk to reach ``RISK_ALERT``, frozen after tuning on simulated networks (seeds
1000-1019; ``bench/integrity_eval.py`` evaluates on seeds 1-50) for at most 1 % of honest dealer-quarters alerted.
Why a floor and not Benjamini-Hochberg across the dealer-quarters: the promise to dealers is a false-alarm *rate*
(at most one honest dealer-quarter in a hundred), which a calibrated floor keeps whatever the scan's size; BH keeps
the share of wrong alerts instead, so it grew strict in a clean network and lenient in a dirty one, and cost a tenth
of the score-begging recall at the same false-alarm rate. The BH q-value of each dealer-quarter is still computed
and shown; each signal family is BH-corrected across the scan's cells as before. ``Q_ALERT`` stays as an optional
gate (1.0: off).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from scipy import stats

from insidetrack.integrity.policies import signals as sig
from insidetrack.integrity.policies.frames import History
from insidetrack.integrity.policies.stats import bh_qvalues

#: Frozen thresholds (tuned on simulation seeds 1000-1019, evaluated on seeds 1-50; see bench/integrity_eval.py).
RISK_ALERT = 0.8
Q_ALERT = 1.0
#: Risk is capped here (1 in 10^100 is as damning as 1 in 10^300, and stays a finite JSON number).
RISK_CAP = 100.0
#: Signals shown as contributing: at least this strong in the dealer-quarter.
CONTRIBUTING_P = 0.01
#: Dealer-quarters above this risk get the full write-up (signals, evidence, explanations) even without an alert.
REPORT_RISK = 3.0

PATTERNS: dict[str, tuple[str, ...]] = {
    "asking or paying for 10s": ("score_shape", "score_shape_change", "score_text_mismatch", "incentive_language"),
    "quarter-end push": ("quarter_end_spike", "quarter_end_scores"),
    "suppression or jump": ("not_invited", "undeliverable", "quarter_end_spike", "nps_jump"),
    "on-site completion": ("fast_on_shared_device", "fast_answers", "dealer_network", "shared_device",
                           "shared_contact", "dealer_domain_contact", "contact_edited", "templated_verbatims"),
}

#: Weights of a pattern's families in its "strongest family" reading (a weighted Bonferroni: each present family
#: gets its weight's share of the error budget; unlisted families weigh 1). Set a priori, not fitted: customers
#: saying they were asked or paid for a 10 is direct evidence, the score signals are indirect (an improving or
#: polarised clientele moves them too), so the words weigh as much as the three score signals together. On the
#: tuning networks this raised score-begging recall 0.917 -> 0.928 while false alarms fell 0.84 % -> 0.79 %.
PATTERN_WEIGHTS: dict[str, dict[str, float]] = {"asking or paying for 10s": {"incentive_language": 3.0}}

#: Signals shown with a pattern's alert without counting towards its risk. Customers who copy a text the dealer
#: suggested (freebies for a 10 and this review) are evidence of paying for 10s; but customers asked for a 10 write
#: their own words, and counting templates in that pattern diluted its combination (score-begging recall 0.90 ->
#: 0.92 at the same false-alarm rate on the tuning networks without it). Templates still count for on-site completion.
SHOWN_WITH: dict[str, tuple[str, ...]] = {"asking or paying for 10s": ("templated_verbatims",)}

#: Innocent situations that make several signals fire together, and the signal families each could produce. Other
#: innocent differences (a happier clientele, a genuine improvement, details updated at the visit) are part of the
#: signals' own nulls (the level in the score shape, the trend in the jump test, the fitted dispersion elsewhere).
EXPLANATIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "lounge": (("fast_answers", "dealer_network"),
               "customers answering on the dealer's lounge Wi-Fi while they wait"),
    "fleet": (("shared_contact", "shared_device", "dealer_network"),
              "fleet drivers whose invitations go to one fleet manager's address and device"),
    "lounge_and_fleet": (("fast_answers", "dealer_network", "shared_contact", "shared_device"),
                         "both a customer lounge and fleet customers"),
    "polarised": (("score_shape",),
                  "a clientele that has always given more 10s and fewer 7-9s than the dealer's level suggests"),
}

LABELS = {
    "score_shape": "too many 10s for the dealer's level (missing middle)",
    "score_shape_change": "more 10s and fewer 7-9s than in the dealer's own earlier quarters",
    "score_text_mismatch": "10s with a negative verbatim",
    "incentive_language": "incentive or coaching language in verbatims",
    "templated_verbatims": "near-identical verbatims",
    "fast_answers": "answered within minutes of the invitation",
    "dealer_network": "answered from the dealer's own network",
    "shared_device": "one device answering for several customers",
    "fast_on_shared_device": "answered within minutes on a device shared by several customers",
    "shared_contact": "one address shared by several customers",
    "dealer_domain_contact": "dealer e-mail addresses used as customer contacts",
    "contact_edited": "contact details edited just before the invitation",
    "quarter_end_spike": "response spike in the last three weeks, beyond the invitations",
    "quarter_end_scores": "better scores in the last three weeks",
    "not_invited": "events without an invitation",
    "undeliverable": "bounced or invalid contacts",
    "nps_jump": "NPS jump above the dealer's own trend",
}


# --------------------------------------------------------------------------------------------------------------------
# Results.

@dataclass(slots=True)
class SignalFinding:
    family: str
    label: str
    touchpoint: str
    statistic: float
    p_value: float
    q_value: float
    effect: float
    effect_unit: str
    observed: float
    network_reference: float
    count: float
    size: float
    responses: int
    evidence_response_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class DealerPeriodRisk:
    dealer: str
    quarter: int                   # quarter index (year * 4 + quarter - 1)
    quarter_label: str             # e.g. "2025Q3"
    risk: float                    # -log10 of the pattern's p-value after the best innocent explanation
    alert: bool
    strength: str                  # "strong", "moderate", "weak", "none"
    pattern: str                   # the gaming pattern the evidence fits best
    q_value: float                 # BH q-value of the risk across the scan's dealer-quarters
    signals: list[SignalFinding]
    #: Innocent situations (lounge Wi-Fi, fleets) that were considered and cannot account for the evidence. Each is
    #: ``{"code", "text", ...figures}``: the code and figures let a page say it in the reader's language, ``text`` is
    #: the English sentence for the command line and JSON.
    explanations_ruled_out: list[dict]
    #: Innocent situations that could account for part of the signals (those signals were discounted), same form.
    explanations_possible: list[dict]
    #: Patterns that look like gaming but were found innocent ("quarter-end peak matched by invitations: deliveries").
    innocent_patterns: list[dict]
    weekly: list[dict[str, float]]            # the quarter's weeks: invitations, responses, mean score
    untested: list[str]                        # touchpoints with too few responses to be tested

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(slots=True)
class ScanResult:
    """All dealer-quarters' risks as arrays (for evaluation), plus the write-ups of the risky ones (for analysts)."""

    dealer_names: list[str]
    quarters: list[int]
    touchpoint_names: list[str]
    risk: np.ndarray               # (dealers, quarters)
    alert: np.ndarray              # (dealers, quarters) bool
    pattern: np.ndarray            # (dealers, quarters) int index into PATTERNS, -1 none
    tested: np.ndarray             # (dealers, quarters) bool: at least one touchpoint tested
    responses: np.ndarray          # (dealers, touchpoints, quarters) response counts
    bh_gate: np.ndarray            # (dealers, quarters) bool: the risk survives BH at Q_ALERT across the scan
    q_value: np.ndarray            # (dealers, quarters) BH q-value of the dealer-quarter's risk
    family_evidence: np.ndarray    # (dealers, quarters, families) -ln p of each family over the touchpoints
    reports: list[DealerPeriodRisk]
    tables: list[sig.SignalTable]

    def alerts(self) -> list[DealerPeriodRisk]:
        return [r for r in self.reports if r.alert]


# --------------------------------------------------------------------------------------------------------------------

def _strength(risk: float) -> str:
    if risk >= RISK_ALERT + 4:
        return "strong"
    if risk >= RISK_ALERT:
        return "moderate"
    if risk >= REPORT_RISK:
        return "weak"
    return "none"


def _pattern_evidence(logp: np.ndarray, present: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Combined evidence of the ``present`` families (last axis of -ln p), as -log10 p.

    Gaming shows either as several moderately unusual signals (Fisher's combination is the stronger reading) or as
    one very unusual one, such as a handful of verbatims saying "they asked me to give a 10" (the strongest family
    with a Šidák correction is); both are computed and the stronger kept, times two. Capped at ``RISK_CAP``; beyond
    it a tiny share of the Fisher statistic is added so that two capped patterns are still ordered by evidence.
    """
    k = present.sum(-1)
    x = 2 * np.where(present, logp, 0.0).sum(-1)
    fisher = np.zeros(x.shape)
    has = k > 0
    with np.errstate(divide="ignore"):
        fisher[has] = -stats.chi2.logsf(x[has], 2 * k[has]) / np.log(10)
    # Weighted Bonferroni over the present families: each family's share of the error budget is its weight among
    # those present (equal weights: the plain "strongest times k").
    w = np.where(present, 1.0 if weights is None else weights, 0.0)
    share = w / np.maximum(w.sum(-1, keepdims=True), 1e-300)
    with np.errstate(divide="ignore"):
        weighted = np.where(present & (share > 0), logp / np.log(10) + np.log10(np.maximum(share, 1e-300)), -np.inf)
    strongest = np.maximum(weighted.max(-1, initial=-np.inf), -np.log10(np.maximum(k, 1)))
    out = np.where(has, np.maximum(np.maximum(fisher, strongest) - np.log10(2.0), 0.0), 0.0)
    capped = np.minimum(np.nan_to_num(out, posinf=RISK_CAP), RISK_CAP)
    return capped + np.where(capped >= RISK_CAP, 1e-6 * x, 0.0)


def _sidak(p_min: np.ndarray, k: np.ndarray) -> np.ndarray:
    """-ln of the Šidák-corrected smallest of ``k`` p-values (Bonferroni's k * p where 1 - (1 - p)^k underflows)."""
    k = np.maximum(k, 1)
    with np.errstate(divide="ignore"):
        exact = -np.log(np.clip(-np.expm1(k * np.log1p(-np.minimum(p_min, 1 - 1e-16))), 1e-300, 1.0))
    return np.where(p_min < 1e-12, -np.log(np.clip(k * p_min, 1e-300, 1.0)), exact)


def _family_by_period(ctx: sig.Context, table: sig.SignalTable) -> tuple[np.ndarray, np.ndarray]:
    """Per dealer-quarter: -ln p of the family over its tested touchpoints, and the strongest touchpoint.

    Three or four readings, the strongest kept (Bonferroni over them): the strongest touchpoint (Šidák over the
    tested ones), Fisher over the touchpoints' p-values, the counts pooled over the dealer's touchpoints, and (when
    the touchpoints belong to several departments) the strongest department's pool, Šidák over the departments.
    """
    p = table.p.reshape(ctx.D, ctx.T, ctx.Q).transpose(0, 2, 1)      # (D, Q, T)
    tested = np.isfinite(p)
    k = tested.sum(-1)
    p_min = np.where(tested, p, 1.0).min(-1)
    best = np.where(tested, p, 2.0).argmin(-1)
    logp = -np.log(np.clip(np.where(tested, p, 1.0), 1e-300, 1.0))
    sidak = _sidak(p_min, k)
    fisher = np.zeros(k.shape)
    has = k > 0
    fisher[has] = -stats.chi2.logsf(2 * logp.sum(-1)[has], 2 * k[has])
    pooled = np.zeros(k.shape)
    if table.p_dealer is not None:
        pooled = -np.log(np.clip(np.nan_to_num(table.p_dealer, nan=1.0), 1e-300, 1.0))
    readings = 3
    team = np.zeros(k.shape)
    if table.p_department is not None:
        # The strongest department, Šidák-corrected over the departments that could be pooled.
        p_team = table.p_department
        k_team = np.isfinite(p_team).sum(0)
        team = np.where(k_team > 0, _sidak(np.where(np.isfinite(p_team), p_team, 1.0).min(0), k_team), 0.0)
        readings = 4
    combined = np.maximum(np.maximum(np.maximum(sidak, fisher), pooled), team) - np.log(readings)
    return np.where(has, np.maximum(combined, 0.0), np.nan), best


def combine(ctx: sig.Context, tables: list[sig.SignalTable]) -> tuple[np.ndarray, ...]:
    """Risk per dealer-quarter (arrays): risk, best pattern, and per pattern x explanation the residual evidence."""
    families = [t.family for t in tables]
    F = len(families)
    lp = np.zeros((ctx.D, ctx.Q, F))
    present = np.zeros((ctx.D, ctx.Q, F), dtype=bool)
    for i, table in enumerate(tables):
        value, _ = _family_by_period(ctx, table)
        present[..., i] = np.isfinite(value)
        lp[..., i] = np.nan_to_num(value)
    names = list(PATTERNS)
    explanation_sets = [()] + [members for members, _ in EXPLANATIONS.values()]
    residual = np.zeros((ctx.D, ctx.Q, len(names), len(explanation_sets)))
    for pi, pattern in enumerate(names):
        member = np.array([f in PATTERNS[pattern] for f in families])
        for ei, explained in enumerate(explanation_sets):
            keep = member & ~np.array([f in explained for f in families])
            weights = np.array([PATTERN_WEIGHTS.get(pattern, {}).get(f, 1.0) for f in families])
            residual[..., pi, ei] = _pattern_evidence(lp, present & keep, weights)
    pattern_score = residual[..., 1:].min(-1) - np.log10(len(names))
    risk = np.minimum(pattern_score.max(-1), RISK_CAP)
    best = pattern_score.argmax(-1)
    any_tested = present.any(-1)
    return np.where(any_tested, np.maximum(risk, 0.0), 0.0), np.where(any_tested, best, -1), residual, lp, present


def scan(history: History, *, report_risk: float = REPORT_RISK) -> ScanResult:
    """Run every signal, BH-correct each family across the scan, combine per dealer-quarter, write up the risky."""
    ctx = sig.context(history)
    tables = sig.all_signals(ctx)
    for table in tables:
        table.q = bh_qvalues(table.p)
    risk, best, residual, lp, present = combine(ctx, tables)
    # BH across the dealer-quarters of the scan: the risk is -log10 of a (pattern-corrected) p-value.
    tested = present.any(-1)
    q_dp = bh_qvalues(np.where(tested, np.minimum(10.0 ** -risk, 1.0), np.nan))
    gate = tested & (np.nan_to_num(q_dp, nan=1.0) <= Q_ALERT)
    alert = (risk >= RISK_ALERT) & gate
    index = _RowIndex(ctx)
    reports = [_report(ctx, index, tables, d, qi, risk[d, qi], alert[d, qi], int(best[d, qi]), residual[d, qi],
                       lp[d, qi], float(q_dp[d, qi]))
               for d, qi in zip(*np.nonzero((risk >= report_risk) | alert), strict=True)]
    reports.sort(key=lambda r: -r.risk)
    responses = ctx.n.reshape(ctx.D, ctx.T, ctx.Q)
    return ScanResult(list(history.network.dealer_names), [ctx.q0 + k for k in range(ctx.Q)],
                      list(history.network.touchpoint_names), risk, alert, best, tested, responses, gate, q_dp,
                      np.where(present, lp, np.nan), reports, tables)


# --------------------------------------------------------------------------------------------------------------------
# Write-up of one dealer-quarter.

def _quarter_label(quarter: int) -> str:
    return f"{quarter // 4}Q{quarter % 4 + 1}"


class _RowIndex:
    """Responses grouped by cell, and weekly counts of every dealer-quarter, so a write-up does not scan every row."""

    WEEKS = 14

    def __init__(self, ctx: sig.Context) -> None:
        self.r_order = np.argsort(ctx.r_cell, kind="stable")
        self.r_bounds = np.searchsorted(ctx.r_cell[self.r_order], np.arange(ctx.cells + 1))
        r, inv = ctx.history.responses, ctx.history.invitations
        starts = np.array([sig._quarter_start(ctx.q0 + k) for k in range(ctx.Q + 1)])
        size = ctx.D * ctx.Q * self.WEEKS
        rq = ctx.r_quarter
        rweek = np.clip((np.asarray(r.day) - starts[rq]) // 7, 0, self.WEEKS - 1)
        rkey = (np.asarray(r.dealer) * ctx.Q + rq) * self.WEEKS + rweek
        self.responses = np.bincount(rkey, minlength=size).reshape(ctx.D, ctx.Q, self.WEEKS)
        self.score_sum = np.bincount(rkey, weights=np.asarray(r.score, dtype=float), minlength=size).reshape(
            ctx.D, ctx.Q, self.WEEKS)
        iq = ctx.notes["_inv_quarter"]
        ok = (iq >= 0) & (iq < ctx.Q)
        iweek = np.clip((np.asarray(inv.day) - starts[np.clip(iq, 0, ctx.Q)]) // 7, 0, self.WEEKS - 1)
        ikey = ((np.asarray(inv.dealer) * ctx.Q + iq) * self.WEEKS + iweek)[ok]
        self.invitations = np.bincount(ikey, minlength=size).reshape(ctx.D, ctx.Q, self.WEEKS)
        self.seconds = np.asarray(r.seconds_to_answer, dtype=float)
        self.ids = np.asarray(r.response_id)

    def cell_rows(self, cell: int) -> np.ndarray:
        return self.r_order[self.r_bounds[cell]:self.r_bounds[cell + 1]]


def _evidence_ids(ctx: sig.Context, index: _RowIndex, family: str, cell: int, limit: int = 5) -> list[int]:
    """Example responses that drove a signal: those in the cell with the signal's mark, most marked first."""
    mask = ctx.masks.get(family)
    if mask is None:
        return []
    rows = index.cell_rows(cell)
    rows = rows[mask[rows]]
    if len(rows) == 0:
        return []
    marks = sum(m[rows].astype(int) for f, m in ctx.masks.items() if not f.startswith("_"))
    seconds = np.nan_to_num(index.seconds[rows], nan=1e12)
    order = np.lexsort((seconds, -marks))
    return [int(i) for i in index.ids[rows[order[:limit]]]]


def _weekly(ctx: sig.Context, index: _RowIndex, dealer: int, quarter: int) -> list[dict[str, float]]:
    """Invitations sent, responses received and their mean score per week of the quarter (all touchpoints)."""
    start = sig._quarter_start(ctx.q0 + quarter)
    end = sig._quarter_start(ctx.q0 + quarter + 1)
    weeks = min((end - start + 6) // 7, index.WEEKS)
    n_r = index.responses[dealer, quarter]
    n_i = index.invitations[dealer, quarter]
    total = index.score_sum[dealer, quarter]
    return [{"week": int(w + 1), "invitations": int(n_i[w]), "responses": int(n_r[w]),
             "mean_score": round(float(total[w] / n_r[w]), 2) if n_r[w] else None,
             "last_three_weeks": bool(end - (start + 7 * (w + 1)) < sig.LATE_DAYS)} for w in range(weeks)]


def _report(ctx: sig.Context, index: _RowIndex, tables: list[sig.SignalTable], d: int, qi: int, risk: float,
            alert: bool, best: int, residual: np.ndarray, family_lp: np.ndarray, q_value: float) -> DealerPeriodRisk:
    net = ctx.history.network
    names = list(PATTERNS)
    pattern = names[best] if best >= 0 else ""
    by_family = {t.family: t for t in tables}
    findings: list[SignalFinding] = []
    for table in tables:
        if pattern and table.family not in PATTERNS[pattern] + SHOWN_WITH.get(pattern, ()):
            continue
        cells = [ctx.cell_of(d, t, qi) for t in range(ctx.T)]
        p = np.array([table.p[c] for c in cells])
        if not np.isfinite(p).any() or np.nanmin(p) > CONTRIBUTING_P:
            pooled = _pooled_finding(ctx, index, table, cells, float(family_lp[tables.index(table)]))
            if pooled is not None:
                findings.append(pooled)
            continue
        t = int(np.nanargmin(p))
        c = cells[t]
        findings.append(SignalFinding(
            family=table.family, label=LABELS.get(table.family, table.family), touchpoint=net.touchpoint_names[t],
            statistic=round(float(table.statistic[c]), 3), p_value=float(table.p[c]),
            q_value=float(table.q[c]) if table.q is not None else float("nan"),
            effect=round(float(table.effect[c]), 4), effect_unit=table.effect_unit,
            observed=round(float(table.observed[c]), 4), network_reference=round(float(table.reference[c]), 4),
            count=float(table.count[c]), size=float(table.size[c]), responses=int(ctx.n[c]),
            evidence_response_ids=_evidence_ids(ctx, index, table.family, c)))
    findings.sort(key=lambda f: f.p_value)
    ruled_out, possible, innocent = _explanations(ctx, by_family, d, qi, pattern, residual, best)
    untested = [f"{net.touchpoint_names[t]} ({int(ctx.n[ctx.cell_of(d, t, qi)])} responses)"
                for t in range(ctx.T) if 0 < ctx.n[ctx.cell_of(d, t, qi)] < sig.MIN_RESPONSES]
    return DealerPeriodRisk(dealer=net.dealer_names[d], quarter=int(ctx.q0 + qi),
                            quarter_label=_quarter_label(ctx.q0 + qi), risk=round(float(risk), 2), alert=bool(alert),
                            strength=_strength(risk), pattern=pattern, q_value=q_value, signals=findings,
                            explanations_ruled_out=ruled_out, explanations_possible=possible,
                            innocent_patterns=innocent, weekly=_weekly(ctx, index, d, qi), untested=untested)


def _pooled_finding(ctx: sig.Context, index: _RowIndex, table: sig.SignalTable, cells: list[int],
                    lp: float) -> SignalFinding | None:
    """A family that stands out only over several touchpoints (a team asking a little at each): one finding for the
    dealer's touchpoints together (``touchpoint`` empty), so that an alert never lists no reason."""
    if not np.isfinite(lp) or np.exp(-lp) > CONTRIBUTING_P:
        return None
    size = np.array([table.size[c] for c in cells], dtype=float)
    used = np.isfinite(size) & (size > 0) & np.array([ctx.n[c] >= sig.FIT_MIN_RESPONSES for c in cells])
    if not used.any():
        return None
    count = np.array([table.count[c] for c in cells], dtype=float)
    reference = np.array([table.reference[c] for c in cells], dtype=float)
    total = float(size[used].sum())
    biggest = cells[int(np.argmax(np.where(used, count, -1.0)))]
    return SignalFinding(
        family=table.family, label=LABELS.get(table.family, table.family), touchpoint="",
        statistic=float("nan"), p_value=float(np.exp(-lp)), q_value=float("nan"), effect=float("nan"),
        effect_unit=table.effect_unit, observed=round(float(np.nansum(count[used]) / total), 4),
        network_reference=round(float(np.nansum((reference * size)[used]) / total), 4),
        count=float(np.nansum(count[used])), size=total, responses=int(sum(ctx.n[c] for c in cells)),
        evidence_response_ids=_evidence_ids(ctx, index, table.family, biggest))


def _explanations(ctx: sig.Context, tables: dict[str, sig.SignalTable], d: int, qi: int, pattern: str,
                  residual: np.ndarray, best: int) -> tuple[list[dict], list[dict], list[dict]]:
    """Innocent explanations checked for this dealer-quarter: ruled out (with why), still possible, and the
    gaming-like patterns that the signals found innocent. Codes and figures, with the English sentence as ``text``."""
    ruled_out: list[dict] = []
    possible: list[dict] = []
    innocent: list[dict] = []
    cells = [ctx.cell_of(d, t, qi) for t in range(ctx.T)]
    tp_names = ctx.history.network.touchpoint_names
    if best >= 0:
        pattern_residual = residual[best] - np.log10(len(PATTERNS))
        for ei, (key, (_members, text)) in enumerate(EXPLANATIONS.items(), start=1):
            relevant = any(np.nanmin(np.append(tables[f].p[cells], 1.0)) <= CONTRIBUTING_P
                           for f in EXPLANATIONS[key][0] if f in tables)
            if not relevant:
                continue
            left = round(float(pattern_residual[ei]), 1)
            if left >= RISK_ALERT:
                ruled_out.append({"code": key, "pattern": pattern, "risk_left": left,
                                  "text": f"{text}: the other signals of {pattern} remain (1 in 10^{left:.1f} "
                                          "without the signals it could explain)"})
            else:
                possible.append({"code": key, "text": text})
    # Quarter-end peak matched by invitations.
    spike = tables.get("quarter_end_spike")
    if spike is not None:
        inv_share = ctx.notes.get("_invitation_late_share")
        usual = ctx.notes.get("_usual_late_share")
        for t, c in enumerate(cells):
            if not ctx.tested[c] or inv_share is None:
                continue
            observed = float(spike.observed[c])
            if observed > usual[c] * 1.3 and observed - usual[c] > 0.08 and spike.p[c] > 0.05:
                innocent.append({
                    "code": "deliveries", "touchpoint": tp_names[t], "observed": round(observed, 4),
                    "usual": round(float(usual[c]), 4), "invited": round(float(inv_share[c]), 4),
                    "text": f"{tp_names[t]}: the quarter-end response peak ({observed:.0%} of responses in the last "
                            f"three weeks, {usual[c]:.0%} usually) is matched by a quarter-end invitation peak "
                            f"({inv_share[c]:.0%} of invitations): deliveries, not pushing"})
    # Gradual NPS rise.
    shrunk = ctx.notes.get("_shrunk_nps")
    jump = tables.get("nps_jump")
    if shrunk is not None and jump is not None and qi >= 3:
        for t in range(ctx.T):
            now, before = ctx.cell_of(d, t, qi), ctx.cell_of(d, t, qi - 3)
            rise = float(shrunk[now] - shrunk[before])
            if np.isfinite(rise) and rise >= 8 and np.isfinite(jump.p[now]) and jump.p[now] > 0.05:
                innocent.append({"code": "gradual_rise", "touchpoint": tp_names[t], "rise": round(rise, 1),
                                 "text": f"{tp_names[t]}: the NPS rise (+{rise:.0f} points over 4 quarters) is "
                                         "gradual: improvement, not a jump"})
    # High 10s share but the middle is not missing and the text agrees.
    shape, mismatch = tables.get("score_shape"), tables.get("score_text_mismatch")
    network_ten = ctx.notes.get("_network_ten_share")
    if shape is not None and mismatch is not None and network_ten is not None:
        for t, c in enumerate(cells):
            if not ctx.tested[c]:
                continue
            ten = float(shape.observed[c])
            if ten - network_ten[c] > 0.1 and shape.p[c] > 0.05 and not (mismatch.p[c] <= 0.05):
                innocent.append({"code": "consistent_tens", "touchpoint": tp_names[t], "tens": round(ten, 4),
                                 "network": round(float(network_ten[c]), 4),
                                 "text": f"{tp_names[t]}: high share of 10s ({ten:.0%} vs {network_ten[c]:.0%} in "
                                         "the network) but the middle is not missing for the dealer's level and "
                                         "text sentiment agrees with the scores"})
    return ruled_out, possible, innocent
