"""Historical import of a previous programme's surveys (``insidetrack import responses FOLDER``).

The folder holds ``dealers.csv`` (optional), ``customers.csv``, ``invitations.csv`` and ``responses.csv``, linked
by the old system's references. Every file is decoded and its header checked, then every row validated, before the
first write; the writes then happen in one transaction, so a folder is imported whole or not at all (bad rows
excepted, which go to the rejects files). A history is a one-off migration, so one transaction is affordable and
a crash can never leave half a history.

History must not send surveys: nothing here calls ``invitations_schedule``. Each historical invitation is attached
to an ``OperationalEvent`` (source ``import``) whose idempotency key is ``history:<invitation ref>``; that keeps the
old reference and makes a second run of the same folder detectable (it is refused, nothing written).
"""

from __future__ import annotations

import datetime as dt
import re
import time
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from insidetrack.core import clock
from insidetrack.core.hashing import fingerprint
from insidetrack.customers.models import Customer, DealType
from insidetrack.journeys.models import Touchpoint
from insidetrack.journeys.services import brand_setup
from insidetrack.network.models import Dealer, Region
from insidetrack.surveys import defaults
from insidetrack.surveys.capture import device_of, network_of
from insidetrack.surveys.models import (
    Channel,
    DeliveryStatus,
    EventKind,
    Invitation,
    InvitationStatus,
    OperationalEvent,
    Response,
    Source,
    SurveyRule,
)
from insidetrack.surveys.signals import responses_imported

from .csvfiles import CsvTable, ImportFormatError, Rejects, RowError, optional_datetime, parse_datetime, read_csv

HISTORY_KEY_PREFIX = "history:"
HASH = re.compile(r"^[0-9a-f]{64}$")
BATCH = 2_000
TRUE = {"1", "true", "yes", "y"}
FALSE = {"0", "false", "no", "n"}

DEALER_COLUMNS = dict(required=("code", "name", "region", "country"),
                      optional=("region_name", "city", "language", "time_zone", "email_domain"))
CUSTOMER_COLUMNS = dict(required=("ref", "dealer_code", "first_name", "last_name"),
                        optional=("email", "email_hash", "phone", "phone_hash", "language", "consent", "deal_type",
                                  "contact_updated_at", "created_at"))
INVITATION_COLUMNS = dict(required=("ref", "customer_ref", "touchpoint", "sent_at"),
                          optional=("dealer_code", "channel", "opened_at", "delivery_status", "expires_at",
                                    "contact_hash"))
RESPONSE_COLUMNS = dict(required=("invitation_ref", "score", "submitted_at"),
                        optional=("verbatim", "language", "channel", "opened_at", "vehicle_model",
                                  "network_fingerprint", "device_fingerprint", "raw_ip", "user_agent"))


@dataclass
class FileReport:
    """Per file: rows read, rows written, and the rejected rows with their reasons."""

    rows_read: int = 0
    imported: int = 0
    existing: int = 0
    rejects: Rejects | None = None

    @property
    def rejected(self) -> int:
        return len(self.rejects) if self.rejects else 0


@dataclass
class HistoryImportReport:
    """What a historical import did, file by file, in the order the files are read."""

    files: dict[str, FileReport] = field(default_factory=dict)
    seconds: float = 0.0


def _row_dict(table: CsvTable, fields: list[str]) -> dict[str, str]:
    if len(fields) != len(table.header):
        raise RowError(f"wrong number of columns: expected {len(table.header)}, got {len(fields)}")
    return {name: fields[index].strip() for name, index in table.positions.items()}


def _rows(table: CsvTable, report: FileReport):
    """Yield (line, fields, values) per row, rejecting rows with the wrong number of columns on the way."""
    for line, fields in table.rows():
        report.rows_read += 1
        try:
            yield line, fields, _row_dict(table, fields)
        except RowError as error:
            report.rejects.add(line, fields, str(error))


def _choice(value: str, allowed: set[str], column: str, default: str) -> str:
    if not value:
        return default
    if value not in allowed:
        raise RowError(f"unknown {column}: {value!r}")
    return value


def _hash(value: str, column: str) -> str:
    if value and not HASH.match(value.lower()):
        raise RowError(f"malformed {column}: expected 64 hexadecimal characters")
    return value.lower()


def _network(raw_ip: str) -> str:
    """The network an address belongs to, truncated exactly as the survey page does, so the hashes compare."""
    network = network_of(raw_ip)
    if not network:
        raise RowError(f"malformed raw_ip: {raw_ip!r}")
    return network


def history_import(*, folder: Path) -> HistoryImportReport:
    """Import the history in ``folder``; raises :class:`ImportFormatError` (nothing written) if a file is unusable."""
    started = time.perf_counter()
    if not folder.is_dir():
        raise ImportFormatError(f"{folder}: not a folder.")
    for name in ("customers.csv", "invitations.csv", "responses.csv"):
        if not (folder / name).is_file():
            raise ImportFormatError(f"{folder}: {name} is missing.")
    tables = {}
    if (folder / "dealers.csv").is_file():
        tables["dealers.csv"] = read_csv(folder / "dealers.csv", **DEALER_COLUMNS)
    tables["customers.csv"] = read_csv(folder / "customers.csv", **CUSTOMER_COLUMNS)
    tables["invitations.csv"] = read_csv(folder / "invitations.csv", **INVITATION_COLUMNS)
    tables["responses.csv"] = read_csv(folder / "responses.csv", **RESPONSE_COLUMNS)
    report = HistoryImportReport(files={name: FileReport(rejects=Rejects(name, table.header))
                                        for name, table in tables.items()})
    plan = _Plan(report)
    with transaction.atomic():
        brand = brand_setup()
        plan.prepare(brand)
        if "dealers.csv" in tables:
            plan.dealers(tables["dealers.csv"])
        plan.customers(tables["customers.csv"])
        plan.invitations(tables["invitations.csv"])
        plan.responses(tables["responses.csv"])
        plan.refuse_if_imported()
        plan.write()
        if plan.response_rows:
            earliest = min(response.submitted_at for response in plan.response_rows)
            # Later apps count imported answers (the rollups); told after commit, from the first imported day on.
            transaction.on_commit(lambda: responses_imported.send(sender=Response, since=earliest))
    report.seconds = time.perf_counter() - started
    return report


class _Plan:
    """Validated rows of every file, written together at the end (dealers first, responses last)."""

    def __init__(self, report: HistoryImportReport) -> None:
        self.report = report
        self.now = clock.now()
        self.new_regions: dict[str, Region] = {}
        self.new_dealers: list[Dealer] = []
        self.customer_rows: dict[str, tuple[Customer, dict[str, str]]] = {}
        self.invitation_rows: dict[str, Invitation] = {}
        self.event_rows: dict[str, OperationalEvent] = {}
        self.response_rows: list[Response] = []

    def prepare(self, brand) -> None:
        self.brand = brand
        self.regions = {region.code: region for region in Region.objects.filter(brand=brand)}
        self.dealer_by_code = {dealer.code: dealer for dealer in Dealer.objects.filter(brand=brand)}
        self.touchpoints = {touchpoint.code: touchpoint for touchpoint in Touchpoint.objects.filter(
            journey__brand=brand, journey__is_default=True)}
        # Touchpoint → event kind for the historical event rows: head office's rules first, then the defaults.
        self.kind_for: dict[str, str] = {code: kind for kind, code in defaults.EVENT_TOUCHPOINTS.items()}
        self.kind_for["first_service"] = EventKind.SERVICE_COMPLETED
        for kind, code in SurveyRule.objects.filter(brand=brand).values_list("event_kind", "touchpoint__code"):
            self.kind_for[code] = kind

    def dealers(self, table: CsvTable) -> None:
        file = self.report.files["dealers.csv"]
        for line, fields, row in _rows(table, file):
            try:
                if not row["code"] or not row["name"]:
                    raise RowError("missing code or name")
                if row["code"] in self.dealer_by_code:
                    file.existing += 1  # dealers already set up are kept as they are: the network is live data
                    continue
                country = row["country"].upper()
                if not re.fullmatch(r"[A-Z]{2}", country):
                    raise RowError(f"malformed country: {row['country']!r} (ISO 3166-1 alpha-2 expected)")
                time_zone = row.get("time_zone") or "Europe/London"
                try:
                    zoneinfo.ZoneInfo(time_zone)
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    raise RowError(f"unknown time zone: {time_zone!r}") from None
                if not row["region"]:
                    raise RowError("missing region")
                region = self.regions.get(row["region"]) or self.new_regions.get(row["region"])
                if region is None:
                    region = self.new_regions[row["region"]] = Region(
                        brand=self.brand, code=row["region"], name=row.get("region_name") or row["region"])
            except RowError as error:
                file.rejects.add(line, fields, str(error))
                continue
            dealer = Dealer(brand=self.brand, region=region, code=row["code"], name=row["name"],
                            city=row.get("city", ""), country=country, language=row.get("language") or "en",
                            time_zone=time_zone, email_domain=row.get("email_domain", "").strip().lower()[:120])
            self.dealer_by_code[dealer.code] = dealer
            self.new_dealers.append(dealer)
            file.imported += 1

    def customers(self, table: CsvTable) -> None:
        file = self.report.files["customers.csv"]
        for line, fields, row in _rows(table, file):
            try:
                ref = row["ref"]
                if not ref:
                    raise RowError("missing ref")
                if ref in self.customer_rows:
                    raise RowError(f"duplicate ref within the file: {ref!r}")
                dealer = self.dealer_by_code.get(row["dealer_code"])
                if dealer is None:
                    raise RowError(f"unknown dealer: {row['dealer_code']!r}")
                email = row.get("email", "")
                if email:
                    try:
                        validate_email(email)
                    except ValidationError:
                        raise RowError(f"malformed email: {email!r}") from None
                hashes = {"email": _hash(row.get("email_hash", ""), "email_hash"),
                          "sms": _hash(row.get("phone_hash", ""), "phone_hash")}
                consent = row.get("consent", "").lower()
                if consent and consent not in TRUE | FALSE:
                    raise RowError(f"malformed consent: {row['consent']!r} (true or false expected)")
                deal_type = _choice(row.get("deal_type", ""), set(DealType.values), "deal_type", DealType.RETAIL)
                contact_updated_at = optional_datetime(row.get("contact_updated_at", ""), "contact_updated_at")
                created_at = optional_datetime(row.get("created_at", ""), "created_at")
            except RowError as error:
                file.rejects.add(line, fields, str(error))
                continue
            customer = Customer(
                brand=self.brand, dealer=dealer, first_name=row["first_name"][:80], last_name=row["last_name"][:80],
                email=email, phone=row.get("phone", ""), language=row.get("language") or dealer.language,
                deal_type=deal_type, consent_surveys=consent not in FALSE, contact_updated_at=contact_updated_at,
                created_at=created_at,
            )
            self.customer_rows[ref] = (customer, hashes)
            file.imported += 1

    def invitations(self, table: CsvTable) -> None:
        file = self.report.files["invitations.csv"]
        for line, fields, row in _rows(table, file):
            try:
                ref = row["ref"]
                if not ref:
                    raise RowError("missing ref")
                if ref in self.invitation_rows:
                    raise RowError(f"duplicate ref within the file: {ref!r}")
                if len(HISTORY_KEY_PREFIX + ref) > 120:
                    raise RowError("ref too long: more than 110 characters")
                found = self.customer_rows.get(row["customer_ref"])
                if found is None:
                    raise RowError(f"unknown customer: {row['customer_ref']!r} (missing or rejected in customers.csv)")
                customer, hashes = found
                dealer = customer.dealer
                if row.get("dealer_code"):
                    dealer = self.dealer_by_code.get(row["dealer_code"])
                    if dealer is None:
                        raise RowError(f"unknown dealer: {row['dealer_code']!r}")
                touchpoint = self.touchpoints.get(row["touchpoint"])
                if touchpoint is None:
                    raise RowError(f"unknown touchpoint: {row['touchpoint']!r}")
                kind = self.kind_for.get(touchpoint.code)
                if kind is None:
                    raise RowError(f"unknown touchpoint: {touchpoint.code!r} has no event kind")
                channel = _choice(row.get("channel", ""), set(Channel.values), "channel", Channel.EMAIL)
                delivery = _choice(row.get("delivery_status", ""), set(DeliveryStatus.values) - {""},
                                   "delivery_status", DeliveryStatus.UNKNOWN)
                sent_at = parse_datetime(row["sent_at"], "sent_at")
                opened_at = optional_datetime(row.get("opened_at", ""), "opened_at")
                expires_at = optional_datetime(row.get("expires_at", ""), "expires_at")
                if opened_at and opened_at < sent_at:
                    raise RowError("opened before it was sent: opened_at < sent_at")
                contact = customer.email if channel == Channel.EMAIL else customer.phone
                contact_hash = (_hash(row.get("contact_hash", ""), "contact_hash") or hashes[channel]
                                or fingerprint(contact))
            except RowError as error:
                file.rejects.add(line, fields, str(error))
                continue
            expired = expires_at is not None and expires_at <= self.now
            event = OperationalEvent(
                brand=self.brand, dealer=dealer, customer=customer, touchpoint=touchpoint, kind=kind,
                occurred_at=sent_at, received_at=self.now, source=Source.IMPORT,
                idempotency_key=HISTORY_KEY_PREFIX + ref, external_reference=ref,
            )
            self.event_rows[ref] = event
            self.invitation_rows[ref] = Invitation(
                brand=self.brand, dealer=dealer, customer=customer, event=event, touchpoint=touchpoint,
                channel=channel, language=customer.language,
                status=InvitationStatus.EXPIRED if expired else InvitationStatus.SENT, delivery_status=delivery,
                contact_hash=contact_hash, scheduled_for=sent_at, sent_at=sent_at, opened_at=opened_at,
                expires_at=expires_at,
            )
            file.imported += 1

    def responses(self, table: CsvTable) -> None:
        file = self.report.files["responses.csv"]
        answered: dict[str, int] = {}
        for line, fields, row in _rows(table, file):
            try:
                ref = row["invitation_ref"]
                invitation = self.invitation_rows.get(ref)
                if invitation is None:
                    raise RowError(f"unknown invitation: {ref!r} (missing or rejected in invitations.csv)")
                if ref in answered:
                    raise RowError(f"duplicate response for invitation: {ref!r} (first on row {answered[ref]})")
                if not row["score"].isdigit() or int(row["score"]) > 10:
                    raise RowError(f"malformed score: {row['score']!r} (0 to 10 expected)")
                if invitation.delivery_status in (DeliveryStatus.BOUNCED, DeliveryStatus.INVALID):
                    raise RowError(f"response to an undelivered invitation: {ref!r} is {invitation.delivery_status}")
                submitted_at = parse_datetime(row["submitted_at"], "submitted_at")
                if submitted_at < invitation.sent_at:
                    raise RowError("submitted before the invitation was sent: submitted_at < sent_at")
                opened_at = optional_datetime(row.get("opened_at", ""), "opened_at") or invitation.opened_at
                channel = _choice(row.get("channel", ""), set(Channel.values), "channel", invitation.channel)
                network = _hash(row.get("network_fingerprint", ""), "network_fingerprint")
                if not network and row.get("raw_ip"):
                    network = fingerprint(_network(row["raw_ip"]))
                device = _hash(row.get("device_fingerprint", ""), "device_fingerprint")
                if not device and row.get("user_agent"):
                    device = fingerprint(device_of(user_agent=row["user_agent"], accept_language=""))
            except RowError as error:
                file.rejects.add(line, fields, str(error))
                continue
            answered[ref] = line
            invitation.status = InvitationStatus.ANSWERED
            invitation.answered_at = submitted_at
            invitation.opened_at = invitation.opened_at or opened_at
            self.response_rows.append(Response(
                brand=self.brand, dealer=invitation.dealer, customer=invitation.customer, invitation=invitation,
                touchpoint=invitation.touchpoint, vehicle_model=row.get("vehicle_model", "")[:60],
                score=int(row["score"]), verbatim=row.get("verbatim", ""),
                language=row.get("language") or invitation.language, channel=channel, source=Source.IMPORT,
                invited_at=invitation.sent_at, opened_at=opened_at, submitted_at=submitted_at,
                network_fingerprint=network, device_fingerprint=device,
            ))
            file.imported += 1

    def refuse_if_imported(self) -> None:
        """A second run of the same history would double every count: refuse it before anything is written."""
        keys = [HISTORY_KEY_PREFIX + ref for ref in self.invitation_rows]
        existing = 0
        for start in range(0, len(keys), 5_000):
            existing += OperationalEvent.objects.filter(brand=self.brand,
                                                        idempotency_key__in=keys[start:start + 5_000]).count()
        if existing:
            raise ImportFormatError(f"invitations.csv: {existing} of its invitation refs were imported before "
                                    f"(history already imported?); nothing written.")

    def write(self) -> None:
        """Write everything, parents first.

        ``bulk_create`` returns keys on PostgreSQL and SQLite ≥ 3.35 and fills each child's foreign key from the
        parent object saved just before; a history is written once, so the ORM's speed is plenty here.
        """
        Region.objects.bulk_create(self.new_regions.values(), batch_size=BATCH)
        Dealer.objects.bulk_create(self.new_dealers, batch_size=BATCH)
        customers = [customer for customer, _hashes in self.customer_rows.values()]
        self._mark_undeliverable_contacts()
        first_contact: dict[int, dt.datetime] = {}
        for invitation in self.invitation_rows.values():
            key = id(invitation.customer)
            first_contact[key] = min(first_contact.get(key, invitation.sent_at), invitation.sent_at)
        for customer in customers:
            customer.created_at = customer.created_at or first_contact.get(id(customer)) or self.now
        Customer.objects.bulk_create(customers, batch_size=BATCH)
        events = list(self.event_rows.values())
        OperationalEvent.objects.bulk_create(events, batch_size=BATCH)
        invitations = list(self.invitation_rows.values())
        Invitation.objects.bulk_create(invitations, batch_size=BATCH)
        Response.objects.bulk_create(self.response_rows, batch_size=BATCH)

    def _mark_undeliverable_contacts(self) -> None:
        """If a customer's latest e-mail bounced (or latest SMS found the number invalid), never survey it again."""
        latest: dict[tuple[int, str], Invitation] = {}
        for invitation in self.invitation_rows.values():
            key = (id(invitation.customer), invitation.channel)
            if key not in latest or invitation.sent_at > latest[key].sent_at:
                latest[key] = invitation
        for (_customer, channel), invitation in latest.items():
            if invitation.delivery_status in (DeliveryStatus.BOUNCED, DeliveryStatus.INVALID):
                if channel == Channel.EMAIL:
                    invitation.customer.email_bounced_at = invitation.sent_at
                else:
                    invitation.customer.phone_invalid_at = invitation.sent_at
