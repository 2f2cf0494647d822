"""Wiring from the surveys app, which must not know about cases: a finished survey becomes work."""

from __future__ import annotations

from django.dispatch import receiver

from insidetrack.surveys.signals import response_completed


@receiver(response_completed, dispatch_uid="cases.route_response")
def route_completed_response(sender, *, response_pk: int, purpose: str, **kwargs) -> None:
    # Already after commit (the signal is sent from on_commit); the task runs inline in the embedded default.
    from . import tasks

    tasks.route_response.delay(response_pk, purpose)
