"""Reads behind the head-office and region dashboards: NPS with its interval by month, stage, touchpoint, region,
dealer, model and channel, and the funnel plot of dealers. Every figure comes from :class:`MonthlyRollup`, never from
raw responses, so a page costs the same few small queries whatever the brand's history holds.

Scoping is ``MonthlyRollup.objects.visible_to(actor)`` (a region manager's figures are their region's); the filters
only narrow that. These reads carry scores, so callers ask ``scores_visible_to`` first (the views and API do).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.errors import ValidationFailed
from insidetrack.journeys.models import Touchpoint
from insidetrack.journeys.selectors import touchpoints_for
from insidetrack.network.models import Dealer
from insidetrack.network.selectors import dealers_visible_to, regions_visible_to
from insidetrack.surveys.models import Channel

from . import nps_statistics as statistics
from .models import MonthlyChannelRollup, MonthlyModelRollup, MonthlyRollup, MonthlyTouchpointRollup
from .policies import MIN_RESPONSES_TO_RANK, NpsEstimate

# The default period: the last twelve whole or current months.
DEFAULT_MONTHS = 12
# Funnel-plot control limits: about 95% and 99.8% of honest dealers fall inside (2 and 3 sigma, as in SPC practice).
LIMIT_Z = (1.96, 3.09)
DIMENSIONS = ("stage", "touchpoint", "region", "dealer", "model", "channel", "quarter", "month")
_BANDS = {"detractors": Sum("detractors"), "passives": Sum("passives"), "promoters": Sum("promoters")}


def parse_month(query: Mapping[str, str], name: str) -> dt.date | None:
    """The month in ``query[name]`` (``YYYY-MM``) as its first day, None when absent; malformed: ValidationFailed."""
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(f"{raw}-01")
    except ValueError as exc:
        raise ValidationFailed(_("%(name)s must be a month like 2026-06, not %(value)s.")
                               % {"name": name, "value": raw[:20]}, field=name) from exc


def add_counts(estimates: Iterable[NpsEstimate]) -> NpsEstimate:
    """The estimate of groups taken together (months into a quarter, touchpoints into a stage, ...)."""
    detractors = passives = promoters = 0
    for estimate in estimates:
        detractors += estimate.detractors
        passives += estimate.passives
        promoters += estimate.promoters
    return NpsEstimate(detractors, passives, promoters)


@dataclass(frozen=True, slots=True)
class DashboardFilters:
    """What the viewer narrowed the dashboard to: whole months (inclusive) and codes, straight from a query string."""

    first_month: dt.date
    last_month: dt.date
    region: str = ""
    dealer: str = ""
    touchpoint: str = ""
    vehicle_model: str = ""
    channel: str = ""

    @classmethod
    def default(cls, *, today: dt.date) -> DashboardFilters:
        last = clock.first_of_month(today)
        return cls(first_month=clock.add_months(last, 1 - DEFAULT_MONTHS), last_month=last)

    @classmethod
    def from_query(cls, query: Mapping[str, str], *, today: dt.date) -> DashboardFilters:
        """Parse ``from``/``to`` (``YYYY-MM``) and the codes; a malformed month raises ValidationFailed naming it."""
        default = cls.default(today=today)
        months = {"from": parse_month(query, "from") or default.first_month,
                  "to": parse_month(query, "to") or default.last_month}
        if months["from"] > months["to"]:
            raise ValidationFailed(_("The period starts after it ends."), field="from")
        return cls(first_month=months["from"], last_month=months["to"],
                   **{key: (query.get(param) or "").strip()[:60] for key, param in (
                       ("region", "region"), ("dealer", "dealer"), ("touchpoint", "touchpoint"),
                       ("vehicle_model", "model"), ("channel", "channel"))})

    @property
    def months(self) -> list[dt.date]:
        months, month = [], self.first_month
        while month <= self.last_month:
            months.append(month)
            month = clock.add_months(month, 1)
        return months

    @property
    def first_day(self) -> dt.date:
        return self.first_month

    @property
    def since(self) -> dt.datetime:
        """The period's first instant, in UTC as the rollups count months."""
        return clock.month_start_utc(self.first_month)

    @property
    def until(self) -> dt.datetime:
        """The first instant after the period, in UTC."""
        return clock.month_start_utc(clock.add_months(self.last_month, 1))

    @property
    def last_day(self) -> dt.date:
        return self.last_month.replace(day=calendar.monthrange(self.last_month.year, self.last_month.month)[1])

    def as_query(self, **overrides: str) -> dict[str, str]:
        """The filters as query parameters (for links that keep them), with some replaced."""
        values = {"from": f"{self.first_month:%Y-%m}", "to": f"{self.last_month:%Y-%m}", "region": self.region,
                  "dealer": self.dealer, "touchpoint": self.touchpoint, "model": self.vehicle_model,
                  "channel": self.channel, **overrides}
        return {key: value for key, value in values.items() if value}

    def previous_period(self) -> DashboardFilters:
        """The same number of months just before, for "compared with the previous period"."""
        length = len(self.months)
        return replace(self, first_month=clock.add_months(self.first_month, -length),
                       last_month=clock.add_months(self.first_month, -1))


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a breakdown: what it is, its NPS estimate, and the filters that drill down into it."""

    key: str
    label: str
    estimate: NpsEstimate
    drill: dict[str, str] = field(default_factory=dict)


# Which monthly table holds which dimensions besides month and dealer, smallest first (see ``_table_for``).
_TABLES = (
    (MonthlyChannelRollup, {"channel"}),
    (MonthlyTouchpointRollup, {"touchpoint"}),
    (MonthlyModelRollup, {"vehicle_model"}),
    (MonthlyRollup, {"touchpoint", "vehicle_model", "channel"}),
)


def _table_for(filters: DashboardFilters, column: str | None) -> type[MonthlyRollup]:
    """The smallest monthly table holding every dimension the view filters or groups on.

    Over 10 million answers the full grain holds half a million cells, and a two-year head-office view would sum
    nearly all of them; month x dealer x channel holds a few thousand. Region and dealer need only the dealer column,
    which every table has.
    """
    needed = {name for name in ("touchpoint", "vehicle_model", "channel") if getattr(filters, name)}
    if column is not None:
        needed |= {"touchpoint_id": {"touchpoint"}, "vehicle_model": {"vehicle_model"},
                   "channel": {"channel"}}.get(column, set())
    return next(model for model, dimensions in _TABLES if needed <= dimensions)


def _cells(actor: Actor, filters: DashboardFilters, column: str | None = None) -> QuerySet[MonthlyRollup]:
    """The viewer's monthly cells inside the filters. Region and dealer codes become a subquery over the small dealer
    table (a semi-join), so the big table is filtered on its own indexed dealer column and no extra round trip."""
    cells = _table_for(filters, column).objects.visible_to(actor).filter(month__gte=filters.first_month,
                                                                         month__lte=filters.last_month)
    if filters.region or filters.dealer:
        dealers = dealers_visible_to(actor)
        if filters.region:
            dealers = dealers.filter(region__code=filters.region)
        if filters.dealer:
            dealers = dealers.filter(code=filters.dealer)
        cells = cells.filter(dealer_id__in=dealers.values("pk"))
    if filters.touchpoint:
        cells = cells.filter(touchpoint__code=filters.touchpoint)
    if filters.vehicle_model:
        cells = cells.filter(vehicle_model=filters.vehicle_model)
    if filters.channel:
        cells = cells.filter(channel=filters.channel)
    return cells


def _estimate(row: Mapping[str, int | None]) -> NpsEstimate:
    return NpsEstimate(row["detractors"] or 0, row["passives"] or 0, row["promoters"] or 0)


def nps_total(*, actor: Actor, filters: DashboardFilters) -> NpsEstimate:
    return _estimate(_cells(actor, filters).aggregate(**_BANDS))


def total_of(rows: Iterable[Row]) -> NpsEstimate:
    """The sum of rows that partition a total (the months of a trend, say)."""
    return add_counts(row.estimate for row in rows)


def _grouped(actor: Actor, filters: DashboardFilters, column: str) -> dict[object, NpsEstimate]:
    rows = _cells(actor, filters, column).values(column).annotate(**_BANDS).order_by()
    return {row[column]: _estimate(row) for row in rows}


def nps_trend(*, actor: Actor, filters: DashboardFilters) -> list[Row]:
    """One row per month of the period, months without answers included (an empty estimate), oldest first."""
    by_month = _grouped(actor, filters, "month")
    return [Row(key=f"{month:%Y-%m}", label=f"{month:%Y-%m}", estimate=by_month.get(month, NpsEstimate(0, 0, 0)),
                drill=filters.as_query(**{"from": f"{month:%Y-%m}", "to": f"{month:%Y-%m}"}))
            for month in filters.months]


def _sorted(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: row.label.lower())


def nps_breakdown(*, actor: Actor, filters: DashboardFilters, by: str) -> list[Row]:
    """NPS per ``by`` (one of ``DIMENSIONS``) with drill-down filters; stages and touchpoints in journey order."""
    if by not in DIMENSIONS:
        raise ValidationFailed(_("Unknown breakdown %(value)s.") % {"value": by[:20]}, field="by")
    if by == "month":
        return nps_trend(actor=actor, filters=filters)
    if by == "quarter":
        quarters: dict[str, list[NpsEstimate]] = {}
        for month, estimate in _grouped(actor, filters, "month").items():
            quarters.setdefault(f"{month.year} Q{(month.month - 1) // 3 + 1}", []).append(estimate)
        rows = []
        for key, estimates in sorted(quarters.items()):
            year, quarter = int(key[:4]), int(key[-1])
            first = dt.date(year, 3 * quarter - 2, 1)
            period = {"from": f"{max(first, filters.first_month):%Y-%m}",
                      "to": f"{min(clock.add_months(first, 2), filters.last_month):%Y-%m}"}
            rows.append(Row(key=key, label=key, estimate=add_counts(estimates), drill=filters.as_query(**period)))
        return rows
    if by in ("touchpoint", "stage"):
        by_touchpoint = _grouped(actor, filters, "touchpoint_id")
        touchpoints = Touchpoint.objects.filter(pk__in=by_touchpoint).select_related("stage").order_by("position")
        if by == "touchpoint":
            return [Row(key=t.code, label=t.display_name(), estimate=by_touchpoint[t.pk],
                        drill=filters.as_query(touchpoint=t.code)) for t in touchpoints]
        stages: dict[int, tuple[object, list[NpsEstimate]]] = {}
        for t in touchpoints:
            stages.setdefault(t.stage_id, (t.stage, []))[1].append(by_touchpoint[t.pk])
        return [Row(key=stage.code, label=stage.display_name(), estimate=add_counts(estimates),
                    drill=filters.as_query()) for stage, estimates in stages.values()]
    if by == "model":
        return _sorted(Row(key=model, label=model or _("(no model)"), estimate=estimate,
                           drill=filters.as_query(model=model) if model else filters.as_query())
                       for model, estimate in _grouped(actor, filters, "vehicle_model").items())
    if by == "channel":
        labels = dict(Channel.choices)
        return _sorted(Row(key=channel, label=str(labels.get(channel, channel)), estimate=estimate,
                           drill=filters.as_query(channel=channel))
                       for channel, estimate in _grouped(actor, filters, "channel").items())
    by_dealer = _grouped(actor, filters, "dealer_id")
    dealers = {d.pk: d for d in Dealer.objects.filter(pk__in=by_dealer).select_related("region")}
    if by == "dealer":
        return _sorted(Row(key=dealers[pk].code, label=dealers[pk].name, estimate=estimate,
                           drill=filters.as_query(dealer=dealers[pk].code)) for pk, estimate in by_dealer.items())
    regions: dict[int, tuple[object, list[NpsEstimate]]] = {}
    for pk, estimate in by_dealer.items():
        regions.setdefault(dealers[pk].region_id, (dealers[pk].region, []))[1].append(estimate)
    return _sorted(Row(key=region.code, label=region.name, estimate=add_counts(estimates),
                       drill=filters.as_query(region=region.code)) for region, estimates in regions.values())


@dataclass(frozen=True, slots=True)
class FunnelPoint:
    """A dealer on the funnel plot: its NPS and interval, its empirical-Bayes NPS, and how it compares with the rest
    of the network (z test against the network without it, Benjamini-Hochberg across all dealers shown)."""

    code: str
    name: str
    estimate: NpsEstimate
    shrunk_nps: float | None
    difference: float | None
    p_value: float | None
    is_different: bool
    outside: str  # "", "above_95", "below_95", "above_998", "below_998"


@dataclass(frozen=True, slots=True)
class Funnel:
    """Dealers plotted as NPS against responses, with the network's NPS and control limits that narrow as n grows.

    The limits are where a dealer's NPS would fall for a given number of responses if it were a typical dealer: the
    network's multinomial variance (chance) plus ``spread``, the real between-dealer standard deviation estimated
    with Spiegelhalter's additive over-dispersion (``nps_statistics.overdispersion``). Without that, in a real network
    nearly every large dealer falls outside limits drawn for chance alone and the plot flags everyone; with it, a
    dealer outside the 99.8% limits is unusual among dealers, not merely large.
    """

    network: NpsEstimate
    points: list[FunnelPoint]
    limit_n: list[int]
    limits: dict[str, list[float]]
    spread: float = 0.0

    @property
    def rankable(self) -> list[FunnelPoint]:
        return [point for point in self.points if point.estimate.is_rankable]

    @property
    def too_uncertain(self) -> list[FunnelPoint]:
        return [point for point in self.points if not point.estimate.is_rankable]


def _limit_grid(largest: int) -> list[int]:
    """Response counts at which the limits are drawn: dense where the funnel bends, sparse where it is flat."""
    grid, n = [], 5
    while n < max(largest, 10) * 1.1:
        grid.append(n)
        n = max(n + 1, int(n * 1.15))
    return [*grid, int(max(largest, 10) * 1.1)]


def funnel(*, actor: Actor, filters: DashboardFilters) -> Funnel:
    """The funnel plot of dealers for the filters (any dealer filter is ignored: the plot is of all dealers)."""
    filters = replace(filters, dealer="")
    by_dealer = _grouped(actor, filters, "dealer_id")
    dealers = {d.pk: d for d in Dealer.objects.filter(pk__in=by_dealer)}
    network = add_counts(by_dealer.values())
    totals = network.counts
    keys = sorted(by_dealer, key=lambda pk: dealers[pk].name)
    counts = [(by_dealer[pk].detractors, by_dealer[pk].passives, by_dealer[pk].promoters) for pk in keys]
    differences = [statistics.nps_against_rest(dealer=c, network=totals) if network.n else None for c in counts]
    tested = [index for index, d in enumerate(differences) if d is not None]
    rejected = set()
    if tested:
        result = statistics.benjamini_hochberg([differences[i].p_value for i in tested])
        rejected = {tested[i] for i, flag in enumerate(result.rejected) if flag}
    shrunk: list[float | None] = [None] * len(keys)
    if len(keys) >= 3:
        shrunk = list(statistics.nps_shrunk(counts).shrunk_nps)
    centre = network.nps or 0.0
    p, d = totals[2] / network.n if network.n else 0.0, totals[0] / network.n if network.n else 0.0
    sd = 100.0 * math.sqrt(max(p + d - (p - d) ** 2, 0.0))
    spread = statistics.overdispersion(
        [by_dealer[pk].nps or 0.0 for pk in keys], [sd / math.sqrt(by_dealer[pk].n) for pk in keys], target=centre)

    def half_width(z: float, n: int) -> float:
        return z * math.sqrt(sd**2 / n + spread.tau**2)

    grid = _limit_grid(max((sum(c) for c in counts), default=10))
    limits = {}
    for z, name in zip(LIMIT_Z, ("95", "998"), strict=True):
        limits[f"upper_{name}"] = [min(100.0, centre + half_width(z, n)) for n in grid]
        limits[f"lower_{name}"] = [max(-100.0, centre - half_width(z, n)) for n in grid]
    points = []
    for index, pk in enumerate(keys):
        estimate = by_dealer[pk]
        outside = ""
        if estimate.n and network.n:
            gap = (estimate.nps or 0.0) - centre
            for z, name in zip(LIMIT_Z, ("95", "998"), strict=True):
                if abs(gap) > half_width(z, estimate.n):
                    outside = f"{'above' if gap > 0 else 'below'}_{name}"
        difference = differences[index]
        points.append(FunnelPoint(
            code=dealers[pk].code, name=dealers[pk].name, estimate=estimate, shrunk_nps=shrunk[index],
            difference=difference.difference if difference else None,
            p_value=difference.p_value if difference else None,
            is_different=index in rejected and estimate.is_rankable, outside=outside))
    return Funnel(network=network, points=points, limit_n=grid, limits=limits, spread=spread.tau)


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """What the filter menus offer the viewer: only what their scope holds."""

    regions: list[tuple[str, str]]
    dealers: list[tuple[str, str]]
    touchpoints: list[tuple[str, str]]
    models: list[str]
    channels: list[tuple[str, str]]


def filter_choices(*, actor: Actor) -> FilterChoices:
    regions = [(r.code, r.name) for r in regions_visible_to(actor).order_by("name")] if actor.is_head_office else []
    dealers = [(d.code, d.name) for d in dealers_visible_to(actor).order_by("name")] if not actor.is_dealer else []
    touchpoints = [(t.code, t.display_name()) for t in touchpoints_for(actor)]
    models = sorted(m for m in MonthlyModelRollup.objects.visible_to(actor).values_list("vehicle_model", flat=True)
                    .distinct().order_by() if m)
    return FilterChoices(regions=regions, dealers=dealers, touchpoints=touchpoints, models=models,
                         channels=[(value, str(label)) for value, label in Channel.choices])


def rank_label(estimate: NpsEstimate) -> str:
    """What the pages print instead of a rank below the threshold."""
    if estimate.n == 0:
        return _("no answers")
    if estimate.n < MIN_RESPONSES_TO_RANK:
        return ngettext("too uncertain to rank (%(n)s answer; at least %(min)s needed)",
                        "too uncertain to rank (%(n)s answers; at least %(min)s needed)", estimate.n) % {
            "n": estimate.n, "min": MIN_RESPONSES_TO_RANK}
    return ""


@dataclass(frozen=True, slots=True)
class PeriodRate:
    """Invitations sent in the period and how many were answered (the dashboard is for viewers who see counts)."""

    sent: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None


def response_rate(*, actor: Actor, filters: DashboardFilters) -> PeriodRate:
    """Journey-survey invitations sent in the period's months (UTC), narrowed by region, dealer, touchpoint and
    channel. An invitation does not carry the vehicle model, so a model filter does not narrow this figure (the page
    says so)."""
    from django.db.models import Count, Q

    from insidetrack.surveys.models import InvitationStatus, Purpose

    from .response_rates import RateFilters, filtered_invitations

    invitations = filtered_invitations(actor, RateFilters(
        region=filters.region, dealer=filters.dealer, touchpoint=filters.touchpoint,
    )).filter(purpose=Purpose.SURVEY, sent_at__gte=filters.since, sent_at__lt=filters.until)
    if filters.channel:
        invitations = invitations.filter(channel=filters.channel)
    counts = invitations.aggregate(sent=Count("pk"), answered=Count("pk", filter=Q(status=InvitationStatus.ANSWERED)))
    return PeriodRate(sent=counts["sent"], answered=counts["answered"])
