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
    def interval(self) -> tuple[float, float] | None:
        """95% interval by adjusted Wald (add 3/4 promoter, 3/4 detractor, 3 to n), clipped to [-100, 100].

        The plain Wald interval collapses to zero width at n=1 or when every answer is a 10; the adjustment keeps
        small samples honest, which is the point of showing a margin at all.
        """
        if not self.n:
            return None
        n = self.n + 3
        p, d = (self.promoters + 0.75) / n, (self.detractors + 0.75) / n
        centre = p - d
        half = 1.959964 * math.sqrt(max(p + d - centre**2, 0.0) / n)
        return max(-100.0, 100.0 * (centre - half)), min(100.0, 100.0 * (centre + half))

    @property
    def low(self) -> float | None:
        return None if self.interval is None else self.interval[0]

    @property
    def high(self) -> float | None:
        return None if self.interval is None else self.interval[1]

    @property
    def margin(self) -> float | None:
        """Half the width of the 95% interval, in points: the "±" shown next to every NPS."""
        return None if self.interval is None else (self.interval[1] - self.interval[0]) / 2

    @property
    def is_rankable(self) -> bool:
        return self.n >= MIN_RESPONSES_TO_RANK
