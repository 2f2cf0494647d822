"""Benchmark: the verbatim pipeline against two plain baselines on public, human-labelled development data.

Usage::

    .venv/bin/python bench/verbatims.py                       # data from ../shared/data (else /work/shared/data)
    .venv/bin/python bench/verbatims.py --data-dir DIR --json results.json
    .venv/bin/python bench/verbatims.py --skip-scale          # without the 50,000-text training-time run

For each data set (``airline_en``: English tweets to airlines, ``germeval_de``: German Deutsche Bahn feedback, and
both together, ``combined``) it runs ``insidetrack.verbatims.nlp.evaluation.evaluate`` (the engine of ``insidetrack
verbatims evaluate``: train on the train file, tune by cross-validation inside it, analyse the test file with the full
``analyse_texts`` pipeline, language detection and flags included) and, in the same run, two baselines:

* sentiment: VADER alone (``vaderSentiment`` compound score; positive from 0.05, negative from -0.05, else neutral);
* themes: TF-IDF word 1-2-grams (sublinear tf) with one-vs-rest logistic regression at default C, threshold 0.5.

Nothing is tuned on the test files. The acceptance targets (issue 6) are checked at the end: the pipeline beats both
baselines on macro-F1 on every data set, and analyses at least 500 verbatims per second. Finally, unless
``--skip-scale``, it times training on 50,000 short texts (word-dropout variants of the train texts: timing only).

The data are non-commercial research sets: they are read to measure, never shipped or used for shipped models.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATASETS = ("airline_en", "germeval_de")
MIN_TEXTS_PER_SECOND = 500.0
SCALE_TEXTS = 50_000


def _data_dir(argument: str | None) -> Path:
    candidates = [Path(argument)] if argument else [ROOT.parent / "shared" / "data", Path("/work/shared/data")]
    for candidate in candidates:
        if all((candidate / f"{name}_{part}.csv").is_file() for name in DATASETS for part in ("train", "test")):
            return candidate
    raise SystemExit(f"No development data in {' or '.join(map(str, candidates))} "
                     f"(expected {DATASETS[0]}_train.csv and the others)")


def vader_sentiment(texts: list[str]) -> tuple[list[str], float]:
    """The lexicon baseline: VADER's compound score with its documented thresholds; returns labels and texts/s."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyser = SentimentIntensityAnalyzer()
    started = time.perf_counter()
    labels = []
    for text in texts:
        compound = analyser.polarity_scores(text)["compound"]
        labels.append("positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral")
    return labels, len(texts) / (time.perf_counter() - started)


def tfidf_lr_themes(train_texts: list[str], train_themes: list[tuple[str, ...]], test_texts: list[str],
                    codes: list[str]) -> tuple[np.ndarray, float, float]:
    """The plain supervised baseline; returns the predicted indicator matrix, train seconds and texts/s."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    index = {code: k for k, code in enumerate(codes)}
    targets = np.zeros((len(train_texts), len(codes)), dtype=int)
    for row, themes in enumerate(train_themes):
        for code in themes:
            targets[row, index[code]] = 1
    started = time.perf_counter()
    vectoriser = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    classifier = OneVsRestClassifier(LogisticRegression()).fit(vectoriser.fit_transform(train_texts), targets)
    train_seconds = time.perf_counter() - started
    started = time.perf_counter()
    predicted = (classifier.predict_proba(vectoriser.transform(test_texts)) >= 0.5).astype(int)
    return predicted, train_seconds, len(test_texts) / (time.perf_counter() - started)


def run_dataset(name: str, train: list, test: list) -> dict[str, object]:
    from sklearn.metrics import accuracy_score, f1_score

    from insidetrack.verbatims.nlp.evaluation import evaluate

    report = evaluate(train, test)
    # Baselines, scored on exactly the rows and label set the evaluation used.
    sentiment_rows = [e for e in test if e.sentiment is not None]
    vader_labels, vader_speed = vader_sentiment([e.text for e in sentiment_rows])
    truth = [e.sentiment for e in sentiment_rows]
    codes = sorted({code for e in train for code in e.themes or ()})
    theme_train = [e for e in train if e.themes is not None]
    theme_test = [e for e in test if e.themes is not None]
    predicted, lr_train_seconds, lr_speed = tfidf_lr_themes([e.text for e in theme_train],
                                                            [e.themes for e in theme_train],
                                                            [e.text for e in theme_test], codes)
    index = {code: k for k, code in enumerate(codes)}
    expected = np.zeros_like(predicted)
    for row, example in enumerate(theme_test):
        for code in example.themes:
            if code in index:
                expected[row, index[code]] = 1
    baselines = {
        "vader": {"accuracy": round(accuracy_score(truth, vader_labels), 4),
                  "macro_f1": round(f1_score(truth, vader_labels, average="macro", zero_division=0), 4),
                  "texts_per_second": round(vader_speed, 1)},
        "tfidf_lr": {"micro_f1": round(f1_score(expected, predicted, average="micro", zero_division=0), 4),
                     "macro_f1": round(f1_score(expected, predicted, average="macro", zero_division=0), 4),
                     "train_seconds": round(lr_train_seconds, 2), "texts_per_second": round(lr_speed, 1)},
    }
    return {"dataset": name, "pipeline": report, "baselines": baselines}


def scale_run(examples: list, size: int) -> dict[str, object]:
    """Training time on ``size`` short texts: the product retrains on tens of thousands of verbatims."""
    from insidetrack.verbatims.nlp.classifier import Example, VerbatimModel

    rng = np.random.default_rng(0)
    pool = [e for e in examples if len(e.text) <= 300]
    texts = []
    while len(texts) < size:
        for example in pool:
            words = example.text.split()
            kept = [word for word in words if rng.random() > 0.15] or words
            texts.append(Example(" ".join(kept), example.language, example.sentiment, example.themes))
    texts = texts[:size]
    started = time.perf_counter()
    model = VerbatimModel.train(texts)
    seconds = time.perf_counter() - started
    return {"texts": size, "train_seconds": round(seconds, 1), "model_bytes": len(model.to_bytes()),
            "features": model.summary["features"], "themes": len(model.learned_themes)}


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x" if baseline else "-"


def print_results(console, results: list[dict], scale: dict | None) -> list[str]:
    from rich.table import Table

    failures = []
    table = Table(title="Verbatim pipeline vs baselines (test files; tuned only on train)", show_lines=True)
    for column in ("data set", "measure", "pipeline", "baseline", "baseline is", "Δ / ratio"):
        table.add_column(column, justify="left" if column in ("data set", "measure", "baseline is") else "right")
    for result in results:
        name, report, base = result["dataset"], result["pipeline"], result["baselines"]
        sentiment, themes = report["sentiment"], report["themes"]
        rows = [
            ("sentiment accuracy", sentiment["accuracy"], base["vader"]["accuracy"], "VADER"),
            ("sentiment macro-F1", sentiment["macro_f1"], base["vader"]["macro_f1"], "VADER"),
            ("themes micro-F1", themes["micro_f1"], base["tfidf_lr"]["micro_f1"], "TF-IDF+LR"),
            ("themes macro-F1", themes["macro_f1"], base["tfidf_lr"]["macro_f1"], "TF-IDF+LR"),
        ]
        label = f"{name}\ntrain {report['train']['rows']:,} / test {report['test']['rows']:,}\n" \
                f"{themes['labels']} themes"
        for k, (measure, ours, theirs, who) in enumerate(rows):
            table.add_row(label if k == 0 else "", measure, f"{ours:.4f}", f"{theirs:.4f}", who,
                          f"{ours - theirs:+.4f}")
            if measure.endswith("macro-F1") and not ours > theirs:
                failures.append(f"{name}: {measure} {ours:.4f} does not beat {who} {theirs:.4f}")
        speed = report["texts_per_second"]
        table.add_row("", "texts/s (full pipeline)", f"{speed:,.0f}", f"{base['vader']['texts_per_second']:,.0f}",
                      "VADER", _ratio(speed, base["vader"]["texts_per_second"]))
        table.add_row("", "texts/s", "", f"{base['tfidf_lr']['texts_per_second']:,.0f}", "TF-IDF+LR",
                      _ratio(speed, base["tfidf_lr"]["texts_per_second"]))
        table.add_row("", "train seconds", f"{report['train_seconds']:.1f}", f"{base['tfidf_lr']['train_seconds']:.1f}",
                      "TF-IDF+LR", _ratio(report["train_seconds"], base["tfidf_lr"]["train_seconds"]))
        if speed < MIN_TEXTS_PER_SECOND:
            failures.append(f"{name}: {speed:,.0f} texts/s is below {MIN_TEXTS_PER_SECOND:,.0f}")
    console.print(table)
    if scale:
        console.print(f"Training on {scale['texts']:,} short texts: {scale['train_seconds']:.1f} s "
                      f"({scale['features']:,} features, {scale['themes']} themes, stored model "
                      f"{scale['model_bytes'] / 1e6:.1f} MB); target < 60 s")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", help="folder with the *_train.csv/*_test.csv files (default ../shared/data)")
    parser.add_argument("--skip-scale", action="store_true", help="skip the 50,000-text training-time run")
    parser.add_argument("--no-combined", action="store_true", help="skip the en+de combined run")
    parser.add_argument("--json", help="also write the full results to this file")
    args = parser.parse_args()

    import sklearn
    from rich.console import Console

    from insidetrack.verbatims.nlp.evaluation import read_labelled_csv

    console = Console(highlight=False)
    data_dir = _data_dir(args.data_dir)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    console.print(f"[bold]Verbatim benchmark[/bold] {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · "
                  f"{cores} cores · Python {platform.python_version()} · scikit-learn {sklearn.__version__} · "
                  f"load average {' '.join(f'{x:.1f}' for x in load) if load else 'n/a'} · data {data_dir}")

    data = {name: (read_labelled_csv(data_dir / f"{name}_train.csv"), read_labelled_csv(data_dir / f"{name}_test.csv"))
            for name in DATASETS}
    runs = [(name, *data[name]) for name in DATASETS]
    if not args.no_combined:
        runs.append(("combined en+de", [e for name in DATASETS for e in data[name][0]],
                     [e for name in DATASETS for e in data[name][1]]))
    results = []
    for name, train, test in runs:
        with console.status(f"{name}: training and evaluating…"):
            results.append(run_dataset(name, train, test))
    scale = None
    if not args.skip_scale:
        with console.status(f"Training on {SCALE_TEXTS:,} texts…"):
            scale = scale_run([e for name in DATASETS for e in data[name][0]], SCALE_TEXTS)
    failures = print_results(console, results, scale)
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "scale": scale}, indent=2, ensure_ascii=False))
    if failures:
        console.print("[bold red]Targets missed:[/bold red]\n  " + "\n  ".join(failures))
        raise SystemExit(1)
    console.print(f"[bold green]Targets met:[/bold green] the pipeline beats VADER (sentiment) and TF-IDF+LR (themes) "
                  f"on macro-F1 on every data set, at ≥ {MIN_TEXTS_PER_SECOND:,.0f} texts/s.")


if __name__ == "__main__":
    main()
