"""Writes of the text analysis: training a brand's model, analysing verbatims, and head office's labels.

The analysis of a verbatim is derived data, replaced whole each time it is recomputed (delete and insert in one
transaction per batch), so analysing twice changes nothing and a new model can re-read every verbatim. Labels are
people's judgements: never replaced, only retired by a newer label, so who taught the model what stays on record.
"""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from insidetrack.cases.services import AnalysisReading, cases_apply_analysis
from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.errors import NotFound, PermissionDenied, ValidationFailed
from insidetrack.journeys.models import Theme
from insidetrack.network.models import Brand
from insidetrack.surveys.models import Purpose, Response

from .models import Sentiment, TrainedModel, VerbatimAnalysis, VerbatimLabel, VerbatimTheme

if TYPE_CHECKING:
    from .nlp.classifier import Example, VerbatimModel

logger = logging.getLogger(__name__)

SEED_PATH = Path(__file__).resolve().parent / "seed" / "examples.csv"
# Weights of the three sources a brand's model learns from. Head office's labels are in the brand's own domain and
# were made on purpose, so they count more than the shipped examples; a verbatim's score is only a hint about the
# tone of its words (a 6 can come with a kind sentence), so those weak labels count less. See bench/weak_labels.py.
SEED_WEIGHT = 1.0
LABEL_WEIGHT = 3.0
SCORE_WEIGHT = 0.5
# The most recent verbatims lend their score as a sentiment label, up to this many: enough to learn the brand's
# vocabulary, few enough that retraining stays well under a minute on two cores.
MAX_SCORE_EXAMPLES = 20_000
ANALYSE_BATCH = 2_000
# Below this fit the text is "about none of our themes": a candidate for the emerging-themes clustering.
LOW_FIT = 0.35
# The sweep picks up verbatims nobody analysed (a worker that died) this far back.
ANALYSE_LOOKBACK = timedelta(days=3)
# Retraining waits until head office has stopped labelling for this long, so a labelling session trains once.
RETRAIN_QUIET = timedelta(minutes=5)

_TEXT_SEARCH_CONFIG = {"en": "english", "de": "german", "fr": "french"}


def sentiment_from_score(score: int) -> str:
    """The tone a score suggests, used as a weak label: detractors negative, passives neutral, promoters positive."""
    if score >= 9:
        return Sentiment.POSITIVE
    return Sentiment.NEUTRAL if score >= 7 else Sentiment.NEGATIVE


def seed_examples() -> list[Example]:
    """The labelled examples shipped with the product: what a brand's first model learns before anyone labels."""
    from .nlp.classifier import Example

    with SEED_PATH.open(encoding="utf-8", newline="") as handle:
        return [Example(text=row["text"], language=row["language"] or None, sentiment=row["sentiment"] or None,
                        themes=tuple(t for t in (row["themes"] or "").split("|") if t), weight=SEED_WEIGHT)
                for row in csv.DictReader(handle)]


@dataclass(frozen=True)
class TrainingSet:
    """The examples a brand's model learns from, and how many came from each source."""

    examples: list[Example]
    theme_codes: list[str]
    seed: int
    labelled: int
    scored: int


def training_set(*, brand_id: int, use_scores: bool = True) -> TrainingSet:
    """Shipped examples for the brand's active themes, head office's current labels, and scores as weak labels."""
    from .nlp.classifier import Example

    theme_codes = sorted(Theme.objects.filter(brand_id=brand_id, is_active=True).values_list("code", flat=True))
    active = set(theme_codes)
    seed = [Example(text=e.text, language=e.language, sentiment=e.sentiment,
                    themes=tuple(t for t in (e.themes or ()) if t in active), weight=e.weight)
            for e in seed_examples()]
    labels = list(VerbatimLabel.objects.filter(brand_id=brand_id, is_current=True)
                  .select_related("response").prefetch_related("themes"))
    labelled = [Example(text=label.response.verbatim, language=label.response.language, sentiment=label.sentiment,
                        themes=tuple(t.code for t in label.themes.all() if t.code in active), weight=LABEL_WEIGHT)
                for label in labels if label.response.verbatim.strip()]
    scored: list[Example] = []
    if use_scores:
        taken = {label.response_id for label in labels}
        rows = (Response.objects.filter(brand_id=brand_id, purpose=Purpose.SURVEY).exclude(verbatim="")
                .order_by("-submitted_at").values_list("pk", "verbatim", "language", "score")[:MAX_SCORE_EXAMPLES])
        scored = [Example(text=text, language=language, sentiment=sentiment_from_score(score), themes=None,
                          weight=SCORE_WEIGHT)
                  for pk, text, language, score in rows if pk not in taken and text.strip()]
    return TrainingSet(examples=[*seed, *labelled, *scored], theme_codes=theme_codes, seed=len(seed),
                       labelled=len(labelled), scored=len(scored))


def _require_head_office(actor: Actor) -> None:
    if not (actor.is_system or actor.is_head_office):
        raise PermissionDenied(_("Only head office can teach the verbatim analysis."))


def model_train(*, brand_id: int, actor: Actor, use_scores: bool = True, now: datetime | None = None) -> TrainedModel:
    """Train the brand's model from its examples and make it the active one.

    Training happens outside the transaction (it takes seconds); only the switch of the active model is atomic.
    """
    _require_head_office(actor)
    if actor.brand_id is not None and actor.brand_id != brand_id:
        raise NotFound(_("brand not found"))
    from .nlp.classifier import VerbatimModel

    data = training_set(brand_id=brand_id, use_scores=use_scores)
    started = time.perf_counter()
    model = VerbatimModel.train(data.examples, theme_codes=data.theme_codes)
    seconds = time.perf_counter() - started
    user_name = ""
    if actor.user_id:
        from insidetrack.accounts.models import User

        user = User.objects.filter(pk=actor.user_id).first()
        user_name = (user.get_full_name() or user.get_username()) if user else ""
    with transaction.atomic():
        TrainedModel.objects.filter(brand_id=brand_id, is_active=True).update(is_active=False)
        trained = TrainedModel.objects.create(
            brand_id=brand_id, created_at=now or clock.now(), trained_by_id=actor.user_id,
            trained_by_name=user_name, payload=model.to_bytes(), theme_codes=list(model.theme_codes),
            summary=model.summary, seed_examples=data.seed, labelled_examples=data.labelled,
            score_examples=data.scored, training_seconds=round(seconds, 2), is_active=True)
    _MODELS[brand_id] = (trained.pk, model)
    logger.info("trained verbatim model %s for brand %s in %.1f s", trained.pk, brand_id, seconds)
    return trained


# One model per brand per process, reloaded only when another process trained a newer one.
_MODELS: dict[int, tuple[int, VerbatimModel]] = {}


def active_model(*, brand_id: int) -> tuple[int | None, VerbatimModel | None]:
    """The brand's active model (trained from the shipped examples on first use), cached per process."""
    pk = TrainedModel.objects.filter(brand_id=brand_id, is_active=True).values_list("pk", flat=True).first()
    if pk is None:
        trained = model_train(brand_id=brand_id, actor=Actor.system(), use_scores=False)
        return trained.pk, _MODELS[brand_id][1]
    cached = _MODELS.get(brand_id)
    if cached is None or cached[0] != pk:
        payload = TrainedModel.objects.values_list("payload", flat=True).get(pk=pk)
        from .nlp.classifier import VerbatimModel

        cached = (pk, VerbatimModel.from_bytes(bytes(payload)))
        _MODELS[brand_id] = cached
    return cached


def _update_search_documents(response_pks: Sequence[int]) -> None:
    """PostgreSQL only: index each text with its own language's dictionary (stemming "Bremsen" like "Bremse")."""
    if connection.vendor != "postgresql" or not response_pks:
        return
    cases = " ".join(f"WHEN '{code}' THEN '{config}'::regconfig" for code, config in _TEXT_SEARCH_CONFIG.items())
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE verbatims_verbatimanalysis AS a
                   SET search_document = to_tsvector(CASE a.language {cases} ELSE 'simple'::regconfig END,
                                                     r.verbatim)
                  FROM surveys_response AS r
                 WHERE r.id = a.response_id AND a.response_id = ANY(%s)""",
            [list(response_pks)])


def verbatims_analyse(*, response_pks: Iterable[int], now: datetime | None = None) -> int:
    """Analyse these responses' verbatims with their brand's active model; replaces any earlier analysis.

    Feeds the closed loop afterwards: a negative theme becomes the case's suggested root cause and a safety or legal
    issue makes the case urgent.
    """
    now = now or clock.now()
    rows = list(Response.objects.filter(pk__in=list(response_pks)).exclude(verbatim="")
                .values_list("pk", "brand_id", "dealer_id", "touchpoint_id", "submitted_at", "verbatim",
                             "language"))
    done = 0
    for brand_id in sorted({row[1] for row in rows}):
        brand_rows = [row for row in rows if row[1] == brand_id]
        model_pk, model = active_model(brand_id=brand_id)
        themes = dict(Theme.objects.filter(brand_id=brand_id).values_list("code", "pk"))
        for start in range(0, len(brand_rows), ANALYSE_BATCH):
            done += _analyse_batch(brand_rows[start:start + ANALYSE_BATCH], model_pk=model_pk, model=model,
                                   themes=themes, now=now)
    return done


def _analyse_batch(rows: list[tuple], *, model_pk: int | None, model: VerbatimModel | None, themes: dict[str, int],
                   now: datetime) -> int:
    from .nlp.pipeline import analyse_texts

    results = analyse_texts(model, [row[5] for row in rows], [row[6] for row in rows])
    analyses: list[VerbatimAnalysis] = []
    links: list[VerbatimTheme] = []
    readings: list[AnalysisReading] = []
    for row, result in zip(rows, results, strict=True):
        pk, brand_id, dealer_id, touchpoint_id, submitted_at = row[:5]
        analyses.append(VerbatimAnalysis(
            response_id=pk, brand_id=brand_id, dealer_id=dealer_id, touchpoint_id=touchpoint_id,
            submitted_at=submitted_at, language=result.language, sentiment=result.sentiment or "",
            sentiment_score=round(result.sentiment_score, 4), theme_fit=round(result.theme_fit, 4),
            is_incentive=bool(result.incentive), is_safety=bool(result.safety),
            flag_phrases={"incentive": list(result.incentive), "safety": list(result.safety)},
            trained_model_id=model_pk, analysed_at=now))
        links.extend(VerbatimTheme(analysis_id=pk, theme_id=themes[code], probability=round(probability, 4))
                     for code, probability in result.themes.items() if code in themes)
        negative = tuple(result.themes) if result.sentiment == Sentiment.NEGATIVE else ()
        if negative or result.safety:
            readings.append(AnalysisReading(response_pk=pk, negative_theme_codes=negative,
                                            safety_phrases=tuple(result.safety)))
    pks = [row[0] for row in rows]
    with transaction.atomic():
        VerbatimAnalysis.objects.filter(response_id__in=pks).delete()
        VerbatimAnalysis.objects.bulk_create(analyses, batch_size=500)
        VerbatimTheme.objects.bulk_create(links, batch_size=1000)
        _update_search_documents(pks)
        cases_apply_analysis(readings=readings, now=now)
    return len(analyses)


def verbatims_analyse_all(*, brand_id: int | None = None, since: datetime | None = None, only_missing: bool = False,
                          progress: Callable[[int, int], None] | None = None) -> int:
    """Analyse every verbatim (of one brand, since a time, or only those not analysed yet), batch by batch.

    ``progress(done, total)`` is called after each batch, for the command's progress bar.
    """
    responses = Response.objects.exclude(verbatim="")
    if brand_id is not None:
        responses = responses.filter(brand_id=brand_id)
    if since is not None:
        responses = responses.filter(submitted_at__gte=since)
    if only_missing:
        responses = responses.filter(analysis__isnull=True)
    pks = list(responses.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(pks), ANALYSE_BATCH):
        done += verbatims_analyse(response_pks=pks[start:start + ANALYSE_BATCH])
        if progress:
            progress(done, len(pks))
    return done


@transaction.atomic
def verbatim_label(*, actor: Actor, response_pk: int, theme_codes: Sequence[str], sentiment: str,
                   now: datetime | None = None) -> VerbatimLabel:
    """Record head office's reading of a verbatim; the previous label of it stays, retired, with its author."""
    _require_head_office(actor)
    response = Response.objects.visible_to(actor).filter(pk=response_pk).exclude(verbatim="").first()
    if response is None:
        raise NotFound(_("verbatim not found"))
    if sentiment not in Sentiment.values:
        raise ValidationFailed(_("Choose negative, neutral or positive."), field="sentiment")
    codes = list(dict.fromkeys(theme_codes))
    themes = list(Theme.objects.filter(brand_id=response.brand_id, code__in=codes, is_active=True))
    unknown = sorted(set(codes) - {t.code for t in themes})
    if unknown:
        raise ValidationFailed(_("Unknown or inactive theme: %(codes)s") % {"codes": ", ".join(unknown)},
                               field="themes")
    user_name = ""
    if actor.user_id:
        from insidetrack.accounts.models import User

        user = User.objects.filter(pk=actor.user_id).first()
        user_name = (user.get_full_name() or user.get_username()) if user else ""
    VerbatimLabel.objects.filter(response_id=response.pk, is_current=True).update(is_current=False)
    label = VerbatimLabel.objects.create(
        response=response, brand_id=response.brand_id, dealer_id=response.dealer_id, sentiment=sentiment,
        labelled_by_id=actor.user_id, labelled_by_name=user_name, labelled_at=now or clock.now(), is_current=True)
    label.themes.set(themes)
    return label


def models_retrain_if_taught(*, now: datetime | None = None) -> list[int]:
    """Retrain each brand whose labels are newer than its model, once labelling has gone quiet; re-analyse after.

    Returns the brands retrained. Safe to run from several sweeps at once: the worst case is one extra training.
    """
    now = now or clock.now()
    latest = dict(VerbatimLabel.objects.values("brand_id").annotate(last=Max("labelled_at"))
                  .values_list("brand_id", "last"))
    trained = dict(TrainedModel.objects.filter(is_active=True).values_list("brand_id", "created_at"))
    retrained = []
    for brand_id, last in latest.items():
        if last <= now - RETRAIN_QUIET and (brand_id not in trained or trained[brand_id] < last):
            model_train(brand_id=brand_id, actor=Actor.system(), now=now)
            verbatims_analyse_all(brand_id=brand_id)
            retrained.append(brand_id)
    return retrained


def verbatims_sweep(*, now: datetime | None = None) -> int:
    """Analyse recent verbatims nobody analysed (a task lost with its worker) and retrain taught models."""
    now = now or clock.now()
    missing = verbatims_analyse_all(since=now - ANALYSE_LOOKBACK, only_missing=True)
    return missing + len(models_retrain_if_taught(now=now))


def brands_with_verbatims() -> list[Brand]:
    """Brands that have any verbatim (what the bulk command walks)."""
    return list(Brand.objects.filter(pk__in=Response.objects.exclude(verbatim="").values("brand_id")).order_by("pk"))
