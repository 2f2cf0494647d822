"""Check-ins, handover plans and referral moves over the API: what a dealer's CRM or handover app does, by role."""

from __future__ import annotations

import pytest

from insidetrack.core.tests.pages import client_for
from insidetrack.customers.models import CheckIn, HandoverChecklistItem, HandoverPlan, Ownership, Referral
from insidetrack.customers.tests.factories import relationship_rows_for

pytestmark = pytest.mark.django_db
API = "/api/v1/customers"
READ = {"head_office": 200, "region_manager": 200, "dealer_principal": 200, "dealer_staff": 200,
        "other_dealer": 404, "owner": 200, "anonymous": 401}  # the owner is customer a


@pytest.fixture
def rows(world):
    customer = world.customers["a"]
    relationship_rows_for(customer)
    return customer


@pytest.mark.parametrize("role", list(READ))
def test_reading_check_ins_and_plans_by_role(world, rows, role):
    client = client_for(world, role)
    checkins = client.get(f"{API}/{rows.pk}/checkins")
    plans = client.get(f"{API}/{rows.pk}/handover-plans")
    assert (checkins.status_code, plans.status_code) == (READ[role], READ[role])
    if READ[role] == 200:
        vin = rows.vehicles.first().vin
        assert [(c["vin"], c["kind"], c["outcome"]) for c in checkins.json()] == [(vin, "week_1", "")]
        (plan,) = plans.json()
        assert [(i["code"], i["ticked_at"] is not None) for i in plan["items"]] == [("valet", True), ("photos", False)]
        assert plan["items"][1]["label"] == "Take photos of the owner (and family) with the car"


def test_dealer_staff_record_a_check_in_once_and_a_bad_outcome_is_named(world, rows):
    client = client_for(world, "dealer_staff")
    checkin = CheckIn.objects.get(ownership__customer=rows)
    bad = client.post(f"{API}/checkins/{checkin.pk}", {"outcome": "great"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "outcome"
    done = client.post(f"{API}/checkins/{checkin.pk}", {"outcome": "reached", "note": "Loves the car"},
                       content_type="application/json")
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["outcome"], done.json()["note"]) == ("done", "reached", "Loves the car")
    again = client.post(f"{API}/checkins/{checkin.pk}", {"outcome": "declined"}, content_type="application/json")
    assert again.status_code == 409
    assert CheckIn.objects.get(pk=checkin.pk).outcome == "reached"


@pytest.mark.parametrize(("role", "status"), [("other_dealer", 404), ("region_manager", 403), ("owner", 403),
                                              ("anonymous", 401)])
def test_only_the_customers_dealer_works_on_check_ins_and_plans(world, rows, role, status):
    client = client_for(world, role)
    checkin = CheckIn.objects.get(ownership__customer=rows)
    item = HandoverChecklistItem.objects.get(plan__ownership__customer=rows, code="photos")
    ownership = Ownership.objects.get(customer=rows)
    answers = [client.post(f"{API}/checkins/{checkin.pk}", {"outcome": "reached"}, content_type="application/json"),
               client.post(f"{API}/handover-items/{item.pk}", {"ticked": True}, content_type="application/json"),
               client.post(f"{API}/ownerships/{ownership.pk}/handover-plan", content_type="application/json")]
    assert [a.status_code for a in answers] == [status] * 3
    assert CheckIn.objects.get(pk=checkin.pk).done_at is None
    assert HandoverChecklistItem.objects.get(pk=item.pk).ticked_at is None


def test_the_dealer_prepares_a_plan_and_ticks_it_off(world, rows):
    client = client_for(world, "dealer_principal")
    ownership = Ownership.objects.get(customer=rows)
    HandoverPlan.objects.filter(ownership=ownership).delete()
    made = client.post(f"{API}/ownerships/{ownership.pk}/handover-plan", content_type="application/json")
    assert made.status_code == 201
    first = made.json()["items"][0]
    ticked = client.post(f"{API}/handover-items/{first['pk']}", {"ticked": True}, content_type="application/json")
    assert ticked.status_code == 200 and ticked.json()["ticked_at"] is not None
    untick = client.post(f"{API}/handover-items/{first['pk']}", {"ticked": False}, content_type="application/json")
    assert untick.json()["ticked_at"] is None


def test_a_referral_moves_along_its_table_and_a_bad_move_changes_nothing(world, rows):
    client = client_for(world, "dealer_staff")
    made = client.post("/api/v1/analytics/advocacy/referrals",
                       {"referrer_pk": rows.pk, "referred_name": "Sam", "referred_email": "sam@example.org"},
                       content_type="application/json")
    pk = made.json()["pk"]
    url = f"/api/v1/analytics/advocacy/referrals/{pk}/status"
    drive = client.post(url, {"status": "test_drive"}, content_type="application/json")
    assert drive.status_code == 200 and drive.json()["status"] == "test_drive"
    back = client.post(url, {"status": "enquired"}, content_type="application/json")
    assert back.status_code == 409 and back.json()["code"] == "invalid_transition"
    assert Referral.objects.get(pk=pk).status == "test_drive"
    refused = client_for(world, "other_dealer").post(url, {"status": "lost"}, content_type="application/json")
    assert refused.status_code == 404 and Referral.objects.get(pk=pk).status == "test_drive"
