"""External benchmarks: head office's writes (add, edit, delete) and the read that sets each against our own NPS.

A benchmark belongs to head office of its brand (regions and dealers neither see nor change one), so every write
refuses any other role with a typed 403 before touching a row. The figures are checked by the same rules as the form
(``benchmarks.benchmark_problems``), so a call from anywhere else cannot store what the page would refuse.

Our side of a comparison comes from the monthly rollups (``MonthlyRollup``), read through ``visible_to``: the months
that overlap the benchmark's period, and the benchmark's touchpoint if it names one. Months are the rollups' grain,
so a period that starts or ends mid-month is compared with whole months; the page says which.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.errors import PermissionDenied, ValidationFailed
from insidetrack.journeys.selectors import touchpoints_for

from .benchmarks import BenchmarkEstimate, Comparison, PublishedNps, benchmark_estimate, benchmark_problems
from .benchmarks import compare_with_benchmark as compare
from .models import BenchmarkKind, ExternalBenchmark, MonthlyRollup
from .policies import NpsEstimate

# --------------------------------------------------------------------------------------------------------------------
# Writes


@dataclass(frozen=True, slots=True)
class BenchmarkInput:
    """A benchmark's editable fields, as the form cleans them (shares in percent, NPS in points)."""

    name: str
    period_start: date
    period_end: date
    nps: Decimal
    kind: str = BenchmarkKind.BRAND
    source: str = ""
    touchpoint_pk: int | None = None
    sample_size: int | None = None
    promoter_share: Decimal | None = None
    detractor_share: Decimal | None = None


def _require_head_office(actor: Actor) -> None:
    if not actor.is_head_office:
        raise PermissionDenied(_("Only head office can change benchmarks."))


def _checked(actor: Actor, data: BenchmarkInput) -> dict[str, object]:
    """The model field values for ``data``, or ValidationFailed naming the first field that breaks a rule."""
    if not data.name.strip():
        raise ValidationFailed(_("Give the benchmark a name."), field="name")
    if data.kind not in BenchmarkKind.values:
        raise ValidationFailed(_("Unknown kind of benchmark."), field="kind")
    problems = benchmark_problems(nps=data.nps, period_start=data.period_start, period_end=data.period_end,
                                  sample_size=data.sample_size, promoter_share=data.promoter_share,
                                  detractor_share=data.detractor_share)
    if problems:
        field, message = next(iter(problems.items()))
        raise ValidationFailed(message, field=field)
    if data.touchpoint_pk is not None and not touchpoints_for(actor).filter(pk=data.touchpoint_pk).exists():
        raise ValidationFailed(_("Choose one of your journey's touchpoints."), field="touchpoint")
    values = {f.name: getattr(data, f.name) for f in fields(data) if f.name != "touchpoint_pk"}
    values["name"] = data.name.strip()
    values["touchpoint_id"] = data.touchpoint_pk
    return values


@transaction.atomic
def benchmark_create(*, actor: Actor, data: BenchmarkInput) -> ExternalBenchmark:
    """Add a benchmark to head office's brand, recording who entered it and when."""
    _require_head_office(actor)
    values = _checked(actor, data)
    return ExternalBenchmark.objects.create(brand_id=actor.brand_id, entered_by_id=actor.user_id,
                                            entered_at=clock.now(), **values)


@transaction.atomic
def benchmark_update(*, actor: Actor, pk: int, data: BenchmarkInput) -> ExternalBenchmark:
    """Replace a benchmark's figures. The one who entered them and when move to this edit: the figures shown are
    theirs now, and whoever asks where a number came from should ask them."""
    _require_head_office(actor)
    values = _checked(actor, data)
    benchmark = ExternalBenchmark.objects.select_for_update().get_visible(actor, pk=pk)
    for name, value in values.items():
        setattr(benchmark, name, value)
    benchmark.entered_by_id = actor.user_id
    benchmark.entered_at = clock.now()
    benchmark.save()
    return benchmark


@transaction.atomic
def benchmark_delete(*, actor: Actor, pk: int) -> None:
    """Remove a benchmark of head office's brand (NotFound for one it cannot see)."""
    _require_head_office(actor)
    ExternalBenchmark.objects.get_visible(actor, pk=pk).delete()


# --------------------------------------------------------------------------------------------------------------------
# Reads


def benchmark_get(*, actor: Actor, pk: int) -> ExternalBenchmark:
    """One benchmark the actor may see (head office of its brand), or NotFound."""
    return ExternalBenchmark.objects.select_related("touchpoint").get_visible(actor, pk=pk)


def published_nps(benchmark: ExternalBenchmark) -> PublishedNps:
    """A stored benchmark's figures as the maths takes them (floats; shares in percent)."""
    def number(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    nps = number(benchmark.nps)
    assert nps is not None  # the column is required
    return PublishedNps(nps=nps, sample_size=benchmark.sample_size, promoter_share=number(benchmark.promoter_share),
                        detractor_share=number(benchmark.detractor_share))


def month_span(period_start: date, period_end: date) -> tuple[date, date]:
    """The first days of the first and last months a period touches: the rollup months our side is counted from."""
    return period_start.replace(day=1), period_end.replace(day=1)


@dataclass(frozen=True, slots=True)
class BenchmarkRow:
    """One line of the benchmarks page: the benchmark, its interval, our NPS over the same months, and the test."""

    benchmark: ExternalBenchmark
    published: BenchmarkEstimate
    ours: NpsEstimate
    comparison: Comparison | None
    first_month: date
    last_month: date


def benchmark_comparisons(*, actor: Actor) -> list[BenchmarkRow]:
    """Every benchmark the actor may see, latest period first, each against our NPS over the months it covers.

    Two queries whatever the number of benchmarks: the benchmarks, and the rollups summed per month and touchpoint
    over the span of all their periods; each benchmark then adds up its own months (and touchpoint) in Python.
    """
    benchmarks = list(ExternalBenchmark.objects.visible_to(actor).select_related("touchpoint")
                      .order_by("-period_end", "name", "pk"))
    if not benchmarks:
        return []
    spans = [month_span(b.period_start, b.period_end) for b in benchmarks]
    cells = (MonthlyRollup.objects.visible_to(actor)
             .filter(month__gte=min(first for first, _last in spans), month__lte=max(last for _first, last in spans))
             .values("month", "touchpoint_id")
             .annotate(detractors=Sum("detractors"), passives=Sum("passives"), promoters=Sum("promoters"))
             .order_by())
    by_month: dict[date, list[tuple[int, int, int, int]]] = defaultdict(list)
    for cell in cells:
        by_month[cell["month"]].append((cell["touchpoint_id"], cell["detractors"], cell["passives"],
                                        cell["promoters"]))
    rows = []
    for benchmark, (first, last) in zip(benchmarks, spans, strict=True):
        totals = [0, 0, 0]
        for month, month_cells in by_month.items():
            if not first <= month <= last:
                continue
            for touchpoint_pk, *bands in month_cells:
                if benchmark.touchpoint_id is None or touchpoint_pk == benchmark.touchpoint_id:
                    totals = [total + band for total, band in zip(totals, bands, strict=True)]
        ours = NpsEstimate(*totals)
        published = benchmark_estimate(published_nps(benchmark))
        rows.append(BenchmarkRow(benchmark=benchmark, published=published, ours=ours,
                                 comparison=compare(totals, published), first_month=first, last_month=last))
    return rows
