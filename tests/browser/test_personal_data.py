"""An owner reads their data on a phone, downloads it and asks for erasure; head office processes the request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(context, base_url: str, user) -> None:
    """A session for the user, set as the browser's cookie (the sign-in page itself has its own tests)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base_url}])


def test_owner_asks_for_erasure_and_head_office_processes_it(world, live_server, browser):
    from insidetrack.privacy.models import PrivacyRequest

    customer = world.customers["a"]
    customer.notes, customer.interests, customer.household = "Prefers Saturday appointments", ["golf"], "family"
    customer.save()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    sign_in(phone, live_server.url, world.users["owner"])
    page = phone.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/my/data/")
    page.get_by_role("heading", name="Profile, contact details and preferences").wait_for()
    assert page.get_by_text("Prefers Saturday appointments").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    screenshot(page, "personal-data-owner-page")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data (JSON)").first.click()
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert document["sections"][0]["data"]["notes"] == "Prefers Saturday appointments"

    page.get_by_role("link", name="Ask for my data to be erased").click()
    page.get_by_role("heading", name="What is kept, without your name").wait_for()
    screenshot(page, "personal-data-owner-confirm")
    page.get_by_label("I understand that this cannot be undone.").check()
    page.get_by_role("button", name="Ask for erasure").click()
    page.get_by_role("status").filter(has_text="Head office will do it by").wait_for()
    request = PrivacyRequest.objects.get(kind="erasure")
    screenshot(page, "personal-data-owner-requested")
    phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in(desk, live_server.url, world.users["head_office"])
    page = desk.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/overview/")
    page.get_by_role("link", name="Personal data").click()
    page.get_by_role("link", name=request.reference).click()
    screenshot(page, "personal-data-head-office-request")
    page.get_by_label("I checked that the request comes from this person.").check()
    page.get_by_role("button", name="Erase now").click()
    page.get_by_text("Request processed.").wait_for()
    assert page.locator("#rows-changed").is_visible()
    screenshot(page, "personal-data-head-office-processed")
    desk.close()
    customer.refresh_from_db()
    assert (customer.first_name, customer.notes, customer.erased_at is not None) == ("", "", True)
