"""Wiring from the surveys app, which must not know about analytics: a completed journey survey is counted."""

from __future__ import annotations

from django.dispatch import receiver

from insidetrack.surveys.models import Purpose
from insidetrack.surveys.signals import response_completed


@receiver(response_completed, dispatch_uid="analytics.count_response")
def count_completed_response(sender, *, response_pk: int, purpose: str, **kwargs) -> None:
    # Follow-up answers never count (they would count a case's unhappy customer twice). Already after commit.
    if purpose != Purpose.SURVEY:
        return
    from . import tasks

    tasks.count_response.delay(response_pk)
