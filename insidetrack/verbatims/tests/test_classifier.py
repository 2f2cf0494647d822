"""The classifier without a database: what it learns from the shipped examples, and what it refuses to learn from."""

from __future__ import annotations

import csv
import pickle
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from insidetrack.verbatims.nlp.classifier import (
    CharNgrams,
    Example,
    TrainingError,
    VerbatimModel,
    normalise,
)
from insidetrack.verbatims.nlp.pipeline import analyse_texts

SEED = Path(__file__).resolve().parents[1] / "seed" / "examples.csv"


@cache
def seed_examples() -> tuple[Example, ...]:
    with SEED.open(encoding="utf-8") as handle:
        return tuple(Example(text=row["text"], language=row["language"], sentiment=row["sentiment"],
                             themes=tuple(code for code in row["themes"].split("|") if code))
                     for row in csv.DictReader(handle))


@cache
def seed_model() -> VerbatimModel:
    return VerbatimModel.train(seed_examples())


# New sentences (not in the shipped examples), one per language, with their theme and tone.
UNSEEN = [
    ("en", "The courtesy car they gave me was filthy and had a warning light on.", "courtesy_car", "negative"),
    ("de", "Die Übergabe meines neuen Wagens war perfekt organisiert, mit Blumen und einer ausführlichen Erklärung.",
     "handover_experience", "positive"),
    ("fr", "On m'a prêté un véhicule de courtoisie propre et récent pendant toute la durée de la réparation, parfait.",
     "courtesy_car", "positive"),
]


@pytest.mark.parametrize(("language", "text", "theme", "sentiment"), UNSEEN)
def test_the_seed_model_reads_new_sentences_in_each_language(language, text, theme, sentiment):
    analysis = analyse_texts(seed_model(), [text])[0]
    assert analysis.language == language
    assert analysis.sentiment == sentiment
    assert theme in analysis.themes
    assert 0.0 <= analysis.theme_fit <= 1.0


def test_a_stored_model_predicts_exactly_what_it_predicted_before_storing():
    model = seed_model()
    texts = [text for _, text, _, _ in UNSEEN] + ["Service ok.", "!!!", "Rien à dire", "1234"]
    before = model.predict(texts)
    restored = VerbatimModel.from_bytes(model.to_bytes())
    assert restored.predict(texts) == before
    assert restored.learned_themes == model.learned_themes


def test_bytes_that_are_not_a_stored_model_are_refused():
    with pytest.raises(ValueError, match="Not a stored verbatim model"):
        VerbatimModel.from_bytes(b"hello")


def test_character_ngrams_give_the_same_vectors_when_fitting_and_when_predicting():
    """Training and prediction take different code paths (fit builds the vocabulary, transform uses a word cache);
    a text must get the same vector from both, or the model learns from vectors it never sees again."""
    texts = [normalise(e.text) for e in seed_examples()[:300]]
    grams = CharNgrams((2, 5))
    fitted = grams.fit_transform(texts)
    assert abs(fitted - grams.transform(texts)).max() < 1e-5
    assert abs(fitted - grams.transform(texts)).max() < 1e-5  # second time from the cache
    rows = np.asarray(fitted.multiply(fitted).sum(axis=1)).ravel()
    assert np.allclose(rows, 1.0, atol=1e-4)  # unit length, as TF-IDF promises


def test_character_ngrams_are_pickled_without_their_cache():
    grams = CharNgrams((2, 4))
    grams.fit_transform(["bremsen quietschen", "freins qui grincent"])
    grams.transform(["bremsen"])
    restored = pickle.loads(pickle.dumps(grams))
    assert restored._cache == {}
    assert (restored.transform(["bremsen"]) != grams.transform(["bremsen"])).nnz == 0


def test_german_compounds_share_features_with_their_parts():
    """The reason for character n-grams: "Bremsenquietschen" should look like "Bremsen" even if never seen whole."""
    grams = CharNgrams((3, 5))
    grams.fit_transform(["die bremsen sind laut", "der motor ist leise", "das auto ist sauber"])
    compound, part, other = grams.transform(["bremsenquietschen", "bremsen", "motor"])
    assert (compound @ part.T).toarray()[0, 0] > 0.3
    assert (compound @ other.T).toarray()[0, 0] == 0


def test_nothing_to_learn_is_refused_with_the_reason():
    with pytest.raises(TrainingError, match="No labelled examples"):
        VerbatimModel.train([Example(text="great"), Example(text="bad")])
    with pytest.raises(TrainingError, match="single class"):
        VerbatimModel.train([Example(text="great", sentiment="positive"), Example(text="superb", sentiment="positive")])
    with pytest.raises(TrainingError, match="Unknown sentiment 'happy'"):
        VerbatimModel.train([Example(text="great", sentiment="happy")])


def test_a_theme_with_too_few_examples_is_reported_not_learned():
    examples = [Example(text=e.text, themes=e.themes) for e in seed_examples()]
    examples += [Example(text="The cupholder rattles", themes=("cupholder",)),
                 Example(text="Cupholder too small", themes=("cupholder",))]
    model = VerbatimModel.train(examples)
    assert "cupholder" not in model.learned_themes
    assert model.summary["themes_not_learned"]["cupholder"] == "only 2 example(s), 3 needed"
    assert not model.has_sentiment
    assert model.predict(["The cupholder rattles"])[0].sentiment is None


def test_examples_of_zero_weight_are_left_out():
    """A weight of 0 means "do not learn from this": such examples must not count at all, not merely a little."""
    base = [Example(text=e.text, sentiment=e.sentiment) for e in seed_examples()]
    ignored = [Example(text="zorblax flumm", sentiment="negative", weight=0.0)] * 50
    model = VerbatimModel.train(base + ignored)
    assert model.summary["examples"] == len(base)
