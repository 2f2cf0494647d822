"""Response rates: exact figures on a hand-built data set, who sees what, and that dealers never see counts."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from insidetrack.analytics import response_rates as rates
from insidetrack.core.tests.pages import client_for, tables_of
from insidetrack.journeys.models import Touchpoint
from insidetrack.surveys.models import InvitationStatus
from insidetrack.surveys.tests.factories import InvitationFactory

LONDON = ZoneInfo("Europe/London")
# A Wednesday. The current ISO week is 2030-W24 (from Monday 10 June), the previous one 2030-W23 (from 3 June).
NOW = datetime(2030, 6, 12, 12, 0, tzinfo=ZoneInfo("UTC"))
W23, W24 = date(2030, 6, 3), date(2030, 6, 10)
STAFF = ["head_office", "region_manager", "dealer_principal", "dealer_staff", "other_dealer"]
URL = "/api/v1/analytics/response-rates"


def at(day: int, hour: int = 10, minute: int = 0, month: int = 6) -> datetime:
    return datetime(2030, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def rates_world(world, monkeypatch):
    """Dealer A (region North) and dealer C (South), handover and service visit, two ISO weeks.

    The world's own invitations were sent today (years before NOW), so they fall outside every period here.
    """
    monkeypatch.setattr("insidetrack.core.clock.now", lambda: NOW)
    touchpoints = {t.code: t for t in Touchpoint.objects.filter(journey__brand=world.brand, journey__is_default=True)}

    def invite(dealer: str, touchpoint: str, sent_at: datetime | None, status: str = InvitationStatus.SENT, *,
               opened: bool = False, recorded_answer: bool = True, skip_reason: str = "") -> None:
        InvitationFactory(
            event__customer=world.customers[dealer], event__touchpoint=touchpoints[touchpoint], status=status,
            scheduled_for=sent_at, sent_at=None if status in (InvitationStatus.SKIPPED, InvitationStatus.PENDING)
            else sent_at, opened_at=sent_at + timedelta(hours=1) if opened else None,
            answered_at=sent_at + timedelta(hours=2) if status == InvitationStatus.ANSWERED and recorded_answer
            else None, skip_reason=skip_reason,
        )

    answered, expired, sent = InvitationStatus.ANSWERED, InvitationStatus.EXPIRED, InvitationStatus.SENT
    # Dealer A, W23, handover: 4 sent, 3 opened (one answer without a recorded open), 2 answered.
    invite("a", "handover", at(4), answered, opened=True)
    invite("a", "handover", at(5), answered, opened=False)
    invite("a", "handover", at(6), expired, opened=True)
    invite("a", "handover", at(9, 23, 30), sent)  # Sunday 23:30 in London is still W23 (22:30 UTC)
    # Dealer A, W24, service visit: 2 sent, 1 opened, 1 answered.
    invite("a", "service_visit", at(10, 0, 30), answered, opened=True)  # Monday 00:30 London = Sunday 23:30 UTC
    invite("a", "service_visit", at(11), expired)
    # Dealer C, W23, service visit: 3 sent, 1 opened, none answered; W24, handover: 1 sent, opened and answered.
    invite("c", "service_visit", at(4), expired, opened=True)
    invite("c", "service_visit", at(5), sent)
    invite("c", "service_visit", at(6), sent)
    invite("c", "handover", at(11), answered, opened=True)
    # Not sent: two skips at A, one at C in the period, one at C before it; one still pending.
    invite("a", "handover", at(5), InvitationStatus.SKIPPED, skip_reason="no_consent")
    invite("a", "service_visit", at(7), InvitationStatus.SKIPPED, skip_reason="no_consent")
    invite("c", "handover", at(11), InvitationStatus.SKIPPED, skip_reason="contacted_recently")
    invite("c", "handover", at(1, month=5), InvitationStatus.SKIPPED, skip_reason="bounced")
    invite("a", "handover", at(12, 18), InvitationStatus.PENDING)
    # Dealer A, W19: outside 4 weeks, inside 13.
    invite("a", "handover", at(8, month=5), answered, opened=True)
    return world


def rates_page(world, role: str, query: str = "") -> str:
    response = client_for(world, role).get(reverse("analytics:response_rates") + query)
    assert response.status_code == 200
    return response.content.decode()


def counts(row: rates.RateRow) -> tuple:
    return row.sent, row.opened, row.answered, row.opened_rate, row.answered_rate


# --- selectors ---------------------------------------------------------------------------------------------------

def test_period_is_whole_iso_weeks_in_local_time():
    period = rates.rate_period(4, now=NOW)
    assert period.week_starts == (date(2030, 5, 20), date(2030, 5, 27), W23, W24)
    assert period.since == datetime(2030, 5, 20, tzinfo=LONDON) and period.until == datetime(2030, 6, 17, tzinfo=LONDON)
    assert rates.iso_week(W24) == "2030-W24"


def test_head_office_figures_are_exact(rates_world):
    actor, period = rates_world.actors["head_office"], rates.rate_period(4)
    scope = {"actor": actor, "filters": rates.RateFilters(weeks=4), "period": period}
    weeks = rates.rates_by_week(**scope)
    assert [(w.key, w.is_partial) for w in weeks] == [(date(2030, 5, 20), False), (date(2030, 5, 27), False),
                                                     (W23, False), (W24, True)]
    assert [counts(w) for w in weeks] == [(0, 0, 0, None, None), (0, 0, 0, None, None),
                                          (7, 4, 2, 4 / 7, 2 / 7), (3, 2, 2, 2 / 3, 2 / 3)]
    assert counts(rates.rates_overall(**scope)) == (10, 6, 4, 0.6, 0.4)
    dealers = rates.rates_by_dealer(**scope)
    assert [(d.label, d.detail, *counts(d)) for d in dealers] == [
        ("Dealer A", "North", 6, 4, 3, 4 / 6, 3 / 6), ("Dealer C", "South", 4, 2, 1, 0.5, 0.25)]
    touchpoints = list(Touchpoint.objects.filter(journey__brand=rates_world.brand).order_by("position"))
    by_touchpoint = rates.rates_by_touchpoint(**scope, touchpoints=touchpoints)
    assert [(t.key, *counts(t)) for t in by_touchpoint] == [("handover", 5, 4, 3, 0.8, 0.6),
                                                           ("service_visit", 5, 2, 1, 0.4, 0.2)]
    cells = rates.rates_breakdown(**scope)
    a, c = rates_world.dealer_a.code, rates_world.dealer_c.code
    expected = sorted([(W23, a, "handover", 4, 3, 2), (W23, c, "service_visit", 3, 1, 0),
                       (W24, a, "service_visit", 2, 1, 1), (W24, c, "handover", 1, 1, 1)])
    assert [(x.week, x.dealer_code, x.touchpoint, x.sent, x.opened, x.answered) for x in cells] == expected
    assert [(s.reason, s.count) for s in rates.skip_reasons(**scope)] == [("no_consent", 2), ("contacted_recently", 1)]


def test_thirteen_weeks_reach_back_further(rates_world):
    actor = rates_world.actors["head_office"]
    overall = rates.rates_overall(actor=actor, filters=rates.RateFilters(weeks=13), period=rates.rate_period(13))
    assert counts(overall) == (11, 7, 5, 7 / 11, 5 / 11)


@pytest.mark.parametrize("filters,expected", [
    ({"region": "south"}, (4, 2, 1)),
    ({"dealer": "a"}, (6, 4, 3)),
    ({"touchpoint": "handover"}, (5, 4, 3)),
    ({"dealer": "a", "touchpoint": "handover"}, (4, 3, 2)),
])
def test_filters_narrow_the_figures(rates_world, filters, expected):
    codes = {"south": rates_world.region2.code, "a": rates_world.dealer_a.code}
    filters = {k: codes.get(v, v) for k, v in filters.items()}
    row = rates.rates_overall(actor=rates_world.actors["head_office"], filters=rates.RateFilters(weeks=4, **filters),
                              period=rates.rate_period(4))
    assert (row.sent, row.opened, row.answered) == expected


@pytest.mark.parametrize("role,expected", [
    ("region_manager", (6, 4, 3, 4 / 6, 0.5)),
    ("dealer_principal", (None, None, None, 4 / 6, 0.5)),
    ("dealer_staff", (None, None, None, 4 / 6, 0.5)),
    ("other_dealer", (None, None, None, None, None)),  # 4 sent: too few to show a rate without counts
    ("owner", (None, None, None, None, None)),
    ("anonymous", (None, None, None, None, None)),
])
def test_each_role_gets_its_own_slice_and_dealers_no_counts(rates_world, role, expected):
    actor = rates_world.actors[role]
    scope = {"actor": actor, "filters": rates.RateFilters(weeks=4), "period": rates.rate_period(4)}
    overall = rates.rates_overall(**scope)
    if role in ("owner", "anonymous"):
        assert overall.opened_rate is None and not rates.rates_breakdown(**scope)
        return
    assert counts(overall) == expected
    assert overall.is_withheld is (role == "other_dealer")
    assert rates.skip_reasons(**scope) is None  # head office only
    # A region filter cannot widen a region manager's or a dealer's slice.
    other = rates.RateFilters(weeks=4, region=rates_world.region2.code if role != "other_dealer"
                              else rates_world.region1.code)
    assert rates.rates_overall(actor=actor, filters=other, period=scope["period"]).opened_rate is None


@pytest.mark.parametrize("sent,with_counts,shown", [(0, False, False), (4, False, False), (5, False, True),
                                                    (1, True, True)])
def test_rates_over_too_few_invitations_are_withheld_without_counts(sent, with_counts, shown):
    row = rates._rates(sent, sent, 0, with_counts=with_counts)
    assert (row["opened_rate"] is not None) is shown
    assert row["is_withheld"] is (0 < sent < rates.MIN_SENT_WITHOUT_COUNTS and not with_counts)


# --- page ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [*STAFF, "owner", "anonymous"])
def test_page_by_role(rates_world, role):
    response = client_for(rates_world, role).get(reverse("analytics:response_rates"))
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif role == "owner":
        assert response.status_code == 403
    else:
        assert response.status_code == 200


def test_head_office_page_shows_counts_rates_and_skips(rates_world):
    tables = tables_of(rates_page(rates_world, "head_office", "?weeks=4"))
    assert tables["by-week"][0] == ["ISO week", "Starting", "Sent", "Opened", "Answered", "Opened rate",
                                    "Answered rate"]
    assert tables["by-week"][1:] == [
        ["2030-W21", "20 May 2030", "0", "0", "0", "—", "—"],
        ["2030-W22", "27 May 2030", "0", "0", "0", "—", "—"],
        ["2030-W23", "3 Jun 2030", "7", "4", "2", "57%", "29%"],
        ["2030-W24 in progress", "10 Jun 2030", "3", "2", "2", "67%", "67%"],
        ["Whole period", "10", "6", "4", "60%", "40%"],
    ]
    assert tables["by-dealer"][1:] == [["Dealer A", "North", "6", "4", "3", "67%", "50%"],
                                       ["Dealer C", "South", "4", "2", "1", "50%", "25%"]]
    assert tables["by-touchpoint"][1:] == [["Handover", "5", "4", "3", "80%", "60%"],
                                           ["Service visit", "5", "2", "1", "40%", "20%"]]
    assert tables["skipped"][1:] == [["No consent to be surveyed", "2"], ["Surveyed recently (contact limit)", "1"]]


def test_region_manager_sees_counts_for_their_region_but_no_skips(rates_world):
    page = rates_page(rates_world, "region_manager", "?weeks=4")
    tables = tables_of(page)
    assert tables["by-dealer"][1:] == [["Dealer A", "North", "6", "4", "3", "67%", "50%"]]
    assert "skipped" not in tables and "Dealer C" not in page
    assert '<select name="region">' not in page  # their region is fixed


@pytest.mark.parametrize("role", ["dealer_principal", "dealer_staff"])
def test_dealer_page_shows_rates_and_no_counts(rates_world, role):
    page = rates_page(rates_world, role, "?weeks=4")
    tables = tables_of(page)
    assert set(tables) == {"by-week", "by-touchpoint"}  # no per-dealer table, no skips
    assert tables["by-week"][0] == ["ISO week", "Starting", "Opened rate", "Answered rate"]
    # Weeks with 4 and 2 invitations are too few to show without revealing counts; the period's 6 are enough.
    assert tables["by-week"][1:] == [["2030-W21", "20 May 2030", "—", "—"], ["2030-W22", "27 May 2030", "—", "—"],
                                     ["2030-W23", "3 Jun 2030", "too few to show"],
                                     ["2030-W24 in progress", "10 Jun 2030", "too few to show"],
                                     ["Whole period", "67%", "50%"]]
    assert tables["by-touchpoint"][1:] == [["Handover", "too few to show"], ["Service visit", "too few to show"]]
    # Every figure on the page is a rate or a dash: no count of invitations anywhere.
    figures = [*re.findall(r'<td class="num">(.*?)</td>', page), *re.findall(r'class="big"><strong>(.*?)<', page)]
    assert figures and all(f.endswith("%") or f == "—" for f in figures)
    for absent in ("<h2>Invitations sent</h2>", ">Sent<", ">Opened<", ">Answered<", "opened of", "answered of",
                   "Not sent"):
        assert absent not in page
    assert "Dealer C" not in page and "This page shows rates only" in page


def test_page_filters_apply(rates_world):
    query = f"?weeks=4&region={rates_world.region2.code}&touchpoint=handover"
    tables = tables_of(rates_page(rates_world, "head_office", query))
    assert tables["by-dealer"][1:] == [["Dealer C", "South", "1", "1", "1", "100%", "100%"]]
    assert tables["skipped"][1:] == [["Surveyed recently (contact limit)", "1"]]


def test_unknown_period_falls_back_to_thirteen_weeks(rates_world):
    assert len(tables_of(rates_page(rates_world, "head_office", "?weeks=abc"))["by-week"]) == 1 + 13 + 1


def test_navigation_offers_the_page_to_staff_only(rates_world):
    url = reverse("analytics:response_rates")
    assert f'href="{url}"' in rates_page(rates_world, "dealer_staff")
    assert f'href="{url}"' not in client_for(rates_world, "owner").get(reverse("portal:home")).content.decode()


def test_page_query_count_is_pinned(rates_world, django_assert_num_queries):
    client = client_for(rates_world, "head_office")
    client.get(reverse("analytics:response_rates"))  # warm the session and the content-type caches
    # session, user, membership; touchpoints, regions, dealers; overall, weeks, dealers, touchpoints, skips.
    with django_assert_num_queries(11):
        assert client.get(reverse("analytics:response_rates") + "?weeks=26").status_code == 200


# --- API -----------------------------------------------------------------------------------------------------------

def test_api_head_office_gets_counts_and_skips(rates_world):
    body = client_for(rates_world, "head_office").get(URL, {"weeks": 4}).json()
    assert (body["weeks"], body["since"], body["until"], body["counts_included"]) == (4, "2030-05-20", "2030-06-17",
                                                                                    True)
    a = rates_world.dealer_a.code
    assert body["rows"][0] == {"week": "2030-06-03", "iso_week": "2030-W23", "dealer_code": a,
                               "dealer_name": "Dealer A", "touchpoint": "handover", "sent": 4, "opened": 3,
                               "answered": 2, "opened_rate": 0.75, "answered_rate": 0.5,
                               "rates_withheld": False}
    assert [(r["iso_week"], r["sent"], r["answered"]) for r in body["rows"]] == [
        ("2030-W23", 4, 2), ("2030-W23", 3, 0), ("2030-W24", 2, 1), ("2030-W24", 1, 1)]
    assert body["skipped"] == [{"reason": "no_consent", "count": 2}, {"reason": "contacted_recently", "count": 1}]


@pytest.mark.parametrize("role", ["dealer_principal", "dealer_staff"])
def test_api_dealer_gets_rates_with_counts_null(rates_world, role):
    body = client_for(rates_world, role).get(URL, {"weeks": 4}).json()
    assert body["counts_included"] is False and body["skipped"] is None
    assert [(r["iso_week"], r["touchpoint"], r["sent"], r["opened"], r["answered"], r["opened_rate"],
             r["answered_rate"], r["rates_withheld"]) for r in body["rows"]] == [
        ("2030-W23", "handover", None, None, None, None, None, True),
        ("2030-W24", "service_visit", None, None, None, None, None, True)]


def test_api_dealer_gets_rates_over_enough_invitations(rates_world):
    from insidetrack.surveys.models import Invitation

    # Seven handover invitations at dealer A (four sent, one skipped, one pending, one old) all sent in W23, unopened.
    Invitation.objects.filter(dealer=rates_world.dealer_a, touchpoint__code="handover").update(
        sent_at=NOW - timedelta(days=8), status=InvitationStatus.SENT, opened_at=None)
    body = client_for(rates_world, "dealer_principal").get(URL, {"weeks": 4}).json()
    assert [(r["iso_week"], r["touchpoint"], r["sent"], r["opened_rate"], r["answered_rate"], r["rates_withheld"])
            for r in body["rows"]] == [("2030-W23", "handover", None, 0.0, 0.0, False),
                                       ("2030-W24", "service_visit", None, None, None, True)]


def test_api_region_manager_sees_their_region_with_counts(rates_world):
    body = client_for(rates_world, "region_manager").get(URL, {"weeks": 4}).json()
    assert {r["dealer_code"] for r in body["rows"]} == {rates_world.dealer_a.code}
    assert sum(r["sent"] for r in body["rows"]) == 6 and body["skipped"] is None


def test_api_refusals_are_declared_errors(rates_world):
    assert Client().get(URL).status_code == 401
    refused = client_for(rates_world, "owner").get(URL)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert client_for(rates_world, "head_office").get(URL, {"weeks": 5}).status_code == 422


def test_api_existing_response_list_is_unchanged(rates_world):
    assert client_for(rates_world, "head_office").get("/api/v1/responses").json()["count"] == 3
