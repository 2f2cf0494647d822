"""Journeys as they happen, on small hand-built histories whose paths, times, drop-offs and NPS are known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from insidetrack.analytics import paths

DAY0 = datetime(2025, 1, 1, 9, tzinfo=UTC)


def at(days: float) -> datetime:
    return DAY0 + timedelta(days=days)


# Customer 1: a full journey with the experience event, then a second one (repurchase) after the handover.
# Customer 2: enquiry, two test drives, deposit, handover (no experience event).
# Customer 3: enquiry and test drive, then nothing for a year: dropped after the test drive.
# Customer 4: enquiry 10 days before the data end: still open.
# Customer 5: events outside the path (a service) are ignored; an enquiry two years later is a new journey.
EVENTS = [
    (1, "enquiry", at(0)), (1, "test_drive", at(10)), (1, "deposit_taken", at(20)),
    (1, "experience_attended", at(50)), (1, "handover", at(80)),
    (1, "repurchase", at(400)), (1, "handover", at(460)),
    (2, "test_drive", at(4)), (2, "enquiry", at(0)), (2, "test_drive", at(6)), (2, "deposit_taken", at(30)),
    (2, "handover", at(90)),
    (3, "enquiry", at(100)), (3, "test_drive", at(104)),
    (4, "enquiry", at(590)),
    (5, "service_completed", at(10)), (5, "enquiry", at(5)), (5, "enquiry", at(5 + 400)),
]
DATA_END = at(600)


@pytest.fixture
def journeys() -> list[paths.Journey]:
    return paths.journeys_from_events(EVENTS)


def test_journeys_split_at_handovers_and_long_gaps(journeys) -> None:
    assert [(j.customer_id, j.path) for j in journeys] == [
        (1, ("enquiry", "test_drive", "deposit_taken", "experience_attended", "handover")),
        (1, ("repurchase", "handover")),
        (2, ("enquiry", "test_drive", "deposit_taken", "handover")),  # the second test drive is one step
        (3, ("enquiry", "test_drive")),
        (4, ("enquiry",)),
        (5, ("enquiry",)),
        (5, ("enquiry",)),
    ]
    assert len(journeys[2].steps) == 5  # the repeat is kept in the history, collapsed in the path


def test_paths_count_share_and_duration(journeys) -> None:
    answers = [None] * len(journeys)
    rows = paths.path_estimates(journeys, answers, top=2)
    assert [(r.path, r.journeys) for r in rows] == [(("enquiry",), 3), (("enquiry", "test_drive"), 1),
                                                   ((paths.OTHER,), 3)]
    assert rows[0].share == pytest.approx(3 / 7)
    assert rows[1].median_days == pytest.approx(4.0)
    # Other: 80, 60 and 90 days from first to last step.
    assert rows[2].median_days == pytest.approx(80.0)
    assert rows[0].nps is None and rows[0].answers == 0


def test_time_between_steps_is_from_first_to_first(journeys) -> None:
    by_pair = {(t.source, t.target): t for t in paths.transitions(journeys)}
    assert by_pair[("enquiry", "test_drive")].journeys == 3
    # 10 days (customer 1), 4 days (customer 2, to the first test drive), 4 days (customer 3).
    assert by_pair[("enquiry", "test_drive")].median_days == pytest.approx(4.0)
    assert by_pair[("test_drive", "deposit_taken")].median_days == pytest.approx((10 + 26) / 2)
    assert by_pair[("repurchase", "handover")].median_days == pytest.approx(60.0)
    assert ("handover", "repurchase") not in by_pair  # two journeys, not one step


def test_drop_off_leaves_open_journeys_out(journeys) -> None:
    steps = {s.step: s for s in paths.funnel(journeys, data_end=DATA_END)}
    enquiry = steps["enquiry"]
    # Six journeys enquired: 1, 2 and 3 went on to a test drive; customer 4 is still open (10 days ago);
    # customer 5's first journey dropped, its second (at day 405) dropped too (more than 180 days before the end).
    assert (enquiry.reached, enquiry.continued, enquiry.dropped, enquiry.still_open) == (6, 3, 2, 1)
    assert enquiry.drop_rate == pytest.approx(2 / 5)
    test_drive = steps["test_drive"]
    assert (test_drive.reached, test_drive.continued, test_drive.dropped) == (3, 2, 1)
    order = steps["order"]  # a deposit or a repurchase
    assert (order.reached, order.continued, order.dropped, order.still_open) == (3, 3, 0, 0)
    assert steps["handover"].reached == 3 and steps["handover"].drop_rate is None


def test_a_journey_whose_window_has_not_passed_is_still_open() -> None:
    journeys = paths.journeys_from_events([(1, "enquiry", at(0))])
    assert paths.funnel(journeys, data_end=at(100))[0].still_open == 1
    assert paths.funnel(journeys, data_end=at(181))[0].dropped == 1


def test_nps_by_path_takes_the_latest_answer_in_the_journey(journeys) -> None:
    answers = paths.journey_answers(journeys, [
        (1, 3, at(85)),  # after the first handover, within the grace: replaced by the later answer below
        (1, 10, at(90)),
        (1, 9, at(470)),  # the second journey's answer
        (2, 6, at(95)),
        (3, 10, at(300)),  # long after customer 3's journey: not its answer
    ])
    assert answers == [10, 9, 6, None, None, None, None]
    rows = {r.path: r for r in paths.path_estimates(journeys, answers)}
    full = rows[("enquiry", "test_drive", "deposit_taken", "experience_attended", "handover")]
    assert full.counts == (0, 0, 1) and full.nps == 100.0
    assert rows[("enquiry", "test_drive", "deposit_taken", "handover")].nps == -100.0
    assert not full.is_rankable
    assert full.low is not None and full.low < 100.0  # the adjusted-Wald interval is honest at n = 1


def test_with_and_without_the_experience_event(journeys) -> None:
    answers = [10, 9, 6, None, None, None, None]
    comparison = paths.compare_step(journeys, answers)
    assert comparison.with_step.journeys == 1 and comparison.with_step.nps == 100.0
    # Without: customer 1's repurchase journey (9) and customer 2's (6).
    assert comparison.without_step.journeys == 2
    assert comparison.without_step.counts == (1, 0, 1)
    assert comparison.difference is not None and comparison.difference.difference == pytest.approx(100.0)


def test_bad_input_is_refused_with_a_reason(journeys) -> None:
    with pytest.raises(ValueError, match="One answer"):
        paths.path_estimates(journeys, [])
    with pytest.raises(ValueError, match="0 to 10"):
        paths.journey_answers(journeys, [(1, 11, at(1))])
