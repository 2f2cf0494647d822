"""Pure rules of personal-data requests: the states and their moves, and the legal due date."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    EXPORT = "export", _("Copy of the data")
    ERASURE = "erasure", _("Erasure")


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PROCESSING = "processing", _("Processing")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


#: The only moves a request may make; anything else is an ``InvalidTransition``. "Processing" is held while the
#: erasure runs (in one transaction with the move to "completed"), so two clicks never erase twice.
TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.REQUESTED: frozenset({RequestStatus.PROCESSING, RequestStatus.REFUSED}),
    RequestStatus.PROCESSING: frozenset({RequestStatus.COMPLETED, RequestStatus.REFUSED}),
    RequestStatus.COMPLETED: frozenset(),
    RequestStatus.REFUSED: frozenset(),
}

OPEN_STATUSES = (RequestStatus.REQUESTED, RequestStatus.PROCESSING)


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def due_on(requested_at: dt.datetime) -> dt.date:
    """One calendar month after the request (GDPR art. 12(3)); the 31st of January is due the 28th/29th of February."""
    day = requested_at.date()
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
