"""The whole analysis of a batch of verbatims: language, flags, then the trained model.

Batches, not single texts, are the unit because the model's cost is dominated by vectorising, which is done once per
batch; the import job, the nightly re-analysis and the evaluation all hand over thousands of texts at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .classifier import VerbatimModel
from .flags import detect_flags
from .language import detect_languages


@dataclass(frozen=True, slots=True)
class Analysis:
    language: str
    sentiment: str | None
    sentiment_score: float
    themes: dict[str, float]
    theme_fit: float
    incentive: tuple[str, ...]
    safety: tuple[str, ...]


def analyse_texts(model: VerbatimModel | None, texts: Sequence[str], language_hints: Sequence[str | None] | None = None,
                  ) -> list[Analysis]:
    """Language detection, flags, then the model (None = no model trained yet: language and flags only).

    An empty or blank text has nothing to analyse: it keeps its hint as language (or "en") and gets no sentiment and
    no themes, rather than whatever the model says about an empty string (its class priors).
    """
    if language_hints is not None and len(language_hints) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(language_hints)} language hints")
    if not texts:
        return []
    # Every text goes through detection: for a blank one it returns the hint normalised ("de-CH" -> "de") or "en".
    languages = detect_languages([text or "" for text in texts], language_hints)
    filled = [i for i, text in enumerate(texts) if text and text.strip()]
    predictions = dict(zip(filled, model.predict([texts[i] for i in filled], [languages[i] for i in filled]),
                           strict=True)) if model is not None and filled else {}
    results = []
    for i, text in enumerate(texts):
        flags = detect_flags(text, languages[i]) if text and text.strip() else None
        prediction = predictions.get(i)
        results.append(Analysis(
            language=languages[i],
            sentiment=prediction.sentiment if prediction else None,
            sentiment_score=prediction.sentiment_score if prediction else 0.0,
            themes=prediction.themes if prediction else {},
            theme_fit=prediction.theme_fit if prediction else 0.0,
            incentive=flags.incentive if flags else (),
            safety=flags.safety if flags else (),
        ))
    return results
