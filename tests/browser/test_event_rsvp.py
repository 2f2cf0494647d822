"""A depositor is invited to the next experience day by the rule, accepts from the e-mail on a phone, and the dealer
sees them as accepted on the event's guest list."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from insidetrack.core.actor import Actor
from insidetrack.customers.tests.factories import CustomerFactory
from insidetrack.journeys import services_events
from insidetrack.surveys.models import EventKind
from insidetrack.surveys.services import EventInput, events_record

from .conftest import screenshot
from .test_smoke import sign_in

pytestmark = pytest.mark.browser


def test_a_depositor_accepts_the_invitation_from_the_email(world, live_server, browser, mailoutbox):
    now = timezone.now()
    event = services_events.event_create(actor=Actor.system(), data=services_events.EventInput(
        dealer_id=world.dealer_a.pk, kind="experience_day", title="Alpine experience day",
        starts_at=now + dt.timedelta(days=12), ends_at=now + dt.timedelta(days=12, hours=7),
        place="Circuit de Lédenon", capacity=12))
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand, first_name="Camille", last_name="Roux",
                               email="camille.roux@example.fr")
    events_record(actor=Actor.system(), items=[EventInput(
        kind=EventKind.DEPOSIT_TAKEN, occurred_at=now - dt.timedelta(hours=2), customer_id=customer.pk,
        idempotency_key="dms-deposit-1")])
    mailoutbox.clear()  # the deposit's own survey, if any, is not what this test reads
    assert services_events.event_invitations_for_depositors() == 1
    (message,) = [m for m in mailoutbox if "Alpine experience day" in m.subject]
    assert message.to == [customer.email]
    accept = re.search(r"https?://\S+/journey/rsvp/(\S+?)/", message.body).group(1)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True)
    page = phone.new_page()
    page.goto(f"{live_server.url}/journey/rsvp/{accept}/")
    assert page.get_by_role("heading", name="Alpine experience day").is_visible()
    assert "Circuit de Lédenon" in page.locator("dl").inner_text()
    screenshot(page, "event-rsvp-phone-question")
    page.get_by_role("button", name="Yes, I will come").tap()
    expect(page.get_by_role("heading", name="You are coming: see you there")).to_be_visible()
    screenshot(page, "event-rsvp-phone-confirmed")
    # The link worked once: opening it again says so instead of asking again.
    page.goto(f"{live_server.url}/journey/rsvp/{accept}/")
    expect(page.get_by_role("heading", name="You have answered this invitation already")).to_be_visible()
    phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    dealer_page = desk.new_page()
    sign_in(dealer_page, live_server.url, world.users["dealer_principal"].email)
    dealer_page.goto(f"{live_server.url}/journey/events/")
    dealer_page.get_by_role("link", name="Alpine experience day").click()
    row = dealer_page.locator("#guests tbody tr", has_text="Camille Roux")
    expect(row).to_be_visible()
    assert "Accepted" in row.inner_text()
    assert "Rule: new depositor" in row.inner_text()
    counts = dealer_page.locator("#event-counts tbody td").all_inner_texts()
    assert counts[:4] == ["12", "11", "1", "1"]
    screenshot(dealer_page, "event-guest-list")
    desk.close()
    assert event.invitations.get().status == "accepted"
