"""Background work of owners' sign-in: finding the owner behind an address and e-mailing the link.

It runs after the request has answered (with a worker) so that how long the answer takes says nothing about whether
the address belongs to an owner.
"""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from . import services


@shared_task(name="insidetrack.accounts.tasks.deliver_sign_in_link")
def deliver_sign_in_link(*, email: str, requested_at: str, request_id: str) -> bool:
    """Send the link if an owner record carries the address; whether one was sent (for logs, never for the page).

    The link's lifetime starts when it was asked for, not when a busy worker got to it; run twice, it sends once.
    """
    return services.sign_in_link_deliver(email=email, request_id=request_id,
                                         now=datetime.fromisoformat(requested_at)) is not None
