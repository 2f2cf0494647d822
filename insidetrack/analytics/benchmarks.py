"""Comparing our NPS with one published elsewhere (another brand, an industry study, our own target): pure functions.

No ORM here, so every figure can be checked against worked values; the reads and writes that feed these functions
live in ``services_benchmarks.py``.

A published NPS comes with whatever its source gave, and its uncertainty follows from that (:class:`Basis`):

* promoter and detractor shares and a sample size: the counts are rebuilt from the shares and the interval is the
  same adjusted Wald interval as ours (``nps_statistics.nps_interval_adjusted_wald``);
* an NPS and a sample size only: the passives are unknown, and the multinomial variance p + d - (p - d)^2 is largest
  for a given NPS when there are none (then p + d = 1 and the variance is 1 - nps^2 on the -1..1 scale), so that
  split is assumed: the interval can only be too wide, never too narrow;
* a bare NPS: a fixed target, with no interval; only our own uncertainty counts when comparing with it.

The comparison is the z test of two independent samples: the difference in points, its 95% interval (difference
plus or minus z times the combined standard error) and a two-sided p-value, read out as "above", "below" or "no
clear difference". Each standard error uses the same small-sample adjustment as every interval we show (3/4 added to
promoters and to detractors, 3 to n): the plain multinomial one is zero when every answer falls in one band (thirty
answers of 10 would be "significantly above" a target of 95, which their own interval, 79 to 100, contains), and at
the sample sizes benchmarks are compared at the two differ by well under 1%.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import nps_statistics as statistics
from .nps_statistics import CONFIDENCE, NpsCounts

# A published NPS and its shares are rounded by the source; half a point either way is rounding, more is a typo.
NPS_SHARES_TOLERANCE = 0.5


class Basis(StrEnum):
    """What a published NPS came with, which decides how uncertain it is."""

    SHARES = "shares"
    NPS_AND_SIZE = "nps_and_size"
    TARGET = "target"

    @property
    def label(self) -> str:
        return str(_BASIS_LABELS[self])


_BASIS_LABELS = {
    Basis.SHARES: gettext_lazy("shares and sample size"),
    Basis.NPS_AND_SIZE: gettext_lazy("NPS and sample size only: widest interval"),
    Basis.TARGET: gettext_lazy("fixed target, no interval"),
}


class Verdict(StrEnum):
    """Where our NPS stands against a benchmark, in words people act on."""

    ABOVE = "above"
    BELOW = "below"
    NO_CLEAR_DIFFERENCE = "no_clear_difference"

    @property
    def label(self) -> str:
        return str(_VERDICT_LABELS[self])


_VERDICT_LABELS = {
    Verdict.ABOVE: gettext_lazy("above"),
    Verdict.BELOW: gettext_lazy("below"),
    Verdict.NO_CLEAR_DIFFERENCE: gettext_lazy("no clear difference"),
}


@dataclass(frozen=True, slots=True)
class PublishedNps:
    """A benchmark's figures as published: NPS in points, shares in percent, each of the last three optional."""

    nps: float
    sample_size: int | None = None
    promoter_share: float | None = None
    detractor_share: float | None = None

    @property
    def basis(self) -> Basis:
        if not self.sample_size:
            return Basis.TARGET
        if self.promoter_share is not None and self.detractor_share is not None:
            return Basis.SHARES
        return Basis.NPS_AND_SIZE


@dataclass(frozen=True, slots=True)
class BenchmarkEstimate:
    """A benchmark's NPS in points with its 95% interval and standard error (none and 0 for a fixed target)."""

    nps: float
    low: float | None
    high: float | None
    standard_error: float
    basis: Basis
    sample_size: int | None

    @property
    def has_interval(self) -> bool:
        return self.low is not None

    @property
    def margin(self) -> float | None:
        """Half the width of the interval, in points: the "±" shown next to the figure."""
        return None if self.low is None or self.high is None else (self.high - self.low) / 2


@dataclass(frozen=True, slots=True)
class Comparison:
    """Our NPS minus the benchmark's, in points, with its interval, z test and the verdict it supports."""

    difference: float
    low: float
    high: float
    standard_error: float
    z: float
    p_value: float
    verdict: Verdict


def _adjusted(promoters: float, detractors: float, n: float) -> tuple[float, float]:
    """Centre and standard error on the -1..1 scale after adding 3/4 promoter, 3/4 detractor and 3 to n.

    The same adjustment as ``nps_statistics.nps_interval_adjusted_wald`` (for whole counts the interval
    centre +- z * standard error is exactly that function's, before clipping); here the counts may be fractional, as
    when they are rebuilt from an NPS and a sample size alone.
    """
    size = n + 3
    p, d = (promoters + 0.75) / size, (detractors + 0.75) / size
    centre = p - d
    return centre, math.sqrt(max(p + d - centre * centre, 0.0) / size)


def published_counts(*, promoter_share: float, detractor_share: float, sample_size: int) -> NpsCounts:
    """Whole counts behind published shares (percent) and a sample size, each rounded to the nearest answer.

    Shares that round up together by one answer beyond n lose it from the detractors (the smaller rounding error
    either way); passives are whatever is left.
    """
    promoters = min(sample_size, max(0, round(promoter_share / 100 * sample_size)))
    detractors = min(sample_size - promoters, max(0, round(detractor_share / 100 * sample_size)))
    return NpsCounts(detractors=detractors, passives=sample_size - promoters - detractors, promoters=promoters)


def benchmark_estimate(published: PublishedNps, *, confidence: float = CONFIDENCE) -> BenchmarkEstimate:
    """The benchmark's interval and standard error from what was published (see the module docstring).

    The point figure is always the published NPS: the shares are only used for the spread, as rebuilding the NPS
    from rounded shares would show a different number from the one in the source.
    """
    basis = published.basis
    n = published.sample_size
    if basis is Basis.TARGET:
        return BenchmarkEstimate(nps=published.nps, low=None, high=None, standard_error=0.0, basis=basis,
                                 sample_size=None)
    assert n is not None  # a sample size is what separates the other bases from a target
    if basis is Basis.SHARES:
        assert published.promoter_share is not None and published.detractor_share is not None
        counts = published_counts(promoter_share=published.promoter_share,
                                  detractor_share=published.detractor_share, sample_size=n)
        interval = statistics.nps_interval_adjusted_wald(counts, confidence=confidence)
        assert interval is not None  # n > 0 here
        _centre, standard_error = _adjusted(counts.promoters, counts.detractors, n)
        low, high = interval
    else:
        # No passives: p = (1 + nps) / 2 and d = (1 - nps) / 2, the split with the largest variance for this NPS.
        share = published.nps / 100
        centre, standard_error = _adjusted(n * (1 + share) / 2, n * (1 - share) / 2, n)
        half = statistics.z_for(confidence) * standard_error
        low, high = max(-100.0, 100 * (centre - half)), min(100.0, 100 * (centre + half))
    return BenchmarkEstimate(nps=published.nps, low=low, high=high, standard_error=100 * standard_error,
                             basis=basis, sample_size=n)


def compare_with_benchmark(ours: Sequence[int], benchmark: BenchmarkEstimate, *,
                           confidence: float = CONFIDENCE) -> Comparison | None:
    """Our NPS (counts as detractors, passives, promoters) against a benchmark; None when we have no answers.

    Two independent samples: z = (ours - theirs) / sqrt(se_ours^2 + se_theirs^2), where a fixed target has no
    standard error, so only ours counts. The interval is the difference +- z_(confidence) times that combined error,
    and the verdict is "above" or "below" exactly when the interval leaves out 0 (p below 1 - confidence).
    """
    counts = NpsCounts(*(int(value) for value in ours))
    our_nps = statistics.nps(counts)
    if our_nps is None:
        return None
    _centre, our_error = _adjusted(counts.promoters, counts.detractors, counts.n)
    standard_error = math.hypot(100 * our_error, benchmark.standard_error)
    difference = our_nps - benchmark.nps
    z = difference / standard_error  # never zero: the adjusted error is positive for any n >= 1
    p_value = math.erfc(abs(z) / math.sqrt(2))
    half = statistics.z_for(confidence) * standard_error
    if p_value < 1 - confidence:
        verdict = Verdict.ABOVE if difference > 0 else Verdict.BELOW
    else:
        verdict = Verdict.NO_CLEAR_DIFFERENCE
    return Comparison(difference=difference, low=difference - half, high=difference + half,
                      standard_error=standard_error, z=z, p_value=p_value, verdict=verdict)


def benchmark_problems(*, nps: Decimal | float | None, period_start: date | None, period_end: date | None,
                       sample_size: int | None = None, promoter_share: Decimal | float | None = None,
                       detractor_share: Decimal | float | None = None) -> dict[str, str]:
    """What is wrong with a benchmark's figures, as {field name: message}; empty when nothing is.

    The form shows each message next to its field and the services refuse the same figures, so the rules live once.
    A value that is missing (None) is left to the "required" checks of whoever calls this.
    """
    problems: dict[str, str] = {}
    if nps is not None and not -100 <= nps <= 100:
        problems["nps"] = _("An NPS lies between -100 and 100.")
    if period_start is not None and period_end is not None and period_end < period_start:
        problems["period_end"] = _("The period ends before it starts.")
    if sample_size is not None and sample_size < 1:
        problems["sample_size"] = _("A sample size is at least 1 answer; leave it empty if the source gives none.")
    for field, share in (("promoter_share", promoter_share), ("detractor_share", detractor_share)):
        if share is not None and not 0 <= share <= 100:
            problems[field] = _("A share lies between 0 and 100%.")
    if (promoter_share is None) != (detractor_share is None):
        missing = "detractor_share" if detractor_share is None else "promoter_share"
        problems[missing] = _("Give both shares, promoters and detractors, or neither.")
    if promoter_share is not None and detractor_share is not None and not problems.keys() & {"promoter_share",
                                                                                              "detractor_share"}:
        if promoter_share + detractor_share > 100:
            problems["detractor_share"] = _("Promoters and detractors add up to more than 100%.")
        elif nps is not None and "nps" not in problems and abs(
                float(nps) - (float(promoter_share) - float(detractor_share))) > NPS_SHARES_TOLERANCE:
            problems["nps"] = _("The NPS should be promoters minus detractors (%(expected)s); it is %(nps)s.") % {
                "expected": _points(float(promoter_share) - float(detractor_share)), "nps": _points(float(nps))}
    return problems


def _points(value: float) -> str:
    return "0.0" if round(value, 1) == 0 else f"{value:+.1f}"
