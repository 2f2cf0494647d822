"""Searching the verbatims, and the feedback list's search box, theme, sentiment and flag filters.

The full-text path runs on PostgreSQL (``DATABASE_URL`` pointing at one); the portable fallback runs everywhere: on
PostgreSQL it is forced by switching the full-text check off.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from insidetrack.core.errors import PermissionDenied, ValidationFailed
from insidetrack.core.tests.pages import client_for
from insidetrack.verbatims import selectors
from insidetrack.verbatims.tests.factories import plant_verbatims

FEEDBACK = reverse("analytics:responses")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search needs PostgreSQL")


@pytest.fixture
def planted(world):
    return plant_verbatims(world)


@pytest.fixture
def fallback(monkeypatch):
    """The portable search, whatever the database."""
    monkeypatch.setattr(selectors, "full_text_available", lambda: False)


def found(planted, rows) -> list[str]:
    names = {response.pk: key for key, response in planted.items()}
    return [names.get(row.pk, f"world:{row.pk}") for row in rows]


def search(world, planted, query: str, role: str = "head_office", **kwargs) -> list[str]:
    return found(planted, selectors.verbatim_search(world.actors[role], query, **kwargs))


# --------------------------------------------------------------------------------------------------------------------
# The portable fallback: every word must appear


def test_fallback_needs_every_word(world, planted, fallback):
    assert search(world, planted, "brakes") == ["c_brakes"]
    assert search(world, planted, "BRAKES dangerous") == ["c_brakes"]
    assert search(world, planted, "brakes handover") == []
    # Newest first; a substring matches ("wait" in "waited" and "waiting"); the follow-up answer is never listed.
    assert search(world, planted, "wait") == ["a_wait", "a_quick"]
    assert search(world, planted, "handover -lovely") == ["a_wait", "b_fine"]


def test_fallback_is_scoped(world, planted, fallback):
    assert search(world, planted, "brakes", role="dealer_principal") == []
    assert search(world, planted, "Bremsen", role="region_manager") == ["b_wait"]
    assert search(world, planted, "Bremsen", role="other_dealer") == []


def test_search_combines_with_theme_sentiment_and_flag(world, planted, fallback):
    assert search(world, planted, "the", theme="workmanship") == ["c_brakes"]
    assert search(world, planted, "", theme="waiting_time", sentiment="positive") == ["a_quick"]
    assert search(world, planted, "", flag="safety") == ["c_brakes", "b_wait"]
    assert search(world, planted, "", flag="incentive") == ["c_coached"]


def test_an_empty_search_lists_everything_newest_first(world, planted):
    everything = search(world, planted, "   ")
    assert len(everything) == 10 and all(name.startswith("world:") for name in everything[:3])  # submitted now
    assert everything[3:] == ["a_good", "c_coached", "c_brakes", "a_wait", "b_wait", "b_fine", "a_quick"]


def test_an_over_long_search_is_refused_naming_the_field(world):
    with pytest.raises(ValidationFailed) as refused:
        selectors.verbatim_search(world.actors["head_office"], "brakes " * 40)
    assert refused.value.field == "q" and "at most 200 characters" in str(refused.value)
    assert list(selectors.verbatim_search(world.actors["head_office"], "x" * 200)) == []


def test_bad_sentiment_and_flag_are_refused(world):
    actor = world.actors["head_office"]
    with pytest.raises(ValidationFailed):
        selectors.verbatim_search(actor, "", sentiment="angry")
    with pytest.raises(ValidationFailed):
        selectors.verbatim_search(actor, "", flag="fraud")
    with pytest.raises(PermissionDenied):
        selectors.verbatim_search(world.actors["dealer_principal"], "", flag="incentive")
    with pytest.raises(PermissionDenied):
        selectors.verbatim_search(world.actors["owner"], "")


# --------------------------------------------------------------------------------------------------------------------
# PostgreSQL full text: each text in its own language, the query in all three


@on_postgresql
def test_full_text_stems_each_language(world, planted):
    assert selectors.full_text_available()
    # English stemming: "waits" finds "waited" and "waiting" (not a substring of either).
    assert search(world, planted, "waits") == ["a_wait", "a_quick"]
    # German stemming: "Bremse" finds "Bremsen"; French: "vendeurs" finds "vendeur".
    assert search(world, planted, "Bremse") == ["b_wait"]
    assert search(world, planted, "vendeurs") == ["c_coached"]


@on_postgresql
def test_full_text_speaks_websearch(world, planted):
    assert search(world, planted, '"brakes squeal"') == ["c_brakes"]
    assert search(world, planted, '"squeal brakes"') == []
    assert sorted(search(world, planted, "brakes or squeaky")) == ["c_brakes"]
    assert search(world, planted, "brakes or quick") == ["c_brakes", "a_quick"]
    assert search(world, planted, "handover -lovely") == ["a_wait", "b_fine"]


@on_postgresql
def test_full_text_ranks_the_best_match_first(world, planted):
    from insidetrack.surveys.tests.factories import ResponseFactory
    from insidetrack.verbatims.tests.factories import analysis_for

    many = ResponseFactory(invitation__event__customer=world.customers["a"],
                           verbatim="Waiting, waiting and more waiting: the wait was the whole visit")
    analysis_for(many, themes=("waiting_time",))
    rows = list(selectors.verbatim_search(world.actors["head_office"], "waiting"))
    assert rows[0].pk == many.pk and rows[0].rank > rows[1].rank > 0
    assert [row.pk for row in rows[1:]] == [planted["a_wait"].pk, planted["a_quick"].pk]


# --------------------------------------------------------------------------------------------------------------------
# The feedback list


def listed(planted, response) -> list[str]:
    return found(planted, response.context["page"])


def test_feedback_list_searches_the_verbatims(world, planted, fallback):
    client = client_for(world, "head_office")
    assert listed(planted, client.get(FEEDBACK, {"q": "brakes"})) == ["c_brakes"]
    page = client.get(FEEDBACK, {"q": "brakes"}).content.decode()
    assert 'name="q" value="brakes"' in page and "1 response" in page


@on_postgresql
def test_feedback_list_searches_with_full_text_on_postgresql(world, planted):
    client = client_for(world, "head_office")
    assert listed(planted, client.get(FEEDBACK, {"q": "Bremse"})) == ["b_wait"]


def test_feedback_list_filters_by_theme_sentiment_and_flag(world, planted):
    client = client_for(world, "head_office")
    assert listed(planted, client.get(FEEDBACK, {"theme": "waiting_time"})) == ["a_wait", "b_wait", "a_quick"]
    assert listed(planted, client.get(FEEDBACK, {"theme": "waiting_time", "sentiment": "negative"})) == [
        "a_wait", "b_wait"]
    assert listed(planted, client.get(FEEDBACK, {"flag": "safety"})) == ["c_brakes", "b_wait"]
    assert listed(planted, client.get(FEEDBACK, {"flag": "incentive"})) == ["c_coached"]
    # With the existing filters and the dashboard's drill-down.
    assert listed(planted, client.get(FEEDBACK, {"theme": "waiting_time", "dealer": world.dealer_b.code})) == [
        "b_wait"]
    assert listed(planted, client.get(FEEDBACK, {"theme": "waiting_time", "from": "2025-01", "to": "2025-03"})) == [
        "a_wait", "b_wait"]
    assert listed(planted, client.get(FEEDBACK, {"sentiment": "neutral", "max_score": 8})) == ["b_fine"]
    assert listed(planted, client.get(FEEDBACK, {"theme": "no_such_theme"})) == []


def test_feedback_list_shows_chips_and_flag_badges(world, planted):
    page = client_for(world, "head_office").get(FEEDBACK, {"from": "2025-02", "to": "2025-02"}).content.decode()
    row = page[page.index("The brakes squeal"):]
    row = row[:row.index("</tr>")]
    assert '<span class="chip sentiment-negative">Negative</span>' in row
    assert f'href="{reverse("verbatims:theme", args=["workmanship"])}">Workmanship and repair quality</a>' in row
    assert 'title="dangerous">Safety or legal</span>' in row
    coached = page[page.index("Le vendeur"):]
    coached = coached[:coached.index("</tr>")]
    assert '<span class="chip sentiment-neutral">Neutral</span>' in coached and "Incentive language" in coached


@pytest.mark.parametrize("role", ["dealer_principal", "dealer_staff", "other_dealer"])
def test_dealers_get_no_incentive_flag_nor_filter(world, planted, role):
    client = client_for(world, role)
    page = client.get(FEEDBACK, {"flag": "incentive"})
    html = page.content.decode()
    assert "Incentive language" not in html and 'value="incentive"' not in html
    assert 'value="safety"' in html
    everything = listed(planted, client.get(FEEDBACK))
    assert listed(planted, page) == everything  # ignored like a hidden score filter, not applied


@pytest.mark.parametrize("role", ["head_office", "region_manager"])
def test_head_office_and_regions_filter_by_incentive_language(world, planted, role):
    expected = ["c_coached"] if role == "head_office" else []
    assert listed(planted, client_for(world, role).get(FEEDBACK, {"flag": "incentive"})) == expected


def test_feedback_list_reports_an_over_long_search_and_lists_everything(world, planted):
    response = client_for(world, "head_office").get(FEEDBACK, {"q": "brakes " * 40})
    assert response.status_code == 200
    assert "Search for at most 200 characters (you gave 279)." in response.content.decode()
    assert response.context["page"].paginator.count == 10


def test_feedback_list_keeps_hiding_scores_from_dealers(world, planted):
    page = client_for(world, "dealer_staff").get(FEEDBACK, {"theme": "waiting_time", "max_score": 3}).content.decode()
    assert "The car was not ready" in page and "Quick, no waiting" in page  # max_score ignored for them
    assert 'class="score' not in page and '<span class="chip sentiment-negative">' in page


def test_feedback_list_query_count_is_pinned(world, planted, django_assert_max_num_queries):
    """One query for the themes of the whole page (not one per row), however many rows carry themes."""
    client = client_for(world, "head_office")
    plant_verbatims(world)  # twice the rows with themes: the count must not grow
    with django_assert_max_num_queries(9):
        page = client.get(FEEDBACK, {"theme": "waiting_time", "q": "wait"})
    assert page.context["page"].paginator.count == 4
    with django_assert_max_num_queries(9):
        assert client.get(FEEDBACK).status_code == 200
