"""Background work of the customer relationship: the sweep that schedules check-ins after each handover."""

from __future__ import annotations

from insidetrack.core.tasks import register_sweep

from . import services


def checkins_sweep() -> int:
    """Schedule the check-ins of new handovers (idempotent); how many were created."""
    return services.checkins_schedule()


register_sweep(checkins_sweep)
