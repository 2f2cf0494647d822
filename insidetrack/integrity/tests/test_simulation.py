"""The simulator: reproducible, consistent frames, and ground truth that matches the behaviour it injected."""

from __future__ import annotations

import numpy as np
import pytest

from insidetrack.integrity.policies import signals
from insidetrack.integrity.policies.frames import quarter_of
from insidetrack.integrity.simulation import SCENARIOS, simulate, simulate_network
from insidetrack.integrity.simulation.network import TOUCHPOINTS


@pytest.fixture(scope="module")
def sim():
    return simulate_network(7, dealers=80, quarters=6, gamed_share=0.3, keep_raw=True)


def test_same_seed_same_history_other_seed_other_history():
    a, ta = simulate(3, dealers=30, quarters=4)
    b, tb = simulate(3, dealers=30, quarters=4)
    c, _ = simulate(4, dealers=30, quarters=4)
    for field in ("dealer", "day", "score", "seconds_to_answer", "device", "template_group"):
        np.testing.assert_array_equal(getattr(a.responses, field), getattr(b.responses, field))
    assert ta.episodes == tb.episodes
    assert len(a.responses.dealer) != len(c.responses.dealer) or not np.array_equal(a.responses.score,
                                                                                      c.responses.score)


def test_frames_are_consistent(sim):
    h = sim.history
    assert h.invitations.answered.sum() == len(h.responses.dealer)
    assert h.events.invited.sum() == len(h.invitations.dealer)
    assert not (h.invitations.answered & h.invitations.undeliverable).any()
    q = quarter_of(h.responses.day)
    assert q.min() >= sim.truth.quarters[0] and q.max() <= sim.truth.quarters[-1]
    assert ((h.responses.score >= 0) & (h.responses.score <= 10)).all()
    assert len(sim.raw.response_invitation) == len(h.responses.dealer)


def test_some_dealers_are_too_small_to_test(sim):
    ctx = signals.context(sim.history)
    used = ctx.n > 0
    assert 0.05 < (ctx.n[used] < 30).mean() < 0.5


def test_ground_truth_covers_every_scenario_with_quarters_in_range(sim):
    truth = sim.truth
    assert {e.scenario for e in truth.episodes} == set(SCENARIOS)
    for e in truth.episodes:
        assert truth.quarters[0] <= e.first_quarter <= e.last_quarter <= truth.quarters[-1]
        assert 0.2 <= e.intensity <= 0.6
        assert set(e.touchpoints) <= set(TOUCHPOINTS)
    periods = truth.gamed_periods()
    assert len(periods) == sum(e.last_quarter - e.first_quarter + 1 for e in truth.episodes)
    gamed = {name for name, _ in periods}
    for members in truth.honest_groups.values():
        assert not gamed & set(members)


def _rates(sim, scenario: str, mask_of):
    """Share of the marked responses in the episodes' gamed cells, and in the same dealers' other quarters."""
    h = sim.history
    r = h.responses
    names = h.network.dealer_names
    q = quarter_of(r.day)
    mark = mask_of(r, q)
    inside, outside = [], []
    for e in sim.truth.episodes:
        if e.scenario != scenario:
            continue
        d = names.index(e.dealer)
        tps = [TOUCHPOINTS.index(t) for t in e.touchpoints]
        mine = (r.dealer == d) & np.isin(r.touchpoint, tps)
        during = (q >= e.first_quarter) & (q <= e.last_quarter)
        inside.append(mark[mine & during].mean())
        if (mine & ~during).any():
            outside.append(mark[mine & ~during].mean())
    return np.mean(inside), np.mean(outside)


def test_tablet_episodes_really_answer_within_minutes(sim):
    during, otherwise = _rates(sim, "tablet", lambda r, q: r.seconds_to_answer < 600)
    assert during > 0.2 and otherwise < 0.1


def test_begging_and_freebies_really_raise_the_tens(sim):
    for scenario in ("score_begging", "freebies"):
        during, otherwise = _rates(sim, scenario, lambda r, q: r.score == 10)
        assert during > otherwise + 0.05, scenario


def test_freebies_bring_incentive_language(sim):
    during, otherwise = _rates(sim, "freebies", lambda r, q: r.incentive_language)
    assert during > 0.01 and otherwise < 0.005


def test_quarter_end_push_really_shifts_answers_to_the_last_weeks(sim):
    from insidetrack.integrity.policies.frames import days_to_quarter_end

    during, otherwise = _rates(sim, "quarter_end_push", lambda r, q: days_to_quarter_end(r.day) < 21)
    assert during > otherwise + 0.05
