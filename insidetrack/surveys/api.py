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
    max_score: int | None = Field(None, ge=0, le=10, description="Only responses scored at most this. Refused (403) "
                                  "to dealers while their brand does not show scores to dealers.")


class ResponseOut(Schema):
    pk: int
    dealer_code: str = Field(..., alias="dealer.code")
    touchpoint: str = Field(..., alias="touchpoint.code")
    # The selector sets ``shown_score`` only for callers who may see scores; for the others the attribute is missing,
    # the field stays unset and ``exclude_unset`` leaves the key out of the answer altogether.
    score: int | None = Field(None, alias="shown_score", description="The 0-10 score. Absent for dealers unless "
                              "head office lets its dealers see scores.")
    verbatim: str
    language: str
    channel: str
    vehicle_model: str
    submitted_at: datetime


@router.get("", response={200: list[ResponseOut], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
            summary="Survey responses the caller may see", exclude_unset=True)
@paginate(LimitOffsetPagination)
def list_responses(request: HttpRequest, filters: Query[ResponseListIn]):
    """Dealers get verbatims without scores unless their brand shows scores to dealers."""
    return selectors.response_list(actor=actor_of(request), dealer_code=filters.dealer, touchpoint=filters.touchpoint,
                                   since=filters.since, max_score=filters.max_score)
