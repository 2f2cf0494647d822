"""Background work for surveys: thin wrappers that fetch by id and call one service.

Importing this module registers the invitation sweep; Celery's autodiscovery imports it in workers and beat, and
the events API imports it in web processes (where the embedded scheduler loop runs).
"""

from __future__ import annotations

from celery import shared_task

from insidetrack.core.tasks import register_sweep

from . import services

register_sweep(services.invitations_send_due)


@shared_task(name="insidetrack.surveys.tasks.send_invitations")
def send_invitations(invitation_pks: list[int]) -> int:
    """Send invitations that were due the moment they were scheduled; a re-run sends nothing twice."""
    return services.invitations_send(invitation_pks=invitation_pks)
