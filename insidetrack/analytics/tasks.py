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


def scorecards_sweep() -> int:
    """The weekly scorecard e-mails due now (Monday mornings; nothing on other days): how many went out."""
    from . import scorecard_mail  # renders PDFs: imported when a sweep runs, not when the app loads

    return scorecard_mail.scorecards_send_due()


register_sweep(scorecards_sweep)


def reports_sweep() -> int:
    """Once a day, head office's moments of truth and journeys are computed ahead of the first view (the sweep runs
    every minute and returns at once when today's reports exist)."""
    from . import selectors_drivers  # fits models with scikit-learn: imported when the sweep runs

    return selectors_drivers.reports_refresh()


register_sweep(reports_sweep)
