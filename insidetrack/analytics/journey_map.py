"""The figures of the journey map, computed once for the page and both exports.

Every figure is read the way the rest of the product reads it, so the map never disagrees with a dashboard:

* volume and NPS per touchpoint come from the rollups through ``analytics.dashboard.nps_breakdown`` (the dashboard's
  own read, scoped by ``MonthlyRollup.objects.visible_to``);
* sentiment, themes and quotes come from the verbatim analysis through ``verbatims.selectors.verbatim_filter`` (the
  themes pages' read, scoped by ``VerbatimAnalysis.objects.visible_to``), narrowed by model as well;
* a viewer who may not see scores (``scores_visible_to``) gets no NPS at all: the estimate never leaves this module,
  only the number of answers does, and the emotion curve is drawn from the words alone.

The emotion of a touchpoint is its net sentiment (% positive minus % negative verbatims). It has the same shape as an
NPS (three categories, the share of one minus the share of another), so it gets the same adjusted-Wald 95% interval.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from django.db.models import Count, F, Q, Window
from django.db.models.functions import Length, RowNumber
from django.utils.translation import gettext as _

from insidetrack.core.actor import Actor
from insidetrack.core.errors import ValidationFailed
from insidetrack.journeys.models import Stage, Theme, Touchpoint
from insidetrack.journeys.selectors import touchpoints_for
from insidetrack.network.models import Department
from insidetrack.network.selectors import scores_visible_to
from insidetrack.verbatims.models import VerbatimTheme
from insidetrack.verbatims.selectors import SentimentSplit, verbatim_filter

from .advocacy import Rate, wilson
from .dashboard import DashboardFilters, FilterChoices, add_counts, filter_choices, nps_breakdown
from .policies import NpsEstimate

TOP_THEMES = 3
# One quote for each of the two most mentioned themes: a wall map has room for a line or two, not a feed.
QUOTED_THEMES = 2
# A quote must be readable at a glance on the wall: between a phrase and two printed lines.
QUOTE_MIN_CHARACTERS, QUOTE_MAX_CHARACTERS = 20, 160


@dataclass(frozen=True, slots=True)
class MapFilters:
    """The dashboard's period, region, dealer and model, plus the department whose part of the journey is shown."""

    period: DashboardFilters
    department: str = ""

    def as_query(self) -> dict[str, str]:
        # The department always travels, empty for the whole journey: without it, an export would open on the
        # viewer's own department instead of the view they chose.
        return {**self.period.as_query(), "department": self.department}


@dataclass(frozen=True, slots=True)
class ThemeMention:
    """A theme among a touchpoint's analysed verbatims: how many mention it, and its share with a Wilson interval."""

    theme: Theme
    share: Rate

    @property
    def percent(self) -> float:
        return 100.0 * (self.share.rate or 0.0)


@dataclass(frozen=True, slots=True)
class Quote:
    """A short verbatim that shows what a top theme sounds like in the customer's words."""

    text: str
    language: str
    sentiment: str
    theme: Theme
    dealer: str


def emotion_of(sentiment: SentimentSplit) -> NpsEstimate:
    """Net sentiment with its interval: negative, neutral, positive counted as an NPS counts its three bands."""
    return NpsEstimate(sentiment.negative, sentiment.neutral, sentiment.positive)


@dataclass(frozen=True, slots=True)
class TouchpointFigures:
    """One touchpoint on the map: what head office wrote for it and what its customers answered."""

    touchpoint: Touchpoint
    volume: int
    nps: NpsEstimate | None
    sentiment: SentimentSplit
    themes: list[ThemeMention]
    quotes: list[Quote]
    is_highlighted: bool

    @property
    def emotion(self) -> NpsEstimate:
        return emotion_of(self.sentiment)


@dataclass(frozen=True, slots=True)
class StageFigures:
    """A column of the map: the stage and its touchpoints in journey order."""

    stage: Stage
    touchpoints: list[TouchpointFigures]

    @property
    def volume(self) -> int:
        return sum(t.volume for t in self.touchpoints)

    @property
    def is_highlighted(self) -> bool:
        return any(t.is_highlighted for t in self.touchpoints)


@dataclass(frozen=True, slots=True)
class Totals:
    """Touchpoints taken together (the whole journey, or one department's part of it)."""

    touchpoints: int
    volume: int
    nps: NpsEstimate | None
    sentiment: SentimentSplit

    @property
    def emotion(self) -> NpsEstimate:
        return emotion_of(self.sentiment)


@dataclass(frozen=True, slots=True)
class JourneyMap:
    """Everything the page and the exports show for one viewer and one set of filters."""

    filters: MapFilters
    show_scores: bool
    stages: list[StageFigures]
    total: Totals
    department_total: Totals | None

    @property
    def touchpoints(self) -> list[TouchpointFigures]:
        return [t for stage in self.stages for t in stage.touchpoints]

    @property
    def department_label(self) -> str:
        return str(Department(self.filters.department).label) if self.filters.department else ""


def map_filters(query: Mapping[str, str], *, actor: Actor, today: dt.date,
                choices: FilterChoices | None = None) -> MapFilters:
    """The filters from a query string, narrowed to what the viewer may narrow.

    A region narrows only head office's map and a dealer only head office's and a region's (the others' scope is that
    already, so the parameter is ignored, as on the dashboard). A month, department, region, dealer or model that
    does not exist for this viewer raises ``ValidationFailed`` naming the parameter. Without a department in the
    query, a viewer who belongs to one sees their department's view.
    """
    period = DashboardFilters.from_query(query, today=today)
    period = replace(period, touchpoint="", channel="", region=period.region if actor.is_head_office else "",
                     dealer="" if actor.is_dealer else period.dealer)
    # Staff who belong to a department open the map on their part of it; choosing "whole journey" sends an empty
    # value, which is kept.
    if "department" in query:
        department = (query.get("department") or "").strip()
    else:
        department = actor.department if actor.department in Department.values else ""
    if department and department not in Department.values:
        raise ValidationFailed(_("Unknown department %(value)s.") % {"value": department[:20]}, field="department")
    if period.region or period.dealer or period.vehicle_model:
        choices = choices or filter_choices(actor=actor)
        for value, known, field, message in (
                (period.region, {code for code, _name in choices.regions}, "region", _("Unknown region %(value)s.")),
                (period.dealer, {code for code, _name in choices.dealers}, "dealer", _("Unknown dealer %(value)s.")),
                (period.vehicle_model, set(choices.models), "model", _("Unknown model %(value)s."))):
            if value and value not in known:
                raise ValidationFailed(message % {"value": value[:40]}, field=field)
    return MapFilters(period=period, department=department)


def default_map_filters(*, today: dt.date) -> MapFilters:
    return MapFilters(period=DashboardFilters.default(today=today))


def _sentiments(analyses) -> dict[int, SentimentSplit]:
    rows = analyses.values("touchpoint_id").annotate(
        negative=Count("pk", filter=Q(sentiment="negative")), neutral=Count("pk", filter=Q(sentiment="neutral")),
        positive=Count("pk", filter=Q(sentiment="positive"))).order_by()
    return {row["touchpoint_id"]: SentimentSplit(row["negative"], row["neutral"], row["positive"]) for row in rows}


def _themes(analyses, sentiments: dict[int, SentimentSplit]) -> dict[int, list[ThemeMention]]:
    """The most mentioned themes per touchpoint (two queries: the counts, then the few themes they name)."""
    counts: dict[int, list[tuple[int, int]]] = {}
    for row in (VerbatimTheme.objects.filter(analysis_id__in=analyses.values("pk"))
                .values("analysis__touchpoint_id", "theme_id").annotate(n=Count("pk")).order_by()):
        counts.setdefault(row["analysis__touchpoint_id"], []).append((row["n"], row["theme_id"]))
    top = {touchpoint: sorted(pairs, key=lambda pair: (-pair[0], pair[1]))[:TOP_THEMES]
           for touchpoint, pairs in counts.items()}
    themes = Theme.objects.in_bulk({theme for pairs in top.values() for _n, theme in pairs})
    return {touchpoint: [ThemeMention(theme=themes[theme], share=wilson(n, sentiments[touchpoint].n))
                         for n, theme in pairs if touchpoint in sentiments]
            for touchpoint, pairs in top.items()}


def _quotes(analyses, themes: dict[int, list[ThemeMention]]) -> dict[int, list[Quote]]:
    """For each touchpoint, a short verbatim for each of its top themes: the one the analysis is surest is about the
    theme (newest first among equals). One query: a window ranks the candidates per touchpoint and theme."""
    wanted = {(touchpoint, mention.theme.pk) for touchpoint, mentions in themes.items()
              for mention in mentions[:QUOTED_THEMES]}
    if not wanted:
        return {}
    short = analyses.annotate(text_length=Length("response__verbatim")).filter(
        text_length__gte=QUOTE_MIN_CHARACTERS, text_length__lte=QUOTE_MAX_CHARACTERS)
    rows = (VerbatimTheme.objects.filter(analysis_id__in=short.values("pk"),
                                         theme_id__in={theme for _t, theme in wanted})
            .annotate(rank=Window(RowNumber(), partition_by=[F("analysis__touchpoint_id"), F("theme_id")],
                                  order_by=[F("probability").desc(), F("analysis__submitted_at").desc(),
                                            F("analysis_id").desc()]))
            .filter(rank=1)
            .values("analysis__touchpoint_id", "theme_id", "analysis__response__verbatim", "analysis__language",
                    "analysis__sentiment", "analysis__dealer__name"))
    by_pair = {(row["analysis__touchpoint_id"], row["theme_id"]): row for row in rows}
    quotes: dict[int, list[Quote]] = {}
    for touchpoint, mentions in themes.items():
        for mention in mentions[:QUOTED_THEMES]:
            row = by_pair.get((touchpoint, mention.theme.pk))
            if row is not None:
                quotes.setdefault(touchpoint, []).append(Quote(
                    text=" ".join(row["analysis__response__verbatim"].split()), language=row["analysis__language"],
                    sentiment=row["analysis__sentiment"], theme=mention.theme, dealer=row["analysis__dealer__name"]))
    return quotes


def _totals(touchpoints: list[TouchpointFigures], *, show_scores: bool) -> Totals:
    return Totals(touchpoints=len(touchpoints), volume=sum(t.volume for t in touchpoints),
                  nps=add_counts(t.nps for t in touchpoints if t.nps is not None) if show_scores else None,
                  sentiment=SentimentSplit(*(sum(getattr(t.sentiment, s) for t in touchpoints)
                                             for s in ("negative", "neutral", "positive"))))


def journey_map_build(*, actor: Actor, filters: MapFilters) -> JourneyMap:
    """The viewer's journey map for the filters: a handful of grouped queries whatever the number of answers."""
    show_scores = scores_visible_to(actor)
    period = filters.period
    by_code = {row.key: row.estimate for row in nps_breakdown(actor=actor, filters=period, by="touchpoint")}
    analyses = verbatim_filter(actor=actor, filters=period)
    if period.vehicle_model:
        analyses = analyses.filter(response__vehicle_model=period.vehicle_model)
    sentiments = _sentiments(analyses)
    themes = _themes(analyses, sentiments)
    quotes = _quotes(analyses, themes)
    stages: dict[int, StageFigures] = {}
    for touchpoint in touchpoints_for(actor):
        estimate = by_code.get(touchpoint.code, NpsEstimate(0, 0, 0))
        figures = TouchpointFigures(
            touchpoint=touchpoint, volume=estimate.n, nps=estimate if show_scores else None,
            sentiment=sentiments.get(touchpoint.pk, SentimentSplit()), themes=themes.get(touchpoint.pk, []),
            quotes=quotes.get(touchpoint.pk, []),
            is_highlighted=bool(filters.department) and touchpoint.department == filters.department)
        stages.setdefault(touchpoint.stage_id, StageFigures(stage=touchpoint.stage, touchpoints=[]))
        stages[touchpoint.stage_id].touchpoints.append(figures)
    ordered = sorted(stages.values(), key=lambda s: s.stage.position)
    every = [t for stage in ordered for t in stage.touchpoints]
    department = [t for t in every if t.is_highlighted] if filters.department else None
    return JourneyMap(filters=filters, show_scores=show_scores, stages=ordered,
                      total=_totals(every, show_scores=show_scores),
                      department_total=_totals(department, show_scores=show_scores) if department is not None
                      else None)
