"""Pure survey rules: whether and when an event triggers an invitation, on which channel, and for how long.

No ORM here: the service gathers the facts (customer, rule, previous contacts) and these functions decide, so each
rule can be tested exhaustively with plain values and reused by the import, the API and the demo generator alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

FIRST_SERVICE_TOUCHPOINT = "first_service"
SERVICE_EVENT = "service_completed"
SURVEYED_DEAL_TYPES = frozenset({"retail"})


class SkipReason(StrEnum):
    """Why an event produced no invitation; stored on the skipped Invitation row, stable for reports."""

    NO_RULE = "no_rule"
    NO_CONSENT = "no_consent"
    FLEET_OR_STAFF = "fleet_or_staff"
    EVENT_TOO_OLD = "event_too_old"
    BOUNCED = "bounced"
    NO_CONTACT = "no_contact"
    CONTACTED_RECENTLY = "contacted_recently"


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    """What the contact rules need to know about a customer, detached from the database."""

    consent_surveys: bool
    deal_type: str
    has_email: bool
    email_bounced: bool
    has_phone: bool
    phone_invalid: bool


@dataclass(frozen=True, slots=True)
class RuleFacts:
    """The parts of a SurveyRule the decision uses; ``None`` as a whole means "no rule for this event"."""

    is_active: bool
    delay_hours: int
    channel: str
    expiry_days: int


@dataclass(frozen=True, slots=True)
class Scheduled:
    """An invitation goes out at ``send_at`` on ``channel``; its link works until ``expires_at``."""

    send_at: datetime
    channel: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Skipped:
    """No invitation, for a recorded reason."""

    reason: SkipReason


Decision = Scheduled | Skipped


def touchpoint_code_for(*, kind: str, rule_touchpoint_code: str, has_previous_service: bool) -> str:
    """The touchpoint an event belongs to: the rule's, except that a vehicle's first service is its own moment.

    The first service is where the relationship either continues after the sale or quietly ends, so head office
    reads it apart from routine visits.
    """
    if kind == SERVICE_EVENT and not has_previous_service:
        return FIRST_SERVICE_TOUCHPOINT
    return rule_touchpoint_code


def usable_channel(*, customer: CustomerFacts, preferred: str) -> str | SkipReason:
    """The preferred channel if its address works, else the other one, else why nobody can be reached."""
    usable = {"email": customer.has_email and not customer.email_bounced,
              "sms": customer.has_phone and not customer.phone_invalid}
    if usable.get(preferred):
        return preferred
    for channel, works in usable.items():
        if works:
            return channel
    # An address that failed is a different problem (dealer data quality) from one that was never collected.
    if (customer.has_email and customer.email_bounced) or (customer.has_phone and customer.phone_invalid):
        return SkipReason.BOUNCED
    return SkipReason.NO_CONTACT


def was_contacted_recently(*, send_at: datetime, contact_times: Iterable[datetime], min_days_between: int) -> bool:
    """Whether another invitation was sent, or is due, within ``min_days_between`` days of ``send_at``.

    Both directions count: an invitation scheduled for next week (a handover survey waiting out its delay) is as
    much a contact as one sent last week.
    """
    window = timedelta(days=min_days_between)
    return any(abs(send_at - other) < window for other in contact_times)


def decide_invitation(
    *,
    rule: RuleFacts | None,
    customer: CustomerFacts,
    occurred_at: datetime,
    now: datetime,
    contact_times: Iterable[datetime],
    min_days_between: int,
) -> Decision:
    """Schedule an invitation for an event, or say why not. Checks run from the firmest reason to the softest.

    An event is too old when the link would already have expired had it gone out on time
    (``occurred_at + delay + expiry_days`` is past): a memory that stale measures nothing.
    """
    if rule is None or not rule.is_active:
        return Skipped(SkipReason.NO_RULE)
    if not customer.consent_surveys:
        return Skipped(SkipReason.NO_CONSENT)
    if customer.deal_type not in SURVEYED_DEAL_TYPES:
        return Skipped(SkipReason.FLEET_OR_STAFF)
    due_at = occurred_at + timedelta(hours=rule.delay_hours)
    if due_at + timedelta(days=rule.expiry_days) <= now:
        return Skipped(SkipReason.EVENT_TOO_OLD)
    channel = usable_channel(customer=customer, preferred=rule.channel)
    if isinstance(channel, SkipReason):
        return Skipped(channel)
    send_at = max(due_at, now)
    if was_contacted_recently(send_at=send_at, contact_times=contact_times, min_days_between=min_days_between):
        return Skipped(SkipReason.CONTACTED_RECENTLY)
    return Scheduled(send_at=send_at, channel=channel, expires_at=send_at + timedelta(days=rule.expiry_days))


def check_before_sending(*, customer: CustomerFacts, preferred: str) -> str | SkipReason:
    """At send time, after a delay of days: consent may have been withdrawn or an address may have bounced since."""
    if not customer.consent_surveys:
        return SkipReason.NO_CONSENT
    if customer.deal_type not in SURVEYED_DEAL_TYPES:
        return SkipReason.FLEET_OR_STAFF
    return usable_channel(customer=customer, preferred=preferred)

