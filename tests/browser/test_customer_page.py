"""Dealer staff open a customer from the list: the timeline and the next best action are there, and a handover
checklist item ticked on the page is still ticked after a reload."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from insidetrack.core.actor import Actor
from insidetrack.customers.models import CheckIn, HandoverChecklistItem, Ownership
from insidetrack.customers.services import handover_plan_generate

from .conftest import screenshot
from .test_smoke import sign_in

pytestmark = pytest.mark.browser


def test_staff_see_the_timeline_and_next_action_and_tick_the_handover(world, live_server, page):
    customer = world.customers["a"]
    customer.household, customer.usage, customer.handover_preference = "family", ["family", "weekend"], "ceremony"
    customer.save()
    ownership = Ownership.objects.get(customer=customer)
    today = timezone.localdate()
    Ownership.objects.filter(pk=ownership.pk).update(started_on=today - dt.timedelta(days=9))
    plan = handover_plan_generate(actor=Actor.system(), ownership_pk=ownership.pk)
    CheckIn.objects.create(ownership=ownership, kind="week_1", due_on=today - dt.timedelta(days=2),
                           scheduled_at=timezone.now())

    sign_in(page, live_server.url, world.users["dealer_staff"].email)
    page.wait_for_url(f"{live_server.url}/overview/")
    page.goto(f"{live_server.url}/customers/")
    page.get_by_role("link", name=customer.full_name).click()
    page.wait_for_url(f"{live_server.url}/customers/{customer.pk}/")

    # The most urgent action first: the one-week check-in is two days late.
    first = page.locator(".next-action").first
    assert first.get_attribute("data-code") == "checkin_overdue"
    assert "Call for the check-in" in first.inner_text() and "overdue" in first.inner_text()
    # One timeline, newest first: the referral, the survey answer, the case.
    timeline = page.locator("#timeline .timeline-entry")
    texts = timeline.all_inner_texts()
    assert any("Referred Friend of A" in t for t in texts)
    assert any("Survey answer" in t for t in texts) and any("Case opened, now New" in t for t in texts)

    plan_box = page.locator(f"#plan-{ownership.pk}")
    assert plan_box.get_attribute("open") is not None  # open while items are left to do
    assert "0 of " in plan_box.locator(".plan-progress").inner_text()
    photos = plan.items.get(code="photos")
    tick = page.get_by_role("button", name="Tick: Take photos of the owner (and family) with the car")
    tick.click()
    page.wait_for_url(f"{live_server.url}/customers/{customer.pk}/#item-{photos.pk}")
    page.reload()
    item = page.locator(f"#item-{photos.pk}")
    assert "ticked" in item.get_attribute("class")
    assert page.get_by_role("button", name="Untick: Take photos of the owner (and family) with the car").count() == 1
    assert "ticked by" in item.inner_text()
    assert "1 of " in page.locator(f"#plan-{ownership.pk} .plan-progress").inner_text()
    screenshot(page, "customer-page")
    photos.refresh_from_db()
    assert photos.ticked_by_id == world.users["dealer_staff"].pk
    assert HandoverChecklistItem.objects.filter(plan=plan, ticked_at__isnull=False).count() == 1
