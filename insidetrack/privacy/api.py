"""Head office's personal-data request queue as JSON (read only: processing stays a deliberate step on the page)."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from insidetrack.core.api_auth import actor_of
from insidetrack.core.errors import ValidationFailed
from insidetrack.core.schemas import ErrorOut

from . import selectors

router = Router()


class RequestListIn(Schema):
    show: str = "open"


class RequestOut(Schema):
    """A request as the queue shows it: a pseudonymous reference, never the person's name."""

    pk: int
    reference: str
    kind: str
    status: str
    channel: str
    requested_at: datetime
    due_on: date
    completed_at: datetime | None
    refused_at: datetime | None
    rows_changed: dict[str, int]


class RequestEventOut(Schema):
    kind: str
    at: datetime
    actor_name: str
    detail: str


class RequestDetailOut(RequestOut):
    refusal_reason: str
    is_overdue: bool
    events: list[RequestEventOut]


@router.get("/requests", response={200: list[RequestOut], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
            summary="Personal-data requests (head office): open ones soonest due first")
@paginate(LimitOffsetPagination)
def list_requests(request: HttpRequest, filters: Query[RequestListIn]):
    if filters.show not in selectors.QUEUE_FILTERS:
        raise ValidationFailed(f"show: one of {', '.join(selectors.QUEUE_FILTERS)}", field="show")
    return selectors.request_queue(actor=actor_of(request), show=filters.show)


@router.get("/requests/{pk}", response={200: RequestDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            summary="One personal-data request with its audit trail (head office)")
def get_request(request: HttpRequest, pk: int):
    from django.utils import timezone

    detail = selectors.request_detail(actor=actor_of(request), request_pk=pk, today=timezone.localdate())
    row = detail.request
    return {**{name: getattr(row, name) for name in RequestOut.model_fields}, "refusal_reason": row.refusal_reason,
            "is_overdue": detail.is_overdue, "events": detail.events}
