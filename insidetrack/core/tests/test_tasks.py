"""Background work: after commit, inline by default, and through a real Celery worker on Redis in production."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid

import pytest
from celery import shared_task
from django.db import transaction

from insidetrack.celery import app
from insidetrack.core import tasks

CALLS: list[int] = []


@shared_task(name="insidetrack.tests.record_call")
def record_call(value: int) -> int:
    CALLS.append(value)
    return value


@pytest.fixture(autouse=True)
def _clean():
    CALLS.clear()
    yield
    CALLS.clear()


def test_enqueued_task_runs_only_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        tasks.enqueue_on_commit(record_call, 7)
        assert CALLS == []
    assert CALLS == [7]


def test_enqueued_task_never_runs_when_the_transaction_rolls_back(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        tasks.enqueue_on_commit(record_call, 8)
        raise RuntimeError("boom")
    assert CALLS == []


def test_a_failing_sweep_does_not_stop_the_others(monkeypatch):
    def broken():
        raise ValueError("broken sweep")

    def healthy():
        return 3

    monkeypatch.setattr(tasks, "PERIODIC_SWEEPS", [broken, healthy])
    results = tasks.run_sweeps_once()
    assert list(results.values()) == ["error", 3]


def test_beat_schedule_points_at_a_registered_task():
    entry = app.conf.beat_schedule["insidetrack-periodic-sweeps"]
    assert entry["schedule"] == 60.0
    assert entry["task"] in app.tasks


def _redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def test_a_real_worker_on_redis_runs_the_beat_task(tmp_path):
    """The production path end to end: `celery -A insidetrack worker` consuming from Redis, a client sending."""
    if not _redis_reachable():
        if os.environ.get("INSIDETRACK_REQUIRE_SERVICES"):
            pytest.fail("Redis is not reachable on 127.0.0.1:6379")
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    queue = f"insidetrack-test-{uuid.uuid4().hex[:8]}"
    # The worker gets its own throwaway SQLite database, whatever database the test run itself uses.
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/15", "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/15",
                "INSIDETRACK_DATA_DIR": str(tmp_path)})
    migrated = subprocess.run([sys.executable, "-m", "insidetrack", "migrate", "--verbosity", "0"], env=env,
                              capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "insidetrack", "worker", "--pool", "solo", "-Q", queue,
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        client = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); "
             "from insidetrack.core.tasks import run_periodic_sweeps; "
             "from insidetrack.accounts.tasks import deliver_sign_in_link; "
             f"print(run_periodic_sweeps.apply_async(queue={queue!r}).get(timeout=45)); "
             # An owner's sign-in link is looked up and sent by the worker (so the page answers in the same time for
             # any address); its database knows no owner, so nothing is sent.
             "print(deliver_sign_in_link.apply_async(kwargs={'email': 'nobody@example.org', 'request_id': 'r1', "
             f"'requested_at': '2026-11-24T09:00:00+00:00'}}, queue={queue!r}).get(timeout=45))"],
            env={**env, "DJANGO_SETTINGS_MODULE": "insidetrack.settings"}, capture_output=True, text=True, timeout=90,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    # The worker ran every registered sweep against its (empty) database and reported what each one changed.
    assert client.returncode == 0, client.stderr
    sweeps, sign_in_link_sent = client.stdout.strip().splitlines()
    assert sign_in_link_sent == "False"
    assert sweeps == ("{'insidetrack.customers.tasks.checkins_sweep': 0, "
                                     "'insidetrack.journeys.services_events.event_invitations_for_depositors': 0, "
                                     "'insidetrack.journeys.services_events.event_surveys_request_due': 0, "
                                     "'insidetrack.surveys.services.invitations_send_due': 0, "
                                     "'insidetrack.cases.tasks.cases_sweep': 0, "
                                     "'insidetrack.verbatims.tasks.verbatims_sweep': 0, "
                                     "'insidetrack.analytics.tasks.rollups_sweep': 0, "
                                     "'insidetrack.analytics.tasks.scorecards_sweep': 0, "
                                     "'insidetrack.analytics.tasks.reports_sweep': 0, "
                                     "'insidetrack.integrity.tasks.integrity_sweep': 0, "
                                     "'insidetrack.connected.tasks.connected_evaluation_sweep': 0, "
                                     "'insidetrack.connected.tasks.connected_email_sweep': 0}")
