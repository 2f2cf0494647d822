"""The evaluation maths on a hand-made case: recall, precision, time to detect, false alarms, group rates."""

from __future__ import annotations

import numpy as np

from insidetrack.integrity.policies.evaluation import Outcome, evaluate
from insidetrack.integrity.simulation import Episode, GroundTruth

QUARTERS = [8100, 8101, 8102, 8103]


def _case():
    names = ["A", "B", "C", "D", "E"]
    alert = np.zeros((5, 4), dtype=bool)
    alert[0, 2] = True            # A begs from 8101: caught one quarter late
    alert[1, 0] = True            # B pushes from 8100: caught at once, and again later
    alert[1, 1] = True
    alert[3, 3] = True            # D is honest: one false alarm
    truth = GroundTruth(
        episodes=[Episode("A", "score_begging", 8101, 8103, ("handover",), 0.3),
                  Episode("B", "quarter_end_push", 8100, 8101, ("handover",), 0.5),
                  Episode("C", "score_begging", 8102, 8103, ("handover",), 0.2)],     # never caught
        quarters=QUARTERS,
        honest_groups={"small dealers": ["D"], "region X": ["D", "E"]})
    pattern = [["" for _ in QUARTERS] for _ in names]
    pattern[0][2] = "asking or paying for 10s"
    pattern[1][0] = pattern[1][1] = "quarter-end push"
    pattern[3][3] = "asking or paying for 10s"
    return Outcome(names, QUARTERS, alert, pattern), truth


def test_recall_precision_and_time_to_detect():
    outcome, truth = _case()
    report = evaluate(outcome, truth)
    begging = report["scenarios"]["score_begging"]
    assert begging["episodes"] == 2 and begging["detected"] == 1 and begging["recall"] == 0.5
    assert begging["median_quarters_to_detect"] == 1.0
    assert begging["period_recall"] == 1 / 5                  # 3 + 2 gamed quarters, one alerted
    assert begging["precision"] == 0.5                        # its pattern: one right, one honest
    push = report["scenarios"]["quarter_end_push"]
    assert push["recall"] == 1.0 and push["median_quarters_to_detect"] == 0.0 and push["precision"] == 1.0


def test_false_alarms_and_group_rates():
    outcome, truth = _case()
    report = evaluate(outcome, truth)
    honest = report["honest"]
    assert honest["periods"] == 20 - 7 and honest["alerts"] == 1
    assert np.isclose(honest["false_alarm_rate"], 1 / 13)
    assert np.isclose(report["overall"]["precision"], 3 / 4)
    small = report["groups"]["small dealers"]
    assert small["rate"] == 0.25 and np.isclose(small["ratio_to_average"], 0.25 / (1 / 13))
    assert report["groups"]["region X"]["rate"] == 1 / 8
    assert report["acceptance"]["false_alarm_rate_at_most_1pct"] is False
    assert report["acceptance"]["no_group_above_twice_average"] is False      # D's group: 3.25x the average
