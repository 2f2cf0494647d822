"""What the surveys app holds about a person, for the owner's export and erasure (see core.personal_data).

A response's score, touchpoint, dealer, date, language, channel and structured answers are the statistics: they
stay. What the person wrote (the verbatim) is theirs and goes; so do the keyed hash of the address an invitation
went to, the dealer system's reference of an event, and the secret of the survey link (which stops working).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from insidetrack.core.personal_data import Section, register

from .models import Invitation, OperationalEvent, Response


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _blank(queryset: QuerySet, **values: Any) -> int:
    """Set the values on rows that do not hold them yet, so a second erasure changes (and counts) nothing."""
    return queryset.exclude(**values).update(**values)


def export_surveys(customer_pk: int) -> dict[str, Any]:
    events = (OperationalEvent.objects.filter(customer_id=customer_pk).select_related("dealer", "touchpoint")
              .order_by("occurred_at", "pk"))
    invitations = (Invitation.objects.filter(customer_id=customer_pk).select_related("dealer", "touchpoint")
                   .order_by("scheduled_for", "pk"))
    responses = (Response.objects.filter(customer_id=customer_pk).select_related("dealer", "touchpoint")
                 .order_by("submitted_at", "pk"))
    return {
        "events": [{"what": e.kind, "dealer": e.dealer.name, "touchpoint": e.touchpoint.code,
                    "occurred_at": _when(e.occurred_at), "reference_in_dealer_system": e.external_reference,
                    "source": e.source} for e in events],
        "invitations": [{"touchpoint": i.touchpoint.code, "dealer": i.dealer.name, "purpose": i.purpose,
                         "channel": i.channel, "language": i.language, "status": i.status,
                         "reason_not_sent": i.skip_reason, "delivery": i.delivery_status,
                         "address_hash": i.contact_hash, "sent_at": _when(i.sent_at),
                         "opened_at": _when(i.opened_at), "reminded_at": _when(i.reminded_at),
                         "answered_at": _when(i.answered_at), "expires_at": _when(i.expires_at)}
                        for i in invitations],
        "responses": [{"touchpoint": r.touchpoint.code, "dealer": r.dealer.name, "score": r.score,
                       "comment": r.verbatim, "answers": r.answers, "language": r.language, "channel": r.channel,
                       "vehicle_model": r.vehicle_model, "submitted_at": _when(r.submitted_at)}
                      for r in responses],
    }


def erase_surveys(customer_pk: int, now: datetime) -> int:
    """Verbatims, address hashes, link secrets and dealer-system references go; every count stays."""
    return (_blank(Response.objects.filter(customer_id=customer_pk), verbatim="")
            + _blank(Invitation.objects.filter(customer_id=customer_pk), contact_hash="", token_nonce="")
            + _blank(OperationalEvent.objects.filter(customer_id=customer_pk), external_reference=""))


register(Section(key="surveys", title=_("Surveys: invitations and your answers"),
                 purpose=_("To ask how your visits went, act on what you told us and measure how each dealer "
                           "looks after its customers."),
                 export=export_surveys, erase=erase_surveys, order=40))
