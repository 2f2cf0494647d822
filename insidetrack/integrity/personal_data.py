"""What the integrity review holds about a person, for the owner's export and erasure (see core.personal_data).

Head office may call a customer back to compare with what the survey recorded: the structured answers (score,
asked for a score, offered something, answered themselves) are the review's evidence and stay; the caller's note
goes. The survey page stores keyed hashes of the answering device and network per response, to spot answers typed
on the dealer's own tablet: they identify a device, so they go too. Stored assessments and alerts keep the
evidence they were decided on; a later scan counts the erased answers without those hashes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from insidetrack.core.personal_data import Section, register
from insidetrack.surveys.models import Response

from .models import RecontactItem


def export_integrity(customer_pk: int) -> dict[str, Any]:
    items = (RecontactItem.objects.filter(response__customer_id=customer_pk).select_related("response")
             .order_by("pk"))
    responses = (Response.objects.filter(customer_id=customer_pk)
                 .exclude(network_fingerprint="", device_fingerprint="").order_by("submitted_at", "pk"))
    return {
        "recontacts": [{"survey_answered_at": item.response.submitted_at.isoformat(), "outcome": item.outcome,
                        "score_given": item.score, "asked_for_a_score": item.asked_for_score,
                        "offered_something": item.offered_something, "answered_themselves": item.answered_themselves,
                        "note": item.note, "recorded_at": item.recorded_at.isoformat() if item.recorded_at else None}
                       for item in items],
        "answer_fingerprints": [{"survey_answered_at": r.submitted_at.isoformat(),
                                 "network_hash": r.network_fingerprint, "device_hash": r.device_fingerprint}
                                for r in responses],
    }


def erase_integrity(customer_pk: int, now: datetime) -> int:
    return (RecontactItem.objects.filter(response__customer_id=customer_pk).exclude(note="").update(note="")
            + Response.objects.filter(customer_id=customer_pk).exclude(network_fingerprint="", device_fingerprint="")
            .update(network_fingerprint="", device_fingerprint=""))


register(Section(key="integrity", title=_("Checks that surveys are answered honestly"),
                 purpose=_("To make sure the scores dealers are measured on come from customers, not from the "
                           "dealer; we may call a few customers back to check."),
                 export=export_integrity, erase=erase_integrity, order=70))
