"""``insidetrack import events FILE``: clean import, named rejects, idempotent re-runs, whole chunks, both backends."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insidetrack.customers.tests.factories import CustomerFactory, VehicleFactory
from insidetrack.surveys.importers import events as events_module
from insidetrack.surveys.models import Invitation, OperationalEvent, Source

HEADER = ["dealer_code", "event", "occurred_at", "customer_id", "customer_email", "vin", "touchpoint",
          "idempotency_key", "external_reference"]
# Two days ago at a whole second, fixed once: recent enough that the survey rules do not skip events as too old.
RECENT = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=48)).replace(microsecond=0)


def when(hours: int = 0) -> str:
    """A recent ISO time with an offset, ``hours`` after ``RECENT``."""
    return (RECENT + dt.timedelta(hours=hours)).isoformat()


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(path: Path, *options: str) -> str:
    out = io.StringIO()
    call_command("import", "events", str(path), *options, stdout=out)
    return out.getvalue()


def read_rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def imported_events():
    return OperationalEvent.objects.filter(source=Source.IMPORT).order_by("pk")


def test_clean_import_writes_every_row_and_schedules_invitations(world, tmp_path):
    a, c = world.customers["a"], world.customers["c"]
    vehicle = a.vehicles.get()
    path = write_csv(tmp_path / "events.csv", [
        [world.dealer_a.code, "handover", when(0), "", a.email, vehicle.vin, "", "k-1", "HO-1"],
        [world.dealer_c.code, "test_drive", when(1), str(c.pk), "", "", "", "k-2", ""],
        [world.dealer_a.code, "enquiry", when(2), "", a.email.upper(), "", "", "", "EQ-9"],
    ])
    rejects = tmp_path / "rejects.csv"
    before = Invitation.objects.count()

    output = run(path, "--rejects", str(rejects))

    events = list(imported_events())
    assert [(e.dealer_id, e.customer_id, e.kind, e.touchpoint.code, e.idempotency_key, e.external_reference,
             e.vehicle_id) for e in events] == [
        (world.dealer_a.pk, a.pk, "handover", "handover", "k-1", "HO-1", vehicle.pk),
        (world.dealer_c.pk, c.pk, "test_drive", "test_drive", "k-2", "", None),
        (world.dealer_a.pk, a.pk, "enquiry", "enquiry", None, "EQ-9", None),
    ]
    assert events[0].occurred_at == dt.datetime.fromisoformat(when(0))
    assert Invitation.objects.filter(event__in=events).count() == 3
    assert Invitation.objects.count() == before + 3
    assert not rejects.exists()
    assert "rows read" in output and "rows/s" in output


def test_each_bad_row_is_named_with_its_reason_and_good_rows_are_kept(world, tmp_path):
    a = world.customers["a"]
    code = world.dealer_a.code
    rows = [
        [code, "handover", when(0), "", a.email, "", "", "good-1", ""],                 # line 2: good
        ["NOPE", "handover", when(0), "", a.email, "", "", "", ""],                     # 3
        [code, "oil_change", when(0), "", a.email, "", "", "", ""],                     # 4
        [code, "handover", "12/11/2026", "", a.email, "", "", "", ""],                  # 5
        [code, "handover", "2026-11-12T10:00:00", "", a.email, "", "", "", ""],         # 6
        [code, "handover", when(0), "", "nobody@example.org", "", "", "", ""],          # 7
        [code, "handover", when(0), "999999", "", "", "", "", ""],                      # 8
        [code, "handover", when(0), "", a.email, "", "", ""],                           # 9: one column short
        [code, "test_drive", when(1), "", a.email, "", "", "good-1", ""],               # 10: key repeated
        [code, "handover", when(0), "", a.email, "NOSUCHVIN", "", "", ""],              # 11
        [code, "handover", when(0), "", a.email, "", "bowling", "", ""],                # 12
        [code, "handover", when(0), "", "", "", "", "", ""],                            # 13
        [code, "handover", "2099-01-01T00:00:00+00:00", "", a.email, "", "", "", ""],   # 14
        [code, "test_drive", when(2), str(a.pk), "", "", "", "good-2", ""],             # 15: good
    ]
    path = write_csv(tmp_path / "events.csv", rows)
    rejects_path = tmp_path / "rejects.csv"

    run(path, "--rejects", str(rejects_path))

    assert [e.idempotency_key for e in imported_events()] == ["good-1", "good-2"]
    rejects = read_rejects(rejects_path)
    assert [(r["row"], r["reason"]) for r in rejects] == [
        ("3", "unknown dealer: 'NOPE'"),
        ("4", "unknown event kind: 'oil_change'"),
        ("5", "malformed date in occurred_at: '12/11/2026'"),
        ("6", "date without UTC offset in occurred_at: '2026-11-12T10:00:00'"),
        ("7", "unknown customer: 'nobody@example.org'"),
        ("8", "unknown customer: customer_id 999999"),
        ("9", "wrong number of columns: expected 9, got 8"),
        ("10", "duplicate idempotency key within the file: 'good-1' (first on row 2)"),
        ("11", "unknown vehicle: VIN 'NOSUCHVIN'"),
        ("12", "unknown touchpoint: 'bowling'"),
        ("13", "missing customer: neither customer_id nor customer_email given"),
        ("14", "occurred_at in the future: '2099-01-01T00:00:00+00:00'"),
    ]
    # The original columns come back unchanged, so the sender can fix the file and import the rejects alone.
    assert rejects[0]["dealer_code"] == "NOPE" and rejects[0]["customer_email"] == a.email
    assert list(rejects[0]) == ["row", *HEADER, "reason"]


def test_dealer_option_rejects_other_dealers_rows(world, tmp_path):
    a, c = world.customers["a"], world.customers["c"]
    path = write_csv(tmp_path / "events.csv", [
        [world.dealer_a.code, "handover", when(0), "", a.email, "", "", "x-1", ""],
        [world.dealer_c.code, "handover", when(0), "", c.email, "", "", "x-2", ""],
    ])
    rejects_path = tmp_path / "rejects.csv"
    run(path, "--dealer", world.dealer_a.code, "--rejects", str(rejects_path))
    assert [e.idempotency_key for e in imported_events()] == ["x-1"]
    assert [r["reason"] for r in read_rejects(rejects_path)] == [
        f"other dealer: '{world.dealer_c.code}' is not --dealer {world.dealer_a.code}"]


def test_running_the_same_file_twice_creates_nothing_new(world, tmp_path):
    a, b = world.customers["a"], world.customers["b"]
    path = write_csv(tmp_path / "events.csv", [
        [world.dealer_a.code, "handover", when(0), "", a.email, "", "", "r-1", ""],
        [world.dealer_b.code, "service_completed", when(1), "", b.email, "", "", "r-2", ""],
    ])
    run(path)
    counts = (OperationalEvent.objects.count(), Invitation.objects.count())

    output = run(path)

    assert (OperationalEvent.objects.count(), Invitation.objects.count()) == counts
    assert "duplicates (already imported) │ 2" in output


def test_a_crash_leaves_whole_chunks_and_a_rerun_completes_the_file(world, tmp_path, monkeypatch):
    a = world.customers["a"]
    path = write_csv(tmp_path / "events.csv", [
        [world.dealer_a.code, "enquiry", when(n), "", a.email, "", "", f"c-{n}", ""] for n in range(5)
    ])
    real_hook = events_module.schedule_invitations_hook
    calls: list[list[str | None]] = []

    def crash_on_second_chunk(events):
        calls.append([e.idempotency_key for e in events])
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_hook(events)

    monkeypatch.setattr(events_module, "schedule_invitations_hook", crash_on_second_chunk)
    with pytest.raises(RuntimeError):
        run(path, "--chunk-size", "2")
    assert [e.idempotency_key for e in imported_events()] == ["c-0", "c-1"]
    assert Invitation.objects.filter(event__in=imported_events()).count() == 2

    calls.clear()
    monkeypatch.setattr(events_module, "schedule_invitations_hook", real_hook)
    output = run(path, "--chunk-size", "2")

    assert [e.idempotency_key for e in imported_events()] == [f"c-{n}" for n in range(5)]
    assert Invitation.objects.filter(event__in=imported_events()).count() == 5
    assert "duplicates (already imported) │ 2" in output


def test_invitations_are_scheduled_in_bulk_per_chunk_for_new_events_only(world, tmp_path, monkeypatch):
    a = world.customers["a"]
    path = write_csv(tmp_path / "events.csv", [
        [world.dealer_a.code, "enquiry", when(n), "", a.email, "", "", f"b-{n}", ""] for n in range(3)
    ])
    batches: list[list[int]] = []
    monkeypatch.setattr(events_module, "schedule_invitations_hook",
                        lambda events: batches.append([e.pk for e in events]) or 0)
    run(path, "--chunk-size", "2")
    assert batches == [list(imported_events().values_list("pk", flat=True)[:2]),
                       list(imported_events().values_list("pk", flat=True)[2:])]
    batches.clear()
    run(path, "--chunk-size", "2")
    assert batches == []  # nothing new, nothing scheduled


def test_service_routing_matches_the_events_api(world, tmp_path):
    """A vehicle's first service goes to the first-service touchpoint, later ones to service visits."""
    customer = CustomerFactory(dealer=world.dealer_b, brand=world.brand)
    vehicle = VehicleFactory(current_owner=customer)
    path = write_csv(tmp_path / "events.csv", [
        [world.dealer_b.code, "service_completed", when(5), "", customer.email, vehicle.vin, "", "s-2", ""],
        [world.dealer_b.code, "service_completed", when(1), "", customer.email, vehicle.vin, "", "s-1", ""],
    ])
    run(path)
    assert dict(imported_events().values_list("idempotency_key", "touchpoint__code")) == {
        "s-1": "first_service", "s-2": "service_visit"}


def test_bulk_path_is_copy_on_postgresql_and_executemany_elsewhere(world, tmp_path, monkeypatch):
    a = world.customers["a"]
    path = write_csv(tmp_path / "events.csv", [[world.dealer_a.code, "enquiry", when(0), "", a.email, "", "", "p-1",
                                                ""]])
    if connection.vendor == "postgresql":
        import psycopg

        statements: list[str] = []
        original = psycopg.Cursor.copy

        def spy(self, statement, *args, **kwargs):
            statements.append(str(statement))
            return original(self, statement, *args, **kwargs)

        monkeypatch.setattr(psycopg.Cursor, "copy", spy)
        run(path)
        assert statements[0] == ('COPY "import_staging_surveys_operationalevent" ("brand_id", "dealer_id", '
                                 '"customer_id", "vehicle_id", "touchpoint_id", "kind", "occurred_at", "received_at", '
                                 '"source", "idempotency_key", "external_reference") FROM STDIN')
        # The events' invitations, and their history rows, are written the same way.
        assert len(statements) == 3
        assert statements[1].startswith('COPY "surveys_invitation" ("id", "brand_id"')
        assert statements[2] == 'COPY "surveys_invitationevent" ("invitation_id", "kind", "at", "detail") FROM STDIN'
    else:
        insert_columns = ", ".join(f'"{column}"' for column in events_module.WRITTEN)
        with CaptureQueriesContext(connection) as queries:
            run(path)
        inserts = [q["sql"] for q in queries.captured_queries if '"surveys_operationalevent"' in q["sql"]
                   and "ON CONFLICT DO NOTHING" in q["sql"]]
        assert inserts == [f'1 times: INSERT INTO "surveys_operationalevent" ({insert_columns}) VALUES '
                           f'({", ".join(["%s"] * 11)}) ON CONFLICT DO NOTHING']
    assert imported_events().get().idempotency_key == "p-1"


def test_bad_encoding_is_a_clear_error_and_writes_nothing(world, tmp_path):
    path = tmp_path / "events.csv"
    good = f"{world.dealer_a.code},handover,{when(0)},,{world.customers['a'].email},,,,\n"
    path.write_bytes((",".join(HEADER) + "\n" + good + "Müller,handover\n").encode("latin-1"))
    with pytest.raises(CommandError, match=r"events.csv: not UTF-8 \(byte 0xfc on line 3\)"):
        run(path)
    assert not imported_events().exists()


def test_missing_header_column_is_a_clear_error_and_writes_nothing(world, tmp_path):
    header = [name for name in HEADER if name != "occurred_at"]
    path = write_csv(tmp_path / "events.csv", [[world.dealer_a.code, "handover", "", world.customers["a"].email,
                                                "", "", "", ""]], header=header)
    with pytest.raises(CommandError, match=r"events.csv: missing column\(s\) in the header: occurred_at\."):
        run(path)
    assert not imported_events().exists()


def test_unknown_header_column_is_a_clear_error(world, tmp_path):
    path = write_csv(tmp_path / "events.csv", [], header=[*HEADER, "colour"])
    with pytest.raises(CommandError, match=r"unknown column\(s\) in the header: colour\."):
        run(path)


def test_example_file_in_the_docs_imports_after_the_example_history(db, tmp_path):
    examples = Path(__file__).resolve().parents[3] / "docs" / "examples"
    call_command("import", "responses", str(examples / "history"), "--rejects", str(tmp_path), stdout=io.StringIO())
    output = run(examples / "events.csv", "--rejects", str(tmp_path / "rejects.csv"))
    assert "imported                      │ 4" in output
    assert not (tmp_path / "rejects.csv").exists()
