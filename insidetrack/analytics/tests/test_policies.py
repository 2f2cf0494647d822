"""NPS arithmetic against worked values."""

import pytest

from insidetrack.analytics.policies import NpsEstimate


def test_worked_example_from_the_brief():
    estimate = NpsEstimate(detractors=6, passives=12, promoters=18)
    assert estimate.n == 36
    assert estimate.nps == pytest.approx(33.333, abs=0.001)
    assert estimate.standard_error == pytest.approx(12.42, abs=0.005)


def test_adjusted_wald_interval_worked_value():
    # n' = 39, p' = 18.75/39, d' = 6.75/39: centre 30.77, half-width 1.96 * sqrt((0.6538 - 0.0947) / 39) = 23.47.
    low, high = NpsEstimate(detractors=6, passives=12, promoters=18).interval
    assert low == pytest.approx(7.30, abs=0.02)
    assert high == pytest.approx(54.24, abs=0.02)


def test_a_single_answer_is_not_a_certain_plus_100():
    estimate = NpsEstimate(detractors=0, passives=0, promoters=1)
    assert estimate.nps == 100
    assert estimate.margin > 50 and estimate.low < 0 and not estimate.is_rankable


def test_empty_is_none_not_zero():
    estimate = NpsEstimate(0, 0, 0)
    assert estimate.nps is None and estimate.interval is None and estimate.margin is None
