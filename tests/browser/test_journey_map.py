"""Head office opens the journey map, narrows it to a region, switches to one department's part of the journey, and
takes the A3 PDF for the workshop wall."""

from __future__ import annotations

import pytest

from insidetrack.analytics.rollups import rollups_rebuild
from insidetrack.verbatims.tests.factories import plant_verbatims

from .conftest import screenshot
from .test_smoke import sign_in

pytestmark = pytest.mark.browser


def test_head_office_filters_the_journey_map_and_downloads_the_pdf(world, live_server, page, tmp_path):
    plant_verbatims(world)
    rollups_rebuild()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, live_server.url, world.users["head_office"].email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Journey").click()
    page.wait_for_url(f"{live_server.url}/journey/")
    page.locator("select[name=from]").select_option("2025-01")
    page.locator("select[name=to]").select_option("2025-03")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/journey/?from=2025-01&to=2025-03**")
    page.wait_for_selector("html[data-charts-ready='true']")

    handover = page.locator("article[data-touchpoint=handover]")
    service = page.locator("article[data-touchpoint=service_visit]")
    # The whole network: dealer A's 4 and 10 and dealer C's 10 at the handover, B's 2 and C's 3 at the service.
    assert handover.locator(".volume").inner_text() == "3 answers"
    assert "+33" in handover.locator(".nps").inner_text()
    assert "Rational needs: The car on the agreed day" in handover.inner_text()
    assert "Waiting time" in service.locator(".themes").inner_text()
    assert page.locator("#emotion-chart .scatterlayer .trace").count() == 2  # net sentiment and NPS
    screenshot(page, "journey-map-1-network")

    # Region South: dealer C alone.
    page.locator("select[name=region]").select_option(label="South")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"**region={world.region2.code}**")
    assert handover.locator(".volume").inner_text() == "1 answer"
    assert "+100" in handover.locator(".nps").inner_text()
    assert service.locator(".volume").inner_text() == "1 answer"

    # Aftersales' part of the journey: its two touchpoints highlighted, the rest dimmed.
    page.locator("select[name=department]").select_option(label="Aftersales")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**department=aftersales**")
    summary = page.locator("#department-summary")
    assert summary.locator("h2").inner_text() == "Aftersales's part of the journey"
    assert "2 touchpoints · 1 answer" in summary.inner_text()
    assert page.locator("article.touchpoint.highlighted").count() == 2
    assert "highlighted" in (service.get_attribute("class") or "")
    assert "dimmed" in (handover.get_attribute("class") or "")
    screenshot(page, "journey-map-2-aftersales")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF for the wall (A3)").click()
    download = download_info.value
    assert download.suggested_filename == f"journey-map-2025-01-2025-03-{world.region2.code}-aftersales.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    from pypdf import PdfReader

    reader = PdfReader(path)
    text = reader.pages[0].extract_text()
    assert round(float(reader.pages[0].mediabox.width)) == 1191
    assert "Region: South" in text and "Department: Aftersales" in text
    assert "Aftersales's part of the journey" in text
    assert errors == []
