"""An owner answers a survey from the invitation e-mail, on a phone, in German; the dealer sees the answer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from insidetrack.accounts.models import ApiToken, hash_token
from insidetrack.customers.tests.factories import CustomerFactory

from .conftest import screenshot
from .test_smoke import sign_in

pytestmark = pytest.mark.browser


def test_german_owner_answers_from_the_email_on_a_phone(world, live_server, browser, mailoutbox):
    owner = CustomerFactory(dealer=world.dealer_a, brand=world.brand, language="de", first_name="Jonas",
                            last_name="Weber", email="jonas.weber@example.de")
    raw = ApiToken.generate()
    ApiToken.objects.create(dealer=world.dealer_a, name="DMS", prefix=raw[:10], token_hash=hash_token(raw))
    # The dealer system reports a handover four days ago: the three-day delay has passed, so it goes out at once.
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        "/api/v1/events",
        {"kind": "handover", "customer_email": owner.email, "idempotency_key": "dms-4711",
         "occurred_at": (timezone.now() - timedelta(days=4)).isoformat()},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [owner.email]
    link = re.search(r"https?://[^\s\"]+/s/[^\s\"/]+/", mailoutbox[0].body).group(0)
    path = link.split("/s/", 1)[1]

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True, locale="de-DE")
    page = phone.new_page()
    page.goto(f"{live_server.url}/s/{path}")
    assert page.locator("html").get_attribute("lang") == "de"
    assert "Wie wahrscheinlich" in page.locator("legend").inner_text()
    assert world.dealer_a.name in page.locator("legend").inner_text()
    screenshot(page, "survey-de-phone-score")
    page.get_by_role("button", name="9", exact=True).tap()
    page.wait_for_url("**/reason/")
    page.get_by_label("Was ist der wichtigste Grund für Ihre Bewertung?").fill(
        "Sehr schöne Übergabe, alles in Ruhe erklärt.")
    screenshot(page, "survey-de-phone-reason")
    page.get_by_role("button", name="Senden").tap()
    page.wait_for_url("**/thanks/")
    assert page.get_by_role("heading", name="Vielen Dank").is_visible()
    screenshot(page, "survey-de-phone-thanks")
    phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    dealer_page = desk.new_page()
    sign_in(dealer_page, live_server.url, world.users["dealer_principal"].email)
    dealer_page.goto(f"{live_server.url}/overview/feedback/")
    # The dealer reads the words at once; the score stays with head office (the default policy).
    row = dealer_page.locator("tr", has_text="Sehr schöne Übergabe, alles in Ruhe erklärt.")
    assert row.is_visible() and row.locator(".score").count() == 0
    desk.close()
    head_office = browser.new_context(viewport={"width": 1280, "height": 900})
    office_page = head_office.new_page()
    sign_in(office_page, live_server.url, world.users["head_office"].email)
    office_page.goto(f"{live_server.url}/overview/feedback/")
    row = office_page.locator("tr", has_text="Sehr schöne Übergabe, alles in Ruhe erklärt.")
    assert row.locator(".score").inner_text() == "9"
    head_office.close()
