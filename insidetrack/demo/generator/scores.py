"""How satisfied a customer is at a touchpoint: a per-touchpoint score shape tilted by dealer, customer and season.

The shape at tilt 0 is the network's latent distribution (see ``catalogue.SCORE_SHAPES``). A tilt ``t`` multiplies
the weight of score ``i`` by ``exp(t * (i - 8) / 2)``: a good dealer gets more tens and fewer zeros without
touching the shape's U-shaped detractor tail. Tilts are quantised so the cumulative tables can be cached.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from itertools import accumulate

from . import catalogue

_STEP = 0.05
_LIMIT = 3.0
_LEVELS = int(2 * _LIMIT / _STEP) + 1

SERVICE_TOUCHPOINTS = frozenset({"first_service", "service_visit", "ownership_checkin"})

# Workshops are busiest (and customers least patient) in winter and at the spring/autumn tyre change.
SERVICE_SEASON = {1: -0.12, 2: -0.05, 3: -0.06, 4: -0.06, 5: 0.0, 6: 0.05, 7: 0.05, 8: 0.05, 9: 0.0, 10: -0.06,
                  11: -0.12, 12: -0.12}


def base_distribution(touchpoint: str) -> list[float]:
    """Probability of each score 0-10 at tilt 0."""
    promoters, passives, detractors = catalogue.SCORE_SHAPES[touchpoint]
    return ([detractors * s for s in catalogue.DETRACTOR_SPLIT]
            + [passives * s for s in catalogue.PASSIVE_SPLIT]
            + [promoters * s for s in catalogue.PROMOTER_SPLIT])


def tilted(distribution: list[float], tilt: float) -> list[float]:
    weights = [p * math.exp(tilt * (score - 8) / 2) for score, p in enumerate(distribution)]
    total = sum(weights)
    return [w / total for w in weights]


class ScoreModel:
    """Draws latent scores and knows how the willingness to answer depends on them."""

    def __init__(self) -> None:
        self._base = {tp: base_distribution(tp) for tp in catalogue.SCORE_SHAPES}
        self._tables: dict[tuple[str, int], list[float]] = {}
        # The answer propensity is normalised per touchpoint so the base response rates stay what the catalogue
        # says on average, while who answers leans to the extremes.
        self.propensity_norm = {
            tp: sum(p * catalogue.ANSWER_PROPENSITY[s] for s, p in enumerate(dist))
            for tp, dist in self._base.items()
        }

    def draw(self, rng: random.Random, touchpoint: str, tilt: float) -> int:
        level = round((min(max(tilt, -_LIMIT), _LIMIT) + _LIMIT) / _STEP)
        key = (touchpoint, level)
        table = self._tables.get(key)
        if table is None:
            table = list(accumulate(tilted(self._base[touchpoint], level * _STEP - _LIMIT)))
            table[-1] = 1.0
            self._tables[key] = table
        return min(10, bisect_right(table, rng.random()))

    def season(self, touchpoint: str, month: int) -> float:
        return SERVICE_SEASON[month] if touchpoint in SERVICE_TOUCHPOINTS else 0.0
