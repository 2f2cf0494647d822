"""Operational events in: ``POST /api/v1/events``. Thin: parse the body, call ``events_record``, shape the answer."""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from ninja import Router, Status

from insidetrack.core.api_auth import actor_of
from insidetrack.core.errors import ValidationFailed
from insidetrack.core.schemas import ErrorOut

from . import services, tasks  # noqa: F401  (tasks: registers the invitation sweep in web processes)
from .schemas import EventBatchOut, request_body_schema
from .services import BatchResult, BatchTooLarge, ItemStatus

router = Router()


def _items_from(request: HttpRequest) -> list[object]:
    """The events in the body: one object, or ``{"events": [...]}``."""
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise BatchTooLarge(f"The request body is too large. Send at most {services.MAX_BATCH_SIZE:,} events "
                            f"per request.") from exc
    try:
        payload = json.loads(body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed(f"The body is not valid JSON: {exc}.", code="invalid_json") from exc
    if isinstance(payload, dict) and set(payload) == {"events"}:
        events = payload["events"]
        if not isinstance(events, list):
            raise ValidationFailed("events must be a list of event objects.", code="invalid_body", field="events")
        return events
    if isinstance(payload, dict):
        return [payload]
    raise ValidationFailed('Send one event object or {"events": [...]}.', code="invalid_body")


def _out(result: BatchResult) -> dict[str, object]:
    return {
        "received": len(result.results), "created": result.count(ItemStatus.CREATED),
        "duplicates": result.count(ItemStatus.DUPLICATE), "rejected": result.count(ItemStatus.REJECTED),
        "results": [
            {"index": r.index, "status": r.status.value, "idempotency_key": r.idempotency_key, "event_pk": r.event_pk,
             "invitation": None if r.invitation is None else {
                 "decision": r.invitation.decision, "scheduled_for": r.invitation.scheduled_for,
                 "channel": r.invitation.channel, "skip_reason": r.invitation.skip_reason},
             "error": None if r.status != ItemStatus.REJECTED else {
                 "code": r.error_code, "detail": r.error_detail, "field": r.error_field}}
            for r in result.results
        ],
    }


@router.post(
    "",
    response={200: EventBatchOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    summary="Report operational events (one, or a batch of up to 1,000)",
    description=(
        "Each item is checked on its own: rejected items are reported by index, the others are recorded, all in "
        "one transaction. An idempotency key the dealer already used returns the original outcome as 'duplicate'."
    ),
    openapi_extra={"requestBody": request_body_schema()},
)
def post_events(request: HttpRequest):
    items = _items_from(request)
    result = services.events_record(actor=actor_of(request), items=items, source=services.Source.API)
    return Status(200, _out(result))
