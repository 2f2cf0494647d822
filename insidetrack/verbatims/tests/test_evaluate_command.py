"""``insidetrack verbatims evaluate``: a report anyone can reproduce on their own files, and clear errors otherwise."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

SEED = Path(__file__).resolve().parents[1] / "seed" / "examples.csv"


def _seed_rows() -> list[dict[str, str]]:
    with SEED.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _evaluate(train: Path, test: Path) -> dict:
    out = io.StringIO()
    call_command("verbatims", "evaluate", "--train", str(train), "--test", str(test), stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def split(tmp_path):
    rows = _seed_rows()
    train = [row for i, row in enumerate(rows) if i % 5]
    test = [row for i, row in enumerate(rows) if not i % 5]
    return tmp_path, train, test


def test_the_report_has_every_figure_and_learns_something(split):
    folder, train, test = split
    columns = ("text", "language", "sentiment", "themes")
    report = _evaluate(_write(folder / "train.csv", train, columns), _write(folder / "test.csv", test, columns))
    assert report["train"]["rows"] == len(train)
    assert report["test"]["rows"] == len(test)
    assert set(report["test"]["languages"]) == {"en", "de", "fr"}
    # Three balanced classes: chance is 0.33; the shipped examples are clear enough for far better.
    assert report["sentiment"]["accuracy"] > 0.6
    assert report["sentiment"]["macro_f1"] > 0.6
    assert set(report["sentiment"]["per_class"]) == {"negative", "neutral", "positive"}
    assert report["themes"]["labels"] == 14
    assert report["themes"]["micro_f1"] > 0.5
    assert 0 < report["themes"]["macro_f1"] <= 1
    assert report["texts_per_second"] > 0


def test_optional_columns_may_be_left_out(split):
    """Only text and one kind of label are needed; without a language column the language is detected."""
    folder, train, test = split
    report = _evaluate(_write(folder / "train.csv", train, ("text", "themes")),
                       _write(folder / "test.csv", test, ("text", "themes")))
    assert report["sentiment"] is None
    assert report["themes"]["rows"] == len(test)
    assert set(report["test"]["languages"]) == {"en", "de", "fr"}


def _error(tmp_path: Path, content: str | bytes, *, test_content: str | bytes | None = None) -> str:
    train = tmp_path / "train.csv"
    train.write_bytes(content if isinstance(content, bytes) else content.encode())
    test = tmp_path / "test.csv"
    good = "text,sentiment\nGreat service,positive\nAwful service,negative\n"
    test.write_bytes((test_content if test_content is not None else good).encode()
                     if not isinstance(test_content, bytes) else test_content)
    with pytest.raises(CommandError) as caught:
        _evaluate(train, test)
    return str(caught.value)


def test_an_empty_file_is_named(tmp_path):
    message = _error(tmp_path, "")
    assert "train.csv: the file is empty" in message
    assert "'text' column" in message


def test_a_header_without_rows_is_named(tmp_path):
    assert "train.csv: only a header row, no data rows" in _error(tmp_path, "text,sentiment\n")


def test_a_missing_text_column_is_named_with_what_was_found(tmp_path):
    message = _error(tmp_path, "comment,sentiment\nGreat,positive\n")
    assert "no 'text' column" in message
    assert "found: comment, sentiment" in message


def test_a_file_with_no_label_column_is_refused(tmp_path):
    message = _error(tmp_path, "text,language\nGreat,en\n")
    assert "neither a 'sentiment' nor a 'themes' column" in message


def test_an_unknown_language_is_named_with_its_row_and_column(tmp_path):
    message = _error(tmp_path, "text,language,sentiment\nGreat,en,positive\nSuper,de,positive\nGrande,it,negative\n")
    assert "train.csv, row 4, column 'language': unknown language 'it'" in message
    assert "supported: en, de, fr" in message


def test_an_invalid_sentiment_is_named(tmp_path):
    message = _error(tmp_path, "text,sentiment\nGreat,positive\nBad,angry\n")
    assert "row 3, column 'sentiment': invalid sentiment 'angry'" in message


def test_a_row_with_the_wrong_number_of_fields_is_named(tmp_path):
    message = _error(tmp_path, "text,sentiment\nGreat,positive\nBad, really bad,negative\n")
    assert "row 3: 3 fields but the header has 2" in message


def test_an_empty_text_is_named(tmp_path):
    assert "row 2, column 'text': the text is empty" in _error(tmp_path, "text,sentiment\n ,positive\n")


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    message = _error(tmp_path, "text,sentiment\nTrès bien,positive\n".encode("latin-1"))
    assert "not UTF-8 text (invalid byte 0xe8 on line 2)" in message


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.csv: file not found"):
        _evaluate(tmp_path / "nowhere.csv", tmp_path / "nowhere.csv")


def test_the_test_file_is_checked_like_the_train_file(tmp_path):
    good = "text,sentiment\nGreat service,positive\nAwful service,negative\n"
    message = _error(tmp_path, good, test_content="text,language,sentiment\nGrande,xx,positive\n")
    assert "test.csv, row 2, column 'language': unknown language 'xx'" in message


def test_labels_the_train_file_lacks_cannot_be_evaluated(tmp_path):
    message = _error(tmp_path, "text,themes\nSlow service,waiting_time\n",
                     test_content="text,sentiment\nGreat,positive\n")
    assert "test file has sentiment labels but the train file has none" in message


def test_a_single_sentiment_class_is_refused(tmp_path):
    message = _error(tmp_path, "text,sentiment\nGreat,positive\nSuper,positive\n")
    assert "single class (positive)" in message
