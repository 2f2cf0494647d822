"""Measure the verbatim pipeline on a labelled train/test pair: the engine of ``insidetrack verbatims evaluate``.

A head office that doubts the themes, or a developer changing the model, needs one number they can reproduce on
their own labelled data, so the input is a plain CSV anyone can export from a spreadsheet, and every problem in it is
reported with the file, the row (as a spreadsheet numbers it: the header is row 1) and the column.

The model is trained on the train file only and its thresholds are tuned by cross-validation inside it; the test file
is read once, by the same ``analyse_texts`` the product runs, so the reported speed is that of the real pipeline.
"""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from .classifier import SENTIMENTS, Example, TrainingError, VerbatimModel
from .language import SUPPORTED_LANGUAGES, detect_languages
from .pipeline import analyse_texts

COLUMNS = ("text", "language", "sentiment", "themes")


class EvaluationInputError(ValueError):
    """The input cannot be evaluated; the message names the file, and the row and column where relevant."""


def read_labelled_csv(path: str | Path) -> list[Example]:
    """Read ``text,language,sentiment,themes`` rows (only ``text`` required; themes separated by ``|``).

    A missing ``sentiment`` or ``themes`` column means "not labelled for that"; an empty ``themes`` cell in a file
    with the column means "about no theme", and an empty ``sentiment`` cell leaves that row out of the sentiment
    scores. An empty ``language`` cell is detected.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EvaluationInputError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise EvaluationInputError(f"{path}: is a directory, not a CSV file") from None
    except OSError as exc:
        raise EvaluationInputError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise EvaluationInputError(f"{path}: not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} on line {line}); "
                                   "save the file as CSV UTF-8") from None
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        rows = [(number, row) for number, row in enumerate(reader, start=1) if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise EvaluationInputError(f"{path}, line {reader.line_num}: not valid CSV ({exc})") from None
    if not rows:
        raise EvaluationInputError(f"{path}: the file is empty; expected a header row with at least a 'text' column")
    header = [cell.strip().lower() for cell in rows[0][1]]
    if "text" not in header:
        raise EvaluationInputError(f"{path}: no 'text' column in the header row (found: {', '.join(header)}); "
                                   f"expected columns {', '.join(COLUMNS)}")
    if "sentiment" not in header and "themes" not in header:
        raise EvaluationInputError(f"{path}: neither a 'sentiment' nor a 'themes' column, so nothing to evaluate; "
                                   f"expected columns {', '.join(COLUMNS)}")
    if len(rows) == 1:
        raise EvaluationInputError(f"{path}: only a header row, no data rows")
    column = {name: header.index(name) for name in COLUMNS if name in header}
    examples = []
    for number, row in rows[1:]:
        if len(row) != len(header):
            raise EvaluationInputError(f"{path}, row {number}: {len(row)} fields but the header has {len(header)}")
        text = row[column["text"]]
        if not text.strip():
            raise EvaluationInputError(f"{path}, row {number}, column 'text': the text is empty")
        language = row[column["language"]].strip().lower() if "language" in column else ""
        if language and language not in SUPPORTED_LANGUAGES:
            raise EvaluationInputError(
                f"{path}, row {number}, column 'language': unknown language {row[column['language']]!r}; "
                f"supported: {', '.join(SUPPORTED_LANGUAGES)} (or empty to detect it)")
        sentiment = row[column["sentiment"]].strip().lower() if "sentiment" in column else ""
        if sentiment and sentiment not in SENTIMENTS:
            raise EvaluationInputError(
                f"{path}, row {number}, column 'sentiment': invalid sentiment {row[column['sentiment']]!r}; "
                f"allowed: {', '.join(SENTIMENTS)} (or empty for not labelled)")
        themes = None
        if "themes" in column:
            themes = tuple(dict.fromkeys(code.strip() for code in row[column["themes"]].split("|") if code.strip()))
        examples.append(Example(text=text, language=language or None, sentiment=sentiment or None, themes=themes))
    return examples


def evaluate(train: Sequence[Example], test: Sequence[Example]) -> dict[str, object]:
    """Train on ``train``, analyse ``test`` with the full pipeline, and score it: the JSON report.

    Theme scores are over the themes found in the train file (a test theme the model never saw cannot be predicted
    and is counted in ``test_labels_not_in_train``); macro-F1 weighs every such theme equally, so rare themes count.
    """
    if not train:
        raise EvaluationInputError("The train file has no rows.")
    if not test:
        raise EvaluationInputError("The test file has no rows.")
    train_kinds = _label_kinds(train)
    test_kinds = _label_kinds(test)
    for kind in ("sentiment", "themes"):
        if kind in test_kinds and kind not in train_kinds:
            raise EvaluationInputError(f"The test file has {kind} labels but the train file has none: a model cannot "
                                       f"be evaluated on labels it was not trained on.")
    if not test_kinds:
        raise EvaluationInputError("The test file has no sentiment or theme labels: nothing to evaluate.")
    train_sentiments = {example.sentiment for example in train if example.sentiment is not None}
    if "sentiment" in test_kinds and len(train_sentiments) < 2:
        raise EvaluationInputError(f"The train file's sentiment labels have a single class "
                                   f"({', '.join(sorted(train_sentiments))}); at least two are needed.")

    train_languages = _languages(train)
    train = [Example(text=e.text, language=language, sentiment=e.sentiment, themes=e.themes, weight=e.weight)
             for e, language in zip(train, train_languages, strict=True)]
    started = time.perf_counter()
    try:
        model = VerbatimModel.train(train)
    except TrainingError as exc:
        raise EvaluationInputError(f"The train file cannot train a model: {exc}") from None
    train_seconds = time.perf_counter() - started

    texts = [example.text for example in test]
    hints = [example.language for example in test]
    analyse_texts(model, texts[:20], hints[:20])  # loads the language model once, as a running service has
    started = time.perf_counter()
    analyses = analyse_texts(model, texts, hints)
    analyse_seconds = time.perf_counter() - started

    report: dict[str, object] = {
        "train": {"rows": len(train), "languages": dict(Counter(train_languages).most_common())},
        "test": {"rows": len(test), "languages": dict(Counter(a.language for a in analyses).most_common())},
        "sentiment": _sentiment_report(test, analyses) if "sentiment" in test_kinds else None,
        "themes": _themes_report(train, test, analyses, model) if "themes" in test_kinds else None,
        "texts_per_second": len(texts) / analyse_seconds if analyse_seconds > 0 else None,
        "train_seconds": train_seconds,
    }
    return _rounded(report)


def _label_kinds(examples: Sequence[Example]) -> set[str]:
    kinds = set()
    if any(example.sentiment is not None for example in examples):
        kinds.add("sentiment")
    if any(example.themes is not None for example in examples):
        kinds.add("themes")
    return kinds


def _languages(examples: Sequence[Example]) -> list[str]:
    missing = [i for i, example in enumerate(examples) if not example.language]
    languages = [example.language or "" for example in examples]
    for i, language in zip(missing, detect_languages([examples[i].text for i in missing]), strict=True):
        languages[i] = language
    return languages


def _sentiment_report(test: Sequence[Example], analyses: Sequence) -> dict[str, object]:
    rows = [i for i, example in enumerate(test) if example.sentiment is not None]
    truth = [test[i].sentiment for i in rows]
    predicted = [analyses[i].sentiment or "none" for i in rows]
    labels = [label for label in SENTIMENTS if label in set(truth) | set(predicted)]
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=labels,
                                                                     zero_division=0)
    return {
        "rows": len(rows),
        "accuracy": accuracy_score(truth, predicted),
        "macro_f1": f1_score(truth, predicted, labels=labels, average="macro", zero_division=0),
        "per_class": {label: {"precision": float(precision[k]), "recall": float(recall[k]), "f1": float(f1[k]),
                              "support": int(support[k])} for k, label in enumerate(labels)},
    }


def _themes_report(train: Sequence[Example], test: Sequence[Example], analyses: Sequence,
                   model: VerbatimModel) -> dict[str, object]:
    codes = sorted({code for example in train for code in example.themes or ()})
    rows = [i for i, example in enumerate(test) if example.themes is not None]
    index = {code: k for k, code in enumerate(codes)}
    truth = np.zeros((len(rows), len(codes)), dtype=int)
    predicted = np.zeros((len(rows), len(codes)), dtype=int)
    unseen: Counter[str] = Counter()
    for r, i in enumerate(rows):
        for code in test[i].themes or ():
            if code in index:
                truth[r, index[code]] = 1
            else:
                unseen[code] += 1
        for code in analyses[i].themes:
            if code in index:
                predicted[r, index[code]] = 1
    if not codes:
        return {"rows": len(rows), "labels": 0, "micro_f1": 0.0, "macro_f1": 0.0, "per_theme": {},
                "test_labels_not_in_train": dict(unseen), "not_learned": {}}
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, zero_division=0)
    return {
        "rows": len(rows),
        "labels": len(codes),
        "micro_f1": f1_score(truth, predicted, average="micro", zero_division=0),
        "macro_f1": f1_score(truth, predicted, average="macro", zero_division=0),
        "per_theme": {code: {"precision": float(precision[k]), "recall": float(recall[k]), "f1": float(f1[k]),
                             "support": int(support[k])} for k, code in enumerate(codes)},
        "test_labels_not_in_train": dict(unseen.most_common()),
        "not_learned": model.summary.get("themes_not_learned", {}),
    }


def _rounded(value: object) -> object:
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    if isinstance(value, float | np.floating):
        return round(float(value), 4)
    if isinstance(value, np.integer):
        return int(value)
    return value
