"""Wiring from the surveys app, which must not know about analytics: a completed journey survey is counted."""

from __future__ import annotations

import datetime as dt

from django.dispatch import receiver

from insidetrack.surveys.models import Purpose
from insidetrack.surveys.signals import response_completed, responses_imported


@receiver(response_completed, dispatch_uid="analytics.count_response")
def count_completed_response(sender, *, response_pk: int, purpose: str, **kwargs) -> None:
    # Follow-up answers never count (they would count a case's unhappy customer twice). Already after commit.
    if purpose != Purpose.SURVEY:
        return
    from . import tasks

    tasks.count_response.delay(response_pk)


@receiver(responses_imported, dispatch_uid="analytics.count_imported_history")
def count_imported_history(sender, *, since, **kwargs) -> None:
    """Recount the days an import of history touched (already after its commit; set-based, so seconds)."""
    from .rollups import rollups_rebuild

    rollups_rebuild(since=since.astimezone(dt.UTC).date())
