"""``POST /api/v1/telemetry``: a data provider's batch of vehicle events, authenticated by the provider's own token."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router
from ninja.decorators import decorate_view
from ninja.security import HttpBearer

from . import services
from .models import DataProvider
from .schemas import MAX_BATCH_BYTES, ErrorOut, TelemetryBatchIn, TelemetryBatchOut


class DataProviderAuth(HttpBearer):
    """``Authorization: Bearer ct_...``: a data provider's token. A dealer's token or a session is not accepted."""

    def authenticate(self, request: HttpRequest, token: str) -> DataProvider | None:
        return services.provider_for_token(token)


def _body_limit(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse an oversized body before it is read or parsed, with a 413 that names the limit."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BATCH_BYTES:
            return JsonResponse({"code": "payload_too_large", "field": None,
                                 "detail": f"A batch may be at most {MAX_BATCH_BYTES} bytes ({length} sent); "
                                           "send fewer events per batch (at most 1000)."}, status=413)
        return view(request, *args, **kwargs)

    return wrapped


router = Router(auth=DataProviderAuth())


@router.post("", response={200: TelemetryBatchOut, 401: ErrorOut, 413: ErrorOut, 422: ErrorOut},
             url_name="telemetry_ingest")
@decorate_view(_body_limit)
def telemetry_ingest(request: HttpRequest, payload: TelemetryBatchIn) -> dict:
    """Store a batch of up to 1,000 vehicle events; the answer says, per index, accepted, duplicate or rejected.

    Good events are stored even when others in the batch are rejected; a rejected event names its field and
    reason (``invalid``, ``out_of_range``, ``unknown_vin``, ``no_consent``). Resending an event (same provider and
    ``event_id``) is answered as a duplicate and never stored twice, so a batch can be retried safely.
    """
    result = services.telemetry_ingest(provider=request.auth, events=payload.events)
    return {"accepted": result.accepted, "duplicates": result.duplicates, "rejected": result.rejected}
