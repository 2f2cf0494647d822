"""One place to ask the time, so tests and the demo generator can move it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.utils import timezone


def now() -> datetime:
    """The current aware time in UTC."""
    return timezone.now()


def first_of_month(day: date) -> date:
    """The month a day falls in, as its first day: how reports and monthly rollups name a month."""
    return day.replace(day=1)


def add_months(month: date, months: int) -> date:
    """The first day of the month ``months`` after (or before, if negative) ``month``'s month."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_start_utc(month: date) -> datetime:
    """Midnight UTC on the first of ``month``'s month: the bound the rollups' UTC months use."""
    return datetime.combine(first_of_month(month), time(), tzinfo=UTC)
