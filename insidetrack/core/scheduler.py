"""The embedded default's stand-in for Celery beat: a daemon thread that runs the sweeps every minute."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections

from .tasks import run_sweeps_once

logger = logging.getLogger(__name__)


class SchedulerLoop(threading.Thread):
    """Calls the registered sweeps every ``interval`` seconds until stopped.

    Sweeps are idempotent, so a second web process running its own loop (or Celery beat running as well) would
    duplicate effort but never effects.
    """

    def __init__(self, interval: float = 60.0) -> None:
        super().__init__(name="insidetrack-scheduler", daemon=True)
        self.interval = interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            try:
                run_sweeps_once()
            finally:
                close_old_connections()

    def stop(self) -> None:
        self._stop_event.set()
