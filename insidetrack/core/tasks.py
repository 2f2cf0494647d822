"""Background work: enqueued after commit, run inline in the embedded default or by Celery workers in production."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.db import transaction

logger = logging.getLogger(__name__)

# Sweeps that must run every minute. Each is idempotent and claims its rows atomically; both Celery beat (through
# run_periodic_sweeps) and the embedded scheduler loop read this one list.
PERIODIC_SWEEPS: list[Callable[[], Any]] = []


def register_sweep(func: Callable[[], Any]) -> Callable[[], Any]:
    """Add a function to the every-minute sweep list (used as a decorator by later apps)."""
    if func not in PERIODIC_SWEEPS:
        PERIODIC_SWEEPS.append(func)
    return func


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue a Celery task once the surrounding transaction commits, so a worker never sees uncommitted rows.

    With no broker configured Celery runs eagerly, which makes this "run inline after commit".
    """
    transaction.on_commit(lambda: task.delay(*args, **kwargs))


def run_sweeps_once() -> dict[str, int | str]:
    """Run every registered sweep once; one failing sweep is logged and does not stop the others."""
    results: dict[str, int | str] = {}
    for sweep in PERIODIC_SWEEPS:
        name = f"{sweep.__module__}.{sweep.__qualname__}"
        try:
            results[name] = sweep() or 0
        except Exception:  # a broken sweep must not starve the rest
            logger.exception("sweep %s failed", name)
            results[name] = "error"
    return results


@shared_task(name="insidetrack.core.tasks.run_periodic_sweeps")
def run_periodic_sweeps() -> dict[str, int | str]:
    """The Celery beat entry point."""
    return run_sweeps_once()
