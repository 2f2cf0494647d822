"""The JSON API: authentication, scoping per role, and clear errors."""

from __future__ import annotations

import pytest
from django.test import Client

from insidetrack.accounts.models import ApiToken, hash_token
from insidetrack.accounts.tests.factories import PASSWORD

EXPECTED_CUSTOMERS = {"head_office": 3, "region_manager": 2, "dealer_principal": 1, "dealer_staff": 1,
                      "other_dealer": 1, "owner": 1}


def session_client(world, role):
    client = Client()
    assert client.login(username=world.users[role].email, password=PASSWORD)
    return client


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/customers", "/api/v1/responses", "/api/v1/network/dealers",
                                  "/api/v1/journey/touchpoints"])
def test_anonymous_and_bad_tokens_are_refused(world, path):
    assert Client().get(path).status_code == 401
    assert Client().get(path, HTTP_AUTHORIZATION="Bearer it_forged").status_code == 401


@pytest.mark.parametrize("role", list(EXPECTED_CUSTOMERS))
def test_customer_and_response_lists_are_scoped_per_role(world, role):
    client = session_client(world, role)
    customers = client.get("/api/v1/customers").json()
    assert customers["count"] == EXPECTED_CUSTOMERS[role]
    responses = client.get("/api/v1/responses").json()
    assert responses["count"] == EXPECTED_CUSTOMERS[role]


def test_other_dealers_customer_is_not_found_not_forbidden(world):
    client = session_client(world, "dealer_principal")
    answer = client.get(f"/api/v1/customers/{world.customers['c'].pk}")
    assert answer.status_code == 404
    assert answer.json() == {"code": "not_found", "detail": "customer not found", "field": None}
    mine = client.get(f"/api/v1/customers/{world.customers['a'].pk}").json()
    assert mine["dealer_code"] == world.dealer_a.code and len(mine["vehicles"]) == 1


def test_dealer_system_token_acts_as_its_dealer_and_stops_when_revoked(world):
    raw = ApiToken.generate()
    token = ApiToken.objects.create(dealer=world.dealer_b, name="DMS", prefix=raw[:8], token_hash=hash_token(raw))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me").json()["dealer_id"] == world.dealer_b.pk
    assert [c["dealer_code"] for c in client.get("/api/v1/customers").json()["items"]] == [world.dealer_b.code]
    token.refresh_from_db()
    assert token.last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=token.last_used_at)
    assert client.get("/api/v1/me").status_code == 401


def test_out_of_range_filter_is_a_clear_422(world):
    answer = session_client(world, "head_office").get("/api/v1/responses?max_score=11")
    assert answer.status_code == 422
    assert "max_score" in str(answer.json())


def test_openapi_schema_is_published(world):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Inside Track API"
    assert "/api/v1/customers" in schema["paths"]


@pytest.mark.parametrize("role", ["dealer_principal", "dealer_staff"])
def test_dealers_get_verbatims_without_a_score_key(world, role):
    items = session_client(world, role).get("/api/v1/responses").json()["items"]
    assert [(item["dealer_code"], item["verbatim"]) for item in items] == [
        (world.dealer_a.code, "Lovely handover, everything explained.")]
    assert "score" not in items[0]


def test_dealer_system_token_gets_no_score_either(world):
    raw = ApiToken.generate()
    ApiToken.objects.create(dealer=world.dealer_b, name="DMS", prefix=raw[:8], token_hash=hash_token(raw))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert "score" not in client.get("/api/v1/responses").json()["items"][0]
    refused = client.get("/api/v1/responses?max_score=3")
    assert refused.status_code == 403 and refused.json()["field"] == "max_score"


@pytest.mark.parametrize("role", ["dealer_principal", "dealer_staff", "other_dealer"])
def test_score_filter_is_refused_to_dealers_and_names_the_parameter(world, role):
    answer = session_client(world, role).get("/api/v1/responses?max_score=3")
    assert answer.status_code == 403
    assert answer.json() == {"code": "forbidden", "field": "max_score",
                             "detail": "Filtering by score is not available: your brand does not show scores to "
                                       "dealers."}


@pytest.mark.parametrize("role", ["head_office", "region_manager", "owner"])
def test_scores_stay_for_head_office_regions_and_the_owner_their_own(world, role):
    client = session_client(world, role)
    scores = sorted(item["score"] for item in client.get("/api/v1/responses").json()["items"])
    assert scores == {"head_office": [3, 3, 10], "region_manager": [3, 10], "owner": [10]}[role]
    assert client.get("/api/v1/responses?max_score=3").status_code == 200


def test_dealers_get_scores_and_the_filter_when_head_office_allows_it(world):
    type(world.brand).objects.filter(pk=world.brand.pk).update(dealers_see_scores=True)
    client = session_client(world, "dealer_staff")
    assert [item["score"] for item in client.get("/api/v1/responses").json()["items"]] == [10]
    assert client.get("/api/v1/responses?max_score=3").json()["count"] == 0
