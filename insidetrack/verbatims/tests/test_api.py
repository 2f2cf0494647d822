"""``GET /api/v1/verbatims/themes`` and ``GET /api/v1/verbatims/search``: scoped figures and quotes, declared errors,
and no score (nor incentive flag) for those who may not see it."""

from __future__ import annotations

import pytest
from django.db import connection

from insidetrack.core.tests.pages import client_for
from insidetrack.verbatims import selectors
from insidetrack.verbatims.tests.factories import PERIOD, plant_verbatims

THEMES = "/api/v1/verbatims/themes"
SEARCH = "/api/v1/verbatims/search"
STAFF = ["head_office", "region_manager", "dealer_principal", "dealer_staff", "other_dealer"]


@pytest.fixture
def planted(world):
    return plant_verbatims(world)


def theme(body: dict, code: str) -> dict:
    return next(row for row in body["themes"] if row["code"] == code)


@pytest.mark.parametrize("role", [*STAFF, "owner", "anonymous"])
@pytest.mark.parametrize("url", [THEMES, SEARCH])
def test_staff_only(world, role, url):
    response = client_for(world, role).get(url)
    expected = {"anonymous": 401, "owner": 403}.get(role, 200)
    assert response.status_code == expected
    if role == "owner":
        assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize("role,analysed,waiting", [
    ("head_office", 5, (2, 0.4)), ("region_manager", 3, (2, 2 / 3)), ("dealer_principal", 2, (1, 0.5)),
    ("dealer_staff", 2, (1, 0.5)), ("other_dealer", 2, (0, 0.0)),
])
def test_themes_gives_each_role_its_own_figures(world, planted, role, analysed, waiting):
    body = client_for(world, role).get(THEMES, PERIOD).json()
    assert body["first_month"] == "2025-01-01" and body["last_month"] == "2025-03-01"
    assert body["analysed"] == analysed
    row = theme(body, "waiting_time")
    assert (row["verbatims"], row["share"]) == (waiting[0], pytest.approx(waiting[1]))


def test_themes_carry_intervals_sentiment_and_change(world, planted):
    body = client_for(world, "head_office").get(THEMES, PERIOD).json()
    assert body["previous_analysed"] == 2
    assert body["sentiment"] == {"negative": 3, "neutral": 1, "positive": 1, "n": 5, "net": -40.0}
    waiting = theme(body, "waiting_time")
    assert waiting["name"] == "Waiting time" and waiting["active"] is True
    assert waiting["share_low"] == pytest.approx(0.1176, abs=1e-4)
    assert waiting["share_high"] == pytest.approx(0.7693, abs=1e-4)
    assert waiting["sentiment"] == {"negative": 2, "neutral": 0, "positive": 0, "n": 2, "net": -100.0}
    assert (waiting["previous_verbatims"], waiting["previous_share"]) == (1, 0.5)
    assert waiting["share_change"] == pytest.approx(-10.0)
    assert waiting["net_change"] == -200.0
    assert 0.05 < waiting["change_p_value"] <= 1
    assert [row["code"] for row in body["themes"][:2]] == ["waiting_time", "workmanship"]
    assert body["touchpoints"] == [
        {"code": "handover", "name": "Handover", "verbatims": 3,
         "sentiment": {"negative": 1, "neutral": 1, "positive": 1, "n": 3, "net": 0.0}},
        {"code": "service_visit", "name": "Service visit", "verbatims": 2,
         "sentiment": {"negative": 2, "neutral": 0, "positive": 0, "n": 2, "net": -100.0}},
    ]


def test_themes_filters_narrow_and_never_widen(world, planted):
    office = client_for(world, "head_office")
    assert office.get(THEMES, {**PERIOD, "region": world.region2.code}).json()["analysed"] == 2
    assert office.get(THEMES, {**PERIOD, "touchpoint": "service_visit"}).json()["analysed"] == 2
    dealer = client_for(world, "dealer_principal")
    assert dealer.get(THEMES, {**PERIOD, "dealer": world.dealer_c.code}).json()["analysed"] == 2  # their own


def test_themes_refuses_a_malformed_month(world):
    response = client_for(world, "head_office").get(THEMES, {"from": "March"})
    assert response.status_code == 422
    assert response.json()["field"] == "from"


def test_search_finds_quotes_with_their_analysis(world, planted, monkeypatch):
    monkeypatch.setattr(selectors, "full_text_available", lambda: False)
    body = client_for(world, "head_office").get(SEARCH, {"q": "brakes"}).json()
    assert body["count"] == 1 and (body["limit"], body["offset"]) == (25, 0)
    quote = body["items"][0]
    assert quote == {
        "response_pk": planted["c_brakes"].pk, "text": "The brakes squeal since the service, it feels dangerous",
        "language": "en", "dealer_code": world.dealer_c.code, "dealer_name": "Dealer C", "touchpoint": "service_visit",
        "touchpoint_name": "Service visit", "submitted_at": "2025-02-15T10:00:00Z", "sentiment": "negative",
        "tone": -0.6, "themes": [{"code": "workmanship", "name": "Workmanship and repair quality", "probability": 0.9}],
        "safety": True, "safety_phrases": ["dangerous"], "incentive": False, "incentive_phrases": [], "score": 3,
        "rank": None,
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search needs PostgreSQL")
def test_search_ranks_full_text_matches_on_postgresql(world, planted):
    body = client_for(world, "region_manager").get(SEARCH, {"q": "Bremse"}).json()
    assert [q["response_pk"] for q in body["items"]] == [planted["b_wait"].pk]
    assert body["items"][0]["rank"] > 0


def test_search_filters_and_pages(world, planted):
    client = client_for(world, "head_office")
    body = client.get(SEARCH, {"theme": "waiting_time", "limit": 2}).json()
    assert body["count"] == 3
    assert [q["response_pk"] for q in body["items"]] == [planted["a_wait"].pk, planted["b_wait"].pk]
    rest = client.get(SEARCH, {"theme": "waiting_time", "limit": 2, "offset": 2}).json()
    assert [q["response_pk"] for q in rest["items"]] == [planted["a_quick"].pk]
    within = client.get(SEARCH, {"theme": "waiting_time", **PERIOD}).json()
    assert within["count"] == 2  # months given: only the period
    assert client.get(SEARCH, {"flag": "incentive"}).json()["count"] == 1
    assert client.get(SEARCH, {"sentiment": "neutral", "dealer": world.dealer_b.code}).json()["count"] == 1


@pytest.mark.parametrize("role", ["dealer_principal", "dealer_staff"])
def test_search_gives_dealers_no_score_and_no_incentive_flag(world, planted, role):
    client = client_for(world, role)
    body = client.get(SEARCH).json()
    assert body["count"] == 4  # the world's answer and dealer A's three planted journey verbatims
    assert all("score" not in q and "incentive" not in q and "incentive_phrases" not in q for q in body["items"])
    assert all(q["dealer_code"] == world.dealer_a.code for q in body["items"])
    type(world.brand).objects.filter(pk=world.brand.pk).update(dealers_see_scores=True)
    assert all("score" in q for q in client.get(SEARCH).json()["items"])


@pytest.mark.parametrize("params,status,field", [
    ({"q": "x" * 201}, 422, "q"), ({"sentiment": "angry"}, 422, "sentiment"), ({"flag": "fraud"}, 422, "flag"),
    ({"limit": 0}, 422, "limit"), ({"limit": 101}, 422, "limit"), ({"offset": -1}, 422, "offset"),
    ({"to": "2025-13"}, 422, "to"),
])
def test_search_refuses_bad_input_naming_the_field(world, params, status, field):
    response = client_for(world, "head_office").get(SEARCH, params)
    assert response.status_code == status
    assert response.json()["field"] == field


def test_dealers_may_not_search_by_incentive_flag(world, planted):
    response = client_for(world, "dealer_principal").get(SEARCH, {"flag": "incentive"})
    assert response.status_code == 403
    assert response.json() == {"code": "forbidden", "field": "flag",
                               "detail": "Incentive language is flagged to head office and regions only."}


def test_the_schema_declares_the_operations_and_their_errors(world):
    schema = client_for(world, "head_office").get("/api/v1/openapi.json").json()
    for path in (THEMES, SEARCH):
        responses = schema["paths"][path]["get"]["responses"]
        assert {"200", "401", "403", "422"} <= set(responses)
