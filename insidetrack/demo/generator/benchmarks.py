"""External benchmarks for the demo brand: a few plausible, invented NPS figures head office would compare with.

None of these figures is real. Each ``source`` says so, so nobody quotes a demo number as a published study. The
four show each way a benchmark can be published (see ``insidetrack.analytics.benchmarks``): shares and a sample
size, an NPS and a sample size only, and bare figures (a competitor's press release, our own target). Their periods
are placed relative to the world's end date, inside the two years the generator fills with answers, so every one
has our NPS to compare with. Deterministic, and safe to run again: each benchmark is keyed by brand and name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from insidetrack.analytics.models import BenchmarkKind, ExternalBenchmark
from insidetrack.journeys.models import Touchpoint
from insidetrack.network.models import Brand

ILLUSTRATIVE = "Illustrative figures invented for the Inside Track demo"


@dataclass(frozen=True, slots=True)
class _DemoBenchmark:
    name: str
    kind: str
    source: str
    touchpoint: str | None
    period: str  # "last_year", "last_12_months" or "this_year"
    nps: str
    sample_size: int | None = None
    promoter_share: str | None = None
    detractor_share: str | None = None


DEMO_BENCHMARKS = (
    _DemoBenchmark(
        name="Premium segment, UK: sales and handover", kind=BenchmarkKind.INDUSTRY,
        source=f"{ILLUSTRATIVE}, in the style of a J.D. Power-type syndicated sales satisfaction study; not a "
               "published result.",
        touchpoint="handover", period="last_year", nps="68.0", sample_size=2150, promoter_share="74.0",
        detractor_share="6.0"),
    _DemoBenchmark(
        name="Premium segment, Germany: workshop service", kind=BenchmarkKind.INDUSTRY,
        source=f"{ILLUSTRATIVE}, in the style of a trade-press service study that gives only the NPS and its sample "
               "size; not a published result.",
        touchpoint="service_visit", period="last_year", nps="52.0", sample_size=1400),
    _DemoBenchmark(
        name="Rival premium brand, Europe", kind=BenchmarkKind.BRAND,
        source=f"{ILLUSTRATIVE}, as a competitor's press release would quote it (a bare figure, no sample size); not "
               "a real brand's result.",
        touchpoint=None, period="last_12_months", nps="55.0"),
    _DemoBenchmark(
        name="Our target for the year", kind=BenchmarkKind.INTERNAL,
        source=f"{ILLUSTRATIVE}: head office's target across the whole journey.",
        touchpoint=None, period="this_year", nps="65.0"),
)


def _period(kind: str, end: dt.date) -> tuple[dt.date, dt.date]:
    """The benchmark's period for a world whose last day is the day before ``end``."""
    last_day = end - dt.timedelta(days=1)
    if kind == "last_year":
        return dt.date(last_day.year - 1, 1, 1), dt.date(last_day.year - 1, 12, 31)
    if kind == "last_12_months":
        # Twelve whole months ending with the last whole month before the world ends.
        until = end.replace(day=1) - dt.timedelta(days=1)
        months = until.year * 12 + until.month - 1 - 11
        return dt.date(months // 12, months % 12 + 1, 1), until
    if kind == "this_year":
        return dt.date(last_day.year, 1, 1), last_day
    raise ValueError(f"Unknown demo period {kind!r}")


def demo_benchmarks_create(*, brand: Brand, end: dt.date) -> list[ExternalBenchmark]:
    """Write (or rewrite) the demo benchmarks of ``brand`` for a world ending the day before ``end``."""
    touchpoints = {tp.code: tp for tp in Touchpoint.objects.filter(journey__brand=brand, journey__is_default=True)}
    # Entered the morning the world ends: a fixed time, so the same end date gives the same rows.
    entered_at = dt.datetime.combine(end - dt.timedelta(days=1), dt.time(9, 0), tzinfo=dt.UTC)
    written = []
    for spec in DEMO_BENCHMARKS:
        period_start, period_end = _period(spec.period, end)
        benchmark, _created = ExternalBenchmark.objects.update_or_create(
            brand=brand, name=spec.name,
            defaults={
                "kind": spec.kind,
                "source": spec.source,
                "touchpoint": touchpoints.get(spec.touchpoint) if spec.touchpoint else None,
                "period_start": period_start,
                "period_end": period_end,
                "nps": Decimal(spec.nps),
                "sample_size": spec.sample_size,
                "promoter_share": Decimal(spec.promoter_share) if spec.promoter_share else None,
                "detractor_share": Decimal(spec.detractor_share) if spec.detractor_share else None,
                "entered_by": None,
                "entered_at": entered_at,
            })
        written.append(benchmark)
    return written
