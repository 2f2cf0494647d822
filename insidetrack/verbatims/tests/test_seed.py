"""The shipped cold-start examples: what every brand's first model learns from before anyone labels anything."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from insidetrack.journeys.defaults import THEMES

SEED = Path(__file__).resolve().parents[1] / "seed" / "examples.csv"
LANGUAGES = ("en", "de", "fr")
SENTIMENTS = ("negative", "neutral", "positive")
THEME_CODES = tuple(str(theme["code"]) for theme in THEMES)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with SEED.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["text", "language", "sentiment", "themes"]
        return list(reader)


def _themes(row: dict[str, str]) -> list[str]:
    return [code for code in row["themes"].split("|") if code]


def test_enough_examples(rows):
    assert len(rows) >= 800


def test_languages_and_sentiments_are_valid(rows):
    assert {row["language"] for row in rows} == set(LANGUAGES)
    assert {row["sentiment"] for row in rows} == set(SENTIMENTS)


def test_theme_codes_are_the_default_taxonomy(rows):
    assert len(THEME_CODES) == 14
    for row in rows:
        themes = _themes(row)
        assert set(themes) <= set(THEME_CODES), row
        assert len(themes) == len(set(themes)), row
        assert row["themes"] == "|".join(themes), row  # no stray separators or spaces


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_theme_has_enough_examples_in_every_language(rows, language):
    counts = Counter(code for row in rows if row["language"] == language for code in _themes(row))
    assert {code: counts[code] for code in THEME_CODES if counts[code] < 18} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_theme_is_seen_in_every_tone(rows, language):
    seen = {(code, row["sentiment"]) for row in rows if row["language"] == language for code in _themes(row)}
    assert [(code, tone) for code in THEME_CODES for tone in SENTIMENTS if (code, tone) not in seen] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_all_sentiments_roughly_balanced(rows, language):
    counts = Counter(row["sentiment"] for row in rows if row["language"] == language)
    total = sum(counts.values())
    assert set(counts) == set(SENTIMENTS)
    assert all(counts[tone] >= total / 5 for tone in SENTIMENTS), counts


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_texts_about_no_theme(rows, language):
    assert sum(1 for row in rows if row["language"] == language and not _themes(row)) >= 20


def test_no_duplicate_texts(rows):
    counts = Counter(row["text"].strip().casefold() for row in rows)
    assert [text for text, count in counts.items() if count > 1] == []


def test_texts_are_clean_and_short_like_phone_answers(rows):
    for row in rows:
        text = row["text"]
        assert text == text.strip() and text, row
        assert "\n" not in text and "\t" not in text, row
        assert len(text.split()) <= 40, row
    themed = [len(row["text"].split()) for row in rows if _themes(row)]
    assert min(themed) >= 3
    assert max(themed) >= 25  # some long answers too
