"""``insidetrack import responses FOLDER``: a previous programme's history, imported whole, never sending a survey."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from insidetrack.core.hashing import fingerprint
from insidetrack.customers.models import Customer
from insidetrack.network.models import Dealer
from insidetrack.surveys import services
from insidetrack.surveys.capture import device_of
from insidetrack.surveys.importers import events as events_module
from insidetrack.surveys.models import (
    DeliveryStatus,
    Invitation,
    InvitationStatus,
    OperationalEvent,
    Response,
    Source,
)

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "history"


def run(folder: Path, *options: str) -> str:
    out = io.StringIO()
    call_command("import", "responses", str(folder), *options, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (Dealer.objects.count(), Customer.objects.count(), OperationalEvent.objects.count(),
            Invitation.objects.count(), Response.objects.count())


def example_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "history"
    shutil.copytree(EXAMPLE, folder)
    return folder


def append_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def read_rejects(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["row"], row["reason"]) for row in csv.DictReader(handle)]


@pytest.fixture
def no_surveys(monkeypatch):
    """History must never reach the survey rules: fail loudly if anything tries."""

    def refuse(**kwargs):
        raise AssertionError("a historical import scheduled invitations")

    monkeypatch.setattr(services, "invitations_schedule", refuse)
    monkeypatch.setattr(events_module, "schedule_invitations_hook", refuse)


def test_example_history_round_trip(db, tmp_path, no_surveys):
    output = run(EXAMPLE, "--rejects", str(tmp_path))

    assert counts() == (2, 4, 5, 5, 3)
    assert "No survey was sent" in output
    # The dealer's own e-mail domain, against which integrity checks customer contacts.
    assert dict(Dealer.objects.values_list("code", "email_domain")) == {"LDN01": "aurelia-parklane.example",
                                                                        "MUC01": ""}
    assert list(tmp_path.iterdir()) == []  # no rejects
    assert set(OperationalEvent.objects.values_list("source", flat=True)) == {Source.IMPORT}

    # An unanswered invitation that bounced: kept with its delivery status, and the address marked as bouncing.
    bounced = Invitation.objects.get(event__external_reference="I-5003")
    assert (bounced.status, bounced.delivery_status, bounced.touchpoint.code) == (
        InvitationStatus.EXPIRED, DeliveryStatus.BOUNCED, "test_drive")
    assert bounced.sent_at == dt.datetime(2024, 5, 20, 17, 0, tzinfo=dt.UTC)
    assert not Response.objects.filter(invitation=bounced).exists()
    okafor = bounced.customer
    assert (okafor.email, okafor.phone) == ("", "")
    email_hash = (EXAMPLE / "customers.csv").read_text(encoding="utf-8").splitlines()[2].split(",")[5]
    assert len(email_hash) == 64 and bounced.contact_hash == email_hash  # only the hash was given: kept for integrity
    assert okafor.email_bounced_at == bounced.sent_at

    # A response with its dealer, touchpoint, times, and fingerprints hashed from the raw values on import.
    response = Response.objects.get(invitation__event__external_reference="I-5001")
    assert (response.dealer.code, response.touchpoint.code, response.score, response.source) == (
        "LDN01", "handover", 10, Source.IMPORT)
    assert response.invited_at == dt.datetime(2024, 4, 2, 8, 30, tzinfo=dt.UTC)
    assert response.opened_at == dt.datetime(2024, 4, 2, 11, 10, tzinfo=dt.UTC)
    assert response.submitted_at == dt.datetime(2024, 4, 2, 11, 14, tzinfo=dt.UTC)
    assert response.network_fingerprint == fingerprint("203.0.113.0/24")
    assert response.device_fingerprint == fingerprint(device_of(
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)", accept_language=""))
    assert response.invitation.status == InvitationStatus.ANSWERED
    assert response.invitation.answered_at == response.submitted_at
    assert response.invitation.contact_hash == fingerprint("olivia.hart@example.org")

    # Fingerprints already hashed by the old system are kept exactly as given.
    given = Response.objects.get(invitation__event__external_reference="I-5004")
    with (EXAMPLE / "responses.csv").open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["invitation_ref"] == "I-5004")
    assert (given.network_fingerprint, given.device_fingerprint) == (row["network_fingerprint"],
                                                                      row["device_fingerprint"])
    assert given.channel == "sms" and given.language == "de"


def test_second_run_of_the_same_history_is_refused_and_writes_nothing(db, tmp_path, no_surveys):
    run(EXAMPLE, "--rejects", str(tmp_path))
    before = counts()
    with pytest.raises(CommandError, match="5 of its invitation refs were imported before"):
        run(EXAMPLE, "--rejects", str(tmp_path))
    assert counts() == before


def test_bad_rows_are_rejected_per_file_and_good_rows_kept(db, tmp_path, no_surveys):
    folder = example_copy(tmp_path)
    append_rows(folder / "customers.csv", [
        ["C-2001", "NOPE", "Ann", "Bad", "", "", "", "", "en", "", "", "", ""],
        ["C-2002", "LDN01", "Ben", "Bad", "", "", "", "", "en", "maybe", "", "", ""],
        ["C-1001", "LDN01", "Olivia", "Twice", "", "", "", "", "en", "", "", "", ""],
    ])
    append_rows(folder / "invitations.csv", [
        ["I-6001", "C-2001", "", "handover", "email", "2024-01-01T10:00:00+00:00", "", "", "", ""],
        ["I-6002", "C-1004", "", "bowling", "email", "2024-01-01T10:00:00+00:00", "", "", "", ""],
        ["I-6003", "C-1004", "", "handover", "fax", "2024-01-01T10:00:00+00:00", "", "", "", ""],
        ["I-6004", "C-1004", "", "handover", "email", "yesterday", "", "", "", ""],
        ["I-6005", "C-1004", "", "handover", "email", "2024-01-01T10:00:00+00:00", "", "lost", "", ""],
        ["I-6006", "C-1004", "", "handover", "email", "2024-02-01T10:00:00+00:00", "", "delivered", "", ""],
    ])
    append_rows(folder / "responses.csv", [
        ["I-6001", "9", "", "", "", "2024-01-02T10:00:00+00:00", "", "", "", "", ""],
        ["I-6006", "11", "", "", "", "2024-02-02T10:00:00+00:00", "", "", "", "", ""],
        ["I-5001", "3", "", "", "", "2024-04-03T10:00:00+00:00", "", "", "", "", ""],
        ["I-5003", "5", "", "", "", "2024-06-01T10:00:00+00:00", "", "", "", "", ""],
        ["I-6006", "7", "", "", "", "2024-01-02T10:00:00+00:00", "", "", "", "", ""],
        ["I-6006", "7", "", "", "", "2024-02-02T10:00:00+00:00", "", "abc", "", "", ""],
        ["I-6006", "7", "", "", "", "2024-02-02T10:00:00+00:00", "", "", "", "not-an-ip", ""],
        ["I-6006", "8"],
    ])
    rejects = tmp_path / "rejects"
    rejects.mkdir()

    run(folder, "--rejects", str(rejects))

    assert counts() == (2, 4, 6, 6, 3)
    assert not Response.objects.filter(invitation__event__external_reference="I-6006").exists()
    assert read_rejects(rejects / "customers.rejects.csv") == [
        ("6", "unknown dealer: 'NOPE'"),
        ("7", "malformed consent: 'maybe' (true or false expected)"),
        ("8", "duplicate ref within the file: 'C-1001'"),
    ]
    assert read_rejects(rejects / "invitations.rejects.csv") == [
        ("7", "unknown customer: 'C-2001' (missing or rejected in customers.csv)"),
        ("8", "unknown touchpoint: 'bowling'"),
        ("9", "unknown channel: 'fax'"),
        ("10", "malformed date in sent_at: 'yesterday'"),
        ("11", "unknown delivery_status: 'lost'"),
    ]
    assert read_rejects(rejects / "responses.rejects.csv") == [
        ("5", "unknown invitation: 'I-6001' (missing or rejected in invitations.csv)"),
        ("6", "malformed score: '11' (0 to 10 expected)"),
        ("7", "duplicate response for invitation: 'I-5001' (first on row 2)"),
        ("8", "response to an undelivered invitation: 'I-5003' is bounced"),
        ("9", "submitted before the invitation was sent: submitted_at < sent_at"),
        ("10", "malformed network_fingerprint: expected 64 hexadecimal characters"),
        ("11", "malformed raw_ip: 'not-an-ip'"),
        ("12", "wrong number of columns: expected 11, got 2"),
    ]
    assert not (rejects / "dealers.rejects.csv").exists()


def test_missing_header_column_is_a_clear_error_and_nothing_is_written(db, tmp_path, no_surveys):
    folder = example_copy(tmp_path)
    text = (folder / "invitations.csv").read_text(encoding="utf-8")
    (folder / "invitations.csv").write_text(text.replace("touchpoint,", "tp,", 1), encoding="utf-8")
    with pytest.raises(CommandError, match=r"invitations.csv: missing column\(s\) in the header: touchpoint\."):
        run(folder)
    assert counts() == (0, 0, 0, 0, 0)


def test_bad_encoding_is_a_clear_error_and_nothing_is_written(db, tmp_path, no_surveys):
    folder = example_copy(tmp_path)
    text = (folder / "responses.csv").read_text(encoding="utf-8")
    (folder / "responses.csv").write_bytes(text.encode("latin-1"))
    with pytest.raises(CommandError, match=r"responses.csv: not UTF-8 \(byte 0xdc on line 3\)"):
        run(folder)
    assert counts() == (0, 0, 0, 0, 0)


def test_missing_file_is_a_clear_error(db, tmp_path):
    folder = example_copy(tmp_path)
    (folder / "responses.csv").unlink()
    with pytest.raises(CommandError, match=r"responses\.csv is missing"):
        run(folder)


def test_imported_answers_are_counted_in_the_rollups_after_commit(db, tmp_path, no_surveys,
                                                                  django_capture_on_commit_callbacks):
    from django.db.models import Sum

    from insidetrack.analytics.models import ResponseRollup

    with django_capture_on_commit_callbacks(execute=True):
        run(EXAMPLE, "--rejects", str(tmp_path))
    # Every imported answer, in the cell of its UTC day and score, and nothing else.
    assert ResponseRollup.objects.aggregate(total=Sum("count"))["total"] == Response.objects.count() == 3
    cell = ResponseRollup.objects.get(day=dt.date(2024, 4, 2), dealer__code="LDN01", score=10)
    assert cell.count == 1
