"""Reads of survey data, always through the scoping entry point."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from insidetrack.core.actor import Actor
from insidetrack.core.errors import PermissionDenied
from insidetrack.network.selectors import scores_visible_to

from .models import Purpose, Response


def response_list(*, actor: Actor, dealer_code: str = "", touchpoint: str = "", since: datetime | None = None,
                  max_score: int | None = None, until: datetime | None = None, region_code: str = "",
                  vehicle_model: str = "", channel: str = "") -> QuerySet[Response]:
    """Responses the actor may see, newest first, with the filters a feedback list offers.

    Each row carries ``shown_score``, its 0-10 score, only when the actor may see scores
    (``scores_visible_to``): callers that render or serialise ``shown_score`` cannot leak a score to a dealer whose
    brand hides them. Filtering by score is itself a way to read scores, so it is refused (403 on ``max_score``)
    to whoever may not see them.
    """
    show_scores = scores_visible_to(actor)
    if max_score is not None and not show_scores:
        raise PermissionDenied(_("Filtering by score is not available: your brand does not show scores to dealers."),
                               field="max_score")
    # Follow-up answers belong to their case (its page shows them), not to the feedback about a touchpoint.
    responses = Response.objects.visible_to(actor).filter(purpose=Purpose.SURVEY).select_related("dealer",
                                                                                                "touchpoint")
    if show_scores:
        responses = responses.annotate(shown_score=F("score"))
    if dealer_code:
        responses = responses.filter(dealer__code=dealer_code)
    if touchpoint:
        responses = responses.filter(touchpoint__code=touchpoint)
    if region_code:
        responses = responses.filter(dealer__region__code=region_code)
    if vehicle_model:
        responses = responses.filter(vehicle_model=vehicle_model)
    if channel:
        responses = responses.filter(channel=channel)
    if since is not None:
        responses = responses.filter(submitted_at__gte=since)
    if until is not None:
        responses = responses.filter(submitted_at__lt=until)
    if max_score is not None:
        responses = responses.filter(score__lte=max_score)
    return responses.order_by("-submitted_at", "-pk")
