"""A region manager opens their scorecard and downloads it as a spreadsheet."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from insidetrack.analytics.rollups import rollups_rebuild

from .conftest import screenshot
from .test_smoke import sign_in

pytestmark = pytest.mark.browser


def test_region_manager_opens_the_scorecard_and_downloads_the_xlsx(world, live_server, page, tmp_path):
    rollups_rebuild()  # the world's answers: dealer A a 10, dealer B a 3
    sign_in(page, live_server.url, world.users["region_manager"].email)
    page.wait_for_url(f"{live_server.url}/overview/")
    page.goto(f"{live_server.url}/overview/scorecard/")
    assert page.locator("h1").inner_text() == "Scorecard: North"
    units = page.locator("#scorecard-units tbody tr")
    assert units.count() == 2
    assert units.nth(0).locator("td").first.inner_text() == "Dealer A"
    assert "too uncertain to rank (1 answer; at least 30 needed)" in units.nth(0).inner_text()
    screenshot(page, "scorecard-region")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"scorecard-region-{world.region1.code}-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(path)
    rows = list(workbook["NPS by dealer"].iter_rows(values_only=True))
    assert [row[:2] for row in rows] == [("Dealer", "NPS"), ("Dealer A", 100.0), ("Dealer B", -100.0)]

    # A dealer of another region is not in this manager's reach: the page says not found.
    answer = page.goto(f"{live_server.url}/overview/scorecard/dealer/{world.dealer_c.code}/")
    assert answer.status == 404
