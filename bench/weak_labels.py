"""Does learning from the brand's own scores help? Sentiment trained with and without scores as weak labels.

Every verbatim arrives with its 0-10 score: a free, noisy label for the tone of the words (a 6 can come with a
polite sentence, a 10 with a complaint about the coffee). This bench trains the product's classifier on

- the shipped seed examples only (what a brand starts with),
- the seed plus score-labelled verbatims (what ``services.training_set`` does, at ``SCORE_WEIGHT``),
- the seed plus score-labelled verbatims at full weight,
- score-labelled verbatims only,

and scores each against the text's own tone. The verbatims are the demo generator's (synthetic, but each carries the
truth about its tone and themes, independent of its score), in English, German and French. The seed file was written
separately from the demo's phrase banks, so the seed-only row measures transfer to unseen wording. Also printed: the
score itself used as the sentiment prediction, the ceiling of "just read the score".

    .venv/bin/python bench/weak_labels.py [--train 12000] [--test 3000]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insidetrack.settings")

import django

django.setup()

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from sklearn.metrics import accuracy_score, f1_score  # noqa: E402
from sklearn.preprocessing import MultiLabelBinarizer  # noqa: E402

from insidetrack.demo.generator.scores import ScoreModel  # noqa: E402
from insidetrack.demo.phrases import LANGUAGES, compose_verbatim  # noqa: E402
from insidetrack.demo.phrases.base import TOUCHPOINT_THEMES  # noqa: E402
from insidetrack.verbatims.nlp.classifier import Example, VerbatimModel  # noqa: E402
from insidetrack.verbatims.services import SCORE_WEIGHT, seed_examples, sentiment_from_score  # noqa: E402

SURVEYED = [tp for tp in TOUCHPOINT_THEMES if tp != "enquiry"]


def _verbatims(count: int, seed: int) -> list[tuple[str, str, int, str, tuple[str, ...]]]:
    """(text, language, score, true tone, true themes), skipping blank answers."""
    rng = random.Random(seed)
    scores = ScoreModel()
    rows = []
    while len(rows) < count:
        touchpoint = rng.choice(SURVEYED)
        score = scores.draw(rng, touchpoint, rng.uniform(-1.0, 1.0))
        language = rng.choice(LANGUAGES)
        verbatim = compose_verbatim(rng, touchpoint=touchpoint, score=score, language=language)
        if verbatim.text and verbatim.sentiment in ("negative", "neutral", "positive"):
            rows.append((verbatim.text, language, score, verbatim.sentiment, verbatim.themes))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=12_000, help="score-labelled verbatims to learn from")
    parser.add_argument("--test", type=int, default=3_000, help="verbatims to score against their true tone")
    args = parser.parse_args()
    console = Console()
    console.print(f"{date.today()} · {platform.processor() or platform.machine()} · {os.cpu_count()} cores")

    train_rows = _verbatims(args.train, seed=1)
    test_rows = _verbatims(args.test, seed=2)
    seed = seed_examples()
    theme_codes = sorted({code for example in seed for code in (example.themes or ())})

    def weak(weight: float) -> list[Example]:
        return [Example(text=text, language=language, sentiment=sentiment_from_score(score), themes=None,
                        weight=weight) for text, language, score, _tone, _themes in train_rows]

    configs = {
        "seed only (cold start)": seed,
        f"seed + scores at weight {SCORE_WEIGHT} (the product)": [*seed, *weak(SCORE_WEIGHT)],
        "seed + scores at weight 1.0": [*seed, *weak(1.0)],
        "scores only": weak(1.0),
    }
    truth = [tone for _text, _language, _score, tone, _themes in test_rows]
    texts = [text for text, *_ in test_rows]
    languages = [language for _text, language, *_ in test_rows]
    binarizer = MultiLabelBinarizer(classes=theme_codes)
    true_themes = binarizer.fit_transform([themes for *_, themes in test_rows])

    table = Table(title=f"Sentiment of the words: {len(test_rows):,} demo verbatims (en/de/fr) against their true tone")
    for column in ("trained on", "examples", "train s", "accuracy", "macro-F1", "theme macro-F1"):
        table.add_column(column, justify="left" if column == "trained on" else "right")
    score_guess = [sentiment_from_score(score) for _text, _language, score, _tone, _themes in test_rows]
    table.add_row("(the score itself, no text)", "-", "-", f"{accuracy_score(truth, score_guess):.3f}",
                  f"{f1_score(truth, score_guess, average='macro'):.3f}", "-")
    for name, examples in configs.items():
        started = time.perf_counter()
        model = VerbatimModel.train(examples, theme_codes=theme_codes if name != "scores only" else None)
        seconds = time.perf_counter() - started
        predictions = model.predict(texts, languages)
        predicted = [p.sentiment or "neutral" for p in predictions]
        theme_f1 = "-"
        if model.theme_codes:
            found = binarizer.transform([tuple(p.themes) for p in predictions])
            theme_f1 = f"{f1_score(true_themes, found, average='macro', zero_division=0):.3f}"
        table.add_row(name, f"{len(examples):,}", f"{seconds:.1f}", f"{accuracy_score(truth, predicted):.3f}",
                      f"{f1_score(truth, predicted, average='macro'):.3f}", theme_f1)
    console.print(table)


if __name__ == "__main__":
    main()
