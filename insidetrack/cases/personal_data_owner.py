"""What the owner's issues hold about a person beyond the case itself: the messages with the dealer and the photos
(see core.personal_data; the case and its event log are another section's).

Erasure blanks every message's text (the dealer's replies too: they quote and answer the owner) and deletes each
photo's file, keeping the rows with their dates and sizes, so the counts of messages and photos stay the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from insidetrack.core.personal_data import Section, register

from .models import CaseMessage, CasePhoto


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_vehicle_issues(customer_pk: int) -> dict[str, Any]:
    messages = CaseMessage.objects.filter(case__customer_id=customer_pk).order_by("case_id", "at", "pk")
    photos = CasePhoto.objects.filter(case__customer_id=customer_pk).order_by("case_id", "uploaded_at", "pk")
    return {
        "messages": [{"issue": m.case_id, "at": _when(m.at), "from": "you" if m.from_owner else "dealer",
                      "author": m.author_name, "text": m.text, "read_at": _when(m.read_at)} for m in messages],
        "photos": [{"issue": p.case_id, "uploaded_at": _when(p.uploaded_at), "file_name": p.original_name,
                    "width": p.width, "height": p.height, "bytes": p.size, "erased": p.erased_at is not None}
                   for p in photos],
    }


def erase_vehicle_issues(customer_pk: int, now: datetime) -> int:
    """Blank the messages and delete the photo files (idempotent: rows already erased are left alone)."""
    changed = CaseMessage.objects.filter(case__customer_id=customer_pk, erased_at__isnull=True).update(
        text="", author_name="", erased_at=now)
    photos = list(CasePhoto.objects.filter(case__customer_id=customer_pk, erased_at__isnull=True))
    for photo in photos:
        if photo.file:
            photo.file.storage.delete(photo.file.name)
    changed += CasePhoto.objects.filter(pk__in=[p.pk for p in photos]).update(file="", original_name="",
                                                                              erased_at=now)
    return changed


register(Section(key="vehicle_issues", title=_("Vehicle issues: messages and photos"),
                 purpose=_("To put right what you reported about your car, and to keep the conversation with "
                           "your dealer about it."),
                 export=export_vehicle_issues, erase=erase_vehicle_issues, order=55))
