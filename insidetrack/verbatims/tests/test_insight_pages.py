"""The themes page and a theme's page for every role: who gets in, the exact figures of their slice, the quotes, and
no score where the brand hides scores from dealers.

The figures come from ``plant_verbatims`` (see its docstring): five journey verbatims in January-March 2025 for head
office, two in the three months before, and a follow-up answer that must never count.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from insidetrack.core.tests.pages import client_for, tables_of
from insidetrack.verbatims.tests.factories import PERIOD, plant_verbatims

STAFF = ["head_office", "region_manager", "dealer_principal", "dealer_staff", "other_dealer"]
THEMES = reverse("verbatims:themes")


def theme_url(code: str) -> str:
    return reverse("verbatims:theme", args=[code])


@pytest.fixture
def planted(world):
    return plant_verbatims(world)


def cells(page: str, table: str) -> list[list[str]]:
    """A table's data rows, an interval's en dash written as a hyphen ("11.8-76.9%") to keep the tests ASCII."""
    return [[cell.replace("\u2013", "-") for cell in row] for row in tables_of(page)[table][1:]]


def rows_of(page: str, table: str) -> dict[str, list[str]]:
    """A table's data rows keyed by their first cell."""
    return {row[0]: row[1:] for row in cells(page, table)}


def show_scores_to_dealers(world) -> None:
    type(world.brand).objects.filter(pk=world.brand.pk).update(dealers_see_scores=True)


# --------------------------------------------------------------------------------------------------------------------
# Who gets in


@pytest.mark.parametrize("role", [*STAFF, "owner", "anonymous"])
@pytest.mark.parametrize("url", [THEMES, theme_url("waiting_time")])
def test_theme_pages_are_for_staff_roles(world, role, url):
    response = client_for(world, role).get(url)
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif role == "owner":
        assert response.status_code == 403
        assert "Waiting time" not in response.content.decode()
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role,shown", [("head_office", True), ("region_manager", True), ("dealer_principal", True),
                                        ("dealer_staff", True), ("owner", False)])
def test_the_menu_offers_themes_to_staff_only(world, role, shown):
    home = reverse("portal:home") if role == "owner" else reverse("analytics:home")
    page = client_for(world, role).get(home).content.decode()
    assert (f'<a href="{THEMES}"' in page) is shown


@pytest.mark.parametrize("role", STAFF)
def test_teaching_links_are_head_offices(world, role):
    page = client_for(world, role).get(THEMES).content.decode()
    links = [reverse(f"verbatims:{name}") for name in ("emerging", "taxonomy", "label", "model")]
    assert all(f'href="{link}"' in page for link in links) is (role == "head_office")
    assert any(f'href="{link}"' in page for link in links) is (role == "head_office")


def test_an_unknown_theme_is_not_found(world):
    assert client_for(world, "head_office").get(theme_url("no_such_theme")).status_code == 404


# --------------------------------------------------------------------------------------------------------------------
# The themes table, each role's slice


# Role: (analysed verbatims, waiting-time row, workmanship row) over PERIOD. The previous period holds dealer A's
# positive waiting-time verbatim and dealer B's neutral handover one.
EXPECTED = {
    "head_office": ("5", ["2", "40.0% (11.8-76.9%)", "2 negative · 0 neutral · 0 positive", "-100",
                          "-10.0 pts could be chance", "-200"],
                    ["2", "40.0% (11.8-76.9%)", "2 negative · 0 neutral · 0 positive", "-100",
                     "+40.0 pts could be chance", "—"]),
    "region_manager": ("3", ["2", "66.7% (20.8-93.9%)", "2 negative · 0 neutral · 0 positive", "-100",
                             "+16.7 pts could be chance", "-200"],
                       ["1", "33.3% (6.1-79.2%)", "1 negative · 0 neutral · 0 positive", "-100",
                        "+33.3 pts could be chance", "—"]),
    "dealer_principal": ("2", ["1", "50.0% (9.5-90.5%)", "1 negative · 0 neutral · 0 positive", "-100",
                               "-50.0 pts could be chance", "-200"],
                         ["0", "0.0% (0.0-65.8%)", "", "—", "0 pts", "—"]),
    "other_dealer": ("2", ["0", "0.0% (0.0-65.8%)", "", "—", "—", "—"],
                     ["1", "50.0% (9.5-90.5%)", "1 negative · 0 neutral · 0 positive", "-100", "—", "—"]),
}
EXPECTED["dealer_staff"] = EXPECTED["dealer_principal"]


@pytest.mark.parametrize("role", STAFF)
def test_each_role_sees_the_themes_of_its_own_slice(world, planted, role):
    analysed, waiting, workmanship = EXPECTED[role]
    page = client_for(world, role).get(THEMES, PERIOD).content.decode()
    assert f"<strong>{analysed}</strong>" in page
    themes = rows_of(page, "themes")
    assert themes["Waiting time"] == waiting
    assert themes["Workmanship and repair quality"] == workmanship
    assert "Sorted now" not in page  # the follow-up answer is in no figure


def test_themes_are_ordered_by_mentions_and_link_to_their_page(world, planted):
    page = client_for(world, "head_office").get(THEMES, PERIOD).content.decode()
    rows = cells(page, "themes")
    assert [row[0] for row in rows[:5]] == ["Waiting time", "Workmanship and repair quality",
                                           "Communication and updates", "Handover experience", "Sales process"]
    assert rows[3][1:] == ["1", "20.0% (3.6-62.4%)", "0 negative · 0 neutral · 1 positive", "+100",
                           "-30.0 pts could be chance", "+100"]
    assert f'href="{theme_url("waiting_time")}?from=2025-01&amp;to=2025-03"' in page
    # The count links to the feedback list narrowed to the theme and the period.
    assert f'href="{reverse("analytics:responses")}?from=2025-01&amp;to=2025-03&amp;theme=waiting_time"' in page


@pytest.mark.parametrize("role,expected", [
    ("head_office", {"Handover": ["3", "1", "1", "1", "0"], "Service visit": ["2", "2", "0", "0", "-100"]}),
    ("region_manager", {"Handover": ["2", "1", "0", "1", "0"], "Service visit": ["1", "1", "0", "0", "-100"]}),
    ("dealer_staff", {"Handover": ["2", "1", "0", "1", "0"]}),
    ("other_dealer", {"Handover": ["1", "0", "1", "0", "0"], "Service visit": ["1", "1", "0", "0", "-100"]}),
])
def test_sentiment_per_touchpoint(world, planted, role, expected):
    page = client_for(world, role).get(THEMES, PERIOD).content.decode()
    assert rows_of(page, "touchpoint-sentiment") == expected


def test_filters_narrow_the_figures(world, planted):
    client = client_for(world, "head_office")
    south = client.get(THEMES, {**PERIOD, "region": world.region2.code}).content.decode()
    assert rows_of(south, "themes")["Workmanship and repair quality"][:2] == ["1", "50.0% (9.5-90.5%)"]
    dealer_b = client.get(THEMES, {**PERIOD, "dealer": world.dealer_b.code}).content.decode()
    assert rows_of(dealer_b, "themes")["Waiting time"][:2] == ["1", "100.0% (20.7-100.0%)"]
    service = client.get(THEMES, {**PERIOD, "touchpoint": "service_visit"}).content.decode()
    assert rows_of(service, "touchpoint-sentiment") == {"Service visit": ["2", "2", "0", "0", "-100"]}
    february = client.get(THEMES, {"from": "2025-02", "to": "2025-02"}).content.decode()
    assert "<strong>3</strong>" in february
    assert rows_of(february, "themes")["Sales process"][:2] == ["1", "33.3% (6.1-79.2%)"]


def test_a_dealer_cannot_widen_their_slice_with_filters(world, planted):
    page = client_for(world, "dealer_principal").get(THEMES, {**PERIOD, "dealer": world.dealer_c.code,
                                                              "region": world.region2.code}).content.decode()
    assert rows_of(page, "themes")["Waiting time"][:2] == ["1", "50.0% (9.5-90.5%)"]  # still dealer A's own
    assert 'name="dealer"' not in page and 'name="region"' not in page


def test_a_malformed_month_is_reported_and_the_default_period_shown(world, planted):
    page = client_for(world, "head_office").get(THEMES, {"from": "2025-13"}).content.decode()
    assert "from must be a month like 2026-06, not 2025-13." in page
    assert "<strong>3</strong>" in page  # the default twelve months hold the world's three answers


def test_the_chart_draws_the_top_themes_month_by_month(world, planted):
    response = client_for(world, "head_office").get(THEMES, PERIOD)
    figure = response.context["trend_json"]
    assert [trace["name"] for trace in figure["data"]] == [
        "Waiting time", "Workmanship and repair quality", "Communication and updates", "Handover experience",
        "Sales process"]
    assert figure["data"][0]["x"] == ["2025-01", "2025-02", "2025-03"]
    assert figure["data"][0]["y"] == [100.0, pytest.approx(100 / 3), 0.0]
    assert 'id="themes-chart"' in response.content.decode()


def test_an_empty_period_says_so(world):
    page = client_for(world, "head_office").get(THEMES, PERIOD).content.decode()
    assert "No theme was mentioned in this period." in page and 'id="themes-chart"' not in page
    assert "No analysed verbatims in this period." in page


# --------------------------------------------------------------------------------------------------------------------
# A theme's page


def test_theme_page_shows_its_trend_splits_and_quotes(world, planted):
    page = client_for(world, "head_office").get(theme_url("waiting_time"), PERIOD).content.decode()
    assert rows_of(page, "theme-months") == {"2025-01": ["1", "1", "100.0% (20.7-100.0%)", "-100"],
                                             "2025-02": ["3", "1", "33.3% (6.1-79.2%)", "-100"],
                                             "2025-03": ["1", "0", "0.0% (0.0-79.3%)", "—"]}
    assert rows_of(page, "theme-touchpoints") == {"Handover": ["3", "1", "33.3% (6.1-79.2%)", "-100"],
                                                  "Service visit": ["2", "1", "50.0% (9.5-90.5%)", "-100"]}
    assert rows_of(page, "theme-dealers") == {"Dealer A": ["2", "1", "50.0% (9.5-90.5%)", "-100"],
                                              "Dealer B": ["1", "1", "100.0% (20.7-100.0%)", "-100"],
                                              "Dealer C": ["2", "0", "0.0% (0.0-65.8%)", "—"]}
    # Newest first; each quote with its dealer, touchpoint, date, sentiment, other themes and flags.
    quotes = page[page.index('id="theme-quotes"'):]
    first, second = quotes.index("The car was not ready"), quotes.index("Ich habe zwei Stunden gewartet")
    assert first < second
    assert "Sorted now" not in quotes
    assert "Dealer A · Handover · <time" in quotes and "Dealer B · Service visit · <time" in quotes
    assert "10 Feb 2025" in quotes and "20 Jan 2025" in quotes
    assert quotes.count('class="chip sentiment-negative"') == 2
    assert f'href="{theme_url("communication")}"' in quotes and f'href="{theme_url("workmanship")}"' in quotes
    assert f'href="{theme_url("waiting_time")}"' not in quotes  # the page's own theme is not repeated as a chip
    assert quotes.count("Safety or legal") == 1
    # Head office sees each quote's score.
    assert '<span class="score detractor">4</span>' in quotes and '<span class="score detractor">2</span>' in quotes


def test_theme_page_filters_its_quotes_by_sentiment(world, planted):
    client = client_for(world, "head_office")
    negative = client.get(theme_url("handover_experience"), {**PERIOD, "sentiment": "negative"})
    assert list(negative.context["page"]) == []
    positive = client.get(theme_url("handover_experience"), {**PERIOD, "sentiment": "positive"})
    assert [q.response_id for q in positive.context["page"]] == [planted["a_good"].pk]
    unknown = client.get(theme_url("handover_experience"), {**PERIOD, "sentiment": "furious"})
    assert [q.response_id for q in unknown.context["page"]] == [planted["a_good"].pk]  # ignored, not an error


def test_theme_quotes_are_paginated_newest_first(world, planted):
    import datetime as dt

    from insidetrack.surveys.tests.factories import ResponseFactory
    from insidetrack.verbatims.tests.factories import analysis_for

    for day in range(1, 22):  # 21 more in March 2025, one a day: with the two planted, 23 waiting-time verbatims
        response = ResponseFactory(invitation__event__customer=world.customers["a"], verbatim=f"Waited again {day}",
                                   submitted_at=dt.datetime(2025, 3, day, 9, tzinfo=dt.UTC))
        analysis_for(response, themes=("waiting_time",))
    client = client_for(world, "head_office")
    first = client.get(theme_url("waiting_time"), PERIOD).context["page"]
    second = client.get(theme_url("waiting_time"), {**PERIOD, "page": 2}).context["page"]
    assert first.paginator.count == 23 and len(first) == 20 and len(second) == 3
    texts = [q.response.verbatim for q in [*first, *second]]
    assert texts[:2] == ["Waited again 21", "Waited again 20"]
    assert texts[-2:] == ["The car was not ready and I waited two hours for the handover",
                          "Ich habe zwei Stunden gewartet und die Bremsen quietschen immer noch"]


@pytest.mark.parametrize("role,quotes", [
    ("region_manager", ["a_wait", "b_wait"]), ("dealer_principal", ["a_wait"]), ("dealer_staff", ["a_wait"]),
    ("other_dealer", []),
])
def test_theme_quotes_are_the_roles_own(world, planted, role, quotes):
    page = client_for(world, role).get(theme_url("waiting_time"), PERIOD)
    assert [q.response_id for q in page.context["page"]] == [planted[key].pk for key in quotes]
    html = page.content.decode()
    assert ('id="theme-dealers"' in html) is (role == "region_manager")


@pytest.mark.parametrize("role", ["dealer_principal", "dealer_staff"])
def test_a_dealer_whose_brand_hides_scores_sees_themes_but_no_score(world, planted, role):
    client = client_for(world, role)
    for url in (THEMES, theme_url("waiting_time"), theme_url("handover_experience")):
        page = client.get(url, PERIOD).content.decode()
        assert 'class="score' not in page and ">4<" not in page and ">10<" not in page
    page = client.get(theme_url("waiting_time"), PERIOD).content.decode()
    assert "The car was not ready" in page and "Waiting time" in page  # the words and themes, whole
    show_scores_to_dealers(world)
    page = client.get(theme_url("waiting_time"), PERIOD).content.decode()
    assert '<span class="score detractor">4</span>' in page


def test_incentive_language_is_flagged_to_head_office_and_regions_only(world, planted):
    office = client_for(world, "head_office").get(theme_url("sales_process"), PERIOD).content.decode()
    assert "Incentive language" in office and "promis un bon d&#x27;achat" in office
    dealer = client_for(world, "other_dealer").get(theme_url("sales_process"), PERIOD).content.decode()
    assert "Le vendeur m&#x27;a promis" in dealer and "Incentive language" not in dealer


def test_theme_pages_are_in_the_viewers_language(world, planted):
    client = client_for(world, "dealer_staff")
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    page = client.get(THEMES, PERIOD).content.decode()
    assert rows_of(page, "themes")["Wartezeit"][0] == "1"
    assert "Fahrzeugübergabe" in rows_of(page, "touchpoint-sentiment")
    # Bar widths stay CSS numbers (a decimal point, not a comma) whatever the language.
    assert "width: 50.0%" in page and "width: 50,0%" not in page


# --------------------------------------------------------------------------------------------------------------------
# Cost


@pytest.mark.parametrize("role,themes_page,theme_page", [("head_office", 13, 15), ("region_manager", 13, 15),
                                                         ("dealer_staff", 11, 14)])
def test_query_counts_are_pinned(world, planted, role, themes_page, theme_page, django_assert_max_num_queries):
    """The figures are grouped in the database: the count does not grow with verbatims or themes (the planted
    verbatims are doubled here and the pins hold)."""
    plant_verbatims(world)
    client = client_for(world, role)
    with django_assert_max_num_queries(themes_page):
        assert client.get(THEMES, PERIOD).status_code == 200
    with django_assert_max_num_queries(theme_page):
        assert client.get(theme_url("waiting_time"), PERIOD).status_code == 200
