"""NPS arithmetic as pure functions (no ORM), so it can be checked against worked values.

The measure issue extends this with adjusted-Wald and score intervals, comparisons and shrinkage; the landing pages
already show every NPS with its margin of error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Below this many responses a dealer's NPS is too uncertain to rank (the margin is typically over 25 points).
MIN_RESPONSES_TO_RANK = 30


@dataclass(frozen=True, slots=True)
class NpsEstimate:
    """NPS on the -100..100 scale with its standard error and 95% margin, both in points."""

    detractors: int
    passives: int
    promoters: int

    @property
    def n(self) -> int:
        return self.detractors + self.passives + self.promoters

    @property
    def nps(self) -> float | None:
        if not self.n:
            return None
        return 100.0 * (self.promoters - self.detractors) / self.n

    @property
    def standard_error(self) -> float | None:
        """From the multinomial variance (p + d - (p - d)^2) / n, in points."""
        if not self.n:
            return None
        p, d = self.promoters / self.n, self.detractors / self.n
        return 100.0 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / self.n)

    @property
    def margin(self) -> float | None:
        """Half-width of the normal-approximation 95% interval."""
        se = self.standard_error
        return None if se is None else 1.959964 * se

    @property
    def is_rankable(self) -> bool:
        return self.n >= MIN_RESPONSES_TO_RANK

    @property
    def low(self) -> float | None:
        """Lower end of the 95% interval, clipped to the scale."""
        return None if self.nps is None else max(-100.0, self.nps - self.margin)

    @property
    def high(self) -> float | None:
        return None if self.nps is None else min(100.0, self.nps + self.margin)
