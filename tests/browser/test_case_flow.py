"""Dealer staff work a detractor's case from the inbox to verified: the customer's follow-up says it was put right."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from insidetrack.cases.models import Case
from insidetrack.cases.services import cases_open_for_responses
from insidetrack.surveys.models import InvitationStatus, Purpose
from insidetrack.surveys.services import invitations_send, survey_link
from insidetrack.surveys.tests.factories import ResponseFactory

from .conftest import screenshot
from .test_smoke import sign_in

pytestmark = pytest.mark.browser

VERBATIM = "Nobody told me the car would be late, and the handover was rushed."


def test_works_a_detractor_case_from_the_inbox_to_verified(world, live_server, browser, mailoutbox):
    customer = world.customers["a"]
    customer.household, customer.usage, customer.handover_preference = "family", ["family", "weekend"], "ceremony"
    customer.save()
    response = ResponseFactory(invitation__event__customer=customer, score=3, verbatim=VERBATIM,
                               submitted_at=timezone.now() - timedelta(hours=20, minutes=30))
    (case,) = cases_open_for_responses(response_pks=[response.pk], now=response.submitted_at)

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, world.users["dealer_staff"].email)
    page.wait_for_url(f"{live_server.url}/overview/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    page.wait_for_url(f"{live_server.url}/cases/")

    # The detractor's case is first: its respond-by deadline (24 h after the answer) is three and a half hours away.
    first = page.locator("table.inbox tbody tr").first
    assert first.get_attribute("id") == f"case-{case.pk}"
    assert re.fullmatch(r"3 h (29|30) min left", first.locator(".left").inner_text())
    assert VERBATIM in first.inner_text()
    assert page.locator("table.inbox .score").count() == 0  # a dealer sees no score by default
    screenshot(page, "case-flow-1-inbox")

    first.get_by_role("link", name="Call to apologise, listen and put it right").click()
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/")
    assert page.locator("blockquote.verbatim").inner_text() == VERBATIM
    assert page.locator("#case-status").inner_text() == "New"
    assert "Ceremony with family, photos and refreshments" in page.locator(".case-side").inner_text()
    assert page.locator(".score").count() == 0
    screenshot(page, "case-flow-2-case-page")

    # A reached call: the promise to respond is kept, the case is contacted.
    call = page.locator("#call")
    call.get_by_label("Spoke to the customer").check()
    call.get_by_label("What was said (optional)").fill("Apologised. The valet was skipped to make up time.")
    call.get_by_role("button", name="Log the call").click()
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/#call")
    assert page.locator("#case-status").inner_text() == "Contacted"
    assert "Call logged." in page.locator(".messages").inner_text()

    page.locator("#root_cause").get_by_label("Root cause").select_option(label="Handover experience")
    page.get_by_role("button", name="Save the root cause").click()
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/#root_cause")
    assert page.locator("#root_cause .recorded").inner_text() == "Handover experience"

    page.get_by_label("What was done to put it right").fill("Full valet at home on Saturday, and a call from the "
                                                           "sales manager to walk through the car again.")
    page.get_by_role("button", name="Save the resolution").click()
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/#resolution")
    assert "The customer gets a follow-up survey a few days later." in page.locator("#status").inner_text()

    page.get_by_role("button", name="Mark as resolved").click()
    page.wait_for_url(f"{live_server.url}/cases/{case.pk}/#status")
    assert page.locator("#case-status").inner_text() == "Resolved"
    timeline = page.locator("ol.timeline").inner_text()
    assert "Contacted → Resolved" in timeline and "Follow-up survey scheduled" in timeline
    screenshot(page, "case-flow-3-resolved")

    # Resolving scheduled the follow-up survey; three days later it goes out.
    case.refresh_from_db()
    invitation = case.follow_up_invitation
    assert (invitation.purpose, invitation.status) == (Purpose.FOLLOW_UP, InvitationStatus.PENDING)
    assert invitation.scheduled_for == case.resolved_at + timedelta(days=3)
    assert invitations_send(invitation_pks=[invitation.pk], now=invitation.scheduled_for + timedelta(minutes=1)) == 1
    invitation.refresh_from_db()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [customer.email]
    path = re.sub(r"^https?://[^/]+", "", survey_link(invitation))
    assert path in mailoutbox[0].body

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True)
    owner = phone.new_page()
    owner.set_default_timeout(15_000)
    owner.goto(f"{live_server.url}{path}")
    assert "worked to put it right" in owner.locator("body").inner_text()
    owner.get_by_role("button", name=re.compile(r"^10\b")).tap()
    owner.wait_for_url("**/reason/")
    owner.get_by_role("group", name="Did we put it right?").get_by_label("Yes").check()
    screenshot(owner, "case-flow-4-follow-up-survey")
    owner.get_by_role("button", name="Send").tap()
    owner.wait_for_url("**/thanks/")
    phone.close()

    # Back at the dealer: the customer's answer verified the case.
    page.reload()
    assert page.locator("#case-status").inner_text() == "Verified"
    timeline = page.locator("ol.timeline").inner_text()
    assert "Resolved → Verified" in timeline
    assert "The customer says it was put right." in timeline
    assert page.locator(".score").count() == 0  # not even the follow-up score
    screenshot(page, "case-flow-5-verified")
    assert Case.objects.get(pk=case.pk).status == "verified"
    # Verified work has left the inbox.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    assert page.locator(f"#case-{case.pk}").count() == 0
    desk.close()


def test_one_click_and_bulk_calls_from_the_inbox(world, live_server, browser):
    def open_for(score: int, verbatim: str) -> Case:
        response = ResponseFactory(invitation__event__customer=world.customers["a"], score=score, verbatim=verbatim,
                                   submitted_at=timezone.now() - timedelta(hours=2))
        return cases_open_for_responses(response_pks=[response.pk], now=response.submitted_at)[0]

    thanks = Case.objects.filter(customer=world.customers["a"]).order_by("pk").first()
    second = open_for(9, "Smooth and friendly, thank you.")
    passive = open_for(8, "Good, but I waited for the paperwork.")
    recovery = open_for(4, "The car was returned dirty.")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, world.users["dealer_staff"].email)
    page.wait_for_url(f"{live_server.url}/overview/")
    page.goto(f"{live_server.url}/cases/")
    page.evaluate("window.stillTheSamePage = true")

    # One click: the row is swapped in place (no page load), the case is now contacted and its next deadline runs.
    row = page.locator(f"#case-{recovery.pk}")
    row.get_by_role("button", name="Reached the customer").click()
    page.locator(f"#case-{recovery.pk} .flash").wait_for()
    assert page.locator(f"#case-{recovery.pk} .status").inner_text() == "Contacted"
    assert page.locator(f"#case-{recovery.pk} .flash").inner_text() == "Call logged."
    assert "resolve by" in page.locator(f"#case-{recovery.pk} .deadline").inner_text()
    assert page.evaluate("window.stillTheSamePage") is True
    recovery.refresh_from_db()
    assert recovery.status == "contacted"

    # Someone else closed the acknowledgement meanwhile: the click is refused and the row says why.
    Case.objects.filter(pk=passive.pk).update(status="closed")
    page.locator(f"#case-{passive.pk}").get_by_role("button", name="Reached the customer").click()
    page.locator(f"#case-{passive.pk} .flash.error").wait_for()
    assert page.locator(f"#case-{passive.pk} .flash.error").inner_text() == "This case is closed."
    screenshot(page, "case-flow-inbox-one-click")

    # Bulk: tick the two thank-you calls, mark them made.
    for case in (thanks, second):
        page.locator(f"#case-{case.pk}").get_by_role("checkbox").check()
    page.get_by_placeholder("Note for all (optional)").fill("Morning calls")
    page.get_by_role("button", name="Mark calls made").click()
    page.wait_for_url(f"{live_server.url}/cases/")
    assert page.locator(".messages").inner_text() == "2 calls marked as made and closed."
    assert page.locator(f"#case-{thanks.pk}").count() == 0 and page.locator(f"#case-{second.pk}").count() == 0
    assert set(Case.objects.filter(pk__in=[thanks.pk, second.pk]).values_list("status", flat=True)) == {"closed"}
    screenshot(page, "case-flow-inbox-bulk")
    context.close()
