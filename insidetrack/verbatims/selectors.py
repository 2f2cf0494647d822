"""Reads behind the theme pages, the feedback list's verbatim filters and the verbatims API.

Every read starts from ``VerbatimAnalysis.objects.visible_to(actor)``: a region manager's theme shares are their
region's, a dealer's their own. Counts are grouped in the database (one query per table or chart, whatever the number
of verbatims); Python only turns the few grouped rows into figures.

Definitions, shared by pages and API:

* **Analysed verbatims** of a filter: journey-survey answers (case follow-ups are about the recovery, not the
  touchpoint) whose analysis found words to read (a sentiment), submitted in the period's UTC months.
* **Share** of a theme: analysed verbatims mentioning it ÷ analysed verbatims, with a Wilson 95% interval (the same
  helper as the advocacy rates: it stays inside 0-100% and keeps a width for rare themes).
* **Net sentiment**: % positive minus % negative among the verbatims in question, in points from -100 to 100.
* **Change**: against the previous period of the same number of months, in points, with a two-sided test of the
  two shares so that a page can say when a change could be chance.

Themes and sentiment are not scores: every staff role gets these reads. Rows carry the 0-10 score (``shown_score``)
only where ``scores_visible_to`` allows it, as the feedback list does.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from scipy import special

from insidetrack.analytics.advocacy import Rate, wilson
from insidetrack.analytics.dashboard import DashboardFilters
from insidetrack.core.actor import Actor
from insidetrack.core.errors import PermissionDenied, ValidationFailed
from insidetrack.journeys.models import Theme, Touchpoint
from insidetrack.journeys.selectors import touchpoints_for
from insidetrack.network.selectors import dealers_visible_to, regions_visible_to, scores_visible_to
from insidetrack.surveys.models import Purpose

from .models import Sentiment, VerbatimAnalysis, VerbatimTheme

# A search longer than this is not a search but a pasted text; refusing it keeps the tsquery and the LIKE cheap.
MAX_QUERY_LENGTH = 200
# The text-search dictionary each language's verbatims are indexed with (as the analysis service indexes them); any
# other language is indexed with "simple" (no stemming).
LANGUAGE_CONFIGS = {"en": "english", "de": "german", "fr": "french"}
SEARCH_CONFIGS = (*LANGUAGE_CONFIGS.values(), "simple")
# How many themes the month-by-month chart draws: more lines than this no one can read.
TREND_THEMES = 5
FLAGS = ("safety", "incentive")
SENTIMENTS = tuple(Sentiment.values)
_WORD = re.compile(r"(-?)(\w+)", re.UNICODE)


# --------------------------------------------------------------------------------------------------------------------
# Figures


@dataclass(frozen=True, slots=True)
class SentimentSplit:
    """How many verbatims read negative, neutral and positive."""

    negative: int = 0
    neutral: int = 0
    positive: int = 0

    @property
    def n(self) -> int:
        return self.negative + self.neutral + self.positive

    @property
    def net(self) -> float | None:
        """% positive minus % negative, in points; None without verbatims."""
        return 100.0 * (self.positive - self.negative) / self.n if self.n else None

    def percent(self, sentiment: str) -> float:
        """The share of one sentiment in percent (for the width of a bar segment); 0 without verbatims."""
        return 100.0 * getattr(self, sentiment) / self.n if self.n else 0.0

    @property
    def negative_percent(self) -> float:
        return self.percent("negative")

    @property
    def neutral_percent(self) -> float:
        return self.percent("neutral")

    @property
    def positive_percent(self) -> float:
        return self.percent("positive")


def _difference(first: float | None, second: float | None) -> float | None:
    return None if first is None or second is None else second - first


def two_share_p_value(first: Rate, second: Rate) -> float | None:
    """Two-sided p-value of the pooled z test that two shares are equal; None when either has no verbatims or the
    pooled share is 0% or 100% (no variance: nothing to test)."""
    if not first.total or not second.total:
        return None
    pooled = (first.count + second.count) / (first.total + second.total)
    variance = pooled * (1 - pooled) * (1 / first.total + 1 / second.total)
    if variance <= 0:
        return None
    z = (second.count / second.total - first.count / first.total) / math.sqrt(variance)
    return float(2 * special.ndtr(-abs(z)))


@dataclass(frozen=True, slots=True)
class ThemeStat:
    """One theme in a period: its share of analysed verbatims, their sentiment, and the previous period's."""

    theme: Theme
    share: Rate
    sentiment: SentimentSplit
    previous_share: Rate
    previous_sentiment: SentimentSplit

    @property
    def count(self) -> int:
        return self.share.count

    @property
    def share_percent(self) -> float | None:
        return None if self.share.rate is None else 100.0 * self.share.rate

    @property
    def share_change(self) -> float | None:
        """Change of the share in percentage points; None when either period has no analysed verbatims."""
        before = None if self.previous_share.rate is None else 100.0 * self.previous_share.rate
        return _difference(before, self.share_percent)

    @property
    def net_change(self) -> float | None:
        return _difference(self.previous_sentiment.net, self.sentiment.net)

    @property
    def change_p_value(self) -> float | None:
        return two_share_p_value(self.previous_share, self.share)

    @property
    def change_is_real(self) -> bool:
        """The share moved more than chance alone would plausibly move it (p < 0.05)."""
        p_value = self.change_p_value
        return p_value is not None and p_value < 0.05


@dataclass(frozen=True, slots=True)
class GroupStat:
    """A touchpoint, dealer or month: its analysed verbatims, their sentiment, and (on a theme's page) the theme's
    share of them with the sentiment of those mentioning it."""

    key: str
    label: str
    analysed: int
    sentiment: SentimentSplit
    share: Rate | None = None
    theme_sentiment: SentimentSplit | None = None


@dataclass(frozen=True, slots=True)
class ThemeOverview:
    """What the themes page and ``GET /api/v1/verbatims/themes`` show for a filter."""

    filters: DashboardFilters
    analysed: int
    previous_analysed: int
    sentiment: SentimentSplit
    themes: list[ThemeStat]
    by_touchpoint: list[GroupStat]
    trend_months: list[dt.date]
    # Theme code -> one share (percent, None for a month without analysed verbatims) per month of ``trend_months``.
    trend: dict[str, list[float | None]]


@dataclass(frozen=True, slots=True)
class ThemeDetail:
    """One theme's page: its headline figures, month by month, and split by touchpoint and dealer."""

    stat: ThemeStat
    months: list[GroupStat]
    by_touchpoint: list[GroupStat]
    by_dealer: list[GroupStat]


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """What the filter menus offer the viewer: only what their scope holds."""

    regions: list[tuple[str, str]]
    dealers: list[tuple[str, str]]
    touchpoints: list[tuple[str, str]]


# --------------------------------------------------------------------------------------------------------------------
# Filters


def theme_filters(query: Mapping[str, str], *, actor: Actor, today: dt.date) -> DashboardFilters:
    """The dashboard's filters (``from``/``to`` months, ``region``, ``dealer``, ``touchpoint``) for these pages.

    Model and channel are not on the analysis and are dropped. A region only narrows head office's view and a dealer
    only narrows a region's or head office's: the others' scope is that already. A malformed month raises
    ``ValidationFailed`` naming it.
    """
    filters = DashboardFilters.from_query(query, today=today)
    return replace(filters, vehicle_model="", channel="", region=filters.region if actor.is_head_office else "",
                   dealer="" if actor.is_dealer else filters.dealer)


def default_filters(*, today: dt.date) -> DashboardFilters:
    return DashboardFilters.default(today=today)


def filter_choices(*, actor: Actor) -> FilterChoices:
    """Regions for head office, dealers for head office and regions, touchpoints for everyone."""
    regions = [(r.code, r.name) for r in regions_visible_to(actor).order_by("name")] if actor.is_head_office else []
    dealers = ([(d.code, d.name) for d in dealers_visible_to(actor).order_by("name")]
               if actor.is_head_office or actor.is_region_manager else [])
    return FilterChoices(regions=regions, dealers=dealers,
                         touchpoints=[(t.code, t.display_name()) for t in touchpoints_for(actor)])


def themes_for(actor: Actor) -> QuerySet[Theme]:
    """The brand's active themes, for a filter menu (the brand's configuration, read by the actor's brand)."""
    if actor.brand_id is None:
        return Theme.objects.none()
    return Theme.objects.filter(brand_id=actor.brand_id, is_active=True).order_by("name")


def _require_staff(actor: Actor) -> None:
    if not (actor.is_system or actor.is_staff_role):
        raise PermissionDenied(_("Themes and verbatims are for the brand's and dealers' staff."))


def _analysed(actor: Actor, filters: DashboardFilters | None, *, since: dt.datetime | None = None,
              until: dt.datetime | None = None) -> QuerySet[VerbatimAnalysis]:
    """The actor's analysed journey-survey verbatims inside the filters' region, dealer, touchpoint and the bounds."""
    analyses = (VerbatimAnalysis.objects.visible_to(actor)
                .filter(response__purpose=Purpose.SURVEY, response__excluded_at__isnull=True).exclude(sentiment=""))
    if since is not None:
        analyses = analyses.filter(submitted_at__gte=since)
    if until is not None:
        analyses = analyses.filter(submitted_at__lt=until)
    if filters is not None:
        if filters.region:
            analyses = analyses.filter(dealer__region__code=filters.region)
        if filters.dealer:
            analyses = analyses.filter(dealer__code=filters.dealer)
        if filters.touchpoint:
            analyses = analyses.filter(touchpoint__code=filters.touchpoint)
    return analyses


def _split(row: Mapping[str, int | None], prefix: str = "") -> SentimentSplit:
    return SentimentSplit(**{s: row.get(f"{prefix}{s}") or 0 for s in SENTIMENTS})


def _sentiment_counts(prefix: str = "", condition: Q | None = None, path: str = "sentiment") -> dict[str, Count]:
    """``{prefix}negative``, ``…neutral``, ``…positive`` counts, each under ``condition`` too."""
    return {f"{prefix}{s}": Count("pk", filter=Q(**{path: s}) & (condition or Q())) for s in SENTIMENTS}


def _month_of(value: dt.datetime | dt.date) -> dt.date:
    return dt.date(value.year, value.month, 1)


# --------------------------------------------------------------------------------------------------------------------
# The themes page


def theme_overview(*, actor: Actor, filters: DashboardFilters) -> ThemeOverview:
    """Every theme's share, sentiment and change for the filters, sentiment per touchpoint, and the top themes' shares
    month by month. Seven queries whatever the number of verbatims and themes."""
    _require_staff(actor)
    previous = filters.previous_period()
    both = _analysed(actor, filters, since=previous.since, until=filters.until)
    current_q, previous_q = Q(submitted_at__gte=filters.since), Q(submitted_at__lt=filters.since)
    totals = both.aggregate(**_sentiment_counts("now_", current_q), **_sentiment_counts("was_", previous_q))
    now_total, was_total = _split(totals, "now_"), _split(totals, "was_")

    current_a = Q(analysis__submitted_at__gte=filters.since)
    previous_a = Q(analysis__submitted_at__lt=filters.since)
    by_theme = {row["theme_id"]: row for row in (
        VerbatimTheme.objects.filter(analysis_id__in=both.values("pk")).values("theme_id")
        .annotate(**_sentiment_counts("now_", current_a, "analysis__sentiment"),
                  **_sentiment_counts("was_", previous_a, "analysis__sentiment"))
        .order_by())}
    themes = Theme.objects.filter(Q(brand_id=actor.brand_id, is_active=True) | Q(pk__in=list(by_theme)))
    stats = []
    for theme in themes:
        row = by_theme.get(theme.pk, {})
        now, was = _split(row, "now_"), _split(row, "was_")
        stats.append(ThemeStat(theme=theme, share=wilson(now.n, now_total.n), sentiment=now,
                               previous_share=wilson(was.n, was_total.n), previous_sentiment=was))
    stats.sort(key=lambda s: (-s.count, s.theme.display_name().lower()))

    current = _analysed(actor, filters, since=filters.since, until=filters.until)
    by_touchpoint = _by_touchpoint(current)

    top = [s.theme for s in stats if s.count][:TREND_THEMES]
    months = filters.months
    monthly_totals = {_month_of(row["month"]): row["n"] for row in (
        current.annotate(month=TruncMonth("submitted_at", tzinfo=dt.UTC)).values("month")
        .annotate(n=Count("pk")).order_by())}
    trend: dict[str, list[float | None]] = {}
    if top:
        counts: dict[tuple[int, dt.date], int] = {
            (row["theme_id"], _month_of(row["month"])): row["n"] for row in (
                VerbatimTheme.objects.filter(analysis_id__in=current.values("pk"), theme_id__in=[t.pk for t in top])
                .annotate(month=TruncMonth("analysis__submitted_at", tzinfo=dt.UTC)).values("theme_id", "month")
                .annotate(n=Count("pk")).order_by())}
        for theme in top:
            trend[theme.code] = [100.0 * counts.get((theme.pk, month), 0) / monthly_totals[month]
                                 if monthly_totals.get(month) else None for month in months]
    return ThemeOverview(filters=filters, analysed=now_total.n, previous_analysed=was_total.n, sentiment=now_total,
                         themes=stats, by_touchpoint=by_touchpoint, trend_months=months, trend=trend)


def _by_touchpoint(analyses: QuerySet[VerbatimAnalysis], mentioned: Exists | None = None) -> list[GroupStat]:
    """Sentiment per touchpoint in journey order (and, given ``mentioned``, the theme's share and sentiment)."""
    rows = {row["touchpoint_id"]: row for row in _grouped(analyses, "touchpoint_id", mentioned)}
    touchpoints = Touchpoint.objects.filter(pk__in=list(rows)).order_by("position")
    return [_group(rows[t.pk], key=t.code, label=t.display_name(), mentioned=mentioned is not None)
            for t in touchpoints]


def _grouped(analyses: QuerySet[VerbatimAnalysis], column: str | object, mentioned: Exists | None) -> QuerySet:
    values = analyses.values(column) if isinstance(column, str) else analyses.annotate(group=column).values("group")
    counts = _sentiment_counts()
    if mentioned is not None:
        counts |= {"mentions": Count("pk", filter=Q(mentioned))}
        counts |= _sentiment_counts("theme_", Q(mentioned))
    return values.annotate(**counts).order_by()


def _group(row: Mapping[str, int], *, key: str, label: str, mentioned: bool) -> GroupStat:
    split = _split(row)
    if not mentioned:
        return GroupStat(key=key, label=label, analysed=split.n, sentiment=split)
    return GroupStat(key=key, label=label, analysed=split.n, sentiment=split,
                     share=wilson(row["mentions"], split.n), theme_sentiment=_split(row, "theme_"))


# --------------------------------------------------------------------------------------------------------------------
# One theme's page


def theme_for(*, actor: Actor, code: str) -> Theme | None:
    """The actor's brand's theme with this code (active or retired: its history stays readable), or None."""
    _require_staff(actor)
    themes = Theme.objects.filter(code=code)
    if not actor.is_system:
        themes = themes.filter(brand_id=actor.brand_id)
    return themes.first()


def theme_detail(*, actor: Actor, theme: Theme, filters: DashboardFilters) -> ThemeDetail:
    """The theme's share and sentiment for the filters, against the previous period, by month, by touchpoint and
    (for head office and regions) by dealer. Five queries."""
    _require_staff(actor)
    mentioned = Exists(VerbatimTheme.objects.filter(analysis_id=OuterRef("pk"), theme_id=theme.pk))
    previous = filters.previous_period()
    both = _analysed(actor, filters, since=previous.since, until=filters.until)
    current_q, previous_q = Q(submitted_at__gte=filters.since), Q(submitted_at__lt=filters.since)
    totals = both.aggregate(**_sentiment_counts("now_", current_q), **_sentiment_counts("was_", previous_q),
                            **_sentiment_counts("theme_now_", current_q & Q(mentioned)),
                            **_sentiment_counts("theme_was_", previous_q & Q(mentioned)))
    now_total, was_total = _split(totals, "now_"), _split(totals, "was_")
    now, was = _split(totals, "theme_now_"), _split(totals, "theme_was_")
    stat = ThemeStat(theme=theme, share=wilson(now.n, now_total.n), sentiment=now,
                     previous_share=wilson(was.n, was_total.n), previous_sentiment=was)

    current = _analysed(actor, filters, since=filters.since, until=filters.until)
    by_month = {_month_of(row["group"]): row for row in _grouped(
        current, TruncMonth("submitted_at", tzinfo=dt.UTC), mentioned)}
    empty = dict.fromkeys(("mentions", *SENTIMENTS, *(f"theme_{s}" for s in SENTIMENTS)), 0)
    months = [_group(by_month.get(month, empty), key=f"{month:%Y-%m}", label=f"{month:%Y-%m}", mentioned=True)
              for month in filters.months]
    by_dealer: list[GroupStat] = []
    if actor.is_system or actor.is_head_office or actor.is_region_manager:
        rows = current.values("dealer__code", "dealer__name").annotate(
            **_sentiment_counts(), mentions=Count("pk", filter=Q(mentioned)),
            **_sentiment_counts("theme_", Q(mentioned))).order_by("dealer__name", "dealer__code")
        by_dealer = [_group(row, key=row["dealer__code"], label=row["dealer__name"], mentioned=True) for row in rows]
    return ThemeDetail(stat=stat, months=months, by_touchpoint=_by_touchpoint(current, mentioned), by_dealer=by_dealer)


# --------------------------------------------------------------------------------------------------------------------
# Quotes and search


def clean_query(query: str | None) -> str:
    """The search text, trimmed; empty means "no search"; longer than ``MAX_QUERY_LENGTH``: ValidationFailed."""
    text = " ".join((query or "").split())
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationFailed(_("Search for at most %(max)s characters (you gave %(n)s).")
                               % {"max": MAX_QUERY_LENGTH, "n": len(text)}, field="q")
    return text


def _check_choices(actor: Actor, *, sentiment: str, flag: str) -> None:
    if sentiment and sentiment not in SENTIMENTS:
        raise ValidationFailed(_("Sentiment must be negative, neutral or positive."), field="sentiment")
    if flag and flag not in FLAGS:
        raise ValidationFailed(_("Flag must be safety or incentive."), field="flag")
    if flag == "incentive" and not incentive_visible_to(actor):
        raise PermissionDenied(_("Incentive language is flagged to head office and regions only."), field="flag")


def incentive_visible_to(actor: Actor) -> bool:
    """Whether the actor sees the incentive-language flag: head office and regions, who act on it. A dealer told
    which answers look coached would learn to coach more quietly, and could single out who said so."""
    return actor.is_system or actor.is_head_office or actor.is_region_manager


def _search_terms(text: str) -> tuple[list[str], list[str]]:
    """Words that must appear and words that must not (``-word``), for the portable fallback."""
    required, excluded = [], []
    for minus, word in _WORD.findall(text):
        if word.lower() == "or":  # an OR of websearch syntax: the fallback cannot honour it, so it ignores it
            continue
        (excluded if minus else required).append(word)
    return required, excluded


def full_text_available() -> bool:
    """Whether the database has the full-text documents (PostgreSQL); elsewhere the portable search is used."""
    return connection.vendor == "postgresql"


def _search_queries(text: str) -> tuple[SearchQuery, SearchQuery]:
    """The query in every dictionary, OR-ed (a constant: the GIN index finds the candidates), and the query in each
    row's own language's dictionary (what decides: "-word" and "a phrase" mean what they say only when the query is
    stemmed as the text was; OR-ing alone would let the German reading of "handover -lovely" pass an English text
    that says "lovely")."""
    any_language = SearchQuery(text, config=SEARCH_CONFIGS[0], search_type="websearch")
    for config in SEARCH_CONFIGS[1:]:
        any_language |= SearchQuery(text, config=config, search_type="websearch")
    own_config = Case(*(When(language=code, then=Value(config)) for code, config in LANGUAGE_CONFIGS.items()),
                      default=Value("simple"), output_field=CharField())
    return any_language, SearchQuery(text, config=own_config, search_type="websearch")


def verbatim_filter(*, actor: Actor, query: str = "", filters: DashboardFilters | None = None, theme: str = "",
                    sentiment: str = "", flag: str = "", rank: bool = False,
                    whole_history: bool = False) -> QuerySet[VerbatimAnalysis]:
    """The actor's analysed journey verbatims matching a search, theme code, sentiment and flag (all optional).

    ``query`` is a full-text search. On PostgreSQL it is matched against ``search_document`` (each verbatim indexed
    with its own language's dictionary) with ``websearch_to_tsquery`` in English, German and French (and "simple"),
    OR-ed, then confirmed in the row's own language (see ``_search_queries``); with ``rank`` the rows carry
    ``rank`` (``ts_rank``). Elsewhere every word must appear in the verbatim (case-insensitive
    substring; ``-word`` excludes) and ``rank`` is None. Bad input raises ValidationFailed (422) or, for the
    incentive flag asked by a dealer, PermissionDenied. ``whole_history`` keeps the filters' region, dealer and
    touchpoint but not their months.
    """
    _require_staff(actor)
    text = clean_query(query)
    _check_choices(actor, sentiment=sentiment, flag=flag)
    bounded = filters is not None and not whole_history
    analyses = _analysed(actor, filters, since=filters.since if bounded else None,
                         until=filters.until if bounded else None)
    if theme:
        analyses = analyses.filter(pk__in=VerbatimTheme.objects.filter(theme__code=theme).values("analysis_id"))
    if sentiment:
        analyses = analyses.filter(sentiment=sentiment)
    if flag == "safety":
        analyses = analyses.filter(is_safety=True)
    elif flag == "incentive":
        analyses = analyses.filter(is_incentive=True)
    if text and full_text_available():
        any_language, own_language = _search_queries(text)
        analyses = analyses.filter(search_document=any_language).filter(search_document=own_language)
        if rank:
            analyses = analyses.annotate(rank=SearchRank(F("search_document"), own_language))
    elif text:
        required, excluded = _search_terms(text)
        for word in required:
            analyses = analyses.filter(response__verbatim__icontains=word)
        for word in excluded:
            analyses = analyses.exclude(response__verbatim__icontains=word)
    return analyses


def _as_quotes(actor: Actor, analyses: QuerySet[VerbatimAnalysis]) -> QuerySet[VerbatimAnalysis]:
    """Rows ready to show: text, dealer, touchpoint, themes (one prefetch query), and the score where visible."""
    analyses = analyses.select_related("response", "dealer", "touchpoint").prefetch_related(
        Prefetch("theme_links", queryset=VerbatimTheme.objects.select_related("theme").order_by("-probability", "pk")))
    if scores_visible_to(actor):
        analyses = analyses.annotate(shown_score=F("response__score"))
    return analyses


def theme_quotes(*, actor: Actor, theme: Theme, filters: DashboardFilters | None = None,
                 sentiment: str = "") -> QuerySet[VerbatimAnalysis]:
    """The verbatims behind a theme's figure, newest first, with their chips; narrowed like the figure was."""
    analyses = verbatim_filter(actor=actor, filters=filters, sentiment=sentiment).filter(
        pk__in=VerbatimTheme.objects.filter(theme_id=theme.pk).values("analysis_id"))
    return _as_quotes(actor, analyses).order_by("-submitted_at", "-pk")


def verbatim_search(actor: Actor, query: str, *, filters: DashboardFilters | None = None, theme: str = "",
                    sentiment: str = "", flag: str = "", whole_history: bool = False) -> QuerySet[VerbatimAnalysis]:
    """Full-text search of the actor's verbatims (see ``verbatim_filter``), best match first on PostgreSQL and newest
    first otherwise (and for an empty query, which searches nothing and lists everything)."""
    analyses = _as_quotes(actor, verbatim_filter(actor=actor, query=query, filters=filters, theme=theme,
                                                 sentiment=sentiment, flag=flag, rank=True,
                                                 whole_history=whole_history))
    if clean_query(query) and full_text_available():
        return analyses.order_by("-rank", "-submitted_at", "-pk")
    return analyses.order_by("-submitted_at", "-pk")
