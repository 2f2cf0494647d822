"""Key-driver analysis checked on simulated customers whose true drivers are known.

The generator draws touchpoint scores with correlated customers (someone who liked one visit tends to like the next),
then a relationship score as known weights times the scores plus noise, and yes/no outcomes from a logistic model
with known coefficients. The truth for LMG is computed from the population moments (``lmg_population``); the truth
for permutation importance from the true model on a very large sample. The method must rank the drivers as the truth
does and its 95% bootstrap intervals must cover the true shares in most simulated data sets.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import statsmodels.api as sm

from insidetrack.analytics import drivers

CODES = ("handover", "test_drive", "service_visit", "deposit")
WEIGHTS = np.array([0.6, 0.35, 0.15, 0.0])  # per score point on the relationship score
LOGIT = np.array([0.9, 0.45, 0.0, 0.2])  # per standard deviation on the log-odds of buying again
CORRELATION = 0.3
SPREAD = 2.0
NOISE = 1.5


def _covariance() -> np.ndarray:
    k = len(CODES)
    return (np.full((k, k), CORRELATION) + (1 - CORRELATION) * np.eye(k)) * SPREAD**2


def _scores(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.multivariate_normal(np.full(len(CODES), 7.0), _covariance(), n)


def _frame(scores: np.ndarray, outcome: np.ndarray, *, flags: np.ndarray | None = None,
           themes: tuple[str, ...] = ()) -> drivers.DriverFrame:
    flags = np.zeros((len(outcome), 0)) if flags is None else flags
    return drivers.DriverFrame(scores=scores, touchpoints=CODES, themes_flags=flags, themes=themes, outcome=outcome)


def _linear(rng: np.random.Generator, n: int) -> drivers.DriverFrame:
    scores = _scores(rng, n)
    return _frame(scores, scores @ WEIGHTS + rng.normal(0, NOISE, n))


def _binary(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    scores = _scores(rng, n)
    linear = -1.5 + ((scores - 7.0) / SPREAD) @ LOGIT
    return scores, (rng.random(n) < 1 / (1 + np.exp(-linear))).astype(float)


def _true_lmg_shares() -> dict[str, float]:
    shares = drivers.lmg_population(_covariance(), WEIGHTS, NOISE**2, [(j,) for j in range(len(CODES))])
    return dict(zip(CODES, shares, strict=True))


def _true_permutation_shares() -> dict[str, float]:
    rng = np.random.default_rng(7)
    scores, outcome = _binary(rng, 400_000)
    coefficients = np.concatenate([[-1.5 - 7.0 / SPREAD * LOGIT.sum()], LOGIT / SPREAD])
    importance, _ = drivers.permutation_importance(scores, outcome, coefficients, [(j,) for j in range(len(CODES))],
                                                   rng, repeats=5)
    return dict(zip(CODES, importance / importance.sum(), strict=True))


def test_true_lmg_shares_follow_the_weights_and_share_the_correlation() -> None:
    truth = _true_lmg_shares()
    assert sorted(truth, key=truth.get, reverse=True) == ["handover", "test_drive", "service_visit", "deposit"]
    assert sum(truth.values()) == pytest.approx(1.0)
    # With no correlation the share would be w² / Σw²; correlation hands the zero-weight touchpoint some credit.
    assert truth["deposit"] > 0.01
    assert truth["handover"] == pytest.approx(0.5665, abs=1e-3)


def test_lmg_recovers_the_ranking_and_its_intervals_cover_the_truth() -> None:
    truth = _true_lmg_shares()
    rng = np.random.default_rng(11)
    covered = checks = 0
    for run in range(12):
        result = drivers.decompose(_linear(rng, 1500), binary=False, bootstrap=200, seed=run)
        assert result is not None and result.method == "lmg"
        assert [s.driver.code for s in result.shares] == ["handover", "test_drive", "service_visit", "deposit"]
        assert sum(s.share for s in result.shares) == pytest.approx(1.0)
        for share in result.shares:
            checks += 1
            covered += share.low <= truth[share.driver.code] <= share.high
    assert covered / checks >= 0.85, f"{covered} of {checks} intervals cover the true share"


def test_logistic_permutation_importance_recovers_the_ranking_and_covers_the_truth() -> None:
    truth = _true_permutation_shares()
    assert sorted(truth, key=truth.get, reverse=True) == ["handover", "test_drive", "deposit", "service_visit"]
    rng = np.random.default_rng(12)
    covered = checks = top_right = 0
    for run in range(10):
        scores, outcome = _binary(rng, 4000)
        result = drivers.decompose(_frame(scores, outcome), binary=True, method=drivers.PERMUTATION, bootstrap=100,
                                   seed=run)
        assert result is not None and result.method == drivers.PERMUTATION
        assert result.positives == int(outcome.sum())
        order = [s.driver.code for s in result.shares]
        top_right += order[:2] == ["handover", "test_drive"]
        for share in result.shares:
            checks += 1
            covered += share.low <= truth[share.driver.code] <= share.high
    assert top_right >= 9
    assert covered / checks >= 0.8, f"{covered} of {checks} intervals cover the true share"


def test_correlation_ranking_is_misled_by_correlated_touchpoints() -> None:
    """The baseline: a touchpoint with no effect of its own still correlates with the outcome through the others."""
    frame = _linear(np.random.default_rng(3), 5000)
    correlations = dict(drivers.correlation_ranking(frame))
    assert correlations["deposit"] > 0.2
    result = drivers.decompose(frame, binary=False, bootstrap=50)
    assert result is not None
    deposit = next(s for s in result.shares if s.driver.code == "deposit")
    assert deposit.share < 0.08


def test_customers_who_skipped_a_touchpoint_count_where_they_answered() -> None:
    """Pairwise-complete moments: half the customers never answered the handover survey, most skipped the deposit
    one; the shares still recover the truth, and each driver says how many customers it rests on."""
    truth = _true_lmg_shares()
    rng = np.random.default_rng(5)
    covered = checks = 0
    for run in range(8):
        frame = _linear(rng, 3000)
        answered = rng.random(frame.scores.shape) < np.array([0.5, 0.8, 0.6, 0.3])
        scores = np.where(answered, frame.scores, np.nan)
        result = drivers.decompose(_frame(scores, frame.outcome), binary=False, bootstrap=100, seed=run)
        assert result is not None and result.customers == 3000
        assert [s.driver.code for s in result.shares][:2] == ["handover", "test_drive"]
        assert {s.driver.code: s.customers for s in result.shares} == dict(zip(CODES, answered.sum(axis=0).tolist(),
                                                                              strict=True))
        for share in result.shares:
            checks += 1
            covered += share.low <= truth[share.driver.code] <= share.high
    assert covered / checks >= 0.8, f"{covered} of {checks} intervals cover the true share"


def test_pairwise_covariance_uses_the_customers_known_on_both_sides() -> None:
    rng = np.random.default_rng(2)
    data = rng.normal(size=(50, 3))
    assert drivers.pairwise_covariance(data) == pytest.approx(np.cov(data, rowvar=False))
    data[:10, 0] = np.nan
    data[40:, 1] = np.nan
    both = ~np.isnan(data[:, 0]) & ~np.isnan(data[:, 1])
    expected = np.cov(data[both][:, :2], rowvar=False)[0, 1]
    covariance = drivers.pairwise_covariance(data)
    assert covariance[0, 1] == pytest.approx(expected, rel=0.05)  # the floor on eigenvalues may nudge it
    assert np.linalg.eigvalsh(covariance).min() >= -1e-12


def test_a_yes_no_outcome_by_the_linear_probability_model() -> None:
    """The default for buying again and referring: LMG of the linear probability model, ranked as the logistic
    truth says."""
    rng = np.random.default_rng(13)
    right = 0
    for run in range(6):
        scores, outcome = _binary(rng, 4000)
        scores[rng.random(scores.shape) < 0.3] = np.nan
        result = drivers.decompose(_frame(scores, outcome), binary=True, bootstrap=50, seed=run)
        assert result is not None and result.method == drivers.LMG and result.positives == int(outcome.sum())
        right += [s.driver.code for s in result.shares][:2] == ["handover", "test_drive"]
    assert right >= 5


def test_missing_scores_as_indicators_for_the_logistic_model() -> None:
    """The permutation method keeps a skipped touchpoint as "answered or not" next to its score."""
    rng = np.random.default_rng(5)
    n = 3000
    scores = _scores(rng, n)
    went = rng.random(n) < 0.4  # the experience event: most customers never go
    linear = -1.5 + ((scores - 7.0) / SPREAD) @ LOGIT + 1.5 * went
    outcome = (rng.random(n) < 1 / (1 + np.exp(-linear))).astype(float)
    scores[~went, 3] = np.nan
    result = drivers.decompose(_frame(scores, outcome), binary=True, method=drivers.PERMUTATION, bootstrap=50)
    assert result is not None
    deposit = next(s for s in result.shares if s.driver.code == "deposit")
    assert deposit.customers == int(went.sum())
    assert deposit.is_clear  # having been there matters


def test_a_negative_theme_is_a_driver() -> None:
    rng = np.random.default_rng(8)
    n = 3000
    scores = _scores(rng, n)
    waiting = (rng.random((n, 1)) < 0.15).astype(float)
    relationship = scores @ WEIGHTS - 3.0 * waiting[:, 0] + rng.normal(0, NOISE, n)
    result = drivers.decompose(_frame(scores, relationship, flags=waiting, themes=("waiting_time",)), binary=False,
                               bootstrap=50)
    assert result is not None
    theme = next(s for s in result.shares if s.driver.kind == drivers.THEME)
    assert theme.driver.code == "waiting_time"
    assert theme.customers == int(waiting.sum())
    assert theme.is_clear
    deposit = next(s for s in result.shares if s.driver.code == "deposit")
    assert theme.share > deposit.share


def test_logistic_fit_matches_statsmodels() -> None:
    scores, outcome = _binary(np.random.default_rng(9), 3000)
    ours = drivers.logistic_fit(scores, outcome)
    theirs = sm.Logit(outcome, sm.add_constant(scores)).fit(disp=0).params
    assert ours == pytest.approx(theirs, abs=1e-3)


def test_too_few_customers_or_buyers_say_nothing() -> None:
    rng = np.random.default_rng(1)
    assert drivers.decompose(_linear(rng, 40), binary=False) is None
    scores, _ = _binary(rng, 500)
    outcome = np.zeros(500)
    outcome[:10] = 1.0
    assert drivers.decompose(_frame(scores, outcome), binary=True) is None
    assert drivers.decompose(_frame(scores, outcome), binary=True, method=drivers.PERMUTATION) is None


def test_bad_input_is_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="needs a yes/no outcome"):
        drivers.decompose(_linear(np.random.default_rng(1), 100), binary=False, method=drivers.PERMUTATION)
    with pytest.raises(ValueError, match="0 or 1"):
        drivers.decompose(_frame(_scores(np.random.default_rng(1), 100), np.full(100, 0.5)), binary=True)
    with pytest.raises(ValueError, match="customers by"):
        drivers.DriverFrame(scores=np.zeros((3, 2)), touchpoints=CODES, themes_flags=np.zeros((3, 0)), themes=(),
                            outcome=np.zeros(3))
    with pytest.raises(ValueError, match="known for every customer"):
        _frame(np.zeros((2, 4)), np.array([1.0, np.nan]))


def test_build_frame_uses_only_what_came_before_the_outcome() -> None:
    day = datetime(2026, 1, 1, tzinfo=UTC)
    answers = [
        (1, "handover", 3, day),
        (1, "handover", 9, day + timedelta(days=5)),  # the later answer counts
        (1, "test_drive", 10, day + timedelta(days=30)),  # after the anchor: cannot explain it
        (1, "service_visit", 8, day + timedelta(days=20)),  # the anchor's own moment
        (2, "test_drive", 6, day),
        (3, "handover", 5, day),  # no anchor: not in the frame
    ]
    themes = [(1, "waiting_time", day + timedelta(days=1)), (2, "waiting_time", day + timedelta(days=40))]
    anchors = {1: day + timedelta(days=20), 2: day + timedelta(days=20)}
    frame = drivers.build_frame(answers=answers, negative_themes=themes, anchors=anchors, outcomes={1: 9, 2: 4},
                                touchpoints=["handover", "test_drive", "service_visit"], themes=["waiting_time"],
                                include_anchor=False)
    assert frame.outcome.tolist() == [9.0, 4.0]
    assert np.array_equal(frame.scores, np.array([[9, np.nan, np.nan], [np.nan, 6, np.nan]]), equal_nan=True)
    assert frame.themes_flags.tolist() == [[1.0], [0.0]]
    included = drivers.build_frame(answers=answers, negative_themes=themes, anchors=anchors, outcomes={1: 1, 2: 0},
                                   touchpoints=["service_visit"], themes=[], include_anchor=True)
    assert included.scores[0, 0] == 8


def test_rank_agreement() -> None:
    assert drivers.rank_agreement(["a", "b", "c"], ["a", "b", "c"]) == 1.0
    assert drivers.rank_agreement(["c", "b", "a"], ["a", "b", "c"]) == -1.0
    assert drivers.rank_agreement(["b", "a", "c"], ["a", "b", "c"]) == pytest.approx(1 / 3)
