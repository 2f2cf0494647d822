"""Background work of the connected car: rules after a batch commits, owners' e-mails, and the two sweeps.

Importing this module registers the sweeps (digest e-mails whose time has come, and events whose after-commit
evaluation never ran); Celery's autodiscovery and the app's ``ready()`` both import it.
"""

from __future__ import annotations

from celery import shared_task

from insidetrack.core.tasks import register_sweep

from . import services


@shared_task(name="insidetrack.connected.tasks.evaluate_events")
def evaluate_events(event_pks: list[int]) -> int:
    """Run the rules over a committed batch's new events (idempotent: each event is claimed once)."""
    return services.events_evaluate(event_pks=event_pks).evaluated


@shared_task(name="insidetrack.connected.tasks.send_due_emails")
def send_due_emails(customer_pks: list[int]) -> int:
    """Send the e-mails already due for these owners (an immediate alert); the sweep would pick them up anyway."""
    return services.notifications_email_due(customer_pks=customer_pks)


def connected_email_sweep() -> int:
    """Digest e-mails whose slot has come: how many went."""
    return services.notifications_email_due()


def connected_evaluation_sweep() -> int:
    """Events left unevaluated by a lost task: how many were evaluated now."""
    return services.events_evaluate_stragglers()


# Readings are evaluated before the e-mails go, so an alert raised in this run is sent in this run.
register_sweep(connected_evaluation_sweep)
register_sweep(connected_email_sweep)
