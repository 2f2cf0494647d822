"""What the journeys app holds about a person, for the owner's export and erasure (see core.personal_data).

Experience-event invitations say which events a person was asked to, what they answered and whether they came:
the answers and attendance are the events' figures (seats taken, turnout) and stay with the anonymous customer;
the secret of the RSVP links goes, so an old e-mail's links stop working.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from insidetrack.core.personal_data import Section, register

from .models import EventInvitation


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export_event_invitations(customer_pk: int) -> list[dict[str, Any]]:
    invitations = (EventInvitation.objects.filter(customer_id=customer_pk).select_related("event", "event__dealer")
                   .order_by("event__starts_at", "pk"))
    return [{"event": invitation.event.title, "dealer": invitation.event.dealer.name,
             "starts_at": _when(invitation.event.starts_at), "place": invitation.event.place,
             "invited_by": invitation.invited_by, "invited_at": _when(invitation.invited_at),
             "answer": invitation.status, "answered_at": _when(invitation.responded_at),
             "attended": invitation.attended} for invitation in invitations]


def erase_event_invitations(customer_pk: int, now: datetime) -> int:
    """Only the link secret is personal beyond the link to the person, who becomes anonymous with the profile."""
    return EventInvitation.objects.filter(customer_id=customer_pk).exclude(token_nonce="").update(token_nonce="")


register(Section(key="experience_events", title=_("Experience events"),
                 purpose=_("To invite you to driving days and other events at your dealer, keep your seat and "
                           "ask afterwards how it went."),
                 export=export_event_invitations, erase=erase_event_invitations, order=60))
