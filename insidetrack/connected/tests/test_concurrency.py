"""Two retries of the same batch at the same moment store each event once (PostgreSQL: real concurrent sessions)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from insidetrack.connected import services
from insidetrack.connected.models import TelemetryEvent

from .conftest import NOW, event

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_retries_of_one_batch_store_each_event_once(connected):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs two PostgreSQL sessions")
    batch = [event(connected.vin_a, f"e{i}", "service_due", days=200) for i in range(300)]
    results: list = []
    barrier = threading.Barrier(3)

    def retry() -> None:
        try:
            barrier.wait()
            results.append(services.telemetry_ingest(provider=connected.provider, events=batch, now=NOW))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=retry) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert TelemetryEvent.objects.count() == 300
    assert sum(len(result.accepted) for result in results) == 300
    assert all(len(result.accepted) + len(result.duplicates) == 300 for result in results)
