"""Head office's alert queue and alert page: what a reviewer sees and does; nobody else sees any of it."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse

from insidetrack.core import clock
from insidetrack.core.tests.pages import client_for
from insidetrack.integrity.models import Alert, AlertEvent, RiskAssessment
from insidetrack.surveys.models import Response
from insidetrack.surveys.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(world) -> Alert:
    now = clock.now()
    start = dt.date(now.year, (now.month - 1) // 3 * 3 + 1, 1)
    fast = [ResponseFactory(invitation__event__customer=world.customers["a"], score=10, submitted_at=now,
                            invited_at=now - dt.timedelta(seconds=40), verbatim="Super, they asked me for a 10.")
            for _ in range(3)]
    signals = [{"code": "fast_answers", "touchpoint": "handover", "observed": 0.62, "reference": 0.04, "q": 0.0003,
                "count": 31, "size": 50},
               {"code": "incentive_language", "touchpoint": "handover", "observed": 0.2, "reference": 0.01,
                "q": 0.01, "count": 10, "size": 50}]
    RiskAssessment.objects.create(
        brand=world.brand, dealer=world.dealer_a, period="2026Q4", period_start=start, responses=50, risk=12.5,
        is_alert=True, signals=signals, evidence={"examples": {"fast_answers": [r.pk for r in fast]}},
        ruled_out=["The answers are not a quarter-end peak: they are spread over the whole quarter."], scanned_at=now)
    made = Alert.objects.create(brand=world.brand, dealer=world.dealer_a, period="2026Q4", period_start=start,
                                opened_at=now, risk_at_opening=12.5, signals_at_opening=signals)
    AlertEvent.objects.create(alert=made, at=now, kind="opened", actor_name="Inside Track")
    return made


def test_the_queue_lists_open_alerts_with_their_signals(world, alert):
    page = client_for(world, "head_office").get(reverse("integrity:queue")).content.decode()
    row = re.search(rf'<tr id="alert-{alert.pk}">(.*?)</tr>', page, re.DOTALL).group(1)
    assert "Dealer A" in row and "2026Q4" in row and "12.5" in row
    assert "Answered at once, Incentive or coaching words" in unescape(row)
    assert "To review (1)" in page
    dismissed = client_for(world, "head_office").get(reverse("integrity:queue") + "?status=dismissed")
    assert 'id="no-alerts"' in dismissed.content.decode()


def test_an_open_alert_whose_evidence_has_gone_says_so(world, alert):
    """A later scan (new answers, better detectors) no longer flags the quarter: the reviewer sees it at once."""
    client = client_for(world, "head_office")
    row = re.search(rf'<tr id="alert-{alert.pk}">(.*?)</tr>', client.get(reverse("integrity:queue")).content.decode(),
                    re.DOTALL).group(1)
    assert "still flagged (12.5)" in row
    RiskAssessment.objects.filter(dealer=world.dealer_a, period="2026Q4").update(risk=0.4, is_alert=False)
    row = re.search(rf'<tr id="alert-{alert.pk}">(.*?)</tr>', client.get(reverse("integrity:queue")).content.decode(),
                    re.DOTALL).group(1)
    assert "no longer flagged (0.4)" in row
    page = unescape(client.get(reverse("integrity:alert", args=[alert.pk])).content.decode())
    assert 'id="no-longer-flagged"' in page and "below the alert threshold in the latest scan" in page


def test_the_alert_page_shows_the_evidence(world, alert):
    page = unescape(client_for(world, "head_office").get(reverse("integrity:alert", args=[alert.pk]))
                    .content.decode())
    assert "Answered at once" in page and "Surveys answered within minutes of the invitation" in page
    assert "The answers are not a quarter-end peak" in page
    examples = re.search(r'<table class="table" id="examples">(.*?)</table>', page, re.DOTALL).group(1)
    assert examples.count("they asked me for a 10") == 3 and "40 s" in examples
    assert 'id="score-chart"' in page and 'id="weeks-chart"' in page


def test_ruled_out_explanations_read_in_the_reviewers_language(world, alert):
    """The scan stores codes and figures; the page says them in the reader's language (old English rows still show)."""
    assessment = RiskAssessment.objects.get(dealer=world.dealer_a, period="2026Q4")
    assessment.ruled_out = [
        {"code": "lounge", "pattern": "on-site completion", "risk_left": 7.24, "text": "lounge (English)"},
        {"code": "deliveries", "touchpoint": "handover", "observed": 0.41, "usual": 0.24, "invited": 0.4,
         "text": "deliveries (English)"},
        "An old sentence stored in English."]
    assessment.save()
    url = reverse("integrity:alert", args=[alert.pk])
    english = unescape(client_for(world, "head_office").get(url).content.decode())
    assert ("customers answering on the dealer's lounge Wi-Fi while they wait: ruled out, the other signals of "
            "“Surveys completed on site” remain (1 in 10^7.2 without the signals it could explain)") in english
    assert "(41% of answers in the last three weeks, 24% usually)" in english
    german = unescape(client_for(world, "head_office").get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode())
    ruled_out = re.search(r'<ul class="ruled-out" id="ruled-out">(.*?)</ul>', german, re.DOTALL).group(1)
    assert "Kunden, die im WLAN der Kundenlounge des Händlers antworten" in ruled_out
    assert "Auslieferungen, kein Drängen" in ruled_out and "41%" in ruled_out
    assert "An old sentence stored in English." in ruled_out and "(English)" not in ruled_out


def test_a_reviewer_confirms_and_excludes_then_the_history_tells_it(world, alert):
    client = client_for(world, "head_office")
    url = reverse("integrity:alert", args=[alert.pk])
    refused = client.post(reverse("integrity:decide", args=[alert.pk]), {"status": "confirmed", "reason": ""},
                          follow=True).content.decode()
    assert "Say why" in unescape(refused)
    client.post(reverse("integrity:decide", args=[alert.pk]),
                {"status": "confirmed", "reason": "Re-contact: customers were handed a tablet."})
    client.post(reverse("integrity:exclude", args=[alert.pk]))
    page = unescape(client.get(url).content.decode())
    assert '<span class="badge status-confirmed" id="alert-status">Gaming confirmed</span>' in page
    count = Response.objects.filter(dealer=world.dealer_a, excluded_at__isnull=False).count()
    assert count >= 3
    assert f"{count} answers of this quarter are left out of every reported figure." in page
    history = re.search(r'<ul class="timeline" id="history">(.*?)</ul>', page, re.DOTALL).group(1)
    assert re.findall(r"<strong>(.*?)</strong>", history) == ["Alert opened", "Gaming confirmed",
                                                              "Responses excluded from figures"]
    assert "customers were handed a tablet" in history


@pytest.mark.parametrize("role", ["region_manager", "dealer_principal", "dealer_staff", "owner"])
def test_nobody_but_head_office_sees_integrity(world, alert, role):
    client = client_for(world, role)
    assert client.get(reverse("integrity:queue")).status_code == 403
    assert client.get(reverse("integrity:alert", args=[alert.pk])).status_code == 403
    assert client.post(reverse("integrity:decide", args=[alert.pk]), {"status": "dismissed",
                                                                      "reason": "x"}).status_code == 403
    assert reverse("integrity:queue") not in client.get(reverse("home")).content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"
