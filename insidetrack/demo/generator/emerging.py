"""The emerging problem the demo world plants in its last three weeks: ground truth for "what is new" features.

A software release for the cars that share one camera module was installed in the workshops of a first wave of
dealers, and their customers start writing that the reversing camera shows a black picture. The wave spans all
three survey languages (so several countries), and more cars are updated every day, so the complaints rise from a
handful on the first days to several a day at the end. Nothing here draws from the generator's other random
streams: planting the problem leaves the rest of the world as it would be without it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from insidetrack.demo.phrases.emerging import PROBLEM

from .network import DealerPlan
from .timeline import WINDOW_DAYS

PROBLEM_DAYS = 21
# The models sharing the camera module the release broke.
AFFECTED_MODELS = frozenset({"Strada", "Grande", "Volta"})
# Workshop visits (the release is installed there) and the owner check-in calls that follow them.
AFFECTED_TOUCHPOINTS = frozenset({"first_service", "service_visit", "ownership_checkin"})
# Share of the network in the first wave at scale 1 (12 of 80 dealers), which gives about a hundred complaints. A
# smaller world widens the wave (up to every dealer) so that the problem is still there to be found.
WAVE_SHARE = 0.15
# Share of affected answers on the first and on the last day of the period, rising linearly in between.
FIRST_DAY_SHARE = 0.1
LAST_DAY_SHARE = 1.0
# Scores of affected customers: the workshop's visit left their car worse than before.
SCORE_CAP = (2, 3, 4, 4, 5, 5, 6, 6, 7, 8)


@dataclass(slots=True)
class ProblemPlan:
    """The planted problem: when it starts (window day), which dealers' customers meet it."""

    description: str
    start_day: int
    end_day: int  # exclusive
    dealer_codes: frozenset[str]
    pk: int = 0

    def share(self, *, dealer_code: str, day: int, touchpoint: str, model: str) -> float:
        """Probability that an answer about this visit is a complaint about the problem (0 when it cannot be)."""
        if not self.start_day <= day < self.end_day or dealer_code not in self.dealer_codes \
                or touchpoint not in AFFECTED_TOUCHPOINTS or model not in AFFECTED_MODELS:
            return 0.0
        progress = (day - self.start_day) / max(1, self.end_day - self.start_day - 1)
        return FIRST_DAY_SHARE + (LAST_DAY_SHARE - FIRST_DAY_SHARE) * progress


def plan_problem(*, seed: int, dealers: list[DealerPlan], scale: float) -> ProblemPlan:
    """Choose the first wave: dealers taken in turn from each survey language, so it crosses borders."""
    rng = random.Random(f"insidetrack-demo:{seed}:emerging-problem")
    wanted = min(len(dealers), max(2, round(len(dealers) * min(1.0, WAVE_SHARE / scale))))
    by_language: dict[str, list[DealerPlan]] = {}
    for dealer in sorted(dealers, key=lambda d: d.code):
        by_language.setdefault(dealer.language, []).append(dealer)
    queues = [by_language[language] for language in sorted(by_language)]
    for queue in queues:
        rng.shuffle(queue)
    chosen: list[str] = []
    while len(chosen) < wanted:
        for queue in queues:
            if queue and len(chosen) < wanted:
                chosen.append(queue.pop().code)
    return ProblemPlan(description=PROBLEM, start_day=WINDOW_DAYS - PROBLEM_DAYS, end_day=WINDOW_DAYS,
                       dealer_codes=frozenset(chosen))
