"""Reads of survey data, always through the scoping entry point."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from insidetrack.core.actor import Actor

from .models import Response


def response_list(*, actor: Actor, dealer_code: str = "", touchpoint: str = "", since: datetime | None = None,
                  max_score: int | None = None) -> QuerySet[Response]:
    """Responses the actor may see, newest first, with the filters a feedback list offers."""
    responses = Response.objects.visible_to(actor).select_related("dealer", "touchpoint")
    if dealer_code:
        responses = responses.filter(dealer__code=dealer_code)
    if touchpoint:
        responses = responses.filter(touchpoint__code=touchpoint)
    if since is not None:
        responses = responses.filter(submitted_at__gte=since)
    if max_score is not None:
        responses = responses.filter(score__lte=max_score)
    return responses.order_by("-submitted_at", "-pk")
