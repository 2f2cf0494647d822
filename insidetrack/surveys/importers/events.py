"""Bulk import of operational events from a dealer-system CSV export (``insidetrack import events FILE``).

The file is decoded and its header checked first (a broken file writes nothing). Rows are then validated and
written in chunks, each chunk in one transaction together with the survey invitations its new events trigger: a
crash leaves whole chunks only, and since each chunk's events and invitations commit together, re-running a file
whose rows carry idempotency keys skips what is already there without ever leaving an event that never had its
invitation rules applied.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Min

from insidetrack.core import clock
from insidetrack.core.bulk import insert_new
from insidetrack.customers.models import Customer, Vehicle
from insidetrack.journeys.models import Touchpoint
from insidetrack.network.models import Brand, Dealer
from insidetrack.surveys import defaults, policies
from insidetrack.surveys.models import EventKind, OperationalEvent, Source, SurveyRule
from insidetrack.surveys.services import invitations_schedule, survey_setup

from .csvfiles import Rejects, RowError, parse_datetime, read_csv

CUSTOMER_COLUMNS = ("customer_id", "customer_email")
OPTIONAL_COLUMNS = ("vin", "touchpoint", "idempotency_key", "external_reference")

# Column order of the rows handed to the bulk writer, and of the rows it returns (to rebuild model instances).
WRITTEN = ("brand_id", "dealer_id", "customer_id", "vehicle_id", "touchpoint_id", "kind", "occurred_at",
           "received_at", "source", "idempotency_key", "external_reference")
RETURNED = ("id", *WRITTEN)

# Clocks drift and exports run across time zones; beyond this, a future time is a data error, not drift.
FUTURE_TOLERANCE = dt.timedelta(minutes=15)

KEY_LENGTH = OperationalEvent._meta.get_field("idempotency_key").max_length
REFERENCE_LENGTH = OperationalEvent._meta.get_field("external_reference").max_length


def schedule_invitations_hook(events: list[OperationalEvent]) -> int:
    """Apply survey and contact rules to freshly imported events; returns how many invitations were created.

    One named seam between the import and the survey rules, so tests (and the benchmark) can observe or time it.
    """
    return len(invitations_schedule(events=events))


@dataclass
class EventsImportReport:
    """What an events import did; ``rejects`` holds the rows left out, with their reasons."""

    rows_read: int = 0
    imported: int = 0
    duplicates: int = 0
    invitations: int = 0
    seconds: float = 0.0
    rejects: Rejects = field(default_factory=lambda: Rejects("", []))

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0


@dataclass(slots=True)
class _Candidate:
    line: int
    fields: list[str]
    dealer: Dealer
    kind: str
    occurred_at: dt.datetime
    customer_id: int | None
    customer_email: str
    vin: str
    touchpoint_id: int
    touchpoint_is_given: bool
    key: str | None
    reference: str


class _Lookups:
    """Dealers and touchpoints loaded once; customers and vehicles fetched per chunk (a file may name millions)."""

    def __init__(self) -> None:
        for brand in Brand.objects.all():
            survey_setup(brand=brand)  # idempotent: loads the default rules once, as the events API does
        self.dealers = {dealer.code: dealer for dealer in Dealer.objects.all()}
        self.touchpoints: dict[tuple[int, str], int] = {
            (brand_id, code): pk for pk, brand_id, code in Touchpoint.objects.filter(
                journey__is_default=True).values_list("pk", "journey__brand_id", "code")
        }
        self.rule_touchpoints: dict[tuple[int, str], int] = {
            (brand_id, kind): touchpoint_id for brand_id, kind, touchpoint_id in SurveyRule.objects.values_list(
                "brand_id", "event_kind", "touchpoint_id")
        }

    def touchpoint_for(self, brand_id: int, kind: str, code: str) -> int:
        """The touchpoint the row names, else its survey rule's, else the default for its kind (as the API does)."""
        if code:
            touchpoint = self.touchpoints.get((brand_id, code))
            if touchpoint is None:
                raise RowError(f"unknown touchpoint: {code!r}")
            return touchpoint
        touchpoint = self.rule_touchpoints.get((brand_id, kind)) or self.touchpoints.get(
            (brand_id, defaults.EVENT_TOUCHPOINTS[kind]))
        if touchpoint is None:
            raise RowError(f"no touchpoint for event kind: {kind!r} (the brand's journey lacks it)")
        return touchpoint


def events_import(*, path: Path, dealer_code: str | None = None, chunk_size: int = 10_000,
                  on_progress: Callable[[int, int], None] | None = None) -> EventsImportReport:
    """Import the events in ``path``; good rows are written, bad ones returned in ``report.rejects``.

    ``dealer_code`` restricts the file to one dealer (and stands in for a missing ``dealer_code`` column), so a
    dealer's own export cannot write events for another. ``on_progress(lines_done, lines_total)`` drives a
    progress bar. Raises :class:`~.csvfiles.ImportFormatError` before writing anything if the file is unreadable.
    """
    started = time.perf_counter()
    required = ("event", "occurred_at") if dealer_code else ("dealer_code", "event", "occurred_at")
    optional = ("dealer_code", *OPTIONAL_COLUMNS) if dealer_code else OPTIONAL_COLUMNS
    table = read_csv(path, required=required, optional=optional, one_of=[CUSTOMER_COLUMNS])
    lookups = _Lookups()
    if dealer_code and dealer_code not in lookups.dealers:
        from .csvfiles import ImportFormatError

        raise ImportFormatError(f"--dealer {dealer_code}: no dealer has this code.")
    report = EventsImportReport(rejects=Rejects(path.name, table.header))
    total_lines = table.text.count("\n") or 1
    keys_seen: dict[tuple[int, str], int] = {}
    position = table.positions.get
    columns = {name: position(name) for name in (
        "dealer_code", "event", "occurred_at", *CUSTOMER_COLUMNS, *OPTIONAL_COLUMNS)}
    kinds = set(EventKind.values)
    width = len(table.header)
    latest = clock.now() + FUTURE_TOLERANCE
    chunk: list[_Candidate] = []

    def value(fields: list[str], name: str) -> str:
        index = columns[name]
        return fields[index].strip() if index is not None else ""

    for line, fields in table.rows():
        report.rows_read += 1
        if len(fields) != width:
            report.rejects.add(line, fields, f"wrong number of columns: expected {width}, got {len(fields)}")
            continue
        try:
            code = value(fields, "dealer_code") or dealer_code or ""
            dealer = lookups.dealers.get(code)
            if dealer is None:
                raise RowError(f"unknown dealer: {code!r}")
            if dealer_code and code != dealer_code:
                raise RowError(f"other dealer: {code!r} is not --dealer {dealer_code}")
            if not dealer.is_active:
                raise RowError(f"inactive dealer: {code!r}")
            kind = value(fields, "event")
            if kind not in kinds:
                raise RowError(f"unknown event kind: {kind!r}")
            occurred_at = parse_datetime(value(fields, "occurred_at"), "occurred_at")
            if occurred_at > latest:
                raise RowError(f"occurred_at in the future: {value(fields, 'occurred_at')!r}")
            customer_text, email = value(fields, "customer_id"), value(fields, "customer_email")
            customer_id = None
            if customer_text:
                if not customer_text.isdigit():
                    raise RowError(f"malformed customer_id: {customer_text!r}")
                customer_id = int(customer_text)
            elif not email:
                raise RowError("missing customer: neither customer_id nor customer_email given")
            key = value(fields, "idempotency_key") or None
            if key and len(key) > KEY_LENGTH:
                raise RowError(f"idempotency key too long: more than {KEY_LENGTH} characters")
            reference = value(fields, "external_reference")
            if len(reference) > REFERENCE_LENGTH:
                raise RowError(f"external reference too long: more than {REFERENCE_LENGTH} characters")
            touchpoint_id = lookups.touchpoint_for(dealer.brand_id, kind, value(fields, "touchpoint"))
            if key:
                first = keys_seen.setdefault((dealer.pk, key), line)
                if first != line:
                    raise RowError(f"duplicate idempotency key within the file: {key!r} (first on row {first})")
        except RowError as error:
            report.rejects.add(line, fields, str(error))
            continue
        chunk.append(_Candidate(line, fields, dealer, kind, occurred_at, customer_id, email, value(fields, "vin"),
                                touchpoint_id, bool(value(fields, "touchpoint")), key, reference))
        if len(chunk) >= chunk_size:
            _write_chunk(chunk, report, lookups)
            chunk = []
            if on_progress:
                on_progress(line, total_lines)
    _write_chunk(chunk, report, lookups)
    if on_progress:
        on_progress(total_lines, total_lines)
    report.seconds = time.perf_counter() - started
    return report


def _resolve_customers(chunk: list[_Candidate]) -> tuple[dict[int, tuple[int, str]], dict[str, list[tuple]]]:
    """Customers named in a chunk, by id and by lower-cased e-mail (erased customers count as unknown)."""
    ids = {candidate.customer_id for candidate in chunk if candidate.customer_id is not None}
    given = {candidate.customer_email for candidate in chunk if candidate.customer_id is None}
    # Addresses keep the sender's capitalisation when stored: look up both as given and lower-cased (the e-mail
    # index serves both), then compare lower-cased.
    emails = given | {email.lower() for email in given}
    live = Customer.objects.filter(erased_at__isnull=True)
    by_id = {pk: (brand_id, email.lower()) for pk, brand_id, email in
             live.filter(pk__in=ids).values_list("pk", "brand_id", "email")} if ids else {}
    by_email: dict[str, list[tuple]] = {}
    if emails:
        for pk, brand_id, dealer_id, email in live.filter(email__in=emails).values_list(
                "pk", "brand_id", "dealer_id", "email"):
            by_email.setdefault(email.lower(), []).append((pk, brand_id, dealer_id))
    return by_id, by_email


def _customer_for(candidate: _Candidate, by_id: dict[int, tuple[int, str]], by_email: dict[str, list[tuple]]) -> int:
    brand_id = candidate.dealer.brand_id
    if candidate.customer_id is not None:
        found = by_id.get(candidate.customer_id)
        if found is None or found[0] != brand_id:
            raise RowError(f"unknown customer: customer_id {candidate.customer_id}")
        if candidate.customer_email and candidate.customer_email.lower() != found[1]:
            raise RowError(f"customer mismatch: customer_id {candidate.customer_id} does not have the e-mail "
                           f"{candidate.customer_email!r}")
        return candidate.customer_id
    matches = [match for match in by_email.get(candidate.customer_email.lower(), []) if match[1] == brand_id]
    at_dealer = [match for match in matches if match[2] == candidate.dealer.pk]
    # A customer is looked after by one dealer but may visit another: prefer the row's dealer, else a unique match.
    chosen = at_dealer or matches
    if not chosen:
        raise RowError(f"unknown customer: {candidate.customer_email!r}")
    if len(chosen) > 1:
        raise RowError(f"ambiguous customer: {len(chosen)} customers have the e-mail {candidate.customer_email!r}; "
                       f"use customer_id")
    return chosen[0][0]


def _first_services(rows: list[tuple[object, ...]]) -> dict[tuple[str, int], dt.datetime]:
    """Earliest service per vehicle (or, without a VIN, per customer) in the database and in this chunk.

    The events API routes a vehicle's first service to its own touchpoint; the import does the same, with two
    queries per chunk instead of one per row.
    """
    services = [row for row in rows if row[5] == policies.SERVICE_EVENT]
    vehicles = {row[3] for row in services if row[3] is not None}
    customers = {row[2] for row in services if row[3] is None}
    first: dict[tuple[str, int], dt.datetime] = {}
    earlier = OperationalEvent.objects.filter(kind=policies.SERVICE_EVENT)
    if vehicles:
        for vehicle_id, when in earlier.filter(vehicle_id__in=vehicles).values_list("vehicle_id").annotate(
                first=Min("occurred_at")):
            first["vehicle", vehicle_id] = when
    if customers:
        for customer_id, when in earlier.filter(customer_id__in=customers).values_list("customer_id").annotate(
                first=Min("occurred_at")):
            first["customer", customer_id] = when
    for row in services:
        key = ("vehicle", row[3]) if row[3] is not None else ("customer", row[2])
        if key not in first or row[6] < first[key]:
            first[key] = row[6]
    return first


def _route_first_services(rows: list[tuple[object, ...]], given: list[bool], lookups: _Lookups) -> None:
    """Re-point service events with no earlier service at the first-service touchpoint (unless the row chose one)."""
    if not any(row[5] == policies.SERVICE_EVENT for row in rows):
        return
    first = _first_services(rows)
    for index, row in enumerate(rows):
        if row[5] != policies.SERVICE_EVENT or given[index]:
            continue
        key = ("vehicle", row[3]) if row[3] is not None else ("customer", row[2])
        has_previous = first[key] < row[6]
        code = policies.touchpoint_code_for(kind=row[5], rule_touchpoint_code="", has_previous_service=has_previous)
        touchpoint = lookups.touchpoints.get((row[0], code)) if code else None
        if touchpoint is not None:
            rows[index] = (*row[:4], touchpoint, *row[5:])


def _write_chunk(chunk: list[_Candidate], report: EventsImportReport, lookups: _Lookups) -> None:
    if not chunk:
        return
    by_id, by_email = _resolve_customers(chunk)
    vins = {candidate.vin for candidate in chunk if candidate.vin}
    vehicles = dict(Vehicle.objects.filter(vin__in=vins).values_list("vin", "pk")) if vins else {}
    received_at = clock.now()
    rows: list[tuple[object, ...]] = []
    given: list[bool] = []
    for candidate in chunk:
        try:
            customer_id = _customer_for(candidate, by_id, by_email)
            vehicle_id = None
            if candidate.vin:
                vehicle_id = vehicles.get(candidate.vin)
                if vehicle_id is None:
                    raise RowError(f"unknown vehicle: VIN {candidate.vin!r}")
        except RowError as error:
            report.rejects.add(candidate.line, candidate.fields, str(error))
            continue
        rows.append((candidate.dealer.brand_id, candidate.dealer.pk, customer_id, vehicle_id,
                     candidate.touchpoint_id, candidate.kind, candidate.occurred_at, received_at, Source.IMPORT,
                     candidate.key, candidate.reference))
        given.append(candidate.touchpoint_is_given)
    with transaction.atomic():
        _route_first_services(rows, given, lookups)
        inserted = insert_new(OperationalEvent, WRITTEN, rows, conflict_columns=("dealer_id", "idempotency_key"),
                              conflict_where='"idempotency_key" IS NOT NULL', returning=RETURNED)
        # RETURNED is the model's concrete field order, so from_db takes the positional (fastest) constructor path.
        events = [OperationalEvent.from_db("default", RETURNED, row) for row in inserted]
        if events:
            report.invitations += schedule_invitations_hook(events)
    report.imported += len(inserted)
    report.duplicates += len(rows) - len(inserted)
