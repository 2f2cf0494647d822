"""The JSON API under /api/v1/, with its OpenAPI schema at /api/v1/openapi.json and docs at /api/v1/docs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from insidetrack.accounts.api import router as accounts_router
from insidetrack.accounts.api_auth import ApiTokenAuth
from insidetrack.analytics.api import router as analytics_router
from insidetrack.analytics.api_advocacy import router as advocacy_router
from insidetrack.cases.api import router as cases_router
from insidetrack.connected.api import router as telemetry_router
from insidetrack.core.api_auth import SessionActorAuth
from insidetrack.core.errors import DomainError
from insidetrack.customers.api import router as customers_router
from insidetrack.journeys.api import router as journeys_router
from insidetrack.journeys.api_events import invitations_router as event_invitations_router
from insidetrack.journeys.api_events import router as experience_events_router
from insidetrack.network.api import router as network_router
from insidetrack.privacy.api import router as privacy_router
from insidetrack.surveys.api import router as surveys_router
from insidetrack.surveys.api_events import router as events_router
from insidetrack.verbatims.api import router as verbatims_router

api = NinjaAPI(
    title="Inside Track API",
    version="1",
    description="Customer-experience data for a premium car brand's network. Every read is scoped to the caller.",
    auth=[ApiTokenAuth(), SessionActorAuth()],
    urls_namespace="api-1",
)


@api.exception_handler(ValidationError)
def schema_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Input a schema refused answers in the same shape as every other error, naming the first field at fault."""
    first = exc.errors[0] if exc.errors else {}
    # "loc" is e.g. ["body", "payload", "cases", 0]: the field is the first name after the request part.
    location = [part for part in first.get("loc", ()) if isinstance(part, str)
                and part not in ("body", "query", "path", "payload", "filters")]
    field = location[0] if location else None
    detail = f"{field}: {first.get('msg', 'invalid')}" if field else str(first.get("msg", "invalid input"))
    body = {"code": "validation_failed", "detail": detail, "field": field, "errors": exc.errors}
    return api.create_response(request, body, status=422)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


api.add_router("/", accounts_router, tags=["accounts"])
api.add_router("/network", network_router, tags=["network"])
api.add_router("/customers", customers_router, tags=["customers"])
api.add_router("/journey", journeys_router, tags=["journey"])
api.add_router("/journey/experience-events", experience_events_router, tags=["journey"])
api.add_router("/journey/event-invitations", event_invitations_router, tags=["journey"])
api.add_router("/responses", surveys_router, tags=["surveys"])
api.add_router("/events", events_router, tags=["events"])
api.add_router("/cases", cases_router, tags=["cases"])
api.add_router("/privacy", privacy_router, tags=["personal data"])
api.add_router("/analytics", analytics_router, tags=["analytics"])
api.add_router("/analytics/advocacy", advocacy_router, tags=["analytics"])
api.add_router("/verbatims", verbatims_router, tags=["verbatims"])
api.add_router("/telemetry", telemetry_router, tags=["connected car"])
