"""NPS arithmetic as pure functions (no ORM), so it can be checked against worked values.

The formulas live in `statistics` (score interval, comparisons, false discovery rate, shrinkage); this is the
value object the pages use to show every NPS with its margin of error.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import nps_statistics as statistics

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
        return statistics.nps(self._counts)

    @property
    def standard_error(self) -> float | None:
        """From the multinomial variance (p + d - (p - d)^2) / n, in points."""
        return statistics.nps_standard_error(self._counts)

    @property
    def interval(self) -> tuple[float, float] | None:
        """95% interval by adjusted Wald (add 3/4 promoter, 3/4 detractor, 3 to n), clipped to [-100, 100].

        The plain Wald interval collapses to zero width at n=1 or when every answer is a 10; the adjustment keeps
        small samples honest, which is the point of showing a margin at all.
        """
        return statistics.nps_interval_adjusted_wald(self._counts)

    @property
    def counts(self) -> statistics.NpsCounts:
        """(detractors, passives, promoters), as the functions in ``nps_statistics`` take them."""
        return statistics.NpsCounts(self.detractors, self.passives, self.promoters)

    @property
    def _counts(self) -> statistics.NpsCounts:
        return self.counts

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
