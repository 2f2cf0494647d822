"""The trainable part of verbatim analysis: sentiment of the words and themes of a taxonomy, learned from labels.

Why this design (measured by cross-validation on the development training files, see ``bench/verbatims.py``):

* One model for all languages. Word 1-2-grams carry phrases and negations ("not helpful", "nicht freundlich"), and
  character 2-5-grams inside word boundaries carry German and French compounds and inflections ("Werkstatttermin",
  "Wartezeit") and survive typos, so no per-language tokenisation or stemming is needed and a mixed en/de/fr data
  set trains one model.
* Linear SVMs (liblinear) with balanced class weights: as accurate as logistic regression on these features and
  several times faster to train, which matters because the product retrains on tens of thousands of texts.
* Scores become probabilities by calibration on out-of-fold decision values (a small logistic regression per part),
  and each theme gets its own decision threshold, chosen on the same out-of-fold predictions to maximise that theme's
  F1. Rare themes are where a fixed 0.5 threshold fails, and they are what macro-F1 (and a head office looking for
  the uncommon complaint) care about.

The trained model keeps only what prediction needs (the vectorisers and dense weight matrices in float32), so that
``to_bytes`` stays small enough for a database column and prediction is one sparse matrix product per batch.
"""

from __future__ import annotations

import io
import math
import pickle
import re
import time
import zlib
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.svm import LinearSVC

SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")

#: A theme needs at least this many positive examples (and one negative) to be learned at all.
MIN_THEME_EXAMPLES = 3

_FORMAT = b"insidetrack-verbatim-model/1\n"


class TrainingError(ValueError):
    """The examples cannot train a model; the message says what was missing."""


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    language: str | None = None
    sentiment: str | None = None             # None = not labelled for sentiment
    themes: tuple[str, ...] | None = None    # None = not labelled for themes; () = labelled, about no theme
    weight: float = 1.0                      # e.g. weak labels derived from the 0-10 score get a lower weight


@dataclass(frozen=True, slots=True)
class Prediction:
    sentiment: str | None
    sentiment_score: float
    themes: dict[str, float]
    theme_fit: float


@dataclass(frozen=True, slots=True)
class TrainingConfig:
    """Hyper-parameters; the defaults are the ones the benchmark measured, change them only to experiment."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] | None = (2, 5)
    max_word_features: int = 100_000
    max_char_features: int = 150_000
    sentiment_c: float = 0.3
    theme_c: float = 0.1
    #: "balanced" helps rare themes but slows training and costs precision on common ones; "sqrt" is half-way.
    theme_class_weight: str | None = "sqrt"
    folds: int = 5
    #: Cross-validation (for calibration and thresholds) uses at most this many examples; the final fit uses all.
    #: Beyond ~10k examples thresholds hardly move, while training time grows with every fold.
    max_cv_examples: int = 12_000
    threads: int = 2
    #: The sentiment class is the SVM's own argmax (better macro-F1 than the calibrated argmax, measured);
    #: calibration only turns the decision values into the probabilities behind ``sentiment_score``.
    sentiment_raw_decision: bool = True
    sentiment_calibration_weight: str | None = None
    #: A theme whose best cross-validated F1 stays below this keeps the 0.5 threshold instead of a tuned one.
    min_theme_f1: float = 0.2


_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_MENTION = re.compile(r"@\w+")
_DIGITS = re.compile(r"\d")


def normalise(text: str) -> str:
    """Lower-case and replace what identifies rather than describes (links, addresses, handles, digits).

    An order number or a licence plate says nothing about sentiment or theme, and would otherwise become thousands of
    one-off features; collapsing digits keeps "2 hours" and "3 hours" the same phrase.
    """
    text = _URL.sub(" urltoken ", text)
    text = _EMAIL.sub(" emailtoken ", text)
    text = _MENTION.sub(" usertoken ", text)
    return _DIGITS.sub("0", text.lower())


_TOKEN = re.compile(r"\w+|[^\w\s]+")


class CharNgrams:
    """TF-IDF of character n-grams inside words (like scikit-learn's ``char_wb``), computed per distinct word.

    Character n-grams are what make one model work for German compounds and French inflections, but generated
    per text they cost most of the prediction time (a 200-character text has ~1,000 of them). Words repeat a lot, so
    this computes the n-gram ids of each distinct word once (cached across batches) and assembles a batch as a
    document-word matrix times a word-n-gram matrix, two sparse products in C. Punctuation runs (``!!!``, ``:)``)
    are words of their own, so "good!" and "good" share their n-grams.
    """

    _CACHE_LIMIT = 300_000

    def __init__(self, ngram_range: tuple[int, int], *, min_df: int = 1, max_features: int | None = None) -> None:
        self.ngram_range = tuple(ngram_range)
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary_: dict[str, int] = {}
        self.idf_ = np.zeros(0, dtype=np.float32)
        self._cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def __getstate__(self) -> dict[str, object]:
        return {"ngram_range": self.ngram_range, "min_df": self.min_df, "max_features": self.max_features,
                "vocabulary_": self.vocabulary_, "idf_": self.idf_}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._cache = {}

    def _grams(self, word: str) -> list[str]:
        padded = f" {word} "
        low, high = self.ngram_range
        grams = []
        for n in range(low, high + 1):
            if n > len(padded):
                break
            grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
        return grams

    @staticmethod
    def _document_words(texts: Sequence[str]) -> tuple[sparse.csr_matrix, list[str]]:
        """Documents x distinct words, with occurrence counts."""
        index: dict[str, int] = {}
        indices: list[int] = []
        indptr = [0]
        for text in texts:
            indices.extend(index.setdefault(word, len(index)) for word in _TOKEN.findall(text))
            indptr.append(len(indices))
        matrix = sparse.csr_matrix((np.ones(len(indices), dtype=np.float32), np.array(indices, dtype=np.int64),
                                    np.array(indptr, dtype=np.int64)), shape=(len(texts), len(index)))
        matrix.sum_duplicates()
        return matrix, list(index)

    def _weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        counts.data = 1.0 + np.log(counts.data)  # sublinear tf: the fifth "!!" adds little
        weighted = sparse.csr_matrix(counts.multiply(self.idf_.reshape(1, -1)), dtype=np.float32)
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms).dot(weighted), dtype=np.float32)

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        documents, words = self._document_words(texts)
        gram_index: dict[str, int] = {}
        rows, columns = [], []
        for row, word in enumerate(words):
            ids = [gram_index.setdefault(gram, len(gram_index)) for gram in self._grams(word)]
            rows.extend([row] * len(ids))
            columns.extend(ids)
        word_grams = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)),
                                       shape=(len(words), len(gram_index)))
        counts = sparse.csr_matrix(documents @ word_grams)
        frequency = np.bincount(counts.indices, minlength=len(gram_index))
        keep = np.flatnonzero(frequency >= self.min_df)
        if self.max_features is not None and len(keep) > self.max_features:
            totals = np.asarray(counts.sum(axis=0)).ravel()[keep]
            keep = np.sort(keep[np.argsort(-totals, kind="stable")[: self.max_features]])
        grams = np.array(list(gram_index), dtype=object)[keep]
        self.vocabulary_ = {gram: i for i, gram in enumerate(grams)}
        n = len(texts)
        self.idf_ = (np.log((1 + n) / (1 + frequency[keep])) + 1).astype(np.float32)
        self._cache = {}
        return self._weigh(sparse.csr_matrix(counts[:, keep]))

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        documents, words = self._document_words(texts)
        cache, vocabulary = self._cache, self.vocabulary_
        if len(cache) > self._CACHE_LIMIT:
            cache.clear()
        rows: list[np.ndarray] = []
        for word in words:
            ids = cache.get(word)
            if ids is None:
                found = [vocabulary[gram] for gram in self._grams(word) if gram in vocabulary]
                ids = cache[word] = np.array(found, dtype=np.int64)
            rows.append(ids)
        lengths = np.fromiter((len(ids) for ids in rows), dtype=np.int64, count=len(rows))
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        indices = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        word_grams = sparse.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr),
                                       shape=(len(words), len(vocabulary)))
        word_grams.sum_duplicates()
        return self._weigh(sparse.csr_matrix(documents @ word_grams))


def _vectorisers(config: TrainingConfig, n_texts: int) -> list[TfidfVectorizer | CharNgrams]:
    # With a handful of examples every n-gram counts; with thousands, one-off n-grams are noise and model size.
    min_df = 2 if n_texts >= 500 else 1
    vectorisers: list[TfidfVectorizer | CharNgrams] = [
        TfidfVectorizer(lowercase=False, ngram_range=tuple(config.word_ngrams), sublinear_tf=True, min_df=min_df,
                        max_features=config.max_word_features, dtype=np.float32)]
    if config.char_ngrams:
        vectorisers.append(CharNgrams(config.char_ngrams, min_df=min_df, max_features=config.max_char_features))
    return vectorisers


def _fit_features(vectorisers: list[TfidfVectorizer | CharNgrams], texts: Sequence[str]) -> sparse.csr_matrix:
    texts = [normalise(text) for text in texts]
    blocks = [vectoriser.fit_transform(texts) for vectoriser in vectorisers]
    for vectoriser in vectorisers:
        if isinstance(vectoriser, TfidfVectorizer):
            vectoriser.stop_words_ = None  # the discarded n-grams: only needed for inspection, and often huge
    return sparse.hstack(blocks, format="csr", dtype=np.float32)


def _features(vectorisers: Sequence[TfidfVectorizer | CharNgrams], texts: Sequence[str]) -> sparse.csr_matrix:
    texts = [normalise(text) for text in texts]
    return sparse.hstack([vectoriser.transform(texts) for vectoriser in vectorisers], format="csr", dtype=np.float32)


def _svm(c: float, class_weight: str | None, random_state: int) -> LinearSVC:
    return LinearSVC(C=c, class_weight=class_weight, dual=True, max_iter=2000, random_state=random_state)


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -30.0, 30.0)))


def _softmax(values: np.ndarray) -> np.ndarray:
    shifted = values - values.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _weighted_f1(truth: np.ndarray, predicted: np.ndarray, weights: np.ndarray) -> float:
    tp = float(weights[truth & predicted].sum())
    fp = float(weights[~truth & predicted].sum())
    fn = float(weights[truth & ~predicted].sum())
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def _best_threshold(probabilities: np.ndarray, truth: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """The threshold that maximises F1 on out-of-fold probabilities, and that F1.

    Candidates are a fixed grid rather than every observed value: with few positives, the exact optimum sits on one
    example's probability and does not generalise; among equally good thresholds the middle one is taken.
    """
    grid = np.round(np.arange(0.05, 0.951, 0.025), 3)
    scores = np.array([_weighted_f1(truth, probabilities >= t, weights) for t in grid])
    best = scores.max()
    candidates = grid[np.isclose(scores, best)]
    return float(candidates[len(candidates) // 2]), float(best)


@dataclass(slots=True)
class _Calibration:
    """Maps decision values to probabilities: per-part logistic regression fitted on out-of-fold decision values."""

    coef: np.ndarray
    intercept: np.ndarray


@dataclass(slots=True)
class _SentimentPart:
    classes: tuple[str, ...]
    weights: np.ndarray          # (n_features, n_classes), float32
    bias: np.ndarray             # (n_classes,)
    calibration: _Calibration    # multinomial over the decision values, or a plain softmax when untuned
    raw_decision: bool = False


@dataclass(slots=True)
class _ThemePart:
    codes: tuple[str, ...]       # the themes that were learned, in the order of the weight columns
    weights: np.ndarray          # (n_features, n_themes), float32
    bias: np.ndarray             # (n_themes,)
    scale: np.ndarray            # Platt scaling per theme: p = sigmoid(scale * decision + offset)
    offset: np.ndarray
    thresholds: np.ndarray


@dataclass(slots=True)
class _State:
    vectorisers: list[TfidfVectorizer | CharNgrams]
    theme_codes: tuple[str, ...]
    sentiment: _SentimentPart | None
    themes: _ThemePart | None
    summary: dict[str, object] = field(default_factory=dict)


class VerbatimModel:
    """A trained sentiment and theme model; immutable once trained, stored with ``to_bytes``."""

    theme_codes: tuple[str, ...]
    summary: dict[str, object]

    def __init__(self, state: _State) -> None:
        self._state = state
        self.theme_codes = state.theme_codes
        self.summary = state.summary

    @property
    def has_sentiment(self) -> bool:
        return self._state.sentiment is not None

    @property
    def learned_themes(self) -> tuple[str, ...]:
        """The themes this model can predict (the taxonomy's themes with enough examples)."""
        return self._state.themes.codes if self._state.themes else ()

    # -- training -----------------------------------------------------------------------------------------------------

    @classmethod
    def train(cls, examples: Sequence[Example], *, theme_codes: Sequence[str] | None = None,
              random_state: int = 0, config: TrainingConfig | None = None) -> VerbatimModel:
        """Learn sentiment from the sentiment-labelled examples and themes from the theme-labelled ones.

        The two parts are trained on different subsets because labels arrive separately: a person may tag themes
        without judging sentiment, and weak sentiment labels from the score carry no themes at all.
        """
        config = config or TrainingConfig()
        started = time.perf_counter()
        examples = [example for example in examples if example.weight > 0 and example.text.strip()]
        for example in examples:
            if example.sentiment is not None and example.sentiment not in SENTIMENTS:
                raise TrainingError(f"Unknown sentiment {example.sentiment!r}; "
                                    f"expected one of {', '.join(SENTIMENTS)}.")
        sentiment_examples = [i for i, example in enumerate(examples) if example.sentiment is not None]
        theme_examples = [i for i, example in enumerate(examples) if example.themes is not None]
        if not sentiment_examples and not theme_examples:
            raise TrainingError("No labelled examples: none has a sentiment or a theme label (an empty theme list "
                                "counts as labelled).")

        sentiment_counts = Counter(examples[i].sentiment for i in sentiment_examples)
        found_themes = Counter(code for i in theme_examples for code in set(examples[i].themes or ()))
        codes = tuple(dict.fromkeys(theme_codes)) if theme_codes is not None else tuple(sorted(found_themes))
        unknown_themes = sorted(code for code in found_themes if code not in codes)
        n_theme_examples = len(theme_examples)
        learnable = [code for code in codes
                     if found_themes[code] >= MIN_THEME_EXAMPLES and found_themes[code] < n_theme_examples]
        not_learned = {code: ("no examples" if found_themes[code] == 0 else
                              f"only {found_themes[code]} example(s), {MIN_THEME_EXAMPLES} needed"
                              if found_themes[code] < MIN_THEME_EXAMPLES else "no example without this theme")
                       for code in codes if code not in learnable}
        train_sentiment = len(sentiment_counts) >= 2
        if not train_sentiment and not learnable:
            problems = []
            if not sentiment_examples:
                problems.append("no example has a sentiment label")
            else:
                problems.append(f"sentiment labels have a single class ({', '.join(sentiment_counts)}); two are needed")
            if not theme_examples:
                problems.append("no example has theme labels")
            else:
                problems.append(f"no theme has {MIN_THEME_EXAMPLES} or more examples")
            raise TrainingError("Nothing to learn: " + "; ".join(problems) + ".")

        used = sorted(set(sentiment_examples if train_sentiment else []) | set(theme_examples if learnable else []))
        texts = [examples[i].text for i in used]
        vectorisers = _vectorisers(config, len(texts))
        # liblinear works in float64 on sorted indices: convert once here rather than once per fitted SVM.
        features = _fit_features(vectorisers, texts).astype(np.float64)
        features.sort_indices()
        row_of = {index: row for row, index in enumerate(used)}
        rng = np.random.default_rng(random_state)

        summary: dict[str, object] = {
            "examples": len(examples),
            "features": int(features.shape[1]),
            "sentiment_examples": {label: sentiment_counts.get(label, 0) for label in SENTIMENTS},
            "theme_examples": {code: found_themes.get(code, 0) for code in codes},
            "theme_labelled_examples": n_theme_examples,
            "themes_not_learned": not_learned,
            "unknown_themes": {code: found_themes[code] for code in unknown_themes},
            "config": {key: list(value) if isinstance(value, tuple) else value
                       for key, value in asdict(config).items()},
        }
        sentiment_part = None
        if train_sentiment:
            rows = np.array([row_of[i] for i in sentiment_examples])
            labels = np.array([examples[i].sentiment for i in sentiment_examples])
            weights = np.array([examples[i].weight for i in sentiment_examples], dtype=np.float64)
            sentiment_part, summary["sentiment"] = _train_sentiment(features[rows], labels, weights, config, rng,
                                                                    random_state)
        else:
            summary["sentiment"] = None
        theme_part = None
        if learnable:
            rows = np.array([row_of[i] for i in theme_examples])
            truth = np.array([[code in (examples[i].themes or ()) for code in learnable] for i in theme_examples],
                             dtype=bool)
            weights = np.array([examples[i].weight for i in theme_examples], dtype=np.float64)
            theme_part, summary["themes"] = _train_themes(features[rows], truth, tuple(learnable), weights, config,
                                                          rng, random_state)
        else:
            summary["themes"] = None
        summary["train_seconds"] = round(time.perf_counter() - started, 3)
        return cls(_State(vectorisers=vectorisers, theme_codes=codes, sentiment=sentiment_part, themes=theme_part,
                          summary=summary))

    # -- prediction ---------------------------------------------------------------------------------------------------

    def predict(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> list[Prediction]:
        """Predict a batch; vectorising once per batch is what makes the model fast.

        ``languages`` is accepted for callers that know them, but the model is language-agnostic (its character
        n-grams recognise the language implicitly), so it does not change the predictions.
        """
        if languages is not None and len(languages) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(languages)} languages")
        if not texts:
            return []
        state = self._state
        features = _features(state.vectorisers, list(texts))
        sentiments: list[str | None] = [None] * len(texts)
        scores = np.zeros(len(texts))
        if state.sentiment is not None:
            part = state.sentiment
            decisions = features @ part.weights + part.bias
            probabilities = _sentiment_probabilities(part, decisions)
            best = (decisions if part.raw_decision else probabilities).argmax(axis=1)
            sentiments = [part.classes[i] for i in best]
            columns = {label: i for i, label in enumerate(part.classes)}
            if "positive" in columns:
                scores += probabilities[:, columns["positive"]]
            if "negative" in columns:
                scores -= probabilities[:, columns["negative"]]
        theme_lists: list[dict[str, float]] = [{} for _ in texts]
        fits = np.zeros(len(texts))
        if state.themes is not None:
            part = state.themes
            probabilities = _sigmoid((features @ part.weights + part.bias) * part.scale + part.offset)
            fits = _theme_fit(probabilities, part.thresholds).max(axis=1)
            for row, columns in zip(*np.nonzero(probabilities >= part.thresholds), strict=True):
                theme_lists[row][part.codes[columns]] = float(probabilities[row, columns])
            theme_lists = [dict(sorted(found.items(), key=lambda item: -item[1])) for found in theme_lists]
        return [Prediction(sentiment=sentiment, sentiment_score=float(np.clip(score, -1.0, 1.0)), themes=found,
                           theme_fit=float(fit))
                for sentiment, score, found, fit in zip(sentiments, scores, theme_lists, fits, strict=True)]

    # -- storage ------------------------------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """A compressed pickle; only ever load bytes this application wrote (pickle runs code on load)."""
        buffer = io.BytesIO()
        pickle.dump(self._state, buffer, protocol=pickle.HIGHEST_PROTOCOL)
        return _FORMAT + zlib.compress(buffer.getvalue(), 6)

    @classmethod
    def from_bytes(cls, data: bytes) -> VerbatimModel:
        if not data.startswith(_FORMAT):
            raise ValueError("Not a stored verbatim model (or one of an unknown format version).")
        state = pickle.loads(zlib.decompress(data[len(_FORMAT):]))  # only ever our own database column
        if not isinstance(state, _State):
            raise ValueError("Not a stored verbatim model.")
        return cls(state)


def _theme_fit(probabilities: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Probability rescaled so that each theme's own threshold maps to 0.5.

    Probabilities of different themes are not comparable (a rare theme's threshold may be 0.2, a common one's 0.6),
    so the raw maximum would call a text that clearly belongs to a rare theme a poor fit. After rescaling, a
    ``theme_fit`` of 0.5 or more means "at least one theme was predicted", and the further below 0.5, the further the
    text is from every theme: those are the texts worth clustering to find themes the taxonomy lacks.
    """
    below = 0.5 * probabilities / thresholds
    above = 0.5 + 0.5 * (probabilities - thresholds) / np.maximum(1.0 - thresholds, 1e-9)
    return np.clip(np.where(probabilities < thresholds, below, above), 0.0, 1.0)


def _sentiment_probabilities(part: _SentimentPart, decisions: np.ndarray) -> np.ndarray:
    return _softmax(decisions @ part.calibration.coef.T + part.calibration.intercept)


def _subsample(n: int, limit: int, rng: np.random.Generator) -> np.ndarray:
    return np.arange(n) if n <= limit else np.sort(rng.choice(n, size=limit, replace=False))


def _parallel(function, items: Sequence, threads: int) -> list:
    # liblinear releases the GIL, so threads use both cores without copying the feature matrix into processes.
    if threads <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(function, items))


def _train_sentiment(features: sparse.csr_matrix, labels: np.ndarray, weights: np.ndarray, config: TrainingConfig,
                     rng: np.random.Generator, random_state: int) -> tuple[_SentimentPart, dict[str, object]]:
    classes = tuple(label for label in SENTIMENTS if label in set(labels))
    y = np.array([classes.index(label) for label in labels])
    counts = np.bincount(y, minlength=len(classes))

    def fit(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        svm = _svm(config.sentiment_c, "balanced", random_state).fit(features[rows], y[rows],
                                                                     sample_weight=weights[rows])
        coef = svm.coef_.T if len(classes) > 2 else np.hstack([-svm.coef_.T, svm.coef_.T]) / 2
        bias = svm.intercept_ if len(classes) > 2 else np.array([-svm.intercept_[0], svm.intercept_[0]]) / 2
        return coef.astype(np.float32), bias.astype(np.float32)

    summary: dict[str, object] = {"classes": list(classes)}
    calibration = _Calibration(coef=np.eye(len(classes)) * 2.0, intercept=np.zeros(len(classes)))
    sample = _subsample(len(y), config.max_cv_examples, rng)
    folds = min(config.folds, int(np.bincount(y[sample], minlength=len(classes)).min()))
    jobs: list[tuple[np.ndarray, np.ndarray | None]] = [(np.arange(len(y)), None)]
    if folds >= 2:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
        jobs += [(sample[train], sample[test]) for train, test in splitter.split(sample, y[sample])]
    results = _parallel(lambda job: fit(job[0]), jobs, config.threads)
    coef, bias = results[0]
    if folds >= 2:
        decisions = np.zeros((len(y), len(classes)))
        for (_, test), (fold_coef, fold_bias) in zip(jobs[1:], results[1:], strict=True):
            decisions[test] = features[test] @ fold_coef + fold_bias
        calibrator = LogisticRegression(C=1.0, class_weight=config.sentiment_calibration_weight, max_iter=1000)
        calibrator.fit(decisions[sample], y[sample], sample_weight=weights[sample])
        if len(classes) == 2:  # a binary LR has one column: spread it over the two classes' logits
            calibration = _Calibration(coef=np.vstack([-calibrator.coef_, calibrator.coef_]) / 2,
                                       intercept=np.array([-calibrator.intercept_[0], calibrator.intercept_[0]]) / 2)
        else:
            calibration = _Calibration(coef=calibrator.coef_, intercept=calibrator.intercept_)
        predicted = _softmax(decisions[sample] @ calibration.coef.T + calibration.intercept).argmax(axis=1)
        if config.sentiment_raw_decision:
            predicted = decisions[sample].argmax(axis=1)
        truth = y[sample]
        per_class = {}
        for index, label in enumerate(classes):
            f1 = _weighted_f1(truth == index, predicted == index, weights[sample])
            per_class[label] = round(f1, 4)
        summary["cross_validated"] = {
            "folds": folds, "examples": len(sample),
            "accuracy": round(float(np.average(predicted == truth, weights=weights[sample])), 4),
            "macro_f1": round(float(np.mean(list(per_class.values()))), 4), "f1": per_class}
    else:
        summary["cross_validated"] = None
    summary["examples"] = {label: int(count) for label, count in zip(classes, counts, strict=True)}
    return _SentimentPart(classes=classes, weights=coef, bias=bias, calibration=calibration,
                          raw_decision=config.sentiment_raw_decision), summary


def _train_themes(features: sparse.csr_matrix, truth: np.ndarray, codes: tuple[str, ...], weights: np.ndarray,
                  config: TrainingConfig, rng: np.random.Generator, random_state: int,
                  ) -> tuple[_ThemePart, dict[str, object]]:
    n, n_themes = truth.shape
    sample = _subsample(n, config.max_cv_examples, rng)
    positives_in_sample = truth[sample].sum(axis=0)
    folds = min(config.folds, len(sample) // 2)
    splits: list[tuple[np.ndarray, np.ndarray]] = []
    if folds >= 2:
        # Stratify on the rarest theme of each example so that every fold sees some of every theme.
        rarity = np.where(truth[sample], positives_in_sample, np.iinfo(np.int64).max)
        key = np.where(truth[sample].any(axis=1), rarity.argmin(axis=1), -1)
        key_counts = Counter(key.tolist())
        key = np.array([k if key_counts[k] >= folds else -2 for k in key])
        if min(Counter(key.tolist()).values()) >= folds:
            splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
            splits = [(sample[a], sample[b]) for a, b in splitter.split(sample, key)]
        else:
            splitter = KFold(n_splits=folds, shuffle=True, random_state=random_state)
            splits = [(sample[a], sample[b]) for a, b in splitter.split(sample)]

    def fit(job: tuple[int, np.ndarray]) -> tuple[np.ndarray, float] | None:
        theme, rows = job
        target = truth[rows, theme]
        if target.all() or not target.any():
            return None
        class_weight: dict[bool, float] | str | None = config.theme_class_weight
        if class_weight == "sqrt":
            # Half-way (geometrically) between no reweighting and "balanced".
            class_weight = {True: math.sqrt((len(target) - target.sum()) / target.sum()), False: 1.0}
        svm = _svm(config.theme_c, class_weight, random_state)
        svm.fit(features[rows], target, sample_weight=weights[rows])
        return svm.coef_[0].astype(np.float32), float(svm.intercept_[0])

    everything = np.arange(n)
    jobs = [(theme, everything) for theme in range(n_themes)]
    jobs += [(theme, train) for train, _ in splits for theme in range(n_themes)]
    results = _parallel(fit, jobs, config.threads)
    coef = np.column_stack([result[0] for result in results[:n_themes]]).astype(np.float32)
    bias = np.array([result[1] for result in results[:n_themes]], dtype=np.float32)

    scale = np.full(n_themes, 2.0)
    offset = np.zeros(n_themes)
    thresholds = np.full(n_themes, 0.5)
    summary: dict[str, object] = {"learned": list(codes)}
    if splits:
        decisions = np.full((n, n_themes), -1.0)
        for fold, (_, test) in enumerate(splits):
            for theme in range(n_themes):
                result = results[n_themes * (fold + 1) + theme]
                if result is not None:
                    decisions[test, theme] = features[test] @ result[0] + result[1]
        per_theme: dict[str, dict[str, float]] = {}
        predicted = np.zeros((len(sample), n_themes), dtype=bool)
        for theme, code in enumerate(codes):
            target = truth[sample, theme]
            calibrator = LogisticRegression(C=1.0, max_iter=1000)
            calibrator.fit(decisions[sample, theme].reshape(-1, 1), target, sample_weight=weights[sample])
            scale[theme], offset[theme] = float(calibrator.coef_[0, 0]), float(calibrator.intercept_[0])
            if scale[theme] <= 0:  # out-of-fold scores carry no signal: fall back to the SVM's own margin
                scale[theme], offset[theme] = 2.0, 0.0
            probabilities = _sigmoid(decisions[sample, theme] * scale[theme] + offset[theme])
            thresholds[theme], f1 = _best_threshold(probabilities, target, weights[sample])
            if f1 < config.min_theme_f1:
                # Too weak to tune: a low threshold would only spray false positives; keep "more likely than not".
                thresholds[theme] = 0.5
                f1 = _weighted_f1(target, probabilities >= 0.5, weights[sample])
            predicted[:, theme] = probabilities >= thresholds[theme]
            per_theme[code] = {"threshold": round(float(thresholds[theme]), 4), "f1": round(f1, 4)}
        tp = float((predicted & truth[sample]).sum())
        fp = float((predicted & ~truth[sample]).sum())
        fn = float((~predicted & truth[sample]).sum())
        summary["cross_validated"] = {
            "folds": folds, "examples": len(sample), "note": "F1 at thresholds tuned on the same folds (optimistic)",
            "micro_f1": round(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn), 4),
            "macro_f1": round(float(np.mean([value["f1"] for value in per_theme.values()])), 4),
            "per_theme": per_theme}
    else:
        summary["cross_validated"] = None
    summary["thresholds"] = {code: round(float(t), 4) for code, t in zip(codes, thresholds, strict=True)}
    part = _ThemePart(codes=codes, weights=coef, bias=bias, scale=scale, offset=offset, thresholds=thresholds)
    if not all(math.isfinite(value) for value in (*scale, *offset)):
        raise TrainingError("Theme calibration failed (non-finite values); check the example weights.")
    return part, summary
