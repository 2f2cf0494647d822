"""Advocacy versus loyalty: exact rates and intervals on a hand-built world, the definitions' edges, who sees what
(bands only where scores are visible), the page and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from math import sqrt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from insidetrack.analytics import advocacy as figures
from insidetrack.analytics.advocacy import AdvocacyPeriod, compare, reading, wilson
from insidetrack.core.actor import Actor
from insidetrack.core.tests.pages import client_for, tables_of
from insidetrack.customers.models import Referral, ReferralStatus
from insidetrack.customers.tests.factories import CustomerFactory, OwnershipFactory, VehicleFactory
from insidetrack.surveys.models import EventKind, Purpose
from insidetrack.surveys.tests.factories import OperationalEventFactory, ResponseFactory

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2030, 6, 12, 12, 0, tzinfo=UTC)
# The default 12-month period at NOW: answers from 13 March 2028 to 12 March 2029 (ending 456 days before today).
PERIOD = AdvocacyPeriod(since=datetime(2028, 1, 1, tzinfo=LONDON), until=datetime(2029, 1, 1, tzinfo=LONDON),
                        as_of=NOW)
API = "/api/v1/analytics/advocacy"
Z = 1.959963984540054


def iv(interval: str) -> str:
    """An interval as the page writes it, "4.6-69.9%" with an en dash."""
    return interval.replace("-", "\u2013")


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=LONDON)


def wilson_by_hand(count: int, total: int) -> tuple[float, float]:
    """Wilson's score interval from its formula, to check the library call against."""
    share = count / total
    denominator = 1 + Z * Z / total
    centre = (share + Z * Z / (2 * total)) / denominator
    half = Z * sqrt(share * (1 - share) / total + Z * Z / (4 * total * total)) / denominator
    return centre - half, centre + half


# --------------------------------------------------------------------------------------------------------------------
# Pure maths


@pytest.mark.parametrize(("count", "total"), [(3, 10), (1, 4), (0, 4), (4, 4), (37, 1200)])
def test_wilson_matches_the_formula(count, total):
    rate = wilson(count, total)
    low, high = wilson_by_hand(count, total)
    assert rate.rate == count / total
    assert rate.low == pytest.approx(low, abs=1e-12) and rate.high == pytest.approx(high, abs=1e-12)


def test_wilson_worked_value_and_display():
    rate = wilson(3, 10)
    assert (round(rate.low, 4), round(rate.high, 4)) == (0.1078, 0.6032)
    assert (rate.shown, rate.interval) == ("30.0%", iv("10.8-60.3%"))
    assert wilson(0, 0) == figures.Rate(count=0, total=0, rate=None, low=None, high=None)
    assert (wilson(0, 0).shown, wilson(0, 0).interval) == ("—", "")
    with pytest.raises(ValueError):
        wilson(5, 4)


def test_promoters_against_detractors():
    comparison = compare("referral", wilson(10, 100), wilson(3, 100))
    # Newcombe's hybrid score interval, from the two Wilson intervals.
    (l1, u1), (l2, u2) = wilson_by_hand(10, 100), wilson_by_hand(3, 100)
    assert comparison.difference == pytest.approx(0.07)
    assert comparison.difference_low == pytest.approx(0.07 - sqrt((0.10 - l1) ** 2 + (u2 - 0.03) ** 2))
    assert comparison.difference_high == pytest.approx(0.07 + sqrt((u1 - 0.10) ** 2 + (0.03 - l2) ** 2))
    assert round(comparison.difference_low, 4) == -0.0005  # just includes zero ...
    assert comparison.ratio == pytest.approx(10 / 3)
    assert (round(comparison.ratio_low, 3), round(comparison.ratio_high, 3)) == (1.023, 11.04)  # ... the ratio not
    assert round(comparison.p_value, 4) == 0.0452
    assert comparison.is_significant is False
    assert (comparison.difference_shown, comparison.difference_interval) == ("+7.0", "-0.1 … +14.7")
    assert (comparison.ratio_shown, comparison.ratio_interval, comparison.p_shown) == ("3.33", "1.02 … 11.04",
                                                                                        "0.045")
    assert reading(comparison) == ("Referred a friend: promoters 3.3 times as often as detractors (10.0% against "
                                   "3.0%), but the 95% interval of the ratio (1.0 to 11.0) includes 1: the "
                                   "difference could be chance.")


def test_reading_of_a_clear_gap_and_of_the_edge_cases():
    clear = compare("referral", wilson(230, 1000), wilson(100, 1000))
    assert clear.is_significant
    assert reading(clear) == ("Referred a friend: promoters 2.3 times as often as detractors (23.0% against 10.0%; "
                              "95% interval of the ratio 1.9 to 2.9).")
    assert (round(clear.ratio_low, 3), round(clear.ratio_high, 3)) == (1.852, 2.861)
    never = compare("repurchase", wilson(4, 50), wilson(0, 20))
    assert (never.ratio, never.ratio_low, never.ratio_high) == (None, None, None)
    assert reading(never) == ("Bought again: promoters 8.0%, detractors 0.0% (95% interval of the difference "
                              "-8.8 to +18.8 points).")
    nobody = compare("service", wilson(4, 50), wilson(0, 0))
    assert nobody.difference is None and nobody.p_value is None
    assert reading(nobody) == "Not enough customers in both groups to compare: Serviced at a brand dealer."


def test_the_default_period_ends_the_longest_window_before_today():
    period = figures.advocacy_period(12, now=NOW)
    assert (period.first_day, period.last_day) == (date(2028, 3, 13), date(2029, 3, 12))
    assert period.until == datetime(2029, 3, 13, tzinfo=LONDON)
    assert period.windows_complete
    assert figures.advocacy_period(24, now=NOW).first_day == date(2027, 3, 14)
    assert not AdvocacyPeriod(since=PERIOD.since, until=NOW - timedelta(days=30), as_of=NOW).windows_complete
    with pytest.raises(ValueError):
        figures.advocacy_period(6, now=NOW)


# --------------------------------------------------------------------------------------------------------------------
# A hand-built world


@dataclass
class Built:
    world: object
    customers: dict


@pytest.fixture
def built(world, monkeypatch) -> Built:
    """Seven customers answering in 2028, each with the outcomes its name says (see the expected tables below).

    Dealer A (North): P1, P2, P3 promoters, D1, D2 detractors; dealer B (North): S1 passive; dealer C (South): C1
    promoter, and C2 whose only answer is before the period. The world's own customers answered today, years
    before NOW: outside the period.
    """
    monkeypatch.setattr("insidetrack.core.clock.now", lambda: NOW)
    w = world
    dealers = {"P1": w.dealer_a, "P2": w.dealer_a, "P3": w.dealer_a, "D1": w.dealer_a, "D2": w.dealer_a,
               "S1": w.dealer_b, "C1": w.dealer_c, "C2": w.dealer_c}
    c = {key: CustomerFactory(dealer=dealer, brand=w.brand, first_name=key) for key, dealer in dealers.items()}

    def answer(key: str, score: int, when: datetime, purpose: str = Purpose.SURVEY) -> None:
        ResponseFactory(invitation__event__customer=c[key], score=score, submitted_at=when, purpose=purpose)

    def refer(key: str, when: datetime, **extra) -> None:
        Referral.objects.create(brand=w.brand, dealer=dealers[key], referrer=c[key], referred_name=f"Friend of {key}",
                                referred_email=f"friend.{key.lower()}.{when:%Y%m%d}@example.org", enquired_at=when,
                                recorded_at=when, **extra)

    def event(key: str, kind: str, when: datetime) -> None:
        OperationalEventFactory(customer=c[key], kind=kind, occurred_at=when)

    def owns(key: str, since: date, until: date | None = None) -> None:
        OwnershipFactory(vehicle=VehicleFactory(current_owner=c[key]), started_on=since, ended_on=until)

    # P1: referred, bought again (event), serviced.
    answer("P1", 10, at(2028, 6, 1))
    refer("P1", at(2028, 9, 1))
    event("P1", EventKind.REPURCHASE, at(2029, 2, 1))
    owns("P1", date(2027, 1, 1))
    event("P1", EventKind.SERVICE_COMPLETED, at(2029, 5, 1))
    # P2: referred only before the answer; sold the car within the year without replacing it (no service due).
    answer("P2", 9, at(2028, 6, 1))
    refer("P2", at(2028, 5, 1))
    owns("P2", date(2027, 5, 1), date(2028, 12, 1))
    event("P2", EventKind.SERVICE_COMPLETED, at(2028, 10, 1))
    # P3: a 2 first, then a 9 (the latest answer decides); referred a day too late; serviced too late.
    answer("P3", 2, at(2028, 4, 1))
    answer("P3", 9, at(2028, 7, 1))
    refer("P3", at(2028, 7, 1) + timedelta(days=366))
    owns("P3", date(2026, 3, 1))
    event("P3", EventKind.SERVICE_COMPLETED, at(2028, 7, 1) + timedelta(days=457))
    # D1: referred; an existing owner whose new car arrived in the window; serviced.
    answer("D1", 3, at(2028, 6, 15))
    refer("D1", at(2028, 7, 1), status=ReferralStatus.BOUGHT, bought_at=at(2028, 9, 1))
    owns("D1", date(2025, 4, 1))
    owns("D1", date(2029, 1, 10))
    event("D1", EventKind.SERVICE_COMPLETED, at(2029, 6, 1))
    # D2: a 6, then a follow-up 10 (never counts); a new car already ordered before the answer; no service.
    answer("D2", 6, at(2028, 6, 15))
    answer("D2", 10, at(2028, 8, 1), purpose=Purpose.FOLLOW_UP)
    owns("D2", date(2027, 2, 1))
    event("D2", EventKind.DEPOSIT_TAKEN, at(2028, 5, 1))
    owns("D2", date(2028, 9, 1))
    # S1: passive, referred a friend who bought; owns no car (no service due, no repurchase).
    answer("S1", 7, at(2028, 7, 1))
    refer("S1", at(2028, 8, 1), status=ReferralStatus.BOUGHT, bought_at=at(2028, 10, 1))
    # C1: promoter at dealer C, serviced at dealer A (any brand dealer counts).
    answer("C1", 10, at(2028, 7, 1))
    owns("C1", date(2027, 3, 1))
    OperationalEventFactory(customer=c["C1"], dealer=w.dealer_a, kind=EventKind.SERVICE_COMPLETED,
                            occurred_at=at(2028, 12, 1))
    # C2: answered before the period; what followed is not counted anywhere.
    answer("C2", 10, at(2027, 6, 1))
    refer("C2", at(2027, 8, 1))
    return Built(world=w, customers=c)


def counts(row: figures.BandRow) -> tuple:
    return (row.customers, row.referral.count, row.repurchase.count, row.service.total, row.service.count)


def test_exact_rates_per_band_for_head_office(built, django_assert_num_queries):
    with django_assert_num_queries(1):
        report = figures.advocacy_report(actor=built.world.actors["head_office"], period=PERIOD)
    bands = {row.band: row for row in report.bands}
    # (customers, referred, bought again, service due, serviced)
    assert counts(bands["promoter"]) == (4, 1, 1, 3, 2)
    assert counts(bands["passive"]) == (1, 1, 0, 0, 0)
    assert counts(bands["detractor"]) == (2, 1, 1, 2, 1)
    assert counts(report.total) == (7, 3, 2, 5, 3)
    promoters = bands["promoter"]
    assert promoters.referral == wilson(1, 4)
    assert (promoters.referral.shown, promoters.referral.interval) == ("25.0%", iv("4.6-69.9%"))
    assert (promoters.service.shown, promoters.service.interval) == ("66.7%", iv("20.8-93.9%"))
    assert bands["passive"].service.rate is None
    assert (report.total.service.shown, report.total.service.interval) == ("60.0%", iv("23.1-88.2%"))
    referral = report.comparisons[0]
    assert (referral.outcome, referral.promoters, referral.detractors) == ("referral", wilson(1, 4), wilson(1, 2))
    assert referral.ratio == pytest.approx(0.5)


def test_window_edges(built):
    """A referral exactly a year after the answer counts; a second later it does not. Same for the service window."""
    w, c = built.world, built.customers
    answered = at(2028, 6, 1)  # P1's answer
    Referral.objects.filter(referrer=c["P1"]).update(enquired_at=answered + figures.REFERRAL_WINDOW)
    event = OperationalEventFactory(customer=c["P1"], kind=EventKind.SERVICE_COMPLETED,
                                    occurred_at=answered + figures.SERVICE_WINDOW)
    type(event).objects.filter(customer=c["P1"], kind=EventKind.SERVICE_COMPLETED).exclude(pk=event.pk).delete()

    def promoters() -> tuple:
        report = figures.advocacy_report(actor=w.actors["head_office"], period=PERIOD)
        return counts(next(row for row in report.bands if row.band == "promoter"))

    assert promoters() == (4, 1, 1, 3, 2)
    Referral.objects.filter(referrer=c["P1"]).update(enquired_at=answered + figures.REFERRAL_WINDOW
                                                     + timedelta(seconds=1))
    type(event).objects.filter(pk=event.pk).update(occurred_at=answered + figures.SERVICE_WINDOW
                                                   + timedelta(seconds=1))
    assert promoters() == (4, 0, 1, 3, 1)


# (customers, referred, bought again, service due, serviced) per band, or the band-free total only.
EXPECTED = {
    "head_office": {"promoter": (4, 1, 1, 3, 2), "passive": (1, 1, 0, 0, 0), "detractor": (2, 1, 1, 2, 1)},
    "region_manager": {"promoter": (3, 1, 1, 2, 1), "passive": (1, 1, 0, 0, 0), "detractor": (2, 1, 1, 2, 1)},
    "dealer_principal": {"all": (5, 2, 2, 4, 2)},
    "dealer_staff": {"all": (5, 2, 2, 4, 2)},
    "other_dealer": {"all": (1, 0, 0, 1, 1)},
    "owner": {"all": (0, 0, 0, 0, 0)},
    "anonymous": {"all": (0, 0, 0, 0, 0)},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_gets_its_scope_and_bands_only_where_scores_are_visible(built, role):
    report = figures.advocacy_report(actor=built.world.actors[role], period=PERIOD)
    if "all" in EXPECTED[role]:
        assert report.bands is None and report.comparisons is None and report.readings == []
        assert counts(report.total) == EXPECTED[role]["all"]
    else:
        assert {row.band: counts(row) for row in report.bands} == EXPECTED[role]


def test_dealers_get_bands_when_their_brand_shows_them_scores(built):
    type(built.world.brand).objects.filter(pk=built.world.brand.pk).update(dealers_see_scores=True)
    report = figures.advocacy_report(actor=built.world.actors["dealer_principal"], period=PERIOD)
    assert {row.band: counts(row) for row in report.bands} == {
        "promoter": (3, 1, 1, 2, 1), "passive": (0, 0, 0, 0, 0), "detractor": (2, 1, 1, 2, 1)}


def test_the_system_sees_the_brand(built):
    report = figures.advocacy_report(actor=Actor.system(), period=PERIOD)
    assert counts(report.total) == (7, 3, 2, 5, 3)


# --------------------------------------------------------------------------------------------------------------------
# The page


def test_the_page_shows_head_office_the_table_per_band(built):
    page = client_for(built.world, "head_office").get("/overview/advocacy/")
    assert page.status_code == 200
    tables = tables_of(page.content.decode())
    assert tables["advocacy-rates"] == [
        ["Customers", "Number", "Referred a friend", "95% interval", "Bought again", "95% interval", "Service due",
         "Serviced at a brand dealer", "95% interval"],
        ["Detractors (0-6)", "2", "50.0%", iv("9.5-90.5%"), "50.0%", iv("9.5-90.5%"), "2", "50.0%", iv("9.5-90.5%")],
        ["Passives (7-8)", "1", "100.0%", iv("20.7-100.0%"), "0.0%", iv("0.0-79.3%"), "0", "—", ""],
        ["Promoters (9-10)", "4", "25.0%", iv("4.6-69.9%"), "25.0%", iv("4.6-69.9%"), "3", "66.7%", iv("20.8-93.9%")],
        ["All customers who answered", "7", "42.9%", iv("15.8-75.0%"), "28.6%", iv("8.2-64.1%"), "5", "60.0%",
         iv("23.1-88.2%")],
    ]
    assert [row[0] for row in tables["advocacy-comparison"][1:]] == ["Referred a friend", "Bought again",
                                                                      "Serviced at a brand dealer"]
    html = page.content.decode()
    assert "13 Mar 2028" in html and "12 Mar 2029" in html
    assert "Referred a friend: promoters 0.5 times as often as detractors (25.0% against 50.0%), but the 95% " \
           "interval of the ratio" in html
    referrals = tables["referrals"]
    assert referrals[0][:4] == ["Recorded", "Referred by", "Dealer", "Friend"]
    # Every referral of the brand, the newest recorded first (the world's own, recorded today, come after these).
    assert [row[3] for row in referrals[1:7]] == ["Friend of P3", "Friend of P1", "Friend of S1", "Friend of D1",
                                                 "Friend of P2", "Friend of C2"]
    assert referrals[1][1:6] == ["P3 " + built.customers["P3"].last_name, "Dealer A", "Friend of P3", "Enquired",
                                 "2 Jul 2029"]


@pytest.mark.parametrize("role", ["dealer_principal", "dealer_staff"])
def test_a_dealer_whose_brand_hides_scores_gets_the_total_without_bands(built, role):
    page = client_for(built.world, role).get("/overview/advocacy/")
    assert page.status_code == 200
    html = page.content.decode()
    assert tables_of(html)["advocacy-rates"][1:] == [
        ["All customers who answered", "5", "40.0%", iv("11.8-76.9%"), "40.0%", iv("11.8-76.9%"), "4", "50.0%",
         iv("15.0-85.0%")]]
    assert "advocacy-comparison" not in tables_of(html)
    for word in ("Promoter", "promoter", "Detractor", "detractor", "Passive", "NPS"):
        assert word not in html
    friends = {row[2] for row in tables_of(html)["referrals"][1:]}  # no dealer column for a dealer
    assert {"Friend of P1", "Friend of P2", "Friend of P3", "Friend of D1"} <= friends
    assert not {"Friend of S1", "Friend of C2"} & friends


@pytest.mark.parametrize(("role", "status"), [("owner", 403), ("anonymous", 302)])
def test_the_page_is_for_staff(built, role, status):
    before = Referral.objects.count()
    client = client_for(built.world, role)
    assert client.get("/overview/advocacy/").status_code == status
    answer = client.post("/overview/advocacy/", {"action": "record", "referrer": built.world.customers["a"].pk,
                                                 "referred_name": "Sam", "referred_email": "sam@example.org"})
    assert answer.status_code == status
    assert Referral.objects.count() == before


def test_dealer_staff_record_a_referral_on_the_page_and_mark_it_bought(built):
    client = client_for(built.world, "dealer_staff")
    customer = built.world.customers["a"]
    prefilled = client.get(f"/overview/advocacy/?referrer={customer.pk}").content.decode()
    assert f'value="{customer.pk}"' in prefilled and "Referred by CustomerA" in prefilled
    answer = client.post("/overview/advocacy/?months=12", {
        "action": "record", "referrer": customer.pk, "referred_name": "Sam Okafor",
        "referred_email": "sam@example.org", "enquired_on": "2030-06-01"}, follow=True)
    assert answer.redirect_chain == [("/overview/advocacy/?months=12", 302)]
    referral = Referral.objects.get(referrer=customer, referred_email="sam@example.org")
    assert (referral.referred_name, referral.enquired_at) == ("Sam Okafor", at(2030, 6, 1, 12))
    assert referral.recorded_by_id == built.world.users["dealer_staff"].pk
    assert "Referral recorded: Sam Okafor, referred by CustomerA" in answer.content.decode()
    answer = client.post("/overview/advocacy/", {"action": "bought", "referral": referral.pk}, follow=True)
    referral.refresh_from_db()
    assert (referral.status, referral.bought_at) == (ReferralStatus.BOUGHT, NOW)
    assert "Marked as bought: Sam Okafor." in answer.content.decode()


def test_the_page_form_shows_the_services_errors_and_writes_nothing(built):
    client = client_for(built.world, "dealer_staff")
    before = Referral.objects.count()
    other = client.post("/overview/advocacy/", {"action": "record", "referrer": built.world.customers["c"].pk,
                                                "referred_name": "Sam", "referred_email": "sam@example.org"})
    assert other.status_code == 422
    assert "No such customer among the ones you look after." in other.content.decode()
    missing = client.post("/overview/advocacy/", {"action": "record", "referrer": built.world.customers["a"].pk,
                                                  "referred_name": "Sam"})
    assert missing.status_code == 422
    assert "Give the friend&#x27;s e-mail or phone, so the dealer can reach them." in missing.content.decode()
    c_referral = Referral.objects.get(referrer=built.customers["C2"])
    client.post("/overview/advocacy/", {"action": "bought", "referral": c_referral.pk})
    c_referral.refresh_from_db()
    assert c_referral.status == ReferralStatus.ENQUIRED
    assert Referral.objects.count() == before


# --------------------------------------------------------------------------------------------------------------------
# The API (mounted at /api/v1/analytics/advocacy)


def test_api_rates_for_head_office(built):
    body = client_for(built.world, "head_office").get(f"{API}/rates").json()
    assert (body["since"], body["until"], body["windows_complete"], body["bands_included"]) == (
        "2028-03-13", "2029-03-13", True, True)
    promoter = next(b for b in body["bands"] if b["band"] == "promoter")
    low, high = wilson_by_hand(1, 4)
    assert promoter["customers"] == 4
    assert promoter["referral"] == {"count": 1, "total": 4, "rate": 0.25, "low": pytest.approx(low),
                                    "high": pytest.approx(high)}
    assert promoter["service"]["count"] == 2 and promoter["service"]["total"] == 3
    assert body["total"]["customers"] == 7 and body["total"]["band"] == "all"
    assert [c["outcome"] for c in body["comparisons"]] == ["referral", "repurchase", "service"]
    assert body["comparisons"][0]["ratio"] == pytest.approx(0.5)


def test_api_rates_for_a_dealer_hide_the_bands(built):
    body = client_for(built.world, "dealer_staff").get(f"{API}/rates", {"months": 24}).json()
    assert (body["bands_included"], body["bands"], body["comparisons"]) == (False, None, None)
    assert body["since"] == "2027-03-14"
    assert body["total"]["customers"] == 5 and body["total"]["referral"]["count"] == 2


@pytest.mark.parametrize(("role", "status"), [("owner", 403), ("anonymous", 401)])
def test_api_is_for_staff(built, role, status):
    client = client_for(built.world, role)
    before = Referral.objects.count()
    assert client.get(f"{API}/rates").status_code == status
    answer = client.post(f"{API}/referrals", {"referrer_pk": built.world.customers["a"].pk, "referred_name": "Sam",
                                              "referred_email": "sam@example.org"}, content_type="application/json")
    assert answer.status_code == status
    assert Referral.objects.count() == before


def test_api_refuses_an_unknown_period(built):
    answer = client_for(built.world, "head_office").get(f"{API}/rates", {"months": 6})
    assert answer.status_code == 422 and answer.json()["field"] == "months"


def test_api_records_a_referral_and_marks_it_bought(built):
    client = client_for(built.world, "dealer_principal")
    customer = built.world.customers["a"]
    answer = client.post(f"{API}/referrals", {"referrer_pk": customer.pk, "referred_name": "Sam Okafor",
                                              "referred_phone": "+44 7700 900456",
                                              "enquired_at": "2030-06-01T09:30:00+01:00"},
                         content_type="application/json")
    assert answer.status_code == 201
    body = answer.json()
    assert {k: body[k] for k in ("referrer_pk", "dealer_code", "referred_name", "referred_phone", "status",
                                 "source", "bought_at")} == {
        "referrer_pk": customer.pk, "dealer_code": built.world.dealer_a.code, "referred_name": "Sam Okafor",
        "referred_phone": "+44 7700 900456", "status": "enquired", "source": "dealer", "bought_at": None}
    assert datetime.fromisoformat(body["enquired_at"]) == datetime(2030, 6, 1, 8, 30, tzinfo=UTC)
    bought = client.post(f"{API}/referrals/{body['pk']}/bought", {}, content_type="application/json")
    assert bought.status_code == 200 and bought.json()["status"] == "bought"
    again = client.post(f"{API}/referrals/{body['pk']}/bought", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["field"] == "status"


@pytest.mark.parametrize(("payload", "status", "field"), [
    ({"referrer_pk": 987_654, "referred_name": "Sam", "referred_email": "sam@example.org"}, 404, "referrer"),
    ({"referrer_pk": "c", "referred_name": "Sam", "referred_email": "sam@example.org"}, 404, "referrer"),
    ({"referrer_pk": "a", "referred_name": "", "referred_email": "sam@example.org"}, 422, "referred_name"),
    ({"referrer_pk": "a", "referred_name": "Sam"}, 422, "referred_email"),
    ({"referred_name": "Sam", "referred_email": "sam@example.org"}, 422, "referrer_pk"),
])
def test_api_bad_input_names_the_field_and_writes_nothing(built, payload, status, field):
    if isinstance(payload.get("referrer_pk"), str):
        payload = {**payload, "referrer_pk": built.world.customers[payload["referrer_pk"]].pk}
    before = Referral.objects.count()
    answer = Client()
    answer.force_login(built.world.users["dealer_staff"])
    response = answer.post(f"{API}/referrals", payload, content_type="application/json")
    assert response.status_code == status
    assert response.json()["field"] == field
    assert Referral.objects.count() == before


# --------------------------------------------------------------------------------------------------------------------
# Demo referrals


def test_demo_referrals_follow_the_answers_bands_once_and_deterministically(built, monkeypatch):
    from insidetrack.demo.generator import referrals as demo

    monkeypatch.setattr(demo, "REFERRAL_CHANCE", {"promoter": 1.0, "passive": 0.0, "detractor": 0.0})
    monkeypatch.setattr(demo, "PURCHASE_CHANCE", {"promoter": 1.0, "passive": 0.0, "detractor": 0.0})
    end = date(2030, 1, 1)
    cutoff = datetime(2030, 1, 1, tzinfo=LONDON)
    first = demo.referrals_generate(seed=7, end=end)
    made = Referral.objects.filter(source="demo").select_related("referrer")
    # One per promoter journey answer: P1, P2, P3's 9, C1, C2 and the world's customer A (a 10, answered today);
    # D2's follow-up 10 does not count, nor P3's earlier 2.
    promoters = ["P1", "P2", "P3", "C1", "C2"]
    assert sorted(r.referrer.first_name for r in made) == sorted([*promoters, "CustomerA"])
    assert first == {"referrals": 6, "referrals_bought": 6}
    for referral in made:
        assert referral.dealer_id == referral.referrer.dealer_id and referral.brand_id == built.world.brand.pk
        latest_answer = referral.referrer.responses.filter(score__gte=9, purpose=Purpose.SURVEY).latest(
            "submitted_at").submitted_at
        assert latest_answer < referral.enquired_at < referral.bought_at < cutoff
        assert referral.status == ReferralStatus.BOUGHT and referral.referred_name
        assert referral.referred_email or referral.referred_phone
    assert demo.referrals_generate(seed=7, end=end) == {"referrals": 0}  # a world with demo referrals is left alone
    moments = sorted((r.referrer_id, r.enquired_at, r.referred_name) for r in made)
    Referral.objects.filter(source="demo").delete()
    demo.referrals_generate(seed=7, end=end)
    assert sorted((r.referrer_id, r.enquired_at, r.referred_name) for r in made.all()) == moments
