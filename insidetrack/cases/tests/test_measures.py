"""Closed-loop measures with known timestamps: each figure exact per dealer, region and overall, the periods, the
scope of each role, the page and the API, and a query count that does not grow with the number of dealers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from insidetrack.cases import measures
from insidetrack.cases.measures import GoodwillTotal, Rate, closed_loop_measures
from insidetrack.cases.models import Case, Goodwill
from insidetrack.core.errors import PermissionDenied
from insidetrack.core.tests.pages import client_for, tables_of
from insidetrack.network.tests.factories import DealerFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def make_case(dealer, kind: str, *, opened_at: dt.datetime, status: str = "new", first_contact_at=None,
              resolved_at=None, follow_up_score=None, reopen_count: int = 0, respond_by=None) -> Case:
    return Case.objects.create(
        brand=dealer.brand, dealer=dealer, department="sales", kind=kind, status=status, opened_at=opened_at,
        respond_by=respond_by or opened_at + 24 * H, first_contact_at=first_contact_at, resolved_at=resolved_at,
        follow_up_score=follow_up_score, reopen_count=reopen_count,
        resolve_by=opened_at + 120 * H if kind == "recovery" else None,
    )


def goodwill(case: Case, amount: str, status: str = "approved", currency: str = "EUR") -> Goodwill:
    return Goodwill.objects.create(case=case, description="Gesture", amount=Decimal(amount), currency=currency,
                                   status=status, requested_at=case.opened_at)


def set_case(case: Case, **values) -> None:
    if "respond_by" in values:  # the fixture's cases open with the deadline it gives them
        values.setdefault("first_respond_by", values["respond_by"])
    Case.objects.filter(pk=case.pk).update(**values)


@pytest.fixture
def loop(world, monkeypatch):
    """The world's three cases at known times, and four more at dealer A, with goodwill of every status.

    A1 thank-you, 10 days ago, reached after 2 h, closed.          (world's case at A; 50 EUR approved)
    A2 recovery, 20 days ago, first contact after 30 h (late), resolved after 50 h, follow-up 10, verified.
       (200 EUR approved, 999 EUR declined)
    A3 recovery, 5 days ago, contact after 4 h, resolved after 100 h, follow-up 5, reopened an hour past its new
       respond-by.  (500 EUR waiting for a manager)
    A4 acknowledgement, opened an hour ago, not contacted yet: not due.
    A5 thank-you, 200 days ago, never done: outside 90 days, but open and overdue now.
    B  recovery, 3 days ago, never contacted: late, open, overdue.   (world's case at B; 50 EUR approved)
    C  recovery, 40 days ago, contact after 10 h, resolved after 20 h, follow-up 9, verified.
       (world's case at C; 50 EUR approved, 30 CHF approved)
    """
    monkeypatch.setattr("insidetrack.core.clock.now", lambda: NOW)
    a, b, c = (Case.objects.get(customer=world.customers[key]) for key in "abc")
    opened = NOW - 10 * D
    set_case(a, opened_at=opened, respond_by=opened + 24 * H, first_contact_at=opened + 2 * H, status="closed")
    opened = NOW - 3 * D
    set_case(b, opened_at=opened, respond_by=opened + 24 * H, resolve_by=opened + 120 * H)
    opened = NOW - 40 * D
    set_case(c, opened_at=opened, respond_by=opened + 24 * H, first_contact_at=opened + 10 * H,
             resolved_at=opened + 20 * H, follow_up_score=9, status="verified")
    goodwill(c, "30", currency="CHF")
    dealer = world.dealer_a
    opened = NOW - 20 * D
    a2 = make_case(dealer, "recovery", opened_at=opened, first_contact_at=opened + 30 * H,
                   resolved_at=opened + 50 * H, follow_up_score=10, status="verified")
    goodwill(a2, "200")
    goodwill(a2, "999", status="rejected")
    opened = NOW - 5 * D
    a3 = make_case(dealer, "recovery", opened_at=opened, first_contact_at=opened + 4 * H,
                   resolved_at=opened + 100 * H, follow_up_score=5, reopen_count=1, status="reopened",
                   respond_by=NOW - H)
    goodwill(a3, "500", status="pending")
    make_case(dealer, "acknowledgement", opened_at=NOW - H)
    make_case(dealer, "thank_you", opened_at=NOW - 200 * D)
    return world


def figures(row: measures.MeasureRow) -> dict:
    return {
        "cases": (row.cases, row.thank_you, row.acknowledgement, row.recovery),
        "on_time": row.responded_on_time, "within_24_hours": row.responded_within_24_hours,
        "first_contact": (row.median_hours_to_first_contact, row.contacted),
        "resolution": (row.median_hours_to_resolution, row.resolved),
        "reopen": row.reopen_rate, "recovery": (row.recovery_rate, row.is_recovery_rate_rankable),
        "goodwill": row.goodwill, "now": (row.open_now, row.overdue_now),
    }


EUR = "EUR"
DEALER_A = {
    "cases": (4, 1, 1, 2), "on_time": Rate(2, 3), "within_24_hours": Rate(2, 3), "first_contact": (4.0, 3),
    "resolution": (75.0, 2), "reopen": Rate(1, 2), "recovery": (Rate(1, 2), False),
    "goodwill": (GoodwillTotal(EUR, Decimal("250.00"), 2),), "now": (3, 2),
}
DEALER_B = {
    "cases": (1, 0, 0, 1), "on_time": Rate(0, 1), "within_24_hours": Rate(0, 1), "first_contact": (None, 0),
    "resolution": (None, 0), "reopen": Rate(0, 1), "recovery": (Rate(0, 0), False),
    "goodwill": (GoodwillTotal(EUR, Decimal("50.00"), 1),), "now": (1, 1),
}
DEALER_C = {
    "cases": (1, 0, 0, 1), "on_time": Rate(1, 1), "within_24_hours": Rate(1, 1), "first_contact": (10.0, 1),
    "resolution": (20.0, 1), "reopen": Rate(0, 1), "recovery": (Rate(1, 1), False),
    "goodwill": (GoodwillTotal("CHF", Decimal("30.00"), 1), GoodwillTotal(EUR, Decimal("50.00"), 1)), "now": (0, 0),
}
NORTH = {
    "cases": (5, 1, 1, 3), "on_time": Rate(2, 4), "within_24_hours": Rate(2, 4), "first_contact": (4.0, 3),
    "resolution": (75.0, 2), "reopen": Rate(1, 3), "recovery": (Rate(1, 2), False),
    "goodwill": (GoodwillTotal(EUR, Decimal("300.00"), 3),), "now": (4, 3),
}
OVERALL = {
    "cases": (6, 1, 1, 4), "on_time": Rate(3, 5), "within_24_hours": Rate(3, 5), "first_contact": (7.0, 4),
    "resolution": (50.0, 3), "reopen": Rate(1, 4), "recovery": (Rate(2, 3), False),
    "goodwill": (GoodwillTotal("CHF", Decimal("30.00"), 1), GoodwillTotal(EUR, Decimal("350.00"), 4)),
    "now": (4, 3),
}


def test_head_office_figures_per_dealer_region_and_overall_are_exact(loop):
    result = closed_loop_measures(actor=loop.actors["head_office"])
    assert (result.days, result.since, result.until) == (90, NOW - 90 * D, NOW)
    by_dealer = {row.key: row for row in result.by_dealer}
    assert [row.label for row in result.by_dealer] == ["Dealer A", "Dealer B", "Dealer C"]
    assert [row.detail for row in result.by_dealer] == ["North", "North", "South"]
    assert figures(by_dealer[loop.dealer_a.code]) == DEALER_A
    assert figures(by_dealer[loop.dealer_b.code]) == DEALER_B
    assert figures(by_dealer[loop.dealer_c.code]) == DEALER_C
    assert [(row.key, row.label) for row in result.by_region] == [(loop.region1.code, "North"),
                                                                    (loop.region2.code, "South")]
    assert figures(result.by_region[0]) == NORTH
    assert figures(result.by_region[1]) == DEALER_C
    assert figures(result.overall) == OVERALL
    assert result.overall.goodwill_gestures == 5
    assert result.overall.responded_on_time.value == 0.6
    assert result.overall.recovery_rate.value == pytest.approx(2 / 3)


def test_a_shorter_period_leaves_older_cases_out_and_a_longer_one_takes_them_in(loop):
    short = closed_loop_measures(actor=loop.actors["head_office"], days=30)
    by_dealer = {row.key: row for row in short.by_dealer}
    # C's case was opened 40 days ago: nothing of it counts, and it is not open any more.
    assert figures(by_dealer[loop.dealer_c.code]) == {
        "cases": (0, 0, 0, 0), "on_time": Rate(0, 0), "within_24_hours": Rate(0, 0), "first_contact": (None, 0),
        "resolution": (None, 0), "reopen": Rate(0, 0), "recovery": (Rate(0, 0), False), "goodwill": (),
        "now": (0, 0)}
    assert figures(short.overall) == NORTH
    assert short.overall.responded_on_time.value == 0.5

    year = closed_loop_measures(actor=loop.actors["head_office"], days=365)
    a = {row.key: row for row in year.by_dealer}[loop.dealer_a.code]
    # A5, 200 days old and never done, is in the year: due and late on both counts.
    assert (a.cases, a.thank_you, a.responded_on_time, a.responded_within_24_hours) == (5, 2, Rate(2, 4), Rate(2, 4))
    assert (a.open_now, a.overdue_now) == (3, 2)


def test_an_unknown_period_falls_back_to_ninety_days(loop):
    assert closed_loop_measures(actor=loop.actors["head_office"], days=7).days == 90
    assert measures.period_days("abc") == 90 and measures.period_days("365") == 365


def test_region_manager_sees_their_dealers_only(loop):
    result = closed_loop_measures(actor=loop.actors["region_manager"])
    assert [row.label for row in result.by_dealer] == ["Dealer A", "Dealer B"]
    assert [row.label for row in result.by_region] == ["North"]
    assert figures(result.overall) == NORTH
    # Asking for another region narrows to nothing; it never widens.
    other = closed_loop_measures(actor=loop.actors["region_manager"], region=loop.region2.code)
    assert other.by_dealer == [] and other.overall.cases == 0


def test_head_office_narrows_to_a_region(loop):
    result = closed_loop_measures(actor=loop.actors["head_office"], region=loop.region2.code)
    assert [row.label for row in result.by_dealer] == ["Dealer C"]
    assert figures(result.overall) == DEALER_C


@pytest.mark.parametrize("role", ["dealer_principal", "dealer_staff", "other_dealer", "owner", "anonymous"])
def test_dealers_owners_and_anonymous_get_no_measures(loop, role):
    with pytest.raises(PermissionDenied):
        closed_loop_measures(actor=loop.actors[role])


def test_a_dealer_without_cases_is_listed_with_zeros(loop):
    DealerFactory(region=loop.region2, name="Dealer D")
    result = closed_loop_measures(actor=loop.actors["head_office"])
    d = result.by_dealer[-1]
    assert (d.label, d.cases, d.responded_on_time.value, d.median_hours_to_first_contact, d.goodwill) == (
        "Dealer D", 0, None, None, ())
    assert figures(result.overall) == OVERALL


def test_recovery_rate_ranks_from_thirty_answered_follow_ups(loop):
    opened = NOW - 2 * D
    Case.objects.bulk_create([
        Case(brand=loop.brand, dealer=loop.dealer_c, department="sales", kind="recovery", status="verified",
             opened_at=opened, respond_by=opened + 24 * H, follow_up_score=9 if index < 20 else 6)
        for index in range(29)])
    c = {row.key: row for row in closed_loop_measures(actor=loop.actors["head_office"]).by_dealer}[loop.dealer_c.code]
    # C's own case (9) and 29 more: 21 of 30 recovered, enough to rank.
    assert (c.recovery_rate, c.is_recovery_rate_rankable) == (Rate(21, 30), True)
    assert c.recovery_rate.value == 0.7


def test_query_count_does_not_grow_with_dealers(loop, django_assert_num_queries):
    actor = loop.actors["head_office"]
    with django_assert_num_queries(4):  # counts, durations, goodwill, dealers
        closed_loop_measures(actor=actor)
    for index in range(6):
        dealer = DealerFactory(region=loop.region2 if index % 2 else loop.region1, name=f"Extra {index}")
        case = make_case(dealer, "recovery", opened_at=NOW - 2 * D, first_contact_at=NOW - D, resolved_at=NOW - H,
                         follow_up_score=10)
        goodwill(case, "10")
    with django_assert_num_queries(4):
        result = closed_loop_measures(actor=actor)
    assert len(result.by_dealer) == 9 and result.overall.cases == 12


# --- the page ------------------------------------------------------------------------------------------------------


def page(world, role: str, query: str = "") -> str:
    answer = client_for(world, role).get(reverse("cases:measures") + query)
    assert answer.status_code == 200
    return answer.content.decode()


def test_head_office_page_shows_regions_and_dealers(loop):
    tables = tables_of(page(loop, "head_office"))
    assert tables["by-region"][1] == [
        "North", "5 1 · 1 · 3", "50% 2 of 4", "50% 2 of 4", "4.0 h n=3", "75.0 h n=2", "33% 1 of 3",
        "50% 1 of 2 too few to rank", "300.00 EUR 3 gestures", "4", "3"]
    assert tables["by-dealer"][1] == [
        "Dealer A", "North", "4 1 · 1 · 2", "67% 2 of 3", "67% 2 of 3", "4.0 h n=3", "75.0 h n=2", "50% 1 of 2",
        "50% 1 of 2 too few to rank", "250.00 EUR 2 gestures", "3", "2"]
    assert tables["by-dealer"][2] == [
        "Dealer B", "North", "1 0 · 0 · 1", "0% 0 of 1", "0% 0 of 1", "— n=0", "— n=0", "0% 0 of 1",
        "— no follow-up answered", "50.00 EUR 1 gesture", "1", "1"]
    assert tables["by-dealer"][3][8:10] == ["100% 1 of 1 too few to rank", "30.00 CHF 50.00 EUR 2 gestures"]


def test_head_office_page_filters_by_region_and_period(loop):
    tables = tables_of(page(loop, "head_office", f"?region={loop.region2.code}&days=30"))
    assert [row[0] for row in tables["by-dealer"][1:]] == ["Dealer C"]
    assert tables["by-dealer"][1][2] == "0 0 · 0 · 0"


def test_region_manager_page_shows_their_dealers_without_a_region_table(loop):
    content = page(loop, "region_manager", f"?region={loop.region2.code}")
    tables = tables_of(content)
    assert "by-region" not in tables
    assert [row[0] for row in tables["by-dealer"][1:]] == ["Dealer A", "Dealer B"]  # the region filter is ignored
    assert 'name="region"' not in content


@pytest.mark.parametrize("role", ["dealer_principal", "dealer_staff", "other_dealer", "owner"])
def test_page_is_forbidden_to_dealers_and_owners(loop, role):
    answer = client_for(loop, role).get(reverse("cases:measures"))
    assert answer.status_code == 403
    assert "Dealer B" not in answer.content.decode()


def test_page_sends_anonymous_visitors_to_sign_in(loop):
    answer = Client().get(reverse("cases:measures"))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("login"))


# --- the API -------------------------------------------------------------------------------------------------------


def test_api_gives_head_office_the_same_figures(loop):
    answer = client_for(loop, "head_office").get("/api/v1/cases/measures")
    assert answer.status_code == 200
    body = answer.json()
    assert body["days"] == 90
    overall = body["overall"]
    assert (overall["cases"], overall["thank_you"], overall["acknowledgement"], overall["recovery"]) == (6, 1, 1, 4)
    assert overall["responded_on_time"] == {"rate": 0.6, "numerator": 3, "denominator": 5}
    assert overall["responded_within_24_hours"] == {"rate": 0.6, "numerator": 3, "denominator": 5}
    assert (overall["median_hours_to_first_contact"], overall["contacted"]) == (7.0, 4)
    assert (overall["median_hours_to_resolution"], overall["resolved"]) == (50.0, 3)
    assert overall["reopen_rate"] == {"rate": 0.25, "numerator": 1, "denominator": 4}
    assert overall["recovery_rate"] == {"rate": pytest.approx(2 / 3), "numerator": 2, "denominator": 3,
                                        "is_rankable": False}
    assert overall["goodwill"] == [{"currency": "CHF", "amount": "30.00", "gestures": 1},
                                   {"currency": "EUR", "amount": "350.00", "gestures": 4}]
    assert (overall["open_now"], overall["overdue_now"]) == (4, 3)
    assert [(r["key"], r["name"], r["region"]) for r in body["by_dealer"]] == [
        (loop.dealer_a.code, "Dealer A", "North"), (loop.dealer_b.code, "Dealer B", "North"),
        (loop.dealer_c.code, "Dealer C", "South")]
    assert [r["name"] for r in body["by_region"]] == ["North", "South"]


def test_api_period_and_region_filters(loop):
    client = client_for(loop, "head_office")
    body = client.get(f"/api/v1/cases/measures?days=30&region={loop.region1.code}").json()
    assert body["days"] == 30 and body["overall"]["cases"] == 5
    assert [r["name"] for r in body["by_dealer"]] == ["Dealer A", "Dealer B"]
    answer = client.get("/api/v1/cases/measures?days=7")
    assert answer.status_code == 422 and "days" in str(answer.json())


def test_api_region_manager_gets_their_region(loop):
    body = client_for(loop, "region_manager").get("/api/v1/cases/measures").json()
    assert [r["name"] for r in body["by_dealer"]] == ["Dealer A", "Dealer B"]
    assert body["overall"]["cases"] == 5


@pytest.mark.parametrize(("role", "status"), [("dealer_principal", 403), ("dealer_staff", 403),
                                              ("other_dealer", 403), ("owner", 403), ("anonymous", 401)])
def test_api_refuses_dealers_owners_and_anonymous(loop, role, status):
    answer = client_for(loop, role).get("/api/v1/cases/measures")
    assert answer.status_code == status
    if status == 403:
        assert answer.json()["code"] == "forbidden"


def test_a_reopen_does_not_turn_a_late_first_contact_into_an_on_time_one(world, monkeypatch):
    """Contacted after 30 h against a 24 h promise, then reopened: the new respond-by is later than that first
    contact, but the promise measured is the one the case opened with."""
    monkeypatch.setattr("insidetrack.core.clock.now", lambda: NOW)
    Case.objects.all().delete()
    opened = NOW - 5 * D
    late = make_case(world.dealer_a, "recovery", opened_at=opened, first_contact_at=opened + 30 * H,
                     status="reopened", reopen_count=1, respond_by=opened + 60 * H)
    set_case(late, first_respond_by=opened + 24 * H)
    row = closed_loop_measures(actor=world.actors["head_office"]).overall
    assert row.responded_on_time == measures.Rate(numerator=0, denominator=1)
