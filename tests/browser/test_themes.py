"""Head office reads what customers write about: the themes page with its chart, then one theme and its quotes."""

from __future__ import annotations

import pytest

from insidetrack.verbatims.tests.factories import plant_verbatims

from .conftest import screenshot
from .test_smoke import sign_in

pytestmark = pytest.mark.browser


def test_head_office_opens_a_theme_and_reads_its_quotes(world, live_server, page):
    plant_verbatims(world)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, live_server.url, world.users["head_office"].email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Themes").click()
    page.wait_for_url(f"{live_server.url}/overview/themes/")
    page.locator("select[name=from]").select_option("2025-01")
    page.locator("select[name=to]").select_option("2025-03")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/overview/themes/?from=2025-01&to=2025-03**")
    page.wait_for_selector("html[data-charts-ready='true']")
    # Plotly drew one line per top theme, and the table leads with the most mentioned theme.
    assert page.locator("#themes-chart .scatterlayer .trace").count() == 5
    first = page.locator("#themes tbody tr").first
    assert first.locator("th").inner_text() == "Waiting time"
    assert "40.0%" in first.inner_text()
    assert page.get_by_role("link", name="Teach the model").is_visible()
    screenshot(page, "themes-1-head-office")

    first.get_by_role("link", name="Waiting time").click()
    page.wait_for_url(f"{live_server.url}/overview/themes/theme/waiting_time/**")
    page.wait_for_selector("html[data-charts-ready='true']")
    assert page.locator("h1").inner_text() == "Waiting time"
    quotes = page.locator("#theme-quotes ol.quotes > li")
    assert quotes.count() == 2
    newest = quotes.first
    assert newest.locator("blockquote").inner_text() == "The car was not ready and I waited two hours for the handover"
    assert "Dealer A" in newest.inner_text() and "Negative" in newest.inner_text()
    assert newest.get_by_role("link", name="Communication and updates").is_visible()
    assert "Safety or legal" in quotes.nth(1).inner_text()
    screenshot(page, "themes-2-waiting-time")

    page.locator("#theme-quotes nav").get_by_role("link", name="Positive").click()
    page.wait_for_url("**sentiment=positive**")
    empty = page.locator("#theme-quotes ol.quotes > li").inner_text()
    assert empty == "No verbatim of this theme matches these filters."
    assert errors == []
