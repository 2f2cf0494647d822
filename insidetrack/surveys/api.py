from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from insidetrack.core.api_auth import actor_of
from insidetrack.core.schemas import ErrorOut

from . import selectors

router = Router()


class ResponseListIn(Schema):
    dealer: str = Field("", description="Dealer code")
    touchpoint: str = Field("", description="Touchpoint code, e.g. handover")
    since: datetime | None = None
    max_score: int | None = Field(None, ge=0, le=10)


class ResponseOut(Schema):
    pk: int
    dealer_code: str = Field(..., alias="dealer.code")
    touchpoint: str = Field(..., alias="touchpoint.code")
    score: int
    verbatim: str
    language: str
    channel: str
    vehicle_model: str
    submitted_at: datetime


@router.get("", response={200: list[ResponseOut], 401: ErrorOut, 422: ErrorOut},
            summary="Survey responses the caller may see")
@paginate(LimitOffsetPagination)
def list_responses(request: HttpRequest, filters: Query[ResponseListIn]):
    return selectors.response_list(actor=actor_of(request), dealer_code=filters.dealer, touchpoint=filters.touchpoint,
                                   since=filters.since, max_score=filters.max_score)
