"""API schemas for survey operations: separate shapes for what a client sends and what it gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from .models import EventKind
from .services import MAX_BATCH_SIZE


class EventIn(Schema):
    """One operational event as a dealer system reports it. Name the customer by ``customer_id`` or
    ``customer_email`` (exactly one)."""

    kind: EventKind = Field(..., description="What happened.")
    occurred_at: datetime = Field(..., description="When, ISO 8601 with a time zone offset.")
    idempotency_key: str = Field(..., min_length=1, max_length=120,
                                 description="Unique per dealer and event; a retry with the same key creates nothing.")
    customer_id: int | None = Field(None, description="Inside Track's customer key.")
    customer_email: str | None = Field(None, max_length=254, description="The customer's e-mail at this dealer.")
    vin: str | None = Field(None, max_length=17, description="The vehicle, if the event concerns one.")
    external_reference: str | None = Field(None, max_length=120, description="The event's key in your system.")
    dealer_code: str | None = Field(None, max_length=20,
                                    description="Head office only: the dealer the event happened at.")


class InvitationDecisionOut(Schema):
    """What became of the survey invitation the event triggers."""

    decision: Literal["scheduled", "skipped"]
    scheduled_for: datetime | None = None
    channel: str = ""
    skip_reason: str = Field("", description="no_rule, no_consent, fleet_or_staff, event_too_old, bounced, "
                                             "no_contact or contacted_recently.")


class ItemErrorOut(Schema):
    """Why an item was rejected: a stable code, a sentence for people, and the field at fault."""

    code: str
    detail: str
    field: str | None = None


class EventResultOut(Schema):
    """The outcome of the item at ``index``."""

    index: int
    status: Literal["created", "duplicate", "rejected"]
    idempotency_key: str
    event_pk: int | None = None
    invitation: InvitationDecisionOut | None = None
    error: ItemErrorOut | None = None


class EventBatchOut(Schema):
    """Counts and per-item outcomes, in the order the items were sent."""

    received: int
    created: int
    duplicates: int
    rejected: int
    results: list[EventResultOut]


def request_body_schema() -> dict[str, Any]:
    """OpenAPI request body: one event or a batch. Items are validated one by one by the service (so one bad
    item does not sink the rest), hence the body is declared here rather than parsed by Ninja."""
    event = EventIn.model_json_schema(ref_template="#/components/schemas/{model}")
    kind = event.pop("$defs", {}).get("EventKind", {"type": "string"})
    event["properties"]["kind"] = kind
    batch = {"type": "object", "required": ["events"],
             "properties": {"events": {"type": "array", "items": event, "maxItems": MAX_BATCH_SIZE}}}
    return {"required": True, "content": {"application/json": {"schema": {"oneOf": [event, batch]}}}}
