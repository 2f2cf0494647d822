"""One place to ask the time, so tests and the demo generator can move it."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """The current aware time in UTC."""
    return timezone.now()
