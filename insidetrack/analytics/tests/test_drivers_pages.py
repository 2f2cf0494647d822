"""The "Moments of truth" and "Journeys as they happen" pages against every role, on a small world with a known truth.

Dealer A's customers feel about the brand as their handover went; dealer C's as their service visits go. So head
office and dealer A must read "the handover" as the first driver of the relationship score and dealer C "the service
visit": a page that mixed the dealers' customers would say otherwise. Dealer A's journeys run from enquiry to
handover; dealer C's stop after the test drive.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.urls import reverse

from insidetrack.analytics import selectors_drivers
from insidetrack.core import clock
from insidetrack.core.tests.pages import client_for, tables_of
from insidetrack.customers.models import Referral
from insidetrack.customers.tests.factories import CustomerFactory
from insidetrack.journeys.models import Touchpoint
from insidetrack.surveys.models import OperationalEvent, Response

CUSTOMERS_PER_DEALER = 80
STAFF = ["head_office", "region_manager", "dealer_principal", "dealer_staff", "other_dealer"]
URLS = ["analytics:moments_of_truth", "analytics:journeys"]


@pytest.fixture
def built(world):
    rng = random.Random(4)
    now = clock.now()
    touchpoints = {t.code: t for t in Touchpoint.objects.filter(journey__brand=world.brand)}
    responses, events, referrals = [], [], []
    for dealer, driver in ((world.dealer_a, "handover"), (world.dealer_c, "service_visit")):
        for customer in CustomerFactory.create_batch(CUSTOMERS_PER_DEALER, dealer=dealer, brand=world.brand):
            scores = {"handover": rng.randint(0, 10), "service_visit": rng.randint(0, 10)}
            checkin = min(10, max(0, scores[driver] + rng.choice((-1, 0, 0, 1))))
            for code, score, days_ago in (("handover", scores["handover"], 520), ("service_visit",
                                          scores["service_visit"], 460), ("ownership_checkin", checkin, 400)):
                responses.append(Response(brand=world.brand, dealer=dealer, customer=customer,
                                          touchpoint=touchpoints[code], score=score,
                                          submitted_at=now - timedelta(days=days_ago)))
            if scores[driver] >= 7:
                referrals.append(Referral(brand=world.brand, dealer=dealer, referrer=customer,
                                          referred_name="Friend", enquired_at=now - timedelta(days=300),
                                          recorded_at=now - timedelta(days=300)))
            kinds = (("enquiry", 560), ("test_drive", 555)) + (
                (("deposit_taken", 540), ("handover", 525)) if dealer == world.dealer_a else ())
            for kind, days_ago in kinds:
                events.append(OperationalEvent(brand=world.brand, dealer=dealer, customer=customer,
                                               touchpoint=touchpoints[kind if kind in touchpoints else "deposit"],
                                               kind=kind, occurred_at=now - timedelta(days=days_ago)))
    Response.objects.bulk_create(responses)
    OperationalEvent.objects.bulk_create(events)
    Referral.objects.bulk_create(referrals)
    return world


@pytest.mark.parametrize("role", [*STAFF, "owner", "anonymous"])
@pytest.mark.parametrize("url_name", URLS)
def test_pages_by_role(world, role, url_name):
    response = client_for(world, role).get(reverse(url_name))
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif role == "owner":
        assert response.status_code == 403
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(("role", "first"), [("head_office", None), ("dealer_principal", "Handover"),
                                             ("other_dealer", "Service visit")])
def test_each_viewer_gets_the_drivers_of_its_own_customers(built, role, first):
    page = client_for(built, role).get(reverse("analytics:moments_of_truth")).content.decode()
    table = tables_of(page)["drivers-relationship"]
    drivers_shown = [row[0] for row in table[1:]]
    assert set(drivers_shown) == {"Handover", "Service visit"}
    if first:
        assert drivers_shown[0] == first
        assert f"Improvement pays most at {first}" in page
        # The two dealers' stories are opposite; its own customers' driver holds most of what is explained.
        assert int(table[1][1].rstrip("%")) > 70
    # Referral: the same driver, on the customers whose year after the answer is over.
    assert "drivers-referral" in tables_of(page)
    # Nobody bought again: too few to say, in words rather than a chart.
    assert "drivers-repurchase" not in tables_of(page)
    assert "Too few customers to say what drives this yet" in page


def test_the_report_counts_only_the_viewers_customers(built):
    everyone = selectors_drivers.drivers_report(actor=built.actors["head_office"], bootstrap=20)
    dealer_a = selectors_drivers.drivers_report(actor=built.actors["dealer_principal"], bootstrap=20)
    relationship = {o.code: o for o in everyone.outcomes}["relationship"]
    assert relationship.customers == 2 * CUSTOMERS_PER_DEALER
    assert {o.code: o for o in dealer_a.outcomes}["relationship"].customers == CUSTOMERS_PER_DEALER


def test_journeys_page_is_scoped_and_hides_nps_where_scores_are_hidden(built):
    full_path = "Enquiry received → Test drive → Deposit taken → Handover"
    short_path = "Enquiry received → Test drive"
    office = tables_of(client_for(built, "head_office").get(reverse("analytics:journeys")).content.decode())
    rows = {row[0]: row for row in office["paths-table"][1:]}
    assert rows[full_path][1] == str(CUSTOMERS_PER_DEALER) and rows[short_path][1] == str(CUSTOMERS_PER_DEALER)
    assert office["paths-table"][0][-2] == "NPS"
    funnel = {row[0]: row for row in office["funnel-table"][1:]}
    # Every journey enquired long ago; dealer C's stopped at the test drive: half dropped there.
    assert funnel["Test drive"][1:6] == [str(2 * CUSTOMERS_PER_DEALER), "Order (deposit or repurchase)",
                                         str(CUSTOMERS_PER_DEALER), str(CUSTOMERS_PER_DEALER), "0"]
    assert funnel["Test drive"][6] == "50%"

    page = client_for(built, "dealer_principal").get(reverse("analytics:journeys")).content.decode()
    dealer = tables_of(page)
    # Its 80 journeys and the world's customer A, handed over today; none of dealer C's.
    assert [row[:2] for row in dealer["paths-table"][1:]] == [[full_path, str(CUSTOMERS_PER_DEALER)], ["Handover", "1"]]
    assert "NPS" not in dealer["paths-table"][0]
    assert "does not show scores to dealers" in page
    assert "experience-table" not in dealer
    transitions = {(row[0], row[1]): row for row in dealer["transitions-table"][1:]}
    assert transitions[("Test drive", "Deposit taken")][2:] == [str(CUSTOMERS_PER_DEALER), "15.0"]


def test_head_office_narrows_the_journeys_to_a_dealer_and_a_period(built):
    full_path = "Enquiry received → Test drive → Deposit taken → Handover"
    short_path = "Enquiry received → Test drive"
    client = client_for(built, "head_office")

    def paths(query: dict) -> dict[str, str]:
        page = client.get(reverse("analytics:journeys"), query).content.decode()
        return {row[0]: row[1] for row in tables_of(page)["paths-table"][1:]}

    only_c = paths({"dealer": built.dealer_c.code})
    assert only_c[short_path] == str(CUSTOMERS_PER_DEALER) and full_path not in only_c
    assert paths({"region": built.region1.code})[full_path] == str(CUSTOMERS_PER_DEALER)
    assert short_path not in paths({"region": built.region1.code})
    # The simulated journeys started about 560 days ago: not in the last twelve months.
    assert full_path not in paths({"months": "12"})
    # A dealer cannot look at another dealer through the address: its own scope holds.
    dealer = client_for(built, "dealer_principal").get(reverse("analytics:journeys"), {"dealer": built.dealer_c.code})
    assert short_path not in {row[0] for row in tables_of(dealer.content.decode())["paths-table"][1:]}


@pytest.mark.parametrize(("role", "shown"), [("head_office", True), ("region_manager", True),
                                             ("dealer_principal", False)])
def test_related_links_only_to_pages_the_viewer_can_open(built, role, shown):
    client = client_for(built, role)
    for url_name in URLS:
        page = client.get(reverse(url_name)).content.decode()
        assert (reverse("analytics:dashboard") in page) is shown
    advocacy = client.get(reverse("analytics:advocacy")).content.decode()
    assert reverse("analytics:moments_of_truth") in advocacy and reverse("analytics:journeys") in advocacy


def test_pages_draw_their_charts(built):
    page = client_for(built, "head_office").get(reverse("analytics:moments_of_truth")).content.decode()
    assert 'data-figure="figure-relationship"' in page and 'id="figure-relationship"' in page
    page = client_for(built, "head_office").get(reverse("analytics:journeys")).content.decode()
    assert 'id="sankey-data"' in page and 'id="funnel-data"' in page


def test_query_counts_are_pinned(built, django_assert_max_num_queries):
    client = client_for(built, "head_office")
    with django_assert_max_num_queries(20):
        client.get(reverse("analytics:moments_of_truth"))
    with django_assert_max_num_queries(16):
        client.get(reverse("analytics:journeys"))


def test_the_daily_sweep_computes_head_offices_reports_once_and_the_page_reads_them(
        built, django_assert_max_num_queries):
    """Head office's first view of the day is not the one that waits for the bootstrap: the sweep computed it."""
    from insidetrack.analytics.models import ReportSnapshot

    now = clock.now()
    assert selectors_drivers.reports_refresh(now=now) == 2
    assert selectors_drivers.reports_refresh(now=now) == 0
    assert ReportSnapshot.objects.count() == 2
    client = client_for(built, "head_office")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("analytics:moments_of_truth"))
    shown = {row[0] for row in tables_of(page.content.decode())["drivers-relationship"][1:]}
    assert shown == {"Handover", "Service visit"}
    # Tomorrow's run forgets reports older than three days and computes the new day's.
    assert selectors_drivers.reports_refresh(now=now + timedelta(days=4)) == 2
    assert ReportSnapshot.objects.count() == 2
