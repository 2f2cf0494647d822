"""Background work of the owner's message thread: the e-mail about each message, sent after commit."""

from __future__ import annotations

from celery import shared_task

from . import notices_owner


@shared_task(name="insidetrack.cases.tasks_owner.notify_message")
def notify_message(*, message_pk: int) -> int:
    """E-mail the other side about one message (fetched by key; a message erased meanwhile sends nothing)."""
    return notices_owner.send_message_notice(message_pk=message_pk)
