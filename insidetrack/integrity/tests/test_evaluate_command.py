"""``insidetrack integrity evaluate``: a labelled history in, figures out; bad ground truth named precisely."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "history"


def _truth(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "truth.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _evaluate(*args: str) -> str:
    out = io.StringIO()
    call_command("integrity", "evaluate", *args, stdout=out)
    return out.getvalue()


def test_the_example_history_is_imported_scanned_and_scored(db, tmp_path):
    truth = _truth(tmp_path, "dealer_code,scenario,first_quarter,last_quarter\nLDN01,score_begging,2024Q2,2024Q2\n")
    report = json.loads(_evaluate(str(EXAMPLE), "--truth", str(truth), "--format", "json"))
    assert report["dataset"]["responses"] == 3
    begging = report["scenarios"]["score_begging"]
    # Three answers can never be tested (30 are needed): the episode counts, but is not testable nor detected.
    assert (begging["episodes"], begging["detected"], begging["testable_episodes"]) == (1, 0, 0)
    assert report["honest"]["alerts"] == 0


@pytest.mark.parametrize(("content", "message"), [
    ("dealer,scenario\nLDN01,tablet\n", "missing column(s) dealer_code, first_quarter, last_quarter"),
    ("dealer_code,scenario,first_quarter,last_quarter\nLDN01,bribery,2024Q1,2024Q2\n",
     "row 2, column 'scenario': unknown scenario 'bribery'"),
    ("dealer_code,scenario,first_quarter,last_quarter\nLDN01,tablet,2024-03,2024Q2\n",
     "row 2, column 'first_quarter': '2024-03' is not a quarter like 2025Q3"),
    ("dealer_code,scenario,first_quarter,last_quarter\nLDN01,tablet,2024Q3,2024Q2\n",
     "row 2: last_quarter is before first_quarter"),
    ("dealer_code,scenario,first_quarter,last_quarter\nNOPE1,tablet,2024Q1,2024Q2\n",
     "dealer(s) not in the dataset: NOPE1"),
])
def test_bad_ground_truth_is_named(db, tmp_path, content, message):
    with pytest.raises(CommandError) as caught:
        _evaluate(str(EXAMPLE), "--truth", str(_truth(tmp_path, content)))
    assert message in str(caught.value)


def test_a_database_with_responses_is_refused(world, tmp_path):
    truth = _truth(tmp_path, "dealer_code,scenario,first_quarter,last_quarter\n")
    with pytest.raises(CommandError, match="run it on an empty database"):
        _evaluate(str(EXAMPLE), "--truth", str(truth))


def test_a_missing_folder_is_named(db, tmp_path):
    truth = _truth(tmp_path, "dealer_code,scenario,first_quarter,last_quarter\n")
    with pytest.raises(CommandError, match="not a folder"):
        _evaluate(str(tmp_path / "nowhere"), "--truth", str(truth))


def test_the_table_is_for_people(db, tmp_path):
    truth = _truth(tmp_path, "dealer_code,scenario,first_quarter,last_quarter\nMUC01,tablet,2024Q2,2024Q3\n")
    output = _evaluate(str(EXAMPLE), "--truth", str(truth))
    assert "3 responses" in output and "tablet" in output and "False alarms: 0.0000 of honest dealer-quarters" in output


def test_simulate_writes_a_history_and_its_truth(tmp_path):
    folder = tmp_path / "sim"
    out = io.StringIO()
    call_command("integrity", "simulate", str(folder), "--dealers", "12", "--quarters", "2", "--seed", "5", stdout=out)
    assert {p.name for p in folder.iterdir()} >= {"dealers.csv", "customers.csv", "invitations.csv", "responses.csv",
                                                  "ground_truth.csv", "groups.csv"}
    assert "gaming episodes" in out.getvalue()
    from insidetrack.integrity.evaluating import read_ground_truth

    read_ground_truth(folder / "ground_truth.csv")  # the file evaluate reads is well-formed
    with pytest.raises(CommandError, match="not empty"):
        call_command("integrity", "simulate", str(folder), "--dealers", "12", "--quarters", "2")
    with pytest.raises(CommandError, match="--dealers must be between 10 and 5000"):
        call_command("integrity", "simulate", str(tmp_path / "other"), "--dealers", "3")
