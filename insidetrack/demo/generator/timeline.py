"""Time in the demo world: integer days and UTC seconds, local opening hours, seasons and quarter ends.

Everything is integers until the moment a row is written, because creating a timezone-aware ``datetime`` per event
costs more than the rest of the event put together at ten million responses.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from itertools import accumulate
from zoneinfo import ZoneInfo

DAY = 86_400
WINDOW_DAYS = 730
# Sales are sampled a little past the window so that the pipeline at the end (deposits whose cars have not arrived
# yet) exists; ownership history is sampled this far back.
FUTURE_DAYS = 200
PAST_DAYS = 6 * 365 + 60

_WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Monthly seasonality of car sales (January = index 0). The UK sells on the March and September plate changes.
SALES_SEASON: dict[str, tuple[float, ...]] = {
    "GB": (0.65, 0.55, 1.9, 0.85, 0.85, 0.95, 0.85, 0.55, 1.8, 0.85, 0.8, 0.65),
    "*": (0.8, 0.85, 1.15, 1.15, 1.1, 1.15, 1.0, 0.7, 1.05, 1.05, 0.95, 0.8),
}
QUARTER_END_BOOST = 1.8  # legitimate: deliveries are pulled into the quarter's last two weeks to meet targets
QUARTER_END_DAYS = 14


class Calendar:
    """Integer days relative to the start of the two-year window, with cached dates, strings and local offsets."""

    def __init__(self, end: dt.date, *, sql_suffix: str = "") -> None:
        self.end = end
        self.origin = end - dt.timedelta(days=WINDOW_DAYS)
        self.epoch0 = int(dt.datetime(self.origin.year, self.origin.month, self.origin.day,
                                      tzinfo=dt.UTC).timestamp())
        self.cutoff_ts = self.epoch0 + WINDOW_DAYS * DAY
        self.lo = -PAST_DAYS - 400
        self.hi = WINDOW_DAYS + FUTURE_DAYS + 400
        self.sql_suffix = sql_suffix
        self._dates = [self.origin + dt.timedelta(days=d) for d in range(self.lo, self.hi)]
        self._date_strings = [d.isoformat() for d in self._dates]
        # Formatting a timestamp is then one divmod and one concatenation: it happens millions of times.
        self._day_prefixes = [f"{d} " for d in self._date_strings]
        self._clock = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{sql_suffix}" for s in range(DAY)]
        self._offsets: dict[str, list[int]] = {}
        self.weekday = [d.weekday() for d in self._dates]
        self.month = [d.month for d in self._dates]
        self.is_quarter_end = [self._quarter_end(d) for d in self._dates]

    @staticmethod
    def _quarter_end(day: dt.date) -> bool:
        if day.month not in (3, 6, 9, 12):
            return False
        last = 31 if day.month in (3, 12) else 30
        return day.day > last - QUARTER_END_DAYS

    def in_range(self, day: int) -> bool:
        return self.lo <= day < self.hi

    def date(self, day: int) -> dt.date:
        return self._dates[day - self.lo]

    def date_string(self, day: int) -> str:
        return self._date_strings[day - self.lo]

    def weekday_code(self, day: int) -> str:
        return _WEEKDAY_CODES[self.weekday[day - self.lo]]

    def quarter_end(self, day: int) -> bool:
        return self.is_quarter_end[day - self.lo]

    def month_of(self, day: int) -> int:
        return self.month[day - self.lo]

    def day_of_ts(self, ts: int) -> int:
        return (ts - self.epoch0) // DAY

    def offsets(self, time_zone: str) -> list[int]:
        """UTC offset in seconds per day (taken at local noon, which is all business hours need)."""
        cached = self._offsets.get(time_zone)
        if cached is None:
            zone = ZoneInfo(time_zone)
            cached = [int(zone.utcoffset(dt.datetime(d.year, d.month, d.day, 12)).total_seconds())
                      for d in self._dates]
            self._offsets[time_zone] = cached
        return cached

    def local_ts(self, offsets: list[int], day: int, seconds: int) -> int:
        """UTC timestamp of ``seconds`` after local midnight of ``day``."""
        return self.epoch0 + day * DAY + seconds - offsets[day - self.lo]

    def sql(self, ts: int | None) -> str | None:
        """A UTC timestamp as the database expects it (naive UTC text on SQLite, with an offset on PostgreSQL)."""
        if ts is None:
            return None
        day, rest = divmod(ts - self.epoch0, DAY)
        return self._day_prefixes[day - self.lo] + self._clock[rest]

    def sql_date(self, day: int | None) -> str | None:
        return None if day is None else self._date_strings[day - self.lo]


class DaySampler:
    """Draws days from a weighted range in O(log n): seasonality, quarter ends, and which days a dealer is open."""

    def __init__(self, first: int, weights: list[float]) -> None:
        self.first = first
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random) -> int:
        return self.first + bisect_right(self.cumulative, rng.random() * self.total)


def sales_sampler(calendar: Calendar, country: str, *, first: int, last: int, quarter_end: bool) -> DaySampler:
    """Days on which sales-related moments happen in a country, optionally with the quarter-end delivery peak."""
    season = SALES_SEASON.get(country, SALES_SEASON["*"])
    weights = []
    for day in range(first, last):
        weight = season[calendar.month_of(day) - 1]
        if quarter_end and calendar.quarter_end(day):
            weight *= QUARTER_END_BOOST
        weights.append(weight)
    return DaySampler(first, weights)


def parse_hours(opening_hours: dict[str, list[list[str]]]) -> dict[str, list[tuple[int, int]]]:
    """Opening hours as seconds after local midnight, per weekday code."""
    parsed: dict[str, list[tuple[int, int]]] = {}
    for day, intervals in opening_hours.items():
        parsed[day] = []
        for start, finish in intervals:
            h1, m1 = start.split(":")
            h2, m2 = finish.split(":")
            parsed[day].append((int(h1) * 3600 + int(m1) * 60, int(h2) * 3600 + int(m2) * 60))
    return parsed
