"""Head office reads the NPS dashboard: plotly draws the trend and the funnel, a filter narrows the figures, and a
click on a dealer in the funnel opens the verbatims behind its number."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from insidetrack.analytics.rollups import rollups_rebuild
from insidetrack.surveys.tests.factories import ResponseFactory

from .conftest import screenshot
from .test_smoke import sign_in

pytestmark = pytest.mark.browser


def test_head_office_drills_from_the_funnel_to_a_dealers_verbatims(world, live_server, page):
    now = timezone.now()
    for dealer, scores in ((world.dealer_a, [10, 9, 9, 8, 3] * 8), (world.dealer_b, [9, 7, 6, 5, 2] * 8),
                           (world.dealer_c, [10, 10, 9, 9, 7] * 8)):
        for index, score in enumerate(scores):
            ResponseFactory(dealer=dealer, score=score, verbatim=f"{dealer.name} answer {index}",
                            submitted_at=now - dt.timedelta(days=index % 40, hours=1))
    rollups_rebuild()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, live_server.url, world.users["head_office"].email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.wait_for_url(f"{live_server.url}/overview/dashboard/")
    page.wait_for_selector("html[data-charts-ready='true']")
    # Plotly drew both charts from the JavaScript the plotly package ships (served by the app itself).
    assert page.locator("#trend-chart .main-svg").count() >= 1
    assert page.locator("#funnel-chart .scatterlayer .point").count() == 3
    headline = page.locator("#headline").inner_text()
    assert "123 answers" in headline  # 120 planted plus the world's three
    screenshot(page, "dashboard-1-head-office")

    page.get_by_label("Region").select_option(label="South")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_selector("html[data-charts-ready='true']")
    assert "41 answers" in page.locator("#headline").inner_text()  # Dealer C: 40 planted and the world's one
    assert page.locator("#funnel-chart .scatterlayer .point").count() == 1  # the region's own dealers only

    page.get_by_label("Region").select_option(label="All")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_selector("html[data-charts-ready='true']")
    # Dealer B's dot: plotly sorts nothing, so the dots are in the dealers' name order (A, B, C).
    page.locator("#funnel-chart .scatterlayer .trace:last-child .point").nth(1).click(force=True)
    page.wait_for_url(f"{live_server.url}/overview/feedback/**")
    rows = page.locator("table.feedback tbody tr")
    assert rows.count() == 25  # a page of Dealer B's 41 answers with a verbatim
    assert all("Dealer B" in text for text in rows.all_inner_texts())
    screenshot(page, "dashboard-2-drilled-into-dealer-b")
    assert errors == []
