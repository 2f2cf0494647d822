"""Background work of the closed loop: the every-minute sweep, routing a finished survey, and sending notices."""

from __future__ import annotations

from celery import shared_task

from insidetrack.core.tasks import register_sweep

from . import notices, services


def cases_sweep() -> int:
    """The sweep as the scheduler and Celery beat call it: how many rows it changed."""
    return services.cases_sweep().total


register_sweep(cases_sweep)


@shared_task(name="insidetrack.cases.tasks.route_response")
def route_response(response_pk: int, purpose: str) -> None:
    """Open the work a finished survey calls for, or apply a follow-up answer (idempotent)."""
    services.on_response_completed(response_pk=response_pk, purpose=purpose)


@shared_task(name="insidetrack.cases.tasks.send_case_notices")
def send_case_notices(*, reminded: list[int], to_region: list[int], to_head_office: list[int],
                      urgent: list[int] | None = None) -> int:
    """E-mail the digests for what one sweep step claimed; returns how many e-mails went out."""
    return notices.send_notices(reminded=reminded, to_region=to_region, to_head_office=to_head_office,
                                urgent=urgent or [])
