"""A dealer principal goes from the advocacy page to the moments of truth and the journeys: plotly draws the
importance bars with their intervals, the Sankey of the steps and the funnel, and the readings name the driver the
data planted."""

from __future__ import annotations

import pytest

from insidetrack.analytics.tests.test_drivers_pages import built  # noqa: F401 (fixture)

from .conftest import screenshot
from .test_smoke import sign_in

pytestmark = pytest.mark.browser


def test_a_dealer_reads_where_improvement_pays_and_how_journeys_flow(built, live_server, page):  # noqa: F811
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server.url, built.users["dealer_principal"].email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Advocacy").click()
    page.get_by_role("link", name="Moments of truth").click()
    page.wait_for_url(f"{live_server.url}/overview/moments-of-truth/")
    page.wait_for_selector("html[data-charts-ready='true']")
    section = page.locator("#outcome-relationship")
    assert "Improvement pays most at Handover" in section.inner_text()
    # One bar per driver, each with its interval drawn as an error bar.
    assert section.locator(".barlayer .point").count() == 2
    assert section.locator(".errorbar").count() == 2
    page.get_by_text("How to read this page").click()
    assert page.get_by_text("measured on the customers who answered both").is_visible()
    screenshot(page, "moments-of-truth-dealer")

    page.get_by_role("link", name="Journeys as they happen").click()
    page.wait_for_url(f"{live_server.url}/overview/journeys/")
    page.wait_for_selector("html[data-charts-ready='true']")
    assert page.locator("#sankey-chart .sankey-node").count() == 4  # enquiry, test drive, deposit, handover
    assert page.locator("#funnel-chart .funnellayer .point").count() == 4
    assert "does not show scores to dealers" in page.content()
    screenshot(page, "journeys-dealer")
    assert errors == []
