"""Wiring from the surveys app, which must not know about text analysis: every new verbatim is analysed."""

from __future__ import annotations

from datetime import datetime

from django.dispatch import receiver

from insidetrack.surveys.signals import response_completed, responses_imported


@receiver(response_completed, dispatch_uid="verbatims.analyse_response")
def analyse_completed_response(sender, *, response_pk: int, **kwargs) -> None:
    # Sent from on_commit already; the task runs inline in the embedded default.
    from . import tasks

    tasks.analyse_responses.delay([response_pk])


@receiver(responses_imported, dispatch_uid="verbatims.analyse_imported")
def analyse_imported_responses(sender, *, since: datetime, **kwargs) -> None:
    from . import tasks

    tasks.analyse_since.delay(since.isoformat())
