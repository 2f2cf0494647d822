"""Writes for surveys: the brand's survey set-up, operational events in, invitations scheduled, sent and reminded.

The decisions (whether, when, on which channel) are pure functions in ``policies``; this module gathers the facts
for them, writes the outcome, and sends. Every sending path claims its row atomically, so the every-minute sweep,
the after-commit task and a second web process may all run at once without anyone getting a message twice.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import Min, Q
from django.db.models.expressions import DatabaseDefault
from django.db.models.functions import Lower, Upper
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.bulk import copy_rows, reserve_pks
from insidetrack.core.errors import DomainError, PermissionDenied, ValidationFailed
from insidetrack.core.hashing import fingerprint
from insidetrack.core.tasks import enqueue_on_commit
from insidetrack.customers.models import Customer, DealType, Vehicle
from insidetrack.journeys.models import Touchpoint
from insidetrack.journeys.services import journey_create_default
from insidetrack.network.models import Brand, Dealer

from . import defaults, policies
from .history import invitation_history_write
from .messaging import send_sms
from .models import (
    Channel,
    ContactPolicy,
    DeliveryStatus,
    EventKind,
    Invitation,
    InvitationEventKind,
    InvitationStatus,
    OperationalEvent,
    Purpose,
    Source,
    SurveyRule,
)
from .policies import SkipReason
from .tokens import make_token, new_nonce

logger = logging.getLogger(__name__)

MAX_BATCH_SIZE = 1000
# Dealer systems' clocks drift; an event a few minutes "in the future" is skew, one a day ahead is a data error.
FUTURE_TOLERANCE = timedelta(hours=1)
# Bounds one sweep's work so a backlog is worked off over several minutes instead of one endless run.
SWEEP_BATCH_SIZE = 500
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
# Statuses that count as "this customer was (or is about to be) asked" for the contact policy.
CONTACT_STATUSES = (InvitationStatus.PENDING, InvitationStatus.SENT, InvitationStatus.ANSWERED,
                    InvitationStatus.EXPIRED)


class BatchTooLarge(DomainError):
    """More events than one request may carry; the client must split the batch."""

    status = 413
    code = "batch_too_large"


# --------------------------------------------------------------------------------------------------------------------
# Set-up


@transaction.atomic
def survey_setup(*, brand: Brand) -> None:
    """Give a brand its default survey rules and contact policy, once; rows head office has edited stay untouched."""
    journey = journey_create_default(brand=brand)
    touchpoints = {t.code: t for t in Touchpoint.objects.filter(journey=journey)}
    for item in defaults.RULES:
        touchpoint = touchpoints.get(item["touchpoint"])
        if touchpoint is None:  # head office removed the touchpoint: nothing to survey
            continue
        SurveyRule.objects.get_or_create(
            brand=brand, event_kind=item["event_kind"],
            defaults={"touchpoint": touchpoint, "delay_hours": item["delay_hours"],
                      "questions": copy.deepcopy(defaults.QUESTIONS.get(item["event_kind"], []))},
        )
    ContactPolicy.objects.get_or_create(
        brand=brand, defaults={"min_days_between_surveys": defaults.MIN_DAYS_BETWEEN_SURVEYS},
    )


def _ensure_setup(brand_ids: Iterable[int]) -> None:
    """Load the default set-up on first use, as ``brand_setup`` does for the journey; the policy row marks it done."""
    done = set(ContactPolicy.objects.filter(brand_id__in=brand_ids).values_list("brand_id", flat=True))
    for brand in Brand.objects.filter(pk__in=set(brand_ids) - done):
        survey_setup(brand=brand)


# --------------------------------------------------------------------------------------------------------------------
# Event intake


class ItemStatus(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class EventInput:
    """One reported event. The customer is named by ``customer_id`` or by ``customer_email``, exactly one."""

    kind: str
    occurred_at: datetime
    customer_id: int | None = None
    customer_email: str = ""
    vin: str = ""
    idempotency_key: str = ""
    external_reference: str = ""
    dealer_code: str = ""


@dataclass(frozen=True, slots=True)
class InvitationDecision:
    """What became of an event's invitation: scheduled for a time on a channel, or skipped for a reason."""

    decision: str
    scheduled_for: datetime | None = None
    channel: str = ""
    skip_reason: str = ""

    @classmethod
    def of(cls, invitation: Invitation | None) -> InvitationDecision | None:
        if invitation is None:
            return None
        if invitation.status == InvitationStatus.SKIPPED:
            return cls(decision="skipped", skip_reason=invitation.skip_reason)
        return cls(decision="scheduled", scheduled_for=invitation.scheduled_for, channel=invitation.channel)


@dataclass(frozen=True, slots=True)
class ItemResult:
    """The outcome for the item at ``index`` of the batch."""

    index: int
    status: ItemStatus
    idempotency_key: str = ""
    event_pk: int | None = None
    invitation: InvitationDecision | None = None
    error_code: str = ""
    error_detail: str = ""
    error_field: str | None = None


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Per-item outcomes, in the order the items were sent."""

    results: list[ItemResult] = field(default_factory=list)

    def count(self, status: ItemStatus) -> int:
        return sum(1 for r in self.results if r.status == status)


_FIELDS = frozenset(EventInput.__dataclass_fields__)
_TEXT_LIMITS = {"customer_email": 254, "vin": 17, "idempotency_key": 120, "external_reference": 120,
                "dealer_code": 20}


def _parse_item(raw: object) -> EventInput:
    """Turn one JSON object into an EventInput, or raise ValidationFailed naming the field at fault."""
    if isinstance(raw, EventInput):
        return raw
    if not isinstance(raw, Mapping):
        raise ValidationFailed("Each event must be a JSON object.")
    unknown = sorted(str(k) for k in set(raw) - _FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown field(s): {', '.join(unknown)}.", field=unknown[0])
    kind = raw.get("kind")
    if kind not in EventKind.values:
        raise ValidationFailed(f"kind must be one of: {', '.join(EventKind.values)}.", field="kind")
    occurred_at = raw.get("occurred_at")
    if isinstance(occurred_at, str):
        try:
            occurred_at = parse_datetime(occurred_at)
        except ValueError:
            occurred_at = None
    if not isinstance(occurred_at, datetime):
        raise ValidationFailed("occurred_at must be an ISO 8601 date and time, e.g. 2026-11-20T14:30:00+01:00.",
                               field="occurred_at")
    if timezone.is_naive(occurred_at):
        # Guessing a time zone would silently shift events by hours; the sender knows its own offset.
        raise ValidationFailed("occurred_at needs a time zone offset, e.g. +01:00 or Z.", field="occurred_at")
    customer_id = raw.get("customer_id")
    if customer_id is not None and (isinstance(customer_id, bool) or not isinstance(customer_id, int)):
        raise ValidationFailed("customer_id must be an integer.", field="customer_id")
    texts: dict[str, str] = {}
    for name, limit in _TEXT_LIMITS.items():
        value = raw.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValidationFailed(f"{name} must be a string.", field=name)
        value = value.strip()
        if len(value) > limit:
            raise ValidationFailed(f"{name} is longer than {limit} characters.", field=name)
        texts[name] = value
    return EventInput(kind=kind, occurred_at=occurred_at, customer_id=customer_id, **texts)


def _check_actor(actor: Actor) -> None:
    """Dealer systems and dealer staff report for their dealer; head office and the platform for any dealer."""
    if actor.is_system or actor.is_head_office or (actor.is_dealer and actor.dealer_id is not None):
        return
    raise PermissionDenied("Only a dealer system, dealer staff or head office may report events.")


class _Resolver:
    """Looks up dealers, customers and vehicles for a batch, with caches because batches repeat them."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.dealers: dict[str, Dealer | None] = {}
        self.own_dealer = Dealer.objects.filter(pk=actor.dealer_id).first() if actor.is_dealer else None
        self.customers_by_pk: dict[int, Customer] = {}
        self.customers_by_email: dict[str, list[Customer]] = {}
        self.vehicles_by_vin: dict[str, Vehicle] = {}

    def prefetch(self, items: Sequence[EventInput]) -> None:
        """Load every customer and vehicle the batch names in three queries, not one or two per item."""
        customers = Customer.objects.visible_to(self.actor).filter(erased_at__isnull=True).order_by("pk")
        pks = {item.customer_id for item in items if item.customer_id is not None}
        emails = {item.customer_email.lower() for item in items if item.customer_email}
        vins = {item.vin.upper() for item in items if item.vin}
        if pks:
            self.customers_by_pk = {c.pk: c for c in customers.filter(pk__in=pks)}
        if emails:
            for customer in customers.annotate(email_lower=Lower("email")).filter(email_lower__in=emails):
                self.customers_by_email.setdefault(customer.email_lower, []).append(customer)
        if vins:
            self.vehicles_by_vin = {
                v.vin_upper: v for v in Vehicle.objects.visible_to(self.actor).annotate(vin_upper=Upper("vin"))
                .filter(vin_upper__in=vins)
            }

    def dealer(self, item: EventInput) -> Dealer | None:
        if self.own_dealer is not None:
            if item.dealer_code and item.dealer_code != self.own_dealer.code:
                raise PermissionDenied(f"This token reports for dealer {self.own_dealer.code}, not "
                                       f"{item.dealer_code}.", code="wrong_dealer", field="dealer_code")
            return self.own_dealer
        if not item.dealer_code:
            return None  # head office: the customer's dealer
        if item.dealer_code not in self.dealers:
            dealers = Dealer.objects.filter(code=item.dealer_code)
            if not self.actor.is_system:
                dealers = dealers.filter(brand_id=self.actor.brand_id)
            self.dealers[item.dealer_code] = dealers.first()
        found = self.dealers[item.dealer_code]
        if found is None:
            raise ValidationFailed(f"No dealer with code {item.dealer_code}.", code="unknown_dealer",
                                   field="dealer_code")
        return found

    def customer(self, item: EventInput, dealer: Dealer | None) -> Customer:
        if (item.customer_id is None) == (not item.customer_email):
            raise ValidationFailed("Name the customer with customer_id or customer_email (exactly one).",
                                   code="customer_required", field="customer_id")
        where = f" at dealer {dealer.code}" if dealer is not None else ""
        if item.customer_id is not None:
            found = self.customers_by_pk.get(item.customer_id)
            if found is not None and dealer is not None and found.dealer_id != dealer.pk:
                found = None
            if found is None:
                raise ValidationFailed(f"No customer {item.customer_id}{where}.", code="unknown_customer",
                                       field="customer_id")
            return found
        matches = [c for c in self.customers_by_email.get(item.customer_email.lower(), [])
                   if dealer is None or c.dealer_id == dealer.pk][:2]
        if not matches:
            raise ValidationFailed(f"No customer with e-mail {item.customer_email}{where}.", code="unknown_customer",
                                   field="customer_email")
        if len(matches) > 1:
            raise ValidationFailed(f"Several customers{where} share e-mail {item.customer_email}; send customer_id.",
                                   code="ambiguous_customer", field="customer_email")
        return matches[0]

    def vehicle(self, item: EventInput, customer: Customer) -> Vehicle | None:
        if not item.vin:
            return None
        found = self.vehicles_by_vin.get(item.vin.upper())
        if found is None:
            raise ValidationFailed(f"No vehicle with VIN {item.vin}.", code="unknown_vehicle", field="vin")
        if found.current_owner_id != customer.pk:
            raise ValidationFailed(f"Vehicle {item.vin} is not registered to this customer.",
                                   code="vehicle_not_customers", field="vin")
        return found


def _rejected(index: int, key: str, error: DomainError) -> ItemResult:
    return ItemResult(index=index, status=ItemStatus.REJECTED, idempotency_key=key, error_code=error.code,
                      error_detail=str(error.message), error_field=error.field)


def events_record(*, actor: Actor, items: Sequence[Mapping[str, Any] | EventInput], source: str = Source.API,
                  now: datetime | None = None) -> BatchResult:
    """Record a batch of operational events and schedule their invitations, in one transaction.

    Each item is validated on its own: a rejected item (unknown customer, another dealer's customer, bad date) is
    reported by index and the good ones are kept. What is written (events and invitations) commits together or not
    at all. A key already used by the dealer is a ``duplicate`` and returns the original outcome, so a retried batch
    creates nothing twice. Raises PermissionDenied when the actor may not report events, BatchTooLarge past
    ``MAX_BATCH_SIZE``.
    """
    _check_actor(actor)
    if len(items) > MAX_BATCH_SIZE:
        raise BatchTooLarge(f"A batch holds at most {MAX_BATCH_SIZE:,} events; this one has {len(items):,}. "
                            f"Split it into smaller batches.")
    try:
        return _record(actor=actor, items=items, source=source, now=now or clock.now())
    except IntegrityError:
        # A concurrent retry of the same batch won the race for an idempotency key; run again and everything that
        # one created comes back as "duplicate".
        return _record(actor=actor, items=items, source=source, now=now or clock.now())


@transaction.atomic
def _record(*, actor: Actor, items: Sequence[Mapping[str, Any] | EventInput], source: str,
            now: datetime) -> BatchResult:
    resolver = _Resolver(actor)
    results: dict[int, ItemResult] = {}
    accepted: list[tuple[int, EventInput, Dealer, Customer, Vehicle | None]] = []
    parsed: list[tuple[int, str, EventInput]] = []
    for index, raw in enumerate(items):
        key = raw.get("idempotency_key", "") if isinstance(raw, Mapping) else getattr(raw, "idempotency_key", "")
        key = key.strip() if isinstance(key, str) else ""
        try:
            item = _parse_item(raw)
            if source == Source.API and not item.idempotency_key:
                raise ValidationFailed("idempotency_key is required so that a retried request creates nothing "
                                       "twice.", code="idempotency_key_required", field="idempotency_key")
            if item.occurred_at > now + FUTURE_TOLERANCE:
                raise ValidationFailed("occurred_at is in the future.", code="future_event", field="occurred_at")
        except DomainError as error:
            results[index] = _rejected(index, key, error)
            continue
        parsed.append((index, key, item))
    resolver.prefetch([item for _i, _k, item in parsed])
    for index, key, item in parsed:
        try:
            dealer = resolver.dealer(item)
            customer = resolver.customer(item, dealer)
            vehicle = resolver.vehicle(item, customer)
        except DomainError as error:
            results[index] = _rejected(index, key, error)
            continue
        accepted.append((index, item, dealer or customer.dealer, customer, vehicle))

    _ensure_setup({customer.brand_id for _i, _item, _d, customer, _v in accepted})
    keys = {(dealer.pk, item.idempotency_key) for _i, item, dealer, _c, _v in accepted if item.idempotency_key}
    existing = {
        (e.dealer_id, e.idempotency_key): e
        for e in OperationalEvent.objects.filter(
            dealer_id__in={d for d, _k in keys}, idempotency_key__in={k for _d, k in keys},
        ).select_related("invitation")
    }
    first_index_of_key: dict[tuple[int, str], int] = {}
    duplicates_in_batch: list[tuple[int, int]] = []
    new_events: list[tuple[int, OperationalEvent]] = []
    touchpoints = _TouchpointFinder()
    touchpoints.load_first_services([(item.kind, customer, vehicle) for _i, item, _d, customer, vehicle in accepted])
    for index, item, dealer, customer, vehicle in accepted:
        key = (dealer.pk, item.idempotency_key)
        if item.idempotency_key and key in existing:
            event = existing[key]
            results[index] = ItemResult(
                index=index, status=ItemStatus.DUPLICATE, idempotency_key=item.idempotency_key, event_pk=event.pk,
                invitation=InvitationDecision.of(getattr(event, "invitation", None)),
            )
            continue
        if item.idempotency_key and key in first_index_of_key:
            duplicates_in_batch.append((index, first_index_of_key[key]))
            continue
        if item.idempotency_key:
            first_index_of_key[key] = index
        earlier_in_batch = [e for _i, e in new_events]
        touchpoint = touchpoints.for_event(brand_id=customer.brand_id, kind=item.kind, customer=customer,
                                           vehicle=vehicle, occurred_at=item.occurred_at,
                                           earlier_in_batch=earlier_in_batch)
        new_events.append((index, OperationalEvent(
            brand_id=customer.brand_id, dealer=dealer, customer=customer, vehicle=vehicle, touchpoint=touchpoint,
            kind=item.kind, occurred_at=item.occurred_at, source=source,
            idempotency_key=item.idempotency_key or None, external_reference=item.external_reference,
        )))

    created = OperationalEvent.objects.bulk_create([e for _i, e in new_events])
    invitations = invitations_schedule(events=created, now=now)
    for (index, event), invitation in zip(new_events, invitations, strict=True):
        results[index] = ItemResult(index=index, status=ItemStatus.CREATED, idempotency_key=event.idempotency_key or "",
                                    event_pk=event.pk, invitation=InvitationDecision.of(invitation))
    for index, first in duplicates_in_batch:
        results[index] = replace(results[first], index=index, status=ItemStatus.DUPLICATE)
    return BatchResult(results=[results[i] for i in range(len(items))])


class _TouchpointFinder:
    """Which touchpoint an event belongs to: its rule's, a vehicle's first service, or the default for its kind."""

    def __init__(self) -> None:
        self.rules: dict[tuple[int, str], SurveyRule | None] = {}
        self.by_code: dict[tuple[int, str], Touchpoint] = {}
        # Earliest service already on record per vehicle and per customer, loaded once per batch (not per event).
        self.first_service_of_vehicle: dict[int, datetime] = {}
        self.first_service_of_customer: dict[int, datetime] = {}

    def load_first_services(self, items: list[tuple[str, Customer, Vehicle | None]]) -> None:
        """Two grouped queries for the whole batch, so a batch of service events does not query once per event."""
        services = [(customer, vehicle) for kind, customer, vehicle in items if kind == policies.SERVICE_EVENT]
        vehicle_ids = {vehicle.pk for _c, vehicle in services if vehicle is not None}
        customer_ids = {customer.pk for customer, vehicle in services if vehicle is None}
        recorded = OperationalEvent.objects.filter(kind=policies.SERVICE_EVENT)
        if vehicle_ids:
            self.first_service_of_vehicle = dict(
                recorded.filter(vehicle_id__in=vehicle_ids).values("vehicle_id").annotate(first=Min("occurred_at"))
                .values_list("vehicle_id", "first"))
        if customer_ids:
            self.first_service_of_customer = dict(
                recorded.filter(customer_id__in=customer_ids).values("customer_id")
                .annotate(first=Min("occurred_at")).values_list("customer_id", "first"))

    def _rule(self, brand_id: int, kind: str) -> SurveyRule | None:
        if (brand_id, kind) not in self.rules:
            self.rules[brand_id, kind] = SurveyRule.objects.select_related("touchpoint").filter(
                brand_id=brand_id, event_kind=kind).first()
        return self.rules[brand_id, kind]

    def _code(self, journey_id: int, code: str) -> Touchpoint | None:
        if (journey_id, code) not in self.by_code:
            found = Touchpoint.objects.filter(journey_id=journey_id, code=code).first()
            if found is None:
                return None
            self.by_code[journey_id, code] = found
        return self.by_code[journey_id, code]

    def for_event(self, *, brand_id: int, kind: str, customer: Customer, vehicle: Vehicle | None,
                  occurred_at: datetime, earlier_in_batch: list[OperationalEvent]) -> Touchpoint:
        rule = self._rule(brand_id, kind)
        if rule is not None:
            base = rule.touchpoint
        else:
            journey = journey_create_default(brand=Brand.objects.get(pk=brand_id))
            base = self._code(journey.pk, defaults.EVENT_TOUCHPOINTS[kind])
            if base is None:
                raise ValidationFailed(f"No touchpoint for {kind} events in the journey.", code="no_touchpoint",
                                       field="kind")
        if kind != policies.SERVICE_EVENT:
            return base
        code = policies.touchpoint_code_for(
            kind=kind, rule_touchpoint_code=base.code,
            has_previous_service=self._has_previous_service(customer=customer, vehicle=vehicle,
                                                            occurred_at=occurred_at, earlier_in_batch=earlier_in_batch),
        )
        return self._code(base.journey_id, code) or base


    def _has_previous_service(self, *, customer: Customer, vehicle: Vehicle | None, occurred_at: datetime,
                              earlier_in_batch: list[OperationalEvent]) -> bool:
        """A service before this one, for the same vehicle (or, without a VIN, the same customer)."""

        def same(event: OperationalEvent) -> bool:
            if vehicle is not None:
                return event.vehicle_id == vehicle.pk
            return event.customer_id == customer.pk

        if any(e.kind == policies.SERVICE_EVENT and same(e) and e.occurred_at < occurred_at
               for e in earlier_in_batch):
            return True
        if vehicle is not None:
            first = self.first_service_of_vehicle.get(vehicle.pk)
        else:
            first = self.first_service_of_customer.get(customer.pk)
        return first is not None and first < occurred_at


# --------------------------------------------------------------------------------------------------------------------
# Scheduling


def customer_facts(customer: Customer) -> policies.CustomerFacts:
    """The contact facts the policies decide on."""
    return policies.CustomerFacts(
        consent_surveys=customer.consent_surveys and customer.erased_at is None,
        deal_type=customer.deal_type or DealType.RETAIL,
        has_email=bool(customer.email), email_bounced=customer.email_bounced_at is not None,
        has_phone=bool(customer.phone), phone_invalid=customer.phone_invalid_at is not None,
    )


def _rule_facts(rule: SurveyRule | None) -> policies.RuleFacts | None:
    if rule is None:
        return None
    return policies.RuleFacts(is_active=rule.is_active, delay_hours=rule.delay_hours, channel=rule.channel,
                              expiry_days=rule.expiry_days)


_INVITATION_COLUMNS = ("id", "brand_id", "dealer_id", "customer_id", "event_id", "touchpoint_id", "channel",
                       "language", "status", "skip_reason", "delivery_status", "contact_hash", "scheduled_for",
                       "sent_at", "opened_at", "reminded_at", "answered_at", "expires_at", "token_nonce", "purpose")


def _write_invitations(invitations: list[Invitation]) -> None:
    """Write new invitations as tuples (COPY or executemany): bulk_create spent most of a batch preparing fields.

    Keys are reserved first so the instances handed back carry them, exactly as bulk_create would have set them.
    """
    for invitation, pk in zip(invitations, reserve_pks(Invitation, len(invitations)), strict=True):
        invitation.pk = pk
    copy_rows(Invitation, _INVITATION_COLUMNS, [
        tuple("" if isinstance(value, DatabaseDefault) else value
              for value in (getattr(invitation, column) for column in _INVITATION_COLUMNS))
        for invitation in invitations
    ])
    for invitation in invitations:
        invitation._state.adding = False
        invitation._state.db = Invitation.objects.db


@transaction.atomic
def invitations_schedule(*, events: Sequence[OperationalEvent], now: datetime | None = None) -> list[Invitation]:
    """One Invitation per event (pending with a send time, or skipped with a reason), in the order given.

    Idempotent: an event that already has an invitation keeps it and gets it back. Events in one call are decided
    in order, each seeing the ones before, so a second event for the same customer is ``contacted_recently``.
    Invitations due at once are sent by a task enqueued after commit.
    """
    now = now or clock.now()
    events = list(events)
    if not events:
        return []
    existing = {i.event_id: i for i in Invitation.objects.filter(event_id__in=[e.pk for e in events])}
    to_decide = [e for e in events if e.pk not in existing]
    customer_ids = sorted({e.customer_id for e in to_decide})
    # Locking the customers serialises two concurrent batches for one person on PostgreSQL, so both cannot decide
    # "not contacted recently"; SQLite serialises writers anyway and ignores the clause.
    customers = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=customer_ids).order_by("pk")}
    brand_ids = {e.brand_id for e in to_decide}
    _ensure_setup(brand_ids)
    rules = {(r.brand_id, r.event_kind): r for r in SurveyRule.objects.filter(brand_id__in=brand_ids)}
    min_days = dict(ContactPolicy.objects.filter(brand_id__in=brand_ids)
                    .values_list("brand_id", "min_days_between_surveys"))
    widest = timedelta(days=max([*min_days.values(), defaults.MIN_DAYS_BETWEEN_SURVEYS]))
    contacts: dict[int, list[datetime]] = {pk: [] for pk in customer_ids}
    for customer_id, sent_at, scheduled_for in Invitation.objects.filter(
        Q(sent_at__gte=now - widest) | Q(sent_at__isnull=True, scheduled_for__gte=now - widest),
        customer_id__in=customer_ids, status__in=CONTACT_STATUSES,
    ).values_list("customer_id", "sent_at", "scheduled_for"):
        contacts[customer_id].append(sent_at or scheduled_for)

    new: dict[int, Invitation] = {}
    for event in to_decide:
        customer = customers[event.customer_id]
        rule = rules.get((event.brand_id, event.kind))
        decision = policies.decide_invitation(
            rule=_rule_facts(rule), customer=customer_facts(customer), occurred_at=event.occurred_at, now=now,
            contact_times=contacts[customer.pk],
            min_days_between=min_days.get(event.brand_id, defaults.MIN_DAYS_BETWEEN_SURVEYS),
        )
        invitation = Invitation(brand_id=event.brand_id, dealer_id=event.dealer_id, customer=customer, event=event,
                                touchpoint_id=event.touchpoint_id, language=customer.language or "en")
        if isinstance(decision, policies.Scheduled):
            invitation.status = InvitationStatus.PENDING
            invitation.channel = decision.channel
            invitation.scheduled_for = decision.send_at
            invitation.expires_at = decision.expires_at
            contacts[customer.pk].append(decision.send_at)
        else:
            invitation.status = InvitationStatus.SKIPPED
            invitation.skip_reason = decision.reason
            invitation.channel = rule.channel if rule is not None else Channel.EMAIL
            invitation.scheduled_for = now
        new[event.pk] = invitation
    _write_invitations(list(new.values()))
    invitation_history_write(
        (i.pk, InvitationEventKind.SKIPPED if i.status == InvitationStatus.SKIPPED else InvitationEventKind.SCHEDULED,
         now, i.skip_reason or i.channel) for i in new.values()
    )
    due_now = [i.pk for i in new.values() if i.status == InvitationStatus.PENDING and i.scheduled_for <= now]
    if due_now:
        from . import tasks  # tasks import this module

        enqueue_on_commit(tasks.send_invitations, due_now)
    return [existing.get(e.pk) or new[e.pk] for e in events]


# --------------------------------------------------------------------------------------------------------------------
# Sending


def survey_link(invitation: Invitation) -> str:
    """The absolute survey URL with the invitation's signed token."""
    base = (getattr(settings, "INSIDETRACK_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
    return f"{base}/s/{make_token(invitation_pk=invitation.pk, nonce=invitation.token_nonce)}/"


def _deliver(*, invitation: Invitation, customer: Customer, channel: str, is_reminder: bool) -> None:
    """Render the message in the customer's language and send it; an exception rolls the claim back."""
    language = invitation.language or "en"
    with translation.override(language):
        context = {
            "first_name": customer.first_name, "dealer_name": invitation.dealer.name,
            "brand_name": invitation.brand.name, "touchpoint_name": invitation.touchpoint.display_name(language),
            "link": survey_link(invitation), "expires_at": invitation.expires_at, "is_reminder": is_reminder,
            "is_follow_up": invitation.purpose == Purpose.FOLLOW_UP,
            "language": language,
        }
        if channel == Channel.SMS:
            send_sms(to=customer.phone, body=" ".join(render_to_string("surveys/sms/invitation.txt", context).split()))
            return
        subject = " ".join(render_to_string("surveys/email/invitation_subject.txt", context).split())
        message = EmailMultiAlternatives(
            subject=subject, body=render_to_string("surveys/email/invitation.txt", context), to=[customer.email],
            headers={"Content-Language": language},
        )
        message.attach_alternative(render_to_string("surveys/email/invitation.html", context), "text/html")
        # Providers behind django-anymail echo metadata in their delivery webhooks: that is how a bounce finds its
        # invitation (see invitation_record_delivery). Other backends ignore the attribute.
        message.metadata = {"invitation": str(invitation.pk)}
        message.send()


def _skip_locked_free(rows) -> bool:
    """On PostgreSQL, whether no other transaction holds these rows; elsewhere always True (the update decides).

    Skipping rows another sweep is sending avoids waiting for its e-mail to go out only to find the row taken.
    """
    if not connection.features.has_select_for_update_skip_locked:
        return True
    return bool(list(rows.select_for_update(skip_locked=True).values_list("pk", flat=True)))


def _send_one(*, pk: int, now: datetime) -> int:
    """Claim one due invitation and send it; 1 if this call sent it, 0 if someone else had or it was not due."""
    with transaction.atomic():
        due = Invitation.objects.filter(pk=pk, status=InvitationStatus.PENDING, scheduled_for__lte=now)
        if not _skip_locked_free(due):
            return 0
        invitation = due.select_related("customer", "dealer", "brand", "touchpoint").first()
        if invitation is None:
            return 0
        customer = invitation.customer
        check = policies.check_before_sending(customer=customer_facts(customer), preferred=invitation.channel)
        if isinstance(check, SkipReason):
            if due.update(status=InvitationStatus.SKIPPED, skip_reason=check):
                invitation_history_write([(invitation.pk, InvitationEventKind.SKIPPED, now, check)])
            return 0
        window = (invitation.expires_at - invitation.scheduled_for) if invitation.expires_at else timedelta(days=14)
        invitation.token_nonce = new_nonce()
        invitation.sent_at = now
        invitation.expires_at = now + window
        invitation.channel = check
        invitation.language = customer.language or invitation.language
        address = customer.email if check == Channel.EMAIL else customer.phone
        # The conditional update is the claim: of two callers only one sees status still "pending".
        claimed = due.update(status=InvitationStatus.SENT, sent_at=now, expires_at=invitation.expires_at,
                             token_nonce=invitation.token_nonce, channel=check, language=invitation.language,
                             contact_hash=fingerprint(address))
        if claimed != 1:
            return 0
        invitation_history_write([(invitation.pk, InvitationEventKind.SENT, now, check)])
        _deliver(invitation=invitation, customer=customer, channel=check, is_reminder=False)
    return 1


def _remind_one(*, pk: int, now: datetime) -> int:
    """Claim one reminder (``reminded_at`` from empty to now) and send it; 1 if this call sent it."""
    with transaction.atomic():
        open_ = Invitation.objects.filter(pk=pk, status=InvitationStatus.SENT, reminded_at__isnull=True,
                                          answered_at__isnull=True, expires_at__gt=now)
        if not _skip_locked_free(open_):
            return 0
        invitation = open_.select_related("customer", "dealer", "brand", "touchpoint").first()
        if invitation is None:
            return 0
        check = policies.check_before_sending(customer=customer_facts(invitation.customer),
                                              preferred=invitation.channel)
        if isinstance(check, SkipReason):
            return 0  # consent withdrawn or address dead since: no reminder; re-checked until the link expires
        if open_.update(reminded_at=now) != 1:
            return 0
        invitation_history_write([(invitation.pk, InvitationEventKind.REMINDED, now, check)])
        _deliver(invitation=invitation, customer=invitation.customer, channel=check, is_reminder=True)
    return 1


def invitations_send(*, invitation_pks: Iterable[int], now: datetime | None = None) -> int:
    """Send those of the given invitations that are still pending and due; returns how many this call sent."""
    now = now or clock.now()
    return sum(_send_one(pk=pk, now=now) for pk in invitation_pks)


@transaction.atomic
def _expire_stale(*, now: datetime) -> int:
    """Close links past their expiry, with a history row each; rows another sweep holds are left to it."""
    stale = Invitation.objects.filter(status__in=(InvitationStatus.PENDING, InvitationStatus.SENT),
                                      expires_at__lte=now).order_by("pk")
    if connection.vendor == "postgresql":
        stale = stale.select_for_update(skip_locked=True)
    # Locked on PostgreSQL, and SQLite serialises writers: the rows read are exactly the rows updated.
    pks = list(stale.values_list("pk", flat=True))
    if not pks:
        return 0
    expired = Invitation.objects.filter(pk__in=pks).update(status=InvitationStatus.EXPIRED)
    invitation_history_write((pk, InvitationEventKind.EXPIRED, now, "") for pk in pks)
    return expired


def invitations_send_due(*, now: datetime | None = None) -> int:
    """The every-minute sweep: expire stale links, send due invitations, send one reminder to non-responders.

    Idempotent and safe to run concurrently: each row is claimed with a conditional update (and, on PostgreSQL,
    rows another sweep is working on are skipped), so nothing is sent twice. Returns how many rows it changed.
    """
    now = now or clock.now()
    expired = _expire_stale(now=now)
    due = list(Invitation.objects.filter(status=InvitationStatus.PENDING, scheduled_for__lte=now)
               .order_by("scheduled_for", "pk").values_list("pk", flat=True)[:SWEEP_BATCH_SIZE])
    sent = invitations_send(invitation_pks=due, now=now)
    reminded = 0
    for rule in SurveyRule.objects.filter(reminder_after_days__isnull=False):
        candidates = Invitation.objects.filter(
            brand_id=rule.brand_id, event__kind=rule.event_kind, status=InvitationStatus.SENT,
            reminded_at__isnull=True, answered_at__isnull=True, expires_at__gt=now,
            sent_at__lte=now - timedelta(days=rule.reminder_after_days),
        ).order_by("sent_at", "pk").values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
        reminded += sum(_remind_one(pk=pk, now=now) for pk in list(candidates))
    if expired or sent or reminded:
        logger.info("invitations: %s expired, %s sent, %s reminded", expired, sent, reminded)
    return expired + sent + reminded


# --------------------------------------------------------------------------------------------------------------------
# Delivery reports


_BOUNCES = {"bounced": DeliveryStatus.BOUNCED, "rejected": DeliveryStatus.INVALID, "failed": DeliveryStatus.INVALID}


@transaction.atomic
def invitation_record_delivery(*, invitation_pk: int, event_type: str, now: datetime | None = None) -> bool:
    """Record what the e-mail provider reported for an invitation; a bounce marks the address so it is never used
    again for a survey. Returns whether anything changed (reports arrive more than once, in any order)."""
    now = now or clock.now()
    invitation = Invitation.objects.select_related("customer").filter(pk=invitation_pk).first()
    if invitation is None:
        return False
    if event_type in _BOUNCES:
        status = _BOUNCES[event_type]
        changed = Invitation.objects.filter(pk=invitation.pk).exclude(delivery_status=status).update(
            delivery_status=status)
        field = "phone_invalid_at" if invitation.channel == Channel.SMS else "email_bounced_at"
        if changed:
            invitation_history_write([(invitation.pk, InvitationEventKind.BOUNCED, now, status)])
        changed += Customer.objects.filter(pk=invitation.customer_id, **{f"{field}__isnull": True}).update(
            **{field: now})
        return bool(changed)
    if event_type == "delivered":
        # A late "delivered" never overwrites a bounce.
        changed = Invitation.objects.filter(pk=invitation.pk, delivery_status=DeliveryStatus.UNKNOWN).update(
            delivery_status=DeliveryStatus.DELIVERED)
        if changed:
            invitation_history_write([(invitation.pk, InvitationEventKind.DELIVERED, now, "")])
        return bool(changed)
    return False
