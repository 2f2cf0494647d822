"""Background work of the rollups: counting a completed survey, and the every-minute catch-up sweep."""

from __future__ import annotations

from celery import shared_task

from insidetrack.core.tasks import register_sweep

from . import rollups


def rollups_sweep() -> int:
    """The sweep as the scheduler and Celery beat call it: how many responses it counted or took back."""
    return rollups.rollups_sweep().total


register_sweep(rollups_sweep)


@shared_task(name="insidetrack.analytics.tasks.count_response")
def count_response(response_pk: int) -> int:
    """Count a completed journey survey in its rollup cell (idempotent: a counted response is not counted again)."""
    return rollups.rollups_update(response_pks=[response_pk]).total
