"""The demo's personal-data requests: processed, refused and open ones in head office's queue, and the erased
customers' pages still working (the erasure leaves anonymous rows that every page must read)."""

from __future__ import annotations

import pytest
from django.test import Client

from insidetrack.cases.models import Case
from insidetrack.customers.models import Customer
from insidetrack.demo.generator.privacy import privacy_generate
from insidetrack.privacy.models import PrivacyRequest

from .conftest import DEMO_END, DEMO_SEED


def _client(email: str) -> Client:
    client = Client()
    assert client.login(username=email, password="insidetrack")
    return client


@pytest.mark.django_db
def test_the_demo_has_processed_refused_and_open_requests(demo_world) -> None:
    assert (demo_world.report.counts["privacy_requests"], demo_world.report.counts["customers_erased"]) == (7, 2)
    rows = sorted(PrivacyRequest.objects.values_list("kind", "status"))
    assert rows == sorted([("erasure", "completed"), ("export", "completed"), ("erasure", "refused"),
                           ("erasure", "completed"), ("erasure", "requested"), ("export", "requested"),
                           ("erasure", "requested")])
    erased = Customer.objects.filter(erased_at__isnull=False)
    assert erased.count() == 2
    assert set(erased.values_list("first_name", "email", "phone")) == {("", "", "")}
    completed = PrivacyRequest.objects.filter(kind="erasure", status="completed")
    assert all(request.rows_changed["surveys"] >= 1 and request.rows_changed["cases"] >= 1 for request in completed)
    # Head office's demo sign-in did the work (its audit names a person), and the requests came from several dealers.
    handled = PrivacyRequest.objects.exclude(status="requested")
    assert set(handled.values_list("processed_by__email", flat=True)) == {"hq@insidetrack.demo"}
    assert PrivacyRequest.objects.exclude(customer=None).values("customer__dealer").distinct().count() >= 3
    # A second run leaves the world alone.
    assert privacy_generate(seed=DEMO_SEED, end=DEMO_END) == {"privacy_requests": 0, "customers_erased": 0}


@pytest.mark.django_db
def test_head_office_reads_the_queue_and_the_erased_customers_cases(demo_world) -> None:
    client = _client("hq@insidetrack.demo")
    queue = client.get("/privacy/")
    assert queue.status_code == 200
    assert queue.content.decode().count('<tr id="request-') == 3  # the open ones
    assert client.get("/privacy/?show=all").content.decode().count('<tr id="request-') == 7
    for request in PrivacyRequest.objects.all():
        assert client.get(f"/privacy/{request.pk}/").status_code == 200
    for case in Case.objects.filter(customer__erased_at__isnull=False):
        assert client.get(f"/cases/{case.pk}/").status_code == 200


@pytest.mark.django_db
def test_the_demo_owner_is_not_erased_and_reads_their_data(demo_world) -> None:
    client = _client("owner@insidetrack.demo")
    page = client.get("/my/data/")
    assert page.status_code == 200
    assert "Profile, contact details and preferences" in page.content.decode()
