"""Journeys as they really happen: from each customer's operational events, the paths customers actually take to a
new car, how long each step takes, where they stop, and how the NPS differs by path. Pure functions, no ORM.

Definitions:

* **Journey (a "case" in process-mining terms).** One customer's purchase events (``PATH_KINDS``: enquiry, test
  drive, deposit, repurchase order, experience event, finance, handover) in time order. A handover closes the
  journey; the next purchase event starts a new one, as does a gap longer than ``JOURNEY_GAP`` (a customer who
  enquired, went quiet for two years and came back is on a new journey). Service visits and anniversaries are
  ownership, not the path to a car, and are left out.
* **Path (a "variant").** The journey's sequence of kinds with immediate repeats collapsed (two test drives in a row
  are one step: the question is which steps, not how many tries).
* **Time between steps.** For each pair of consecutive steps (the directly-follows relation), how many journeys take
  it and the median days between them.
* **Drop-off.** Along the funnel (enquiry, test drive, order, handover; an order is a deposit or a repurchase), the
  journeys that reached a step and did *not* reach the next within ``DROP_WINDOW`` days. A journey whose window is
  still open on the day the data end is neither continued nor dropped: it is "still open", so recent enquiries do not
  look like losses.
* **NPS by path.** A journey's answer is the customer's latest journey-survey score given from the journey's first
  event to ``ANSWER_GRACE`` days after its last (the survey after a handover arrives days later). Each journey counts
  once. NPS with its adjusted-Wald 95% interval (``nps_statistics``); paths with fewer than ``MIN_ANSWERS`` answers are
  shown without a verdict.

Library choice: pm4py computes variants and the directly-follows graph too, but it pulls in graphviz, lxml,
networkx, pandas and intervaltree-based machinery for a task that here is a sort and a pass over a few hundred
thousand events; what is specific (journeys split at handovers, censoring-aware drop-off, NPS by path) would have to
be written around it anyway. A plain pass in Python is short, checked on hand-built histories, and costs no
dependency.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from . import nps_statistics

PATH_KINDS = ("enquiry", "test_drive", "deposit_taken", "repurchase", "experience_attended", "finance_signed",
              "handover")
CLOSING_KIND = "handover"
ORDER_KINDS = frozenset({"deposit_taken", "repurchase"})
# The funnel's steps; an order is either kind in ORDER_KINDS.
FUNNEL = ("enquiry", "test_drive", "order", "handover")
JOURNEY_GAP = timedelta(days=365)
DROP_WINDOW = timedelta(days=180)
ANSWER_GRACE = timedelta(days=60)
MIN_ANSWERS = 30
TOP_PATHS = 12
OTHER = "other"


@dataclass(frozen=True, slots=True)
class Journey:
    """One customer's purchase journey: the events in time order, repeats kept (the path collapses them)."""

    customer_id: int
    steps: tuple[tuple[str, datetime], ...]

    @property
    def start(self) -> datetime:
        return self.steps[0][1]

    @property
    def end(self) -> datetime:
        return self.steps[-1][1]

    @property
    def path(self) -> tuple[str, ...]:
        kinds: list[str] = []
        for kind, _ in self.steps:
            if not kinds or kinds[-1] != kind:
                kinds.append(kind)
        return tuple(kinds)

    def first(self, kind: str) -> datetime | None:
        """When the journey first reached a step; the funnel's ``order`` is any kind in ORDER_KINDS."""
        kinds = ORDER_KINDS if kind == "order" else {kind}
        return next((at for k, at in self.steps if k in kinds), None)


def journeys_from_events(events: Iterable[tuple[int, str, datetime]], *,
                         gap: timedelta = JOURNEY_GAP) -> list[Journey]:
    """Split each customer's events (customer id, kind, moment) into journeys; kinds outside PATH_KINDS are ignored."""
    by_customer: dict[int, list[tuple[datetime, int, str]]] = defaultdict(list)
    rank = {kind: i for i, kind in enumerate(PATH_KINDS)}
    for customer_id, kind, at in events:
        if kind in rank:
            # Same-moment events keep the journey's natural order (an enquiry before its test drive).
            by_customer[customer_id].append((at, rank[kind], kind))
    journeys = []
    for customer_id in sorted(by_customer):
        current: list[tuple[str, datetime]] = []
        for at, _, kind in sorted(by_customer[customer_id]):
            closed = current and current[-1][0] == CLOSING_KIND and kind != CLOSING_KIND
            if current and (closed or at - current[-1][1] > gap):
                journeys.append(Journey(customer_id, tuple(current)))
                current = []
            current.append((kind, at))
        if current:
            journeys.append(Journey(customer_id, tuple(current)))
    return journeys


@dataclass(frozen=True, slots=True)
class PathEstimate:
    """How often a path occurs and the NPS of the journeys on it that were answered."""

    path: tuple[str, ...]  # (OTHER,) for the remainder
    journeys: int
    share: float
    median_days: float | None  # first to last event
    counts: nps_statistics.NpsCounts
    nps: float | None
    low: float | None
    high: float | None

    @property
    def answers(self) -> int:
        return self.counts.n

    @property
    def is_rankable(self) -> bool:
        return self.counts.n >= MIN_ANSWERS


@dataclass(frozen=True, slots=True)
class Transition:
    """One step directly following another, with how many journeys take it and the median days it takes."""

    source: str
    target: str
    journeys: int
    median_days: float


@dataclass(frozen=True, slots=True)
class FunnelStep:
    """Journeys that reached a funnel step, and of those, how many reached the next in time, dropped, or are open."""

    step: str
    reached: int
    continued: int | None  # None for the last step
    dropped: int | None
    still_open: int | None

    @property
    def drop_rate(self) -> float | None:
        decided = (self.continued or 0) + (self.dropped or 0)
        return None if self.dropped is None or not decided else self.dropped / decided


@dataclass(frozen=True, slots=True)
class Comparison:
    """Journeys with a step against those without it (among journeys from order to handover), by NPS."""

    step: str
    with_step: PathEstimate
    without_step: PathEstimate
    difference: nps_statistics.NpsDifference | None


def _band_counts(scores: Iterable[int]) -> nps_statistics.NpsCounts:
    bands = Counter(0 if s <= 6 else 1 if s <= 8 else 2 for s in scores)
    return nps_statistics.NpsCounts(bands[0], bands[1], bands[2])


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / 86_400


def journey_answers(journeys: Sequence[Journey], answers: Iterable[tuple[int, int, datetime]], *,
                    grace: timedelta = ANSWER_GRACE) -> list[int | None]:
    """Each journey's answer (the latest score from its first event to ``grace`` after its last), in journey order."""
    by_customer: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for customer_id, score, at in answers:
        if not 0 <= score <= 10:
            raise ValueError(f"A score is 0 to 10, not {score!r}")
        by_customer[customer_id].append((at, score))
    for items in by_customer.values():
        items.sort()
    result: list[int | None] = []
    for journey in journeys:
        latest = None
        for at, score in by_customer.get(journey.customer_id, ()):
            if journey.start <= at <= journey.end + grace:
                latest = score
        result.append(latest)
    return result


def _estimate(path: tuple[str, ...], members: Sequence[int], journeys: Sequence[Journey],
              answers: Sequence[int | None], total: int) -> PathEstimate:
    counts = _band_counts(s for i in members if (s := answers[i]) is not None)
    interval = nps_statistics.nps_interval_adjusted_wald(counts)
    durations = [_days(journeys[i].end - journeys[i].start) for i in members]
    return PathEstimate(path=path, journeys=len(members), share=len(members) / total if total else 0.0,
                        median_days=statistics.median(durations) if durations else None, counts=counts,
                        nps=nps_statistics.nps(counts), low=interval[0] if interval else None,
                        high=interval[1] if interval else None)


def path_estimates(journeys: Sequence[Journey], answers: Sequence[int | None], *,
                   top: int = TOP_PATHS) -> list[PathEstimate]:
    """The ``top`` most common paths, most common first (ties by path), then every other journey as one row."""
    if len(answers) != len(journeys):
        raise ValueError("One answer (or None) per journey is needed")
    members: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, journey in enumerate(journeys):
        members[journey.path].append(i)
    ordered = sorted(members.items(), key=lambda item: (-len(item[1]), item[0]))
    rows = [_estimate(path, ids, journeys, answers, len(journeys)) for path, ids in ordered[:top]]
    rest = [i for _, ids in ordered[top:] for i in ids]
    if rest:
        rows.append(_estimate((OTHER,), rest, journeys, answers, len(journeys)))
    return rows


def transitions(journeys: Sequence[Journey]) -> list[Transition]:
    """The directly-follows relation on paths: each step pair with its journey count and median days, busiest first.

    The time is from the first event of a step to the first event of the next (a second test drive does not delay
    the step that follows it).
    """
    durations: dict[tuple[str, str], list[float]] = defaultdict(list)
    for journey in journeys:
        firsts: list[tuple[str, datetime]] = []
        for kind, at in journey.steps:
            if not firsts or firsts[-1][0] != kind:
                firsts.append((kind, at))
        for (a, at_a), (b, at_b) in pairwise(firsts):
            durations[(a, b)].append(_days(at_b - at_a))
    rows = [Transition(a, b, len(values), statistics.median(values)) for (a, b), values in durations.items()]
    rows.sort(key=lambda t: (-t.journeys, t.source, t.target))
    return rows


def funnel(journeys: Sequence[Journey], *, data_end: datetime, window: timedelta = DROP_WINDOW,
           steps: Sequence[str] = FUNNEL) -> list[FunnelStep]:
    """Reached, continued, dropped and still open per funnel step (see the module's definition of drop-off).

    "Continued" means the journey reached the *next* step later on within the window, even if it skipped steps in
    between; a journey that went straight from test drive to handover continued from the test drive, and did not
    reach the order step.
    """
    rows = []
    for position, step in enumerate(steps):
        reached = [(j, at) for j in journeys if (at := j.first(step)) is not None]
        if position == len(steps) - 1:
            rows.append(FunnelStep(step, len(reached), None, None, None))
            continue
        following = steps[position + 1]
        continued = dropped = still_open = 0
        for journey, at in reached:
            next_at = journey.first(following)
            if next_at is not None and at <= next_at <= at + window:
                continued += 1
            elif at + window > data_end:
                still_open += 1
            else:
                dropped += 1
        rows.append(FunnelStep(step, len(reached), continued, dropped, still_open))
    return rows


def compare_step(journeys: Sequence[Journey], answers: Sequence[int | None], *, step: str = "experience_attended",
                 start: str = "order", end: str = CLOSING_KIND) -> Comparison:
    """Among journeys from an order to a handover, the NPS of those with ``step`` against those without it."""
    with_ids, without_ids = [], []
    for i, journey in enumerate(journeys):
        if journey.first(start) is None or journey.first(end) is None:
            continue
        (with_ids if any(kind == step for kind, _ in journey.steps) else without_ids).append(i)
    total = len(with_ids) + len(without_ids)
    first = _estimate((step,), with_ids, journeys, answers, total)
    second = _estimate(("-" + step,), without_ids, journeys, answers, total)
    return Comparison(step=step, with_step=first, without_step=second,
                      difference=nps_statistics.nps_difference(first.counts, second.counts))
