"""Background work for experience events: thin wrappers that fetch by id and call one service.

Importing this module registers the two sweeps (the new-depositor rule and the post-event surveys); Celery's
autodiscovery imports it in workers and beat, and the events pages import it in web processes.
"""

from __future__ import annotations

from celery import shared_task

from insidetrack.core.tasks import register_sweep

from . import services_events

register_sweep(services_events.event_invitations_for_depositors)
register_sweep(services_events.event_surveys_request_due)


@shared_task(name="insidetrack.journeys.tasks.send_event_invitations")
def send_event_invitations(invitation_pks: list[int]) -> int:
    """Send event invitation e-mails; a re-run sends nothing twice."""
    return sum(services_events.event_invitation_send(invitation_pk=pk) for pk in invitation_pks)


@shared_task(name="insidetrack.journeys.tasks.send_event_cancellations")
def send_event_cancellations(invitation_pks: list[int]) -> int:
    """Tell the guests of a cancelled event; a re-run tells nobody twice."""
    return sum(services_events.event_cancellation_send(invitation_pk=pk) for pk in invitation_pks)


@shared_task(name="insidetrack.journeys.tasks.send_event_seats")
def send_event_seats(invitation_pks: list[int]) -> int:
    """Tell guests moved up from the waiting list; a re-run tells nobody twice."""
    return sum(services_events.event_seat_send(invitation_pk=pk) for pk in invitation_pks)
