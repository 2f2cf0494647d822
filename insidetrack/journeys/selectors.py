"""Reads of the journey map (brand-wide data, not customer data)."""

from __future__ import annotations

from django.db.models import QuerySet

from insidetrack.core.actor import Actor

from .models import Touchpoint


def touchpoints_for(actor: Actor) -> QuerySet[Touchpoint]:
    """The default journey's touchpoints in order, for the actor's brand."""
    touchpoints = Touchpoint.objects.select_related("stage").filter(journey__is_default=True)
    if not actor.is_system:
        if actor.brand_id is None:
            return touchpoints.none()
        touchpoints = touchpoints.filter(journey__brand_id=actor.brand_id)
    return touchpoints.order_by("position")
