"""Reads behind head office's teaching pages: the taxonomy, the labelling queue, the models, and emerging themes.

Every read of customer data goes through ``visible_to(actor)``; these pages are head office's, whose scope is the
brand, so the brand-wide figures here are the actor's figures. Themes and models are the brand's configuration, read
by the actor's brand.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.journeys.models import Theme, Touchpoint
from insidetrack.surveys.models import Response

from .models import Sentiment, TrainedModel, VerbatimAnalysis, VerbatimLabel, VerbatimTheme

# The taxonomy page counts a theme's verbatims over this many days: a quarter, long enough for a quiet theme to show.
RECENT_DAYS = 90
LABEL_BATCH = 10
HISTORY_ROWS = 20
# How many verbatims one link to the labelling page may name (a cluster's members); a URL stays well under 2 kB.
MAX_NAMED_RESPONSES = 50

EMERGING_WINDOWS = (14, 28, 56)
EMERGING_DEFAULT_DAYS = 28
# The earlier period a cluster is compared with, to tell a new problem from one that was always there.
EMERGING_BACKGROUND_DAYS = 90
# Clustering is quadratic in the number of texts; the newest this many are plenty to spot a problem.
EMERGING_MAX_TEXTS = 5_000
EMERGING_MIN_SIZE = 5
# Clusters asked of the clustering before the page's own filter (most of them are everyday complaints within a theme).
EMERGING_CANDIDATES = 40
EMERGING_SHOWN = 10
# A cluster whose typical verbatim has this few words ("top", "ok but slow") names nothing anyone could act on.
EMERGING_MIN_WORDS = 4
EMERGING_CACHE_SECONDS = 10 * 60
# A cluster at least twice as frequent as in the background period is "new", otherwise "ongoing".
NEW_NOVELTY = math.log(2.0)


# --------------------------------------------------------------------------------------------------------------------
# What a trained model's summary says
#
# The classifier writes (``nlp/classifier.py``): ``theme_examples`` {code: n}, ``themes_not_learned`` {code: reason},
# ``themes.cross_validated`` {macro_f1, micro_f1, per_theme: {code: {f1, threshold}}} and ``sentiment.cross_validated``
# {accuracy, macro_f1, f1: {class: f1}}; either ``cross_validated`` is None when there were too few examples to fold,
# and models trained by older versions may lack keys. Every reader below returns "nothing" rather than failing.


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _dig(summary: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(summary, Mapping):
            return None
        summary = summary.get(key)
    return summary


def theme_f1s(summary: Mapping[str, Any] | None) -> dict[str, float]:
    """Cross-validated F1 per theme code."""
    per_theme = _dig(summary, "themes", "cross_validated", "per_theme")
    if not isinstance(per_theme, Mapping):
        return {}
    found = {}
    for code, figures in per_theme.items():
        f1 = _number(_dig(figures, "f1"))
        if f1 is not None:
            found[str(code)] = f1
    return found


def themes_not_learned(summary: Mapping[str, Any] | None) -> set[str]:
    """Themes the model could not learn (too few examples, or no example without them)."""
    value = _dig(summary, "themes_not_learned")
    return {str(code) for code in value} if isinstance(value, Mapping | list | tuple) else set()


def theme_examples(summary: Mapping[str, Any] | None) -> dict[str, int]:
    """How many training examples carried each theme."""
    value = _dig(summary, "theme_examples")
    if not isinstance(value, Mapping):
        return {}
    return {str(code): int(n) for code, n in value.items() if _number(n) is not None}


@dataclass(frozen=True)
class Figure:
    """One cross-validated figure of a model, for the model page."""

    key: str
    value: float

    @property
    def label(self) -> str:
        return str(_FIGURE_LABELS.get(self.key, self.key))


_FIGURE_LABELS = {
    "macro_f1": _("macro F1"), "accuracy": _("accuracy"),
    "negative": _("F1 negative"), "neutral": _("F1 neutral"), "positive": _("F1 positive"),
}


def sentiment_figures(summary: Mapping[str, Any] | None) -> list[Figure]:
    """The cross-validated sentiment figures: macro F1, accuracy, then F1 per class, as far as the summary has them."""
    cross_validated = _dig(summary, "sentiment", "cross_validated")
    figures = []
    for key in ("macro_f1", "accuracy"):
        value = _number(_dig(cross_validated, key))
        if value is not None:
            figures.append(Figure(key, value))
    for cls in ("negative", "neutral", "positive"):
        value = _number(_dig(cross_validated, "f1", cls))
        if value is not None:
            figures.append(Figure(cls, value))
    return figures


def themes_macro_f1(summary: Mapping[str, Any] | None) -> float | None:
    """The themes' cross-validated macro F1 (the mean over the themes learnt)."""
    return _number(_dig(summary, "themes", "cross_validated", "macro_f1"))


# --------------------------------------------------------------------------------------------------------------------
# The taxonomy


@dataclass(frozen=True)
class TaxonomyRow:
    theme: Theme
    touchpoints: list[Touchpoint]
    labelled: int
    recent: int
    f1: float | None
    not_learned: bool


def brand_themes(actor: Actor) -> list[Theme]:
    """The actor's brand's themes, active first, by English name."""
    if actor.brand_id is None:
        return []
    return list(Theme.objects.filter(brand_id=actor.brand_id).order_by("-is_active", "name", "code"))


def taxonomy_rows(*, actor: Actor, now: datetime | None = None) -> list[TaxonomyRow]:
    """Each theme with where it applies, how many examples head office gave it, how often it came up, how well it
    is learnt. Five queries whatever the number of themes."""
    if actor.brand_id is None:
        return []
    now = now or clock.now()
    themes = list(Theme.objects.filter(brand_id=actor.brand_id).order_by("-is_active", "name", "code")
                  .prefetch_related(Prefetch("touchpoints", queryset=Touchpoint.objects.order_by("position"))))
    labelled = dict(VerbatimLabel.objects.visible_to(actor).filter(is_current=True, themes__isnull=False)
                    .values("themes").annotate(n=Count("pk")).values_list("themes", "n"))
    recent_analyses = VerbatimAnalysis.objects.visible_to(actor).filter(submitted_at__gte=now - timedelta(
        days=RECENT_DAYS))
    recent = dict(VerbatimTheme.objects.filter(analysis__in=recent_analyses).values("theme_id")
                  .annotate(n=Count("pk")).values_list("theme_id", "n"))
    summary = (TrainedModel.objects.filter(brand_id=actor.brand_id, is_active=True)
               .values_list("summary", flat=True).first())
    f1s, unlearned = theme_f1s(summary), themes_not_learned(summary)
    return [TaxonomyRow(theme=t, touchpoints=list(t.touchpoints.all()), labelled=labelled.get(t.pk, 0),
                        recent=recent.get(t.pk, 0), f1=f1s.get(t.code),
                        not_learned=summary is not None and t.code in unlearned) for t in themes]


def theme_for_edit(*, actor: Actor, code: str) -> Theme | None:
    """One theme of the actor's brand, with its touchpoints, or None."""
    if actor.brand_id is None:
        return None
    return Theme.objects.filter(brand_id=actor.brand_id, code=code).prefetch_related("touchpoints").first()


# --------------------------------------------------------------------------------------------------------------------
# The labelling queue


@dataclass(frozen=True)
class QueueFilters:
    """What the queue is narrowed to; empty values mean "any"."""

    theme: str = ""
    language: str = ""
    touchpoint: str = ""
    q: str = ""
    responses: tuple[int, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.theme or self.language or self.touchpoint or self.q or self.responses)


@dataclass
class QueueItem:
    """A verbatim to label, with what the form starts from: the current label if any, else the model's reading."""

    analysis: VerbatimAnalysis
    predicted: list[tuple[Theme, float]]
    current: VerbatimLabel | None
    checked_themes: set[str] = field(default_factory=set)
    checked_sentiment: str = ""

    @property
    def response(self) -> Response:
        return self.analysis.response


def label_queue(*, actor: Actor, filters: QueueFilters, limit: int = LABEL_BATCH) -> list[QueueItem]:
    """The verbatims whose label would teach the model most: those it is least sure fit any theme.

    Without named responses only verbatims nobody labelled yet are offered, least certain first (lowest theme fit,
    then newest). Naming responses (a link from another page) shows those, labelled or not, so a label can be
    corrected. Four queries whatever the batch size.
    """
    analyses = (VerbatimAnalysis.objects.visible_to(actor).exclude(response__verbatim="")
                .select_related("response", "dealer", "touchpoint"))
    current_label = VerbatimLabel.objects.filter(response_id=OuterRef("pk"), is_current=True)
    if filters.responses:
        named = filters.responses[:MAX_NAMED_RESPONSES]
        analyses = analyses.filter(pk__in=named)
        limit = max(limit, len(named))
    else:
        analyses = analyses.filter(~Exists(current_label))
    if filters.theme:
        analyses = analyses.filter(Exists(VerbatimTheme.objects.filter(analysis_id=OuterRef("pk"),
                                                                       theme__code=filters.theme)))
    if filters.language:
        analyses = analyses.filter(language=filters.language)
    if filters.touchpoint:
        analyses = analyses.filter(touchpoint__code=filters.touchpoint)
    if filters.q:
        analyses = analyses.filter(response__verbatim__icontains=filters.q)
    rows = list(analyses.order_by("theme_fit", "-submitted_at", "pk")
                .prefetch_related(Prefetch("theme_links", queryset=VerbatimTheme.objects.select_related("theme")
                                           .order_by("-probability")))[:limit])
    labels = {label.response_id: label for label in VerbatimLabel.objects.visible_to(actor)
              .filter(is_current=True, response_id__in=[a.pk for a in rows]).prefetch_related("themes")}
    items = []
    for analysis in rows:
        predicted = [(link.theme, link.probability) for link in analysis.theme_links.all()]
        current = labels.get(analysis.pk)
        if current is not None:
            checked, sentiment = {t.code for t in current.themes.all()}, current.sentiment
        else:
            checked, sentiment = {theme.code for theme, _probability in predicted}, analysis.sentiment
        items.append(QueueItem(analysis=analysis, predicted=predicted, current=current, checked_themes=checked,
                               checked_sentiment=sentiment))
    return items


@dataclass(frozen=True)
class LabelHistory:
    labelled: int  # verbatims with a current label
    rows_in_all: int  # every label ever made, replaced ones included
    latest: list[VerbatimLabel]
    by_person: list[tuple[str, int]]


def label_history(*, actor: Actor, limit: int = HISTORY_ROWS) -> LabelHistory:
    """How much head office has taught, by whom, and the latest labels (replaced ones shown as such)."""
    labels = VerbatimLabel.objects.visible_to(actor)
    counts = labels.aggregate(labelled=Count("pk", filter=Q(is_current=True)), total=Count("pk"))
    latest = list(labels.select_related("response").prefetch_related("themes")
                  .order_by("-labelled_at", "-pk")[:limit])
    by_person = list(labels.filter(is_current=True).values("labelled_by_name").annotate(n=Count("pk"))
                     .order_by("-n", "labelled_by_name").values_list("labelled_by_name", "n")[:10])
    return LabelHistory(labelled=counts["labelled"], rows_in_all=counts["total"], latest=latest,
                        by_person=[(name, n) for name, n in by_person])


# --------------------------------------------------------------------------------------------------------------------
# The models


@dataclass(frozen=True)
class ThemeFigure:
    code: str
    name: str
    examples: int | None
    f1: float | None
    not_learned: bool


@dataclass(frozen=True)
class ModelRow:
    model: TrainedModel
    themes: list[ThemeFigure]
    themes_macro_f1: float | None
    sentiment: list[Figure]


@dataclass(frozen=True)
class ModelOverview:
    active: ModelRow | None
    history: list[ModelRow]
    labels_since_active: int


def _model_row(model: TrainedModel, names: Mapping[str, str]) -> ModelRow:
    summary = model.summary
    f1s, unlearned, examples = theme_f1s(summary), themes_not_learned(summary), theme_examples(summary)
    codes = [str(c) for c in (model.theme_codes or [])] or sorted(set(f1s) | set(examples))
    themes = [ThemeFigure(code=code, name=names.get(code, code), examples=examples.get(code), f1=f1s.get(code),
                          not_learned=code in unlearned) for code in codes]
    themes.sort(key=lambda t: (t.name.lower(), t.code))
    return ModelRow(model=model, themes=themes, themes_macro_f1=themes_macro_f1(summary),
                    sentiment=sentiment_figures(summary))


def model_overview(*, actor: Actor, limit: int = 20) -> ModelOverview:
    """The brand's models, newest first (without their payloads), and how many labels the active one has not seen."""
    if actor.brand_id is None:
        return ModelOverview(active=None, history=[], labels_since_active=0)
    names = {t.code: t.display_name() for t in Theme.objects.filter(brand_id=actor.brand_id)}
    models = list(TrainedModel.objects.filter(brand_id=actor.brand_id).defer("payload")
                  .order_by("-created_at", "-pk")[:limit])
    rows = [_model_row(m, names) for m in models]
    active = next((row for row in rows if row.model.is_active), None)
    if active is None:
        model = TrainedModel.objects.filter(brand_id=actor.brand_id, is_active=True).defer("payload").first()
        active = _model_row(model, names) if model else None
    labels = VerbatimLabel.objects.visible_to(actor)
    if active is not None:
        labels = labels.filter(labelled_at__gt=active.model.created_at)
    return ModelOverview(active=active, history=rows, labels_since_active=labels.count())


# --------------------------------------------------------------------------------------------------------------------
# Emerging themes


@dataclass(frozen=True)
class Quote:
    response_pk: int
    text: str
    language: str
    dealer: str
    submitted_at: datetime


@dataclass(frozen=True)
class EmergingCluster:
    """One cluster as the page shows it: plain values, so the whole result can be cached."""

    title: str
    terms: tuple[str, ...]
    size: int
    novelty: float
    is_new: bool
    times_more: float | None
    dealers: list[tuple[str, int]]
    touchpoints: list[tuple[str, int]]
    first: datetime
    last: datetime
    quotes: list[Quote]
    response_pks: tuple[int, ...]
    suggested_code: str
    suggested_name: str
    #: Most members fit no theme (a candidate for a new theme); otherwise ``within`` names the themes they fit.
    fits_no_theme: bool = True
    within: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class EmergingResult:
    days: int
    texts: int
    background: int
    clusters: list[EmergingCluster]
    capped: bool
    available: bool = True


def _suggested_theme(terms: Sequence[str]) -> tuple[str, str]:
    """A code and an English name from a cluster's leading terms (head office edits both before saving)."""
    words = [t for t in terms[:3] if t]
    name = ", ".join(words)[:120]
    name = name[:1].upper() + name[1:]
    code = slugify(" ".join(terms[:2])).replace("-", "_")[:40].strip("_")
    if code and not code[0].isalpha():
        code = f"theme_{code}"[:40]
    return code, name


def _candidate_rows(actor: Actor, since: datetime, until: datetime, limit: int) -> list[tuple]:
    """Verbatims where something new may hide: those no theme fits well, and every negative one.

    Negative verbatims are included because a new problem is usually about something the taxonomy already covers
    (a faulty reversing camera is "vehicle quality"): the theme fits, and only its sudden frequency is news.
    """
    from . import services

    return list(VerbatimAnalysis.objects.visible_to(actor)
                .filter(Q(theme_fit__lt=services.LOW_FIT) | Q(sentiment=Sentiment.NEGATIVE),
                        submitted_at__gte=since, submitted_at__lt=until)
                .exclude(response__verbatim="")
                .order_by("-submitted_at", "pk")
                .values_list("pk", "response__verbatim", "language", "dealer__name", "touchpoint_id",
                             "submitted_at", "theme_fit")[:limit])


def _median_words(texts: Sequence[str]) -> float:
    counts = sorted(len(text.split()) for text in texts)
    middle = len(counts) // 2
    return counts[middle] if len(counts) % 2 else (counts[middle - 1] + counts[middle]) / 2


def _themes_of(pks: Sequence[int]) -> dict[int, list[str]]:
    """The names of the themes found in each of these verbatims (two queries, however many)."""
    found: dict[int, list[int]] = {}
    for analysis_id, theme_id in VerbatimTheme.objects.filter(analysis_id__in=pks).values_list("analysis_id",
                                                                                              "theme_id"):
        found.setdefault(analysis_id, []).append(theme_id)
    names = {pk: theme.display_name() for pk, theme in
             Theme.objects.in_bulk({t for ids in found.values() for t in ids}).items()}
    return {pk: [names[t] for t in ids if t in names] for pk, ids in found.items()}


def emerging_clusters(*, actor: Actor, days: int = EMERGING_DEFAULT_DAYS,
                      now: datetime | None = None) -> EmergingResult:
    """New problems and recurring subjects no theme covers, among recent verbatims, against the preceding quarter.

    Clustering runs over the verbatims that fit no theme well and the negative ones. A cluster is shown if it is
    new (at least twice as frequent as before), whatever theme it falls under, or if most of it fits no theme (a
    candidate for a new theme); a constant cluster of ordinary complaints within a theme is what the themes page
    already counts, and is left out. New clusters come first.

    The clustering takes seconds on thousands of texts, so the result is cached for ten minutes per brand and
    window; the key holds the latest analysis time too, so a re-analysis (a new model) is seen at once.
    """
    from . import services

    if days not in EMERGING_WINDOWS:
        days = EMERGING_DEFAULT_DAYS
    now = now or clock.now()
    analyses = VerbatimAnalysis.objects.visible_to(actor)
    latest = analyses.aggregate(latest=Max("analysed_at"))["latest"]
    key = f"verbatims:emerging:{actor.brand_id}:{days}:{latest.isoformat() if latest else 'none'}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        from .nlp.emerging import find_emerging_clusters
    except ImportError:  # the ML dependencies are missing: say so rather than fail the page
        return EmergingResult(days=days, texts=0, background=0, clusters=[], capped=False, available=False)
    since = now - timedelta(days=days)
    rows = _candidate_rows(actor, since, now + timedelta(seconds=1), EMERGING_MAX_TEXTS + 1)
    capped = len(rows) > EMERGING_MAX_TEXTS
    rows = rows[:EMERGING_MAX_TEXTS]
    background = _candidate_rows(actor, since - timedelta(days=EMERGING_BACKGROUND_DAYS), since, EMERGING_MAX_TEXTS)
    found = find_emerging_clusters([row[1] for row in rows], background=[row[1] for row in background],
                                   min_size=EMERGING_MIN_SIZE, max_clusters=EMERGING_CANDIDATES)
    shown = []
    for cluster in found:
        members = [rows[i] for i in cluster.members]
        fits_no_theme = sum(row[6] < services.LOW_FIT for row in members) * 2 > len(members)
        is_new = cluster.novelty >= NEW_NOVELTY
        if (is_new or fits_no_theme) and _median_words([row[1] for row in members]) >= EMERGING_MIN_WORDS:
            shown.append((cluster, members, fits_no_theme, is_new))
    shown.sort(key=lambda item: not item[3])  # stable: new first, each part in the clustering's order
    shown = shown[:EMERGING_SHOWN]
    themes_of = _themes_of([row[0] for _, members, fits, _ in shown if not fits for row in members])
    touchpoint_names = {t.pk: t.display_name() for t in Touchpoint.objects.filter(
        pk__in={row[4] for row in rows})}
    clusters = []
    for cluster, members, fits_no_theme, is_new in shown:
        terms = tuple(cluster.terms)
        code, name = _suggested_theme(terms)
        dates = [row[5] for row in members]
        clusters.append(EmergingCluster(
            title=", ".join(terms) if terms else "",
            terms=terms,
            size=len(members),
            novelty=cluster.novelty,
            is_new=is_new,
            times_more=math.exp(cluster.novelty) if background and cluster.novelty > 0 else None,
            dealers=Counter(row[3] for row in members).most_common(),
            touchpoints=Counter(touchpoint_names.get(row[4], "") for row in members).most_common(),
            first=min(dates),
            last=max(dates),
            quotes=[Quote(response_pk=rows[i][0], text=rows[i][1], language=rows[i][2], dealer=rows[i][3],
                          submitted_at=rows[i][5]) for i in cluster.representatives[:3]],
            response_pks=tuple(row[0] for row in members),
            suggested_code=code,
            suggested_name=name,
            fits_no_theme=fits_no_theme,
            within=[] if fits_no_theme else Counter(
                name for row in members for name in themes_of.get(row[0], ())).most_common(3),
        ))
    result = EmergingResult(days=days, texts=len(rows), background=len(background), clusters=clusters,
                            capped=capped)
    cache.set(key, result, EMERGING_CACHE_SECONDS)
    return result
