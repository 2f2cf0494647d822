"""The connected car's part of an owner's data: the readings their car sent, what they were told, their choices.

Erasure blanks each reading's payload and unlinks it from the car (the VIN identifies a person), and blanks the
title and text of each notification; it keeps each row's kind, dealer and dates, so "how many readings, alerts and
tips per dealer and month" and the rules' match counts read the same before and after.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insidetrack.core.personal_data import Section

from .models import Notification, NotificationPreference, RuleMatch, TelemetryEvent


def export(customer_pk: int) -> dict[str, Any]:
    """Everything the connected car holds about the owner, JSON-ready."""
    preference = NotificationPreference.objects.filter(customer_id=customer_pk).first()
    return {
        "preferences": {"alerts": preference.alerts, "tips": preference.tips} if preference else None,
        "telemetry_events": [
            {"kind": row.kind, "vin": row.vehicle.vin if row.vehicle else None,
             "occurred_at": row.occurred_at.isoformat(), "received_at": row.received_at.isoformat(),
             "reading": row.payload}
            for row in TelemetryEvent.objects.filter(customer_id=customer_pk).select_related("vehicle")
            .order_by("occurred_at", "pk")
        ],
        "notifications": [
            {"kind": row.kind, "title": row.title, "message": row.body, "created_at": row.created_at.isoformat(),
             "read_at": row.read_at.isoformat() if row.read_at else None,
             "emailed_at": row.emailed_at.isoformat() if row.emailed_at else None}
            for row in Notification.objects.filter(customer_id=customer_pk).order_by("created_at", "pk")
        ],
    }


def erase(customer_pk: int, now: datetime) -> int:
    """Blank payloads, car links and texts; keep kinds, dealers and dates for the counts. Idempotent."""
    changed = TelemetryEvent.objects.filter(customer_id=customer_pk).filter(
        Q(vehicle__isnull=False) | ~Q(payload={})).update(payload={}, vehicle=None)
    RuleMatch.objects.filter(event__customer_id=customer_pk, vehicle__isnull=False).update(vehicle=None)
    changed += Notification.objects.filter(customer_id=customer_pk).filter(
        Q(vehicle__isnull=False) | ~Q(title="") | ~Q(body="")).update(title="", body="", vehicle=None)
    # Nothing more will be sent to an erased owner: pending e-mails are dropped with the text.
    Notification.objects.filter(customer_id=customer_pk, emailed_at__isnull=True).update(email_due_at=None)
    return changed


SECTION = Section(
    key="connected_car",
    title=_("Connected car"),
    purpose=_("Readings your car sent (with your consent), so we can tell you when it needs attention, and the "
              "alerts and tips we sent you."),
    export=export,
    erase=erase,
    order=80,
)
