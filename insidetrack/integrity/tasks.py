"""Background work of the integrity review: the daily scan, started by the every-minute sweep."""

from __future__ import annotations

from insidetrack.core.tasks import register_sweep

from . import scanning


def integrity_sweep() -> int:
    """Scan each brand once a day (the sweep itself runs every minute and returns at once otherwise)."""
    return scanning.integrity_sweep()


register_sweep(integrity_sweep)
