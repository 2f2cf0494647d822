"""Cases that do not come from a survey (an owner's issue, the connected car): same promise, same inbox."""

from __future__ import annotations

import datetime as dt

import pytest

from insidetrack.cases import services
from insidetrack.cases.models import Case, CaseEvent
from insidetrack.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def test_an_owner_issue_is_a_recovery_case_for_their_dealer_under_the_24_hour_promise(world):
    customer = world.customers["a"]
    vehicle = customer.vehicles.first()
    case = services.case_open_direct(dealer=world.dealer_a, customer_pk=customer.pk, vehicle_pk=vehicle.pk,
                                     source="owner", subject="Rattle from the dashboard", detail="Since Monday",
                                     now=NOW)
    assert (case.kind, case.status, case.source, case.dealer_id, case.vehicle_id) == (
        "recovery", "new", "owner", world.dealer_a.pk, vehicle.pk)
    assert case.respond_by == NOW + dt.timedelta(hours=24)
    assert case.resolve_by == NOW + dt.timedelta(hours=120)
    assert case.urgent_at is None
    event = CaseEvent.objects.get(case=case)
    assert (event.kind, event.to_status, event.detail) == ("created", "new", "Since Monday")


def test_a_serious_connected_car_case_is_flagged_urgent_with_its_reason(world):
    case = services.case_open_direct(dealer=world.dealer_a, customer_pk=world.customers["a"].pk,
                                     source="connected_car", subject="Brake fault P0571",
                                     urgent_reason="Brake system fault reported by the car", now=NOW)
    assert (case.urgent_at, case.urgent_reason) == (NOW, "Brake system fault reported by the car")


@pytest.mark.parametrize(("source", "subject", "field"), [("survey", "x", "source"), ("owner", "  ", "subject")])
def test_a_case_without_a_source_or_a_subject_is_refused_and_nothing_is_written(world, source, subject, field):
    before = Case.objects.count()
    with pytest.raises(ValidationFailed) as error:
        services.case_open_direct(dealer=world.dealer_a, customer_pk=None, source=source, subject=subject, now=NOW)
    assert error.value.field == field
    assert Case.objects.count() == before
