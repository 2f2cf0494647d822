"""An owner signs in without a password: asks for a link on the sign-in page (on a phone), opens the e-mail's link,
presses Sign in and lands on their own pages showing their car; the same link opened again is refused clearly."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from insidetrack.accounts.models import User
from insidetrack.customers.tests.factories import CustomerFactory, OwnershipFactory, VehicleFactory

from .conftest import screenshot

pytestmark = pytest.mark.browser


def test_an_owner_signs_in_with_the_emailed_link(world, live_server, browser, mailoutbox):
    cache.clear()  # the rate-limit counters of earlier tests
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand, first_name="Priya", last_name="Shah",
                               email="priya.shah@example.co.uk")
    OwnershipFactory(vehicle=VehicleFactory(current_owner=customer, model="Aurelia Volta", model_year=2025,
                                            vin="WAUZZZVOLTA000042", registration="PR25 SHA"))

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Where should we send the link?").fill("priya.shah@example.co.uk")
    screenshot(page, "owner-sign-in-request")
    page.get_by_role("button", name="E-mail me a sign-in link").tap()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    screenshot(page, "owner-sign-in-sent")

    (message,) = mailoutbox
    assert message.to == ["priya.shah@example.co.uk"]
    link = re.search(r"https?://\S+(/sign-in/link/\S+?/)", message.body).group(1)

    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_text("You are signing in as priya.shah@example.co.uk.")).to_be_visible()
    screenshot(page, "owner-sign-in-confirm")
    page.get_by_role("button", name="Sign in", exact=True).tap()
    page.wait_for_url(f"{live_server.url}/my/")
    expect(page.get_by_text("Aurelia Volta").first).to_be_visible()
    expect(page.get_by_text("PR25 SHA").first).to_be_visible()
    screenshot(page, "owner-sign-in-landed")
    user = User.objects.get(email="priya.shah@example.co.uk")
    assert list(user.memberships.values_list("role", "customer_id")) == [("owner", customer.pk)]

    # The link worked once: opening it again (even signed in) says so and offers a new one.
    page.goto(f"{live_server.url}{link}")
    expect(page.get_by_role("heading", name="This sign-in link has been used already")).to_be_visible()
    expect(page.get_by_role("button", name="E-mail me a new sign-in link")).to_be_visible()
    screenshot(page, "owner-sign-in-used-again")
    phone.close()
