"""What the closed loop holds about a person, for the owner's export and erasure (see core.personal_data).

A case's kind, status, deadlines, timestamps, escalation and goodwill cost are the closed-loop measures: they stay.
What people wrote about the person (subject, resolution, call notes, the goodwill gesture's wording, the phrases
that flagged a safety issue) goes. The owner's own messages and photos are the ``vehicle issues`` section's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from insidetrack.core.personal_data import Section, register

from .models import Case, CaseEvent, Goodwill


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _blank(queryset: QuerySet, **values: Any) -> int:
    """Set the values on rows that do not hold them yet, so a second erasure changes (and counts) nothing."""
    return queryset.exclude(**values).update(**values)


def export_cases(customer_pk: int) -> list[dict[str, Any]]:
    cases = Case.objects.filter(customer_id=customer_pk).select_related("dealer", "touchpoint").order_by("opened_at",
                                                                                                         "pk")
    rows = []
    for case in cases:
        rows.append({
            "reference": case.pk, "dealer": case.dealer.name, "kind": case.kind, "status": case.status,
            "source": case.source, "touchpoint": case.touchpoint.code if case.touchpoint else None,
            "subject": case.subject, "resolution": case.resolution, "why_urgent": case.urgent_reason,
            "opened_at": _when(case.opened_at), "resolved_at": _when(case.resolved_at),
            "closed_at": _when(case.closed_at), "follow_up_score": case.follow_up_score,
            "history": [{"at": _when(event.at), "what": event.kind, "detail": event.detail}
                        for event in CaseEvent.objects.filter(case=case).order_by("at", "pk")],
            "goodwill": [{"gesture": goodwill.description, "cost": str(goodwill.amount),
                          "currency": goodwill.currency, "status": goodwill.status,
                          "decision_note": goodwill.decision_note}
                         for goodwill in Goodwill.objects.filter(case=case).order_by("requested_at", "pk")],
        })
    return rows


def erase_cases(customer_pk: int, now: datetime) -> int:
    """Free text about the person goes; every column the closed-loop measures read stays."""
    cases = Case.objects.filter(customer_id=customer_pk)
    events = CaseEvent.objects.filter(case__customer_id=customer_pk)
    return (_blank(cases, subject="", resolution="", urgent_reason="")
            + _blank(events, detail="")
            + events.filter(data__has_key="phrases").update(data={})
            + _blank(Goodwill.objects.filter(case__customer_id=customer_pk), description="", decision_note=""))


register(Section(key="cases", title=_("Cases: what your dealer did about your feedback"),
                 purpose=_("To put right what went wrong, thank you for praise, and check that the promise to "
                           "answer within a day is kept."),
                 export=export_cases, erase=erase_cases, order=50))
