"""Writes of the connected car: providers, ingesting a batch, evaluating rules, notifications and their e-mails."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticValidationError

from insidetrack.accounts.models import hash_token
from insidetrack.cases.models import Case
from insidetrack.cases.policies import OPEN_STATUSES
from insidetrack.cases.services import case_open_direct
from insidetrack.core import bulk, clock
from insidetrack.core.actor import Actor
from insidetrack.core.errors import NotFound, PermissionDenied, ValidationFailed
from insidetrack.core.tasks import enqueue_on_commit
from insidetrack.customers.models import Customer, Vehicle
from insidetrack.surveys.services import DEFAULT_BASE_URL

from . import defaults, policies
from .models import (
    DataProvider,
    Notification,
    NotificationKind,
    NotificationPreference,
    Rule,
    RuleMatch,
    TelemetryEvent,
)
from .schemas import EVENT_ADAPTER, MAX_BATCH_EVENTS

logger = logging.getLogger(__name__)

# A reading dated more than this far ahead is a clock fault on the provider's side, not news about the car.
FUTURE_TOLERANCE = timedelta(hours=24)


def _require_head_office(actor: Actor) -> None:
    if not actor.is_head_office:
        raise PermissionDenied(_("Only head office can do this."))


# --------------------------------------------------------------------------------------------------------------------
# Data providers


def provider_create(*, actor: Actor, name: str, now: datetime | None = None) -> tuple[DataProvider, str]:
    """A new provider for head office's brand and its raw token, which is shown once and stored only hashed."""
    _require_head_office(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the provider a name."), field="name")
    raw = DataProvider.generate()
    provider = DataProvider.objects.create(brand_id=actor.brand_id, name=name[:120], prefix=raw[:10],
                                           token_hash=hash_token(raw), created_at=now or clock.now())
    return provider, raw


def provider_revoke(*, actor: Actor, provider_pk: int, now: datetime | None = None) -> DataProvider:
    """Switch a provider off: its token is refused from the next request on; what it sent is kept."""
    _require_head_office(actor)
    provider = DataProvider.objects.filter(pk=provider_pk, brand_id=actor.brand_id).first()
    if provider is None:
        raise NotFound(_("data provider not found"))
    DataProvider.objects.filter(pk=provider.pk, revoked_at__isnull=True).update(is_active=False,
                                                                                revoked_at=now or clock.now())
    provider.refresh_from_db()
    return provider


def provider_for_token(raw_token: str) -> DataProvider | None:
    """The active provider a bearer token belongs to; unknown, revoked or switched-off tokens give ``None``."""
    return DataProvider.objects.filter(token_hash=hash_token(raw_token), is_active=True,
                                       revoked_at__isnull=True).first()


# --------------------------------------------------------------------------------------------------------------------
# Ingesting a batch


@dataclass
class IngestResult:
    """What became of each event of a batch, by its index in the batch."""

    accepted: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    event_pks: list[int] = field(default_factory=list)

    def reject(self, index: int, event_id: Any, code: str, field_name: str | None, reason: str) -> None:
        self.rejected.append({"index": index, "event_id": event_id if isinstance(event_id, str) else None,
                              "code": code, "field": field_name, "reason": reason})


def _schema_problem(error: PydanticValidationError) -> tuple[str | None, str]:
    """The field a pydantic error is about and a readable reason naming it."""
    first = error.errors()[0]
    kind = first.get("type", "")
    if kind == "union_tag_not_found":
        return "type", "type: missing; one of fault_code, service_due, tyre_pressure, battery, driving_stats"
    if kind == "union_tag_invalid":
        return "type", f"type: unknown event type {first.get('input', {}).get('type')!r}; one of fault_code, " \
                       "service_due, tyre_pressure, battery, driving_stats"
    # The first element of ``loc`` is the union's tag; the rest names the field.
    location = [str(part) for part in first.get("loc", ())[1:]]
    message = str(first.get("msg", "invalid"))
    if not location and message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
        name = message.split(":", 1)[0]
        return name, message
    name = ".".join(location) or None
    return name, f"{name}: {message}" if name else message


def _plain(value: Any) -> Any:
    """A validated value as stored JSON: numbers as numbers, times as ISO strings."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return value


def telemetry_ingest(*, provider: DataProvider, events: list[dict[str, Any]], now: datetime | None = None,
                     evaluate: bool = True) -> IngestResult:
    """Store a batch's good events once each and report every event's fate; rules run after commit.

    One VIN lookup for the whole batch and one bulk insert (``COPY`` + ``INSERT … ON CONFLICT DO NOTHING`` on
    PostgreSQL) whose returned rows say which events are new: an event the unique constraint already held, from an
    earlier batch or a concurrent retry of this one, is a duplicate, never a second row.

    Readings about a car whose owner has not consented to connected-car data are rejected (code ``no_consent``) and
    not stored at all: the consent is what allows holding them, and the provider is told so it can stop sending.
    ``evaluate=False`` leaves the rules to the caller (the demo generator replays history with its own clock); the
    stragglers sweep would evaluate such events anyway.
    """
    if len(events) > MAX_BATCH_EVENTS:
        raise ValidationFailed(f"events: at most {MAX_BATCH_EVENTS} events per batch, got {len(events)}",
                               field="events")
    now = now or clock.now()
    result = IngestResult()
    valid: list[tuple[int, Any]] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(events):
        event_id = raw.get("event_id") if isinstance(raw, dict) else None
        try:
            event = EVENT_ADAPTER.validate_python(raw)
        except PydanticValidationError as error:
            field_name, reason = _schema_problem(error)
            result.reject(index, event_id, "invalid", field_name, reason)
            continue
        occurred = event.occurred_at if event.occurred_at.tzinfo else event.occurred_at.replace(tzinfo=UTC)
        if occurred > now + FUTURE_TOLERANCE:
            result.reject(index, event.event_id, "out_of_range", "occurred_at",
                          "occurred_at: more than 24 hours in the future")
            continue
        if event.event_id in seen:
            result.duplicates.append({"index": index, "event_id": event.event_id,
                                      "reason": f"same event_id as index {seen[event.event_id]} of this batch"})
            continue
        seen[event.event_id] = index
        valid.append((index, event))

    vehicles = {row["vin"]: row for row in Vehicle.objects.visible_to(Actor.system()).filter(
        vin__in={event.vin for _index, event in valid}, current_owner__brand_id=provider.brand_id,
    ).values("pk", "vin", "current_owner_id", "current_owner__dealer_id", "current_owner__consent_connected_car",
             "current_owner__erased_at")}
    rows: list[tuple[object, ...]] = []
    indexes: dict[str, int] = {}
    for index, event in valid:
        vehicle = vehicles.get(event.vin)
        if vehicle is None:
            result.reject(index, event.event_id, "unknown_vin", "vin", f"vin: no vehicle {event.vin} of this brand")
            continue
        if vehicle["current_owner__erased_at"] is not None or not vehicle["current_owner__consent_connected_car"]:
            result.reject(index, event.event_id, "no_consent", "vin",
                          "vin: the owner has not consented to connected-car data; the event was not stored")
            continue
        data = event.model_dump(exclude={"event_id", "vin", "occurred_at", "type"})
        payload = json.dumps({key: _plain(value) for key, value in data.items()}, separators=(",", ":"))
        occurred = event.occurred_at if event.occurred_at.tzinfo else event.occurred_at.replace(tzinfo=UTC)
        rows.append((provider.pk, event.event_id, provider.brand_id, vehicle["current_owner__dealer_id"],
                     vehicle["current_owner_id"], vehicle["pk"], event.type, occurred, now, payload))
        indexes[event.event_id] = index

    with transaction.atomic():
        inserted = bulk.insert_new(
            TelemetryEvent,
            ["provider_id", "provider_event_id", "brand_id", "dealer_id", "customer_id", "vehicle_id", "kind",
             "occurred_at", "received_at", "payload"],
            rows, conflict_columns=["provider_id", "provider_event_id"], conflict_where="TRUE",
            returning=["id", "provider_event_id"],
        )
        new = {event_id: pk for pk, event_id in inserted}
        if new and evaluate:
            from . import tasks

            enqueue_on_commit(tasks.evaluate_events, sorted(new.values()))
    for event_id, index in indexes.items():
        if event_id in new:
            result.accepted.append({"index": index, "event_id": event_id})
        else:
            result.duplicates.append({"index": index, "event_id": event_id,
                                      "reason": "already received from this provider"})
    result.event_pks = sorted(new.values())
    result.accepted.sort(key=lambda row: row["index"])
    result.duplicates.sort(key=lambda row: row["index"])
    result.rejected.sort(key=lambda row: row["index"])
    # A cheap conditional update: at most one write per provider per minute, whatever the request rate.
    DataProvider.objects.filter(pk=provider.pk).exclude(last_used_at__gte=now - timedelta(minutes=1)).update(
        last_used_at=now)
    return result


# --------------------------------------------------------------------------------------------------------------------
# Evaluating rules


def _format(value: Any, language: str) -> str:
    """A number as the owner writes it (``2,5`` in German and French), whole numbers without decimals."""
    if isinstance(value, Decimal | float):
        number = Decimal(str(value))
        with translation.override(language):
            return number_format(int(number) if number == number.to_integral_value() else number.normalize(),
                                 use_l10n=True)
    return "" if value is None else str(value)


def _wheel(wheel: str, language: str) -> str:
    """A wheel's name for the rule texts, which are per-language data (as the rules' own texts are)."""
    names = defaults.WHEEL_NAMES.get(language) or defaults.WHEEL_NAMES["en"]
    return names.get(wheel, wheel)


def _texts(rule: Rule, match: policies.Match, vehicle: Vehicle | None, language: str) -> tuple[str, str]:
    values: dict[str, Any] = {key: _format(value, language) for key, value in match.values.items()}
    if "wheel" in match.values:
        values["wheel"] = _wheel(match.values["wheel"], language)
    values["value"] = values.get("value") or _format(match.value, language)
    values["threshold"] = _format(rule.threshold, language) if rule.threshold is not None else ""
    values["model"] = vehicle.model if vehicle else ""
    values["registration"] = (vehicle.registration or vehicle.vin) if vehicle else ""
    return (policies.render_text(rule.title_in(language), values)[:200],
            policies.render_text(rule.message_in(language), values))


@dataclass
class EvaluationResult:
    evaluated: int = 0
    notifications: int = 0
    cases: int = 0
    held_back: int = 0


def events_evaluate(*, event_pks: list[int], now: datetime | None = None, send: bool = True) -> EvaluationResult:
    """Run the brand's active rules over events not yet evaluated; each event is claimed once, so a retry is a no-op.

    ``send=False`` leaves immediate e-mails to the sweep (the demo generator marks its history as sent). Owners are
    locked (in key order) for the evaluation, so two workers on the same car cannot both decide that no
    alert was sent within the cooldown or that no case is open.
    """
    now = now or clock.now()
    result = EvaluationResult()
    due_emails: set[int] = set()
    with transaction.atomic():
        events = list(TelemetryEvent.objects.select_for_update(skip_locked=True)
                      .filter(pk__in=event_pks, evaluated_at__isnull=True).order_by("pk"))
        if not events:
            return result
        result.evaluated = TelemetryEvent.objects.filter(pk__in=[event.pk for event in events],
                                                         evaluated_at__isnull=True).update(evaluated_at=now)
        rules_by_brand: dict[int, list[Rule]] = defaultdict(list)
        for rule in Rule.objects.filter(brand_id__in={event.brand_id for event in events}, is_active=True):
            rules_by_brand[rule.brand_id].append(rule)
        tripped = []
        for event in events:
            for rule in rules_by_brand.get(event.brand_id, ()):
                spec = policies.RuleSpec(condition=rule.condition, threshold=rule.threshold, severity=rule.severity)
                match = policies.evaluate(spec, event.kind, event.payload)
                if match is not None:
                    tripped.append((event, rule, match))
        if not tripped:
            return result
        customer_pks = sorted({event.customer_id for event, _rule, _match in tripped})
        customers = {customer.pk: customer for customer in Customer.objects.visible_to(Actor.system())
                     .select_for_update(of=("self",))
                     .select_related("dealer").filter(pk__in=customer_pks).order_by("pk")}
        preferences = {pref.customer_id: pref
                       for pref in NotificationPreference.objects.filter(customer_id__in=customer_pks)}
        vehicles = Vehicle.objects.visible_to(Actor.system()).in_bulk(
            {event.vehicle_id for event, _rule, _match in tripped if event.vehicle_id})
        # One query for the last alert per (car, rule) of the batch; kept up to date as this batch adds alerts.
        last_sent: dict[tuple[int | None, int], datetime] = {
            (row["vehicle_id"], row["rule_id"]): row["last"]
            for row in Notification.objects.filter(customer_id__in=customer_pks,
                                                   rule_id__in={rule.pk for _event, rule, _match in tripped})
            .values("vehicle_id", "rule_id").annotate(last=Max("created_at"))}
        notifications: list[Notification] = []
        matches: list[RuleMatch] = []
        cases_opened: set[tuple[int, int]] = set()  # (rule, car) whose case this batch opened
        # One reading tells the owner one thing: of the alerts it trips, the most serious (safety first) speaks and
        # the others are recorded as held back; a soft tyre is also an uneven set, and one message says it.
        tripped.sort(key=lambda item: (item[0].pk, not item[1].is_safety, item[1].kind != NotificationKind.ALERT,
                                       item[1].pk))
        told: set[int] = set()  # readings that already produced an alert
        for event, rule, match in tripped:
            customer = customers[event.customer_id]
            preference = preferences.get(customer.pk) or NotificationPreference(customer=customer)
            row = _act(event=event, rule=rule, match=match, customer=customer, preference=preference,
                       vehicle=vehicles.get(event.vehicle_id), now=now, last_sent=last_sent,
                       cases_opened=cases_opened, already_told=event.pk in told)
            if row.notification is not None and rule.kind == NotificationKind.ALERT:
                told.add(event.pk)
            matches.append(row)
            result.cases += row.case is not None
            result.held_back += row.outcome in (RuleMatch.Outcome.COOLING_DOWN, RuleMatch.Outcome.TIPS_OFF)
            if row.notification is not None:
                notifications.append(row.notification)
                if row.notification.email_due_at is not None and row.notification.email_due_at <= now:
                    due_emails.add(customer.pk)
        Notification.objects.bulk_create(notifications)
        RuleMatch.objects.bulk_create(matches)  # each picks up its notification's key, set by the line above
        result.notifications = len(notifications)
        if due_emails and send:
            from . import tasks

            enqueue_on_commit(tasks.send_due_emails, sorted(due_emails))
    return result


def _act(*, event: TelemetryEvent, rule: Rule, match: policies.Match, customer: Customer,
         preference: NotificationPreference, vehicle: Vehicle | None, now: datetime,
         last_sent: dict[tuple[int | None, int], datetime], cases_opened: set[tuple[int, int]],
         already_told: bool = False) -> RuleMatch:
    """What one tripped rule does: open the dealer's case (once while one is open) and tell the owner (unless the
    same alert went out within the cooldown, or it is a tip the owner turned off); the unsaved match row (and its
    unsaved notification) record which, for the caller to write in bulk."""
    case = None
    if rule.opens_case and event.vehicle_id and (rule.pk, event.vehicle_id) not in cases_opened \
            and not RuleMatch.objects.filter(rule=rule, vehicle_id=event.vehicle_id,
                                             case__status__in=list(OPEN_STATUSES)).exists():
        dealer_language = customer.dealer.language or "en"
        title, body = _texts(rule, match, vehicle, dealer_language)
        case = case_open_direct(
            dealer=customer.dealer, customer_pk=customer.pk, vehicle_pk=event.vehicle_id, source="connected_car",
            subject=title, detail=body, urgent_reason=title if rule.is_safety else "", now=now)
        cases_opened.add((rule.pk, event.vehicle_id))
    outcome, notification = RuleMatch.Outcome.CASE_ONLY, None
    if rule.notifies_owner:
        key = (event.vehicle_id, rule.pk)
        if rule.kind == NotificationKind.TIP and preference.tips == policies.TipDelivery.OFF:
            outcome = RuleMatch.Outcome.TIPS_OFF
        elif rule.kind == NotificationKind.ALERT and already_told:
            outcome = RuleMatch.Outcome.SAME_READING
        elif policies.is_cooling_down(last_notified_at=last_sent.get(key), now=now, cooldown_days=rule.cooldown_days):
            outcome = RuleMatch.Outcome.COOLING_DOWN
        else:
            language = (customer.language or "en")[:2]
            title, body = _texts(rule, match, vehicle, language)
            notification = Notification(
                brand_id=event.brand_id, dealer_id=event.dealer_id, customer=customer, vehicle_id=event.vehicle_id,
                rule=rule, event=event, kind=rule.kind, is_safety=rule.is_safety, language=language, title=title,
                body=body, created_at=now,
                email_due_at=policies.email_due_at(kind=rule.kind, is_safety=rule.is_safety, alerts=preference.alerts,
                                                   tips=preference.tips, now=now,
                                                   time_zone=customer.dealer.time_zone),
            )
            last_sent[key] = now
            outcome = RuleMatch.Outcome.NOTIFIED
    return RuleMatch(event=event, rule=rule, vehicle_id=event.vehicle_id, at=now, outcome=outcome,
                     notification=notification, case=case)


def events_evaluate_stragglers(*, now: datetime | None = None, older_than: timedelta = timedelta(minutes=2),
                               limit: int = 5000) -> int:
    """Evaluate events whose after-commit task never ran (a worker died): the sweep's safety net."""
    now = now or clock.now()
    pks = list(TelemetryEvent.objects.filter(evaluated_at__isnull=True, received_at__lte=now - older_than)
               .order_by("pk").values_list("pk", flat=True)[:limit])
    return events_evaluate(event_pks=pks, now=now).evaluated if pks else 0


# --------------------------------------------------------------------------------------------------------------------
# Owner notifications and their e-mails


def preference_update(*, actor: Actor, alerts: str, tips: str, now: datetime | None = None) -> NotificationPreference:
    """An owner chooses how often to hear from their car; e-mails not yet sent are re-timed to the new choice."""
    if not actor.is_owner or actor.customer_id is None:
        raise PermissionDenied(_("Only the owner can choose how they are told."))
    if alerts not in policies.AlertDelivery.values:
        raise ValidationFailed(_("Choose how you want alerts."), field="alerts")
    if tips not in policies.TipDelivery.values:
        raise ValidationFailed(_("Choose how you want driving tips."), field="tips")
    now = now or clock.now()
    customer = Customer.objects.select_related("dealer").get_visible(actor, pk=actor.customer_id)
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.update_or_create(
            customer=customer, defaults={"alerts": alerts, "tips": tips, "updated_at": now})
        for notification in Notification.objects.filter(customer=customer, emailed_at__isnull=True,
                                                        created_at__gte=now - timedelta(days=8)):
            due = policies.email_due_at(kind=notification.kind, is_safety=notification.is_safety, alerts=alerts,
                                        tips=tips, now=now, time_zone=customer.dealer.time_zone)
            Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(email_due_at=due)
    return preference


def notifications_mark_read(*, actor: Actor, notification_pk: int | None = None, now: datetime | None = None) -> int:
    """An owner marks one notification (or all of them) as read; returns how many changed."""
    if not actor.is_owner:
        raise PermissionDenied(_("Only the owner can mark their notifications as read."))
    rows = Notification.objects.visible_to(actor).filter(read_at__isnull=True)
    if notification_pk is not None:
        if not Notification.objects.visible_to(actor).filter(pk=notification_pk).exists():
            raise NotFound(_("notification not found"))
        rows = rows.filter(pk=notification_pk)
    return rows.update(read_at=now or clock.now())


def notifications_email_due(*, now: datetime | None = None, customer_pks: list[int] | None = None) -> int:
    """Send each owner one e-mail with every notification whose time has come; returns how many e-mails went.

    The sweep behind digests (and the after-commit send of an immediate alert). Rows are claimed with a
    conditional update on ``emailed_at IS NULL`` inside the transaction that sends, so a second run, or a second
    process, finds nothing left to send.
    """
    now = now or clock.now()
    due = Notification.objects.filter(emailed_at__isnull=True, email_due_at__lte=now)
    if customer_pks is not None:
        due = due.filter(customer_id__in=customer_pks)
    sent = 0
    for customer_pk in sorted(set(due.values_list("customer_id", flat=True))):
        with transaction.atomic():
            rows = list(due.select_for_update(skip_locked=True).filter(customer_id=customer_pk)
                        .order_by("-is_safety", "kind", "created_at"))
            claimed = Notification.objects.filter(pk__in=[row.pk for row in rows], emailed_at__isnull=True) \
                .update(emailed_at=now)
            if not claimed:
                continue
            customer = Customer.objects.visible_to(Actor.system()).get(pk=customer_pk)
            if customer.email and customer.email_bounced_at is None and customer.erased_at is None:
                _send_email(customer, rows)
                sent += 1
    return sent


def _send_email(customer: Customer, notifications: list[Notification]) -> None:
    language = (customer.language or "en")[:2]
    base = (getattr(settings, "INSIDETRACK_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
    with translation.override(language):
        context = {"customer": customer, "notifications": notifications, "brand_name": settings.BRAND_NAME,
                   "link": f"{base}{reverse('portal:notifications')}",
                   "alerts": [row for row in notifications if row.kind == NotificationKind.ALERT],
                   "tips": [row for row in notifications if row.kind == NotificationKind.TIP]}
        if len(notifications) == 1:
            subject = notifications[0].title
        else:
            subject = _("%(brand)s: %(count)s messages about your car") % {"brand": settings.BRAND_NAME,
                                                                           "count": len(notifications)}
        text = render_to_string("portal/notification_email.txt", context)
        html = render_to_string("portal/notification_email.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[customer.email])
    message.attach_alternative(html, "text/html")
    message.send()


# --------------------------------------------------------------------------------------------------------------------
# Head office's rules


def rules_seed_defaults(*, brand_id: int) -> int:
    """The default rules a brand starts from (once: a brand that has rules keeps them); returns how many were added."""
    if Rule.objects.filter(brand_id=brand_id).exists():
        return 0
    Rule.objects.bulk_create([Rule(brand_id=brand_id, **values) for values in defaults.RULES])
    return len(defaults.RULES)


def rule_save(*, actor: Actor, values: dict[str, Any], rule_pk: int | None = None) -> Rule:
    """Create or edit a rule of head office's brand (values already checked by the form)."""
    _require_head_office(actor)
    if rule_pk is None:
        return Rule.objects.create(brand_id=actor.brand_id, **values)
    rule = Rule.objects.filter(pk=rule_pk, brand_id=actor.brand_id).first()
    if rule is None:
        raise NotFound(_("rule not found"))
    for name, value in values.items():
        setattr(rule, name, value)
    rule.save()
    return rule


def rule_switch(*, actor: Actor, rule_pk: int, is_active: bool) -> Rule:
    """Switch a rule on or off; an off rule evaluates nothing from the next event on."""
    _require_head_office(actor)
    updated = Rule.objects.filter(pk=rule_pk, brand_id=actor.brand_id).update(is_active=is_active)
    if not updated:
        raise NotFound(_("rule not found"))
    return Rule.objects.get(pk=rule_pk)


def open_cases_for(*, vehicle_pk: int, rule_pk: int) -> list[Case]:
    """The open proactive cases a rule opened for a car (used by the rules page and the tests)."""
    return list(Case.objects.filter(pk__in=RuleMatch.objects.filter(rule_id=rule_pk, vehicle_id=vehicle_pk)
                                    .values("case_id"), status__in=list(OPEN_STATUSES)))
