"""The Celery application.

Production runs workers and beat against Redis or RabbitMQ (``CELERY_BROKER_URL``); the embedded default has no
broker, so tasks run eagerly and the app's own scheduler loop plays the part of beat.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insidetrack.settings")

app = Celery("insidetrack")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Sweeps are idempotent and claim rows atomically, so running them every minute from beat (or twice by accident)
# is safe. Later issues register their sweeps in insidetrack.core.scheduler.PERIODIC_TASKS, and both beat and the
# embedded loop read that one list.
app.conf.beat_schedule = {
    "insidetrack-periodic-sweeps": {"task": "insidetrack.core.tasks.run_periodic_sweeps", "schedule": 60.0},
}
