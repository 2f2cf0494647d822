"""Head office re-contacts a random sample of the quarter's customers and compares their answers with the survey's."""

from __future__ import annotations

import datetime as dt
import random
import re
from html import unescape

import pytest
from django.urls import reverse

from insidetrack.core import clock
from insidetrack.core.errors import NotFound, PermissionDenied, ValidationFailed
from insidetrack.core.tests.pages import client_for
from insidetrack.customers.tests.factories import CustomerFactory
from insidetrack.integrity import services
from insidetrack.integrity.models import Alert, AlertEvent, RecontactItem
from insidetrack.surveys.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(world) -> Alert:
    now = clock.now()
    start = dt.date(now.year, (now.month - 1) // 3 * 3 + 1, 1)
    for _ in range(12):
        customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand, phone="+44 7700 900123")
        ResponseFactory(invitation__event__customer=customer, score=10, submitted_at=now)
    return Alert.objects.create(brand=world.brand, dealer=world.dealer_a, period="2026Q4", period_start=start,
                                opened_at=now, risk_at_opening=8.0)


def test_a_random_sample_of_the_quarter_is_drawn_and_logged(world, alert):
    recontact = services.recontact_draw(alert_pk=alert.pk, actor=world.actors["head_office"], size=8,
                                        rng=random.Random(1))
    items = list(recontact.items.select_related("response"))
    assert len(items) == 8 == recontact.size
    assert {item.response.dealer_id for item in items} == {world.dealer_a.pk}
    assert AlertEvent.objects.filter(alert=alert, kind="recontact", data__count=8).exists()
    with pytest.raises(ValidationFailed, match="between 1 and 50"):
        services.recontact_draw(alert_pk=alert.pk, actor=world.actors["head_office"], size=500)


def test_answers_are_compared_with_the_survey(world, alert):
    head_office = world.actors["head_office"]
    recontact = services.recontact_draw(alert_pk=alert.pk, actor=head_office, size=8, rng=random.Random(2))
    items = list(recontact.items.order_by("pk"))
    for item, score in zip(items[:6], (6, 7, 5, 8, 7, 6), strict=True):
        services.recontact_record(item_pk=item.pk, actor=head_office, outcome="answered", score=score,
                                  asked_for_score=True, offered_something=False, answered_themselves=True)
    services.recontact_record(item_pk=items[6].pk, actor=head_office, outcome="not_reached", score=9)
    with pytest.raises(ValidationFailed, match="needs the customer's score"):
        services.recontact_record(item_pk=items[7].pk, actor=head_office, outcome="answered")
    assert RecontactItem.objects.get(pk=items[6].pk).score is None  # a missed call records no score

    page = unescape(client_for(world, "head_office").get(reverse("integrity:alert", args=[alert.pk]))
                    .content.decode())
    summary = re.search(r'<p class="recontact-summary">(.*?)</p>', page, re.DOTALL).group(1)
    assert "6 answered: mean score 10.0 in the survey, 6.5 to head office; 9-10: 6 in the survey, 0 to head office." \
        in " ".join(summary.split())
    assert "Asked for a score: 6" in summary
    p = float(re.search(r"p = ([0-9]+\.[0-9]+)", summary).group(1))
    assert p < 0.05


def test_recording_a_call_from_the_page(world, alert):
    client = client_for(world, "head_office")
    client.post(reverse("integrity:recontact_draw", args=[alert.pk]), {"size": "3"})
    item = RecontactItem.objects.order_by("pk").first()
    client.post(reverse("integrity:recontact_record", args=[alert.pk, item.pk]),
                {"outcome": "answered", "score": "4", "asked": "yes", "offered": "", "themselves": "no",
                 "note": "Says the salesman filled it in on a tablet."})
    item.refresh_from_db()
    assert (item.outcome, item.score, item.asked_for_score, item.offered_something, item.answered_themselves) == (
        "answered", 4, True, None, False)
    page = unescape(client.get(reverse("integrity:alert", args=[alert.pk])).content.decode())
    row = re.search(rf'<tr id="recontact-item-{item.pk}">(.*?)</tr>', page, re.DOTALL).group(1)
    assert "Answered</strong>: 4" in row and "did not answer the survey" in row and "tablet" in row


def test_only_head_office_recontacts(world, alert):
    with pytest.raises(PermissionDenied):
        services.recontact_draw(alert_pk=alert.pk, actor=world.actors["dealer_principal"])
    recontact = services.recontact_draw(alert_pk=alert.pk, actor=world.actors["head_office"], size=2)
    item = recontact.items.first()
    with pytest.raises(PermissionDenied):
        services.recontact_record(item_pk=item.pk, actor=world.actors["region_manager"], outcome="answered",
                                  score=3)
    with pytest.raises(NotFound):
        services.recontact_record(item_pk=999_999, actor=world.actors["head_office"], outcome="answered", score=3)
