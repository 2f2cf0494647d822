"""Sign in as each role in a real browser and open its landing page."""

from __future__ import annotations

import pytest

from insidetrack.accounts.tests.factories import PASSWORD

from .conftest import screenshot

pytestmark = pytest.mark.browser

LANDINGS = {
    "head_office": ("/overview/", "Aurelia Motors network", "By region"),
    "region_manager": ("/overview/", "North", "By dealer"),
    "dealer_principal": ("/overview/", "Dealer A", "Latest verbatims"),
    "dealer_staff": ("/overview/", "Dealer A", "Latest verbatims"),
    "owner": ("/my/", "Welcome, CustomerA", "My vehicles"),
}


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("role", list(LANDINGS))
def test_each_role_signs_in_and_sees_its_landing_page(world, live_server, page, role):
    path, heading, section = LANDINGS[role]
    sign_in(page, live_server.url, world.users[role].email)
    page.wait_for_url(f"{live_server.url}{path}")
    assert heading in page.locator("h1").inner_text()
    assert page.get_by_role("heading", name=section).is_visible()
    # The stylesheet comes from the app itself, not a CDN.
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") == "flex"
    screenshot(page, f"landing-{role}")


def test_wrong_password_is_told_and_language_switch_translates(world, live_server, page):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("E-mail").fill(world.users["head_office"].email)
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert "correct" in page.get_by_role("alert").inner_text()
    sign_in(page, live_server.url, world.users["head_office"].email)
    page.wait_for_url(f"{live_server.url}/overview/")
    with page.expect_navigation():
        page.select_option("#language-select", "de")
    assert page.get_by_role("heading", name="Rücklaufquote").is_visible()
    screenshot(page, "landing-head-office-de")
