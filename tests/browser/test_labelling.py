"""Head office labels the verbatim the model is least sure about and finds the label in the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from insidetrack.surveys.tests.factories import ResponseFactory
from insidetrack.verbatims.models import VerbatimLabel
from insidetrack.verbatims.tests.factories import analysis_for

from .conftest import screenshot
from .test_smoke import sign_in

pytestmark = pytest.mark.browser

UNSURE = "The key card would not open the car after I collected it from the service."
SURE = "Waited three hours for the oil change although I had booked."


def test_head_office_labels_a_verbatim_and_sees_it_in_the_history(world, live_server, page):
    unsure = ResponseFactory(invitation__event__customer=world.customers["b"], verbatim=UNSURE,
                             submitted_at=timezone.now() - timedelta(days=2))
    analysis_for(unsure, themes=["vehicle_quality"], fit=0.12, sentiment="neutral")
    sure = ResponseFactory(invitation__event__customer=world.customers["a"], verbatim=SURE,
                           submitted_at=timezone.now() - timedelta(days=1))
    analysis_for(sure, themes=["waiting_time"], fit=0.93, sentiment="negative")

    sign_in(page, live_server.url, world.users["head_office"].email)
    page.wait_for_url(f"{live_server.url}/overview/")
    page.goto(f"{live_server.url}/overview/themes/label/")
    assert page.get_by_role("heading", name="Label verbatims").is_visible()

    # The least certain verbatim comes first, with the model's reading ticked.
    card = page.locator("article.label-item").first
    assert card.get_attribute("id") == f"verbatim-{unsure.pk}"
    assert card.locator("blockquote.verbatim").inner_text() == UNSURE
    assert card.get_by_label("Vehicle quality and defects").is_checked()
    assert card.get_by_label("Neutral").is_checked()
    screenshot(page, "labelling-1-queue")

    # Head office reads it differently: a workmanship problem at the service, and a negative one.
    card.get_by_label("Vehicle quality and defects").uncheck()
    card.get_by_label("Workmanship and repair quality").check()
    card.get_by_label("Communication and updates").check()
    card.get_by_label("Negative").check()
    card.get_by_role("button", name="Save label").click()
    page.wait_for_url(f"{live_server.url}/overview/themes/label/")

    assert "Label saved." in page.locator(".messages").inner_text()
    assert page.locator(f"#verbatim-{unsure.pk}").count() == 0  # it left the queue
    assert page.locator("article.label-item").first.get_attribute("id") == f"verbatim-{sure.pk}"
    assert "4 verbatims labelled" in page.locator("#label-count").inner_text()
    first = page.locator("#label-history tbody tr").first
    cells = first.locator("td").all_inner_texts()
    name = world.users["head_office"].get_full_name()
    assert cells[1:] == [name, UNSURE, "Communication and updates, Workmanship and repair quality", "Negative",
                         "current"]
    screenshot(page, "labelling-2-history")

    label = VerbatimLabel.objects.get(response=unsure, is_current=True)
    assert label.labelled_by == world.users["head_office"] and label.sentiment == "negative"
