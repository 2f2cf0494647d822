"""Each signal on small hand-built networks: flagged when the pattern is there, left alone when it is innocent."""

from __future__ import annotations

import numpy as np
import pytest

from insidetrack.integrity.policies import signals
from insidetrack.integrity.tests import HONEST_SCORES, QUARTER_DAYS, Builder, quarter_start

GAMED = 0  # the dealer under test is dealer 0; dealers 1.. are the honest network


def _cell(ctx: signals.Context, dealer: int, quarter: int, touchpoint: int = 0) -> int:
    return ctx.cell_of(dealer, touchpoint, quarter)


def _shifted_scores(rng: np.random.Generator, n: int, shift: float) -> np.ndarray:
    """Scores of a genuinely happier (or unhappier) clientele: the honest distribution moved on a logit scale."""
    cum = np.cumsum(HONEST_SCORES)[:-1]
    thresholds = np.log(cum) - np.log1p(-cum)
    u = rng.random(n)
    return np.searchsorted(thresholds, shift + np.log(u) - np.log1p(-u)).astype(np.int8)


def _begged(n: int) -> np.ndarray:
    """A dealer asking for 10s: the usual detractors, hardly anyone in the middle, the rest 10."""
    detractors = int(0.1 * n)
    middle = int(0.05 * n)
    return np.array([4] * detractors + [8] * middle + [10] * (n - detractors - middle))


@pytest.fixture(scope="module")
def shape_ctx() -> signals.Context:
    b = Builder(dealers=62)
    b.honest(range(2, 62))
    b.honest([GAMED], quarters=(0, 1, 2))
    b.add_responses(GAMED, 3, _begged(100))                       # begging in the last quarter
    b.honest([1], quarters=(0, 1, 2))
    b.add_responses(1, 3, _begged(25))                            # the same shape with 25 responses
    return signals.context(b.history())


def test_too_many_tens_with_a_missing_middle_is_flagged(shape_ctx):
    table = signals.score_shape(shape_ctx)
    cell = _cell(shape_ctx, GAMED, 3)
    assert table.p[cell] < 1e-4
    # the middle is missing: 5 % of 7-9s where the dealer's level predicts almost three times as many
    assert shape_ctx.notes["_expected_middle"][cell] > 2.5 * shape_ctx.notes["_middle_share"][cell]
    # and the dealer's own earlier quarters (honest) are not flagged
    assert all(table.p[_cell(shape_ctx, GAMED, k)] > 1e-3 for k in range(3))


def test_the_same_shape_with_25_responses_is_not_tested(shape_ctx):
    for family in signals.FAMILIES.values():
        table = family(shape_ctx)
        assert np.isnan(table.p[_cell(shape_ctx, 1, 3)]), table.family


def test_a_genuinely_happier_dealer_is_not_flagged_for_its_tens():
    rng = np.random.default_rng(3)
    b = Builder(dealers=61, seed=3)
    b.honest(range(1, 61))
    for k in range(4):
        b.add_responses(GAMED, k, _shifted_scores(rng, 120, 1.5))   # many 10s, few 7-9s *and* few detractors
    ctx = signals.context(b.history())
    table = signals.score_shape(ctx)
    cells = [_cell(ctx, GAMED, k) for k in range(4)]
    assert np.mean([table.observed[c] for c in cells]) > 0.7          # it does have a lot of 10s
    assert min(table.p[c] for c in cells) > 1e-3


def _timing_network(seed: int = 5) -> Builder:
    b = Builder(dealers=62, seed=seed)
    b.honest(range(2, 62), quarters=(0, 1, 2, 3))
    return b


def _answers_to(b: Builder, dealer: int, quarter: int, invitation_days: np.ndarray, rate: float = 0.35) -> None:
    """Invitations on the given days, a share of them answered the same day (hours later)."""
    answered = b.rng.random(len(invitation_days)) < rate
    days = invitation_days[answered]
    b.add_responses(dealer, quarter, b.rng.choice(11, size=len(days), p=HONEST_SCORES), days=days)
    b.add_invitations(dealer, quarter, invitation_days[~answered])


def test_quarter_end_peak_matched_by_invitations_is_not_flagged_but_pushing_is():
    b = _timing_network()
    k = 3
    start, length = quarter_start(k), QUARTER_DAYS[k]
    for q in range(4):
        s, n = quarter_start(q), QUARTER_DAYS[q]
        # Dealer 0 delivers twice as many cars in the last three weeks: invitations and answers peak together.
        days = np.concatenate([s + b.rng.integers(0, n, 300), s + n - 21 + b.rng.integers(0, 21, 140)])
        _answers_to(b, 0, q, days)
        # Dealer 1 has flat deliveries...
        _answers_to(b, 1, q, s + b.rng.integers(0, n, 300))
    # ...but in the last quarter calls happy customers invited weeks ago, who answer in the last three weeks.
    pushed_days = start + length - 21 + b.rng.integers(0, 21, 50)
    b.add_responses(1, k, np.full(50, 10), days=pushed_days, seconds=np.full(50, 40 * 86_400.0), invite=False)
    ctx = signals.context(b.history())
    spike = signals.quarter_end_spike(ctx)
    scores = signals.quarter_end_scores(ctx)
    peak, push = _cell(ctx, 0, k), _cell(ctx, 1, k)
    assert spike.observed[peak] > 0.3                      # a large share of its answers come late...
    assert spike.p[peak] > 0.01                            # ...and so do its invitations: not flagged
    assert spike.p[push] < 1e-4
    assert scores.observed[push] > scores.reference[push]  # and the late answers are better than the rest
    assert scores.p_quarter[push] < 0.05


def _nps_scores(rng: np.random.Generator, n: int, promoters: float, detractors: float) -> np.ndarray:
    kind = rng.random(n)
    return np.where(kind < promoters, rng.choice([9, 10], n),
                    np.where(kind < promoters + detractors, rng.choice([2, 5, 6], n), rng.choice([7, 8], n)))


def test_gradual_improvement_is_not_a_jump_but_a_sudden_rise_is():
    rng = np.random.default_rng(11)
    b = Builder(dealers=62, seed=11)
    levels = rng.uniform(0.35, 0.75, 62)              # dealers differ in level, as in any network
    for d in range(2, 62):
        for k in range(8):
            b.add_responses(d, k, _nps_scores(rng, 100, levels[d] + rng.normal(0, 0.03), 0.15))
    for k in range(8):
        b.add_responses(0, k, _nps_scores(rng, 150, 0.40 + 0.035 * k, 0.20 - 0.02 * k))   # +5.5 points a quarter
        jump = 0.25 if k >= 6 else 0.0
        b.add_responses(1, k, _nps_scores(rng, 150, 0.45 + jump, 0.15))                  # flat, then +25 points
    ctx = signals.context(b.history())
    table = signals.nps_jump(ctx)
    assert table.observed[_cell(ctx, 0, 7)] - table.observed[_cell(ctx, 0, 3)] > 10     # it did rise a lot
    assert min(table.p[_cell(ctx, 0, k)] for k in range(3, 8)) > 0.01
    assert table.p[_cell(ctx, 1, 6)] < 0.01


def test_incentive_language_beyond_the_network_is_flagged():
    b = Builder(dealers=61, seed=2)
    b.honest(range(1, 61))
    b.honest([GAMED], quarters=(0, 1, 2))
    incentive = np.zeros(80, dtype=bool)
    incentive[:5] = True
    b.add_responses(GAMED, 3, np.full(80, 10), has_verbatim=True, incentive=incentive)
    ctx = signals.context(b.history())
    table = signals.incentive_language(ctx)
    assert table.p[_cell(ctx, GAMED, 3)] < 1e-4
    assert table.count[_cell(ctx, GAMED, 3)] == 5


def test_a_team_asking_at_its_own_small_touchpoints_is_seen_over_its_department():
    """Sales asks for 10s at deposit and handover, 20 answers each (too few to test either alone); the service
    touchpoints are honest. Pooled over sales, the mentions stand out; pooled over the whole dealer they are
    diluted by the honest service answers."""
    from insidetrack.integrity.policies import combine

    b = Builder(dealers=61, touchpoints=4, seed=11, departments=["sales", "sales", "service", "service"])
    b.honest(range(1, 61), n=40)
    for t in (2, 3):
        b.add_responses(GAMED, 3, np.full(200, 8), touchpoint=t, has_verbatim=True)
    for t in (0, 1):
        mentions = np.zeros(20, dtype=bool)
        mentions[:2] = True
        b.add_responses(GAMED, 3, np.full(20, 10), touchpoint=t, has_verbatim=True, incentive=mentions)
    ctx = signals.context(b.history())
    table = signals.incentive_language(ctx)
    assert np.isnan(table.p[_cell(ctx, GAMED, 3, touchpoint=0)])        # 20 answers: never tested alone
    sales = table.p_department[0, GAMED, 3]
    assert sales < 1e-4 and sales < table.p_dealer[GAMED, 3] / 10
    evidence, _ = combine._family_by_period(ctx, table)
    assert evidence[GAMED, 3] > -np.log(1e-3)
    # The alert names its reason even though no single touchpoint is unusual on its own.
    report = next(r for r in combine.scan(ctx.history).reports if r.dealer == "D000" and r.quarter == ctx.q0 + 3)
    assert report.alert
    pooled = next(f for f in report.signals if f.family == "incentive_language")
    assert pooled.touchpoint == "" and pooled.count == 4 and pooled.evidence_response_ids


def test_tablet_answers_are_flagged_but_a_lounge_is_only_fast():
    b = Builder(dealers=62, seed=4)
    b.honest(range(2, 62))
    for k in range(4):
        n = 60
        ids = np.arange(10_000 * (k + 1), 10_000 * (k + 1) + n)
        # Dealer 0: a tablet (two devices) on the dealer's Wi-Fi, a minute or two after the invitation.
        b.add_responses(0, k, np.full(n, 10), seconds=b.rng.uniform(40, 300, n), device=900_000 + ids % 2,
                        network=np.full(n, 800_000))
        # Dealer 1: customers in the lounge, on their own phones, on the dealer's Wi-Fi.
        b.add_responses(1, k, b.rng.choice(11, size=n, p=HONEST_SCORES), seconds=b.rng.uniform(300, 580, n),
                        network=np.full(n, 800_001))
    ctx = signals.context(b.history())
    tablet, lounge = _cell(ctx, 0, 3), _cell(ctx, 1, 3)
    fast = signals.fast_answers(ctx)
    both = signals.fast_on_shared_device(ctx)
    device = signals.shared_device(ctx)
    assert fast.p[tablet] < 1e-6 and fast.p[lounge] < 1e-6          # both are fast...
    assert both.p[tablet] < 1e-6 and device.p[tablet] < 1e-6        # ...only the tablet on a shared device
    assert np.isnan(both.p[lounge]) or both.p[lounge] > 0.01
    assert np.isnan(device.p[lounge]) or device.p[lounge] > 0.01


def test_contact_substitution_signals():
    b = Builder(dealers=61, seed=6)
    b.honest(range(1, 61))
    n = 50
    b.honest([GAMED], quarters=(0, 1, 2))
    b.add_responses(GAMED, 3, np.full(n, 10), contact=np.full(n, 777_777), domain=True, changed=0.002)
    ctx = signals.context(b.history())
    cell = _cell(ctx, GAMED, 3)
    for family in (signals.shared_contact, signals.dealer_domain_contact, signals.contact_edited):
        table = family(ctx)
        assert table.p[cell] < 1e-6, table.family
        assert all(np.isnan(table.p[_cell(ctx, GAMED, k)]) or table.p[_cell(ctx, GAMED, k)] > 1e-3
                   for k in range(3)), table.family


def test_suppression_and_bounces_relative_to_the_network():
    b = Builder(dealers=61, seed=8)
    b.honest(range(61))
    rng = b.rng
    for d in range(61):          # honest: a few events without an invitation, a few bounces, every quarter
        for k in range(4):
            b.add_invitations(d, k, quarter_start(k) + rng.integers(0, 80, rng.poisson(8)), invited=False)
            b.add_invitations(d, k, quarter_start(k) + rng.integers(0, 80, rng.poisson(6)), undeliverable=True)
    b.add_invitations(GAMED, 3, quarter_start(3) + rng.integers(0, 80, 60), invited=False)
    b.add_invitations(GAMED, 3, quarter_start(3) + rng.integers(0, 80, 50), undeliverable=True)
    ctx = signals.context(b.history())
    cell = _cell(ctx, GAMED, 3)
    assert signals.not_invited(ctx).p[cell] < 1e-4
    assert signals.undeliverable(ctx).p[cell] < 1e-4
    assert signals.not_invited(ctx).p[_cell(ctx, 5, 3)] > 1e-3


def test_a_network_wide_bounce_wave_is_not_one_dealers_suppression():
    """A programme starting with stale addresses bounces at every dealer in its first quarter: nobody is singled
    out for it, while a dealer bouncing far more than its quarter's network still is."""
    b = Builder(dealers=61, seed=9)
    b.honest(range(61))
    rng = b.rng
    for d in range(61):
        for k in range(4):
            bounces = rng.poisson(40 if k == 0 else 4)      # every dealer: ten times the bounces in quarter 0
            b.add_invitations(d, k, quarter_start(k) + rng.integers(0, 80, bounces), undeliverable=True)
    b.add_invitations(GAMED, 2, quarter_start(2) + rng.integers(0, 80, 40), undeliverable=True)
    ctx = signals.context(b.history())
    table = signals.undeliverable(ctx)
    first_quarter = np.array([table.p[_cell(ctx, d, 0)] for d in range(1, 61)])
    assert (first_quarter < 0.01).sum() <= 2                  # chance, not the whole network
    assert table.p[_cell(ctx, GAMED, 2)] < 1e-4


def test_a_lasting_polarised_clientele_is_an_innocent_explanation_of_the_shape():
    """Many 10s and a thin middle in every quarter is a clientele; the same shape arriving in one quarter is not."""
    from insidetrack.integrity.policies import combine

    b = Builder(dealers=62, seed=10)
    b.honest(range(2, 62))
    for k in range(4):
        b.add_responses(1, k, _begged(100))                   # dealer 1: that shape since the first quarter
    b.honest([GAMED], quarters=(0, 1, 2))
    b.add_responses(GAMED, 3, _begged(100))                   # dealer 0: the shape arrives in the last quarter
    result = combine.scan(b.history())
    assert not result.alert[1].any()
    assert result.alert[GAMED, 3]


def test_templated_verbatims_beyond_chance():
    b = Builder(dealers=61, seed=9)
    b.honest(range(1, 61))
    b.honest([GAMED], quarters=(0, 1, 2))
    template = np.full(60, -1)
    template[:15] = 3                                            # fifteen copies of the dealer's suggested text
    b.add_responses(GAMED, 3, np.full(60, 10), has_verbatim=True, template=template)
    ctx = signals.context(b.history())
    table = signals.templated_verbatims(ctx)
    assert table.p[_cell(ctx, GAMED, 3)] < 1e-6
    assert table.count[_cell(ctx, GAMED, 3)] == 13               # copies beyond the first pair


def test_score_text_mismatch():
    b = Builder(dealers=61, seed=10)
    b.honest(range(1, 61))
    b.honest([GAMED], quarters=(0, 1, 2))
    negative = np.zeros(80, dtype=bool)
    negative[:20] = True                                         # a quarter of the 10s say the visit was poor
    b.add_responses(GAMED, 3, np.full(80, 10), has_verbatim=True, negative=negative)
    ctx = signals.context(b.history())
    table = signals.score_text_mismatch(ctx)
    assert table.p[_cell(ctx, GAMED, 3)] < 1e-6
    assert table.reference[_cell(ctx, GAMED, 3)] < 0.1
