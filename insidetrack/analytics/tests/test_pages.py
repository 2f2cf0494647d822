"""Every page against every role: who gets in, and that what they see is their own slice."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from insidetrack.core.tests.pages import client_for

STAFF = ["head_office", "region_manager", "dealer_principal", "dealer_staff", "other_dealer"]
DEALERS = ["dealer_principal", "dealer_staff", "other_dealer"]


@pytest.mark.parametrize("role", [*STAFF, "owner", "anonymous"])
@pytest.mark.parametrize("url_name", ["analytics:home", "analytics:responses", "analytics:dealers", "customers:list",
                                      "journey_map:map"])
def test_staff_pages_by_role(world, role, url_name):
    response = client_for(world, role).get(reverse(url_name))
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif role == "owner":
        assert response.status_code == 403
    elif url_name == "analytics:dealers" and role in DEALERS:
        assert response.status_code == 403  # nothing but NPS figures, and the brand hides scores from dealers
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role,landing", [("head_office", "analytics:home"), ("dealer_staff", "analytics:home"),
                                          ("owner", "portal:home")])
def test_each_role_lands_on_its_own_page(world, role, landing):
    response = client_for(world, role).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(landing)


def test_owner_portal_shows_only_their_own_things(world):
    client = client_for(world, "owner")
    assert "CustomerA" in client.get(reverse("portal:home")).content.decode()
    page = client.get(reverse("portal:vehicles")).content.decode()
    assert world.customers["a"].vehicles.get().vin in page
    assert world.customers["b"].vehicles.get().vin not in page
    assert client_for(world, "dealer_principal").get(reverse("portal:home")).status_code == 403


def test_dealer_customer_list_and_detail_are_scoped(world):
    client = client_for(world, "dealer_principal")
    listing = client.get(reverse("customers:list")).content.decode()
    assert "CustomerA" in listing and "CustomerB" not in listing and "CustomerC" not in listing
    assert client.get(reverse("customers:detail", args=[world.customers["a"].pk])).status_code == 200
    assert client.get(reverse("customers:detail", args=[world.customers["c"].pk])).status_code == 404


def test_landing_page_shows_real_numbers_with_margin(world):
    page = client_for(world, "region_manager").get(reverse("analytics:home")).content.decode()
    # Region 1 has dealer A (a 10) and dealer B (a 3): NPS 0 from two responses, flagged as too few to rank.
    assert "<strong>0</strong>" in page and "too few to rank" in page
    assert "Dealer A" in page and "Dealer B" in page and "Dealer C" not in page


def test_head_office_landing_breaks_down_by_region(world):
    page = client_for(world, "head_office").get(reverse("analytics:home")).content.decode()
    assert "North" in page and "South" in page
    assert "n=3" in page


def test_feedback_list_hides_other_dealers_verbatims(world):
    from insidetrack.surveys.models import Response

    Response.objects.filter(customer=world.customers["c"]).update(verbatim="Secret of dealer C")
    url = reverse("analytics:responses")
    assert "Secret of dealer C" not in client_for(world, "dealer_principal").get(url).content.decode()
    assert "Secret of dealer C" in client_for(world, "head_office").get(url).content.decode()


def test_language_switch_translates_the_shell(world):
    client = client_for(world, "head_office")
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    page = client.get(reverse("analytics:home")).content.decode()
    assert "Rücklaufquote" in page and 'lang="de"' in page
    assert "<td>Fahrzeugübergabe</td>" in page  # touchpoint names are data, shown in the viewer's language
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Taux de réponse" in client.get(reverse("analytics:home")).content.decode()


def test_landing_page_query_count_is_pinned(world, django_assert_max_num_queries):
    client = client_for(world, "head_office")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("analytics:home")).status_code == 200


# --------------------------------------------------------------------------------------------------------------------
# Scores hidden from dealers (the brand's policy, off by default): what a dealer sees instead


def metric(page: str, title: str) -> str:
    """The big figure of the landing page's card titled ``title``."""
    match = re.search(rf"<h2>{re.escape(title)}</h2>\s*<p class=\"big\"><strong>([^<]*)</strong>", page)
    assert match, f"no card {title!r}"
    return match.group(1)


def show_scores_to_dealers(world) -> None:
    type(world.brand).objects.filter(pk=world.brand.pk).update(dealers_see_scores=True)


@pytest.fixture
def dealer_work(world):
    """Dealer A's closed loop, one case per situation the landing page counts (times relative to now):

    1. the world's thank-you call, respond by in 10 hours: open, not due soon;
    2. respond by in 2 hours: due soon;
    3. respond by an hour ago, nobody called: overdue, and not answered on time;
    4. recovery case in progress, called within its deadline, resolve by 5 hours ago: overdue, answered on time;
    5. resolved, waiting for the follow-up survey, called on time: open but due nowhere;
    6. closed, first called after its deadline: not open, not on time.
    """
    from insidetrack.cases.models import Case
    from insidetrack.cases.policies import CaseKind, CaseStatus
    from insidetrack.cases.services import cases_open_for_responses
    from insidetrack.core import clock
    from insidetrack.surveys.tests.factories import ResponseFactory

    now = clock.now()
    existing = Case.objects.get(dealer=world.dealer_a)
    responses = [ResponseFactory(invitation__event__customer=world.customers["a"], score=score,
                                 verbatim=f"Verbatim {index}")
                 for index, score in enumerate((9, 8, 2, 4, 10), start=2)]
    cases = [existing, *cases_open_for_responses(response_pks=[r.pk for r in responses])]
    hour = timedelta(hours=1)
    situations = [
        {"respond_by": now + 10 * hour},
        {"respond_by": now + 2 * hour},
        {"respond_by": now - hour},
        {"status": CaseStatus.IN_PROGRESS, "respond_by": now - 20 * hour, "first_contact_at": now - 21 * hour,
         "resolve_by": now - 5 * hour},
        {"status": CaseStatus.RESOLVED, "respond_by": now - 20 * hour, "first_contact_at": now - 22 * hour,
         "resolve_by": now - 5 * hour},
        {"status": CaseStatus.CLOSED, "respond_by": now - 20 * hour, "first_contact_at": now - 2 * hour},
    ]
    for case, changes in zip(cases, situations, strict=True):
        Case.objects.filter(pk=case.pk).update(**changes)
    assert Case.objects.get(pk=cases[3].pk).kind == CaseKind.RECOVERY
    return cases


def test_dealer_landing_page_shows_the_work_to_do_and_no_score(world, dealer_work):
    page = client_for(world, "dealer_staff").get(reverse("analytics:home")).content.decode()
    assert metric(page, "Open cases") == "5"
    assert metric(page, "Due within 4 hours") == "1"
    assert metric(page, "Overdue") == "2"
    assert metric(page, "Answered on time") == "50%"
    assert "2 of 4 customers contacted by the deadline in this period" in page
    # Six invitations sent in the period, all answered; a dealer gets the rate, not the counts.
    assert metric(page, "Response rate") == "100%"
    assert "invitations sent" not in page
    assert f'href="{reverse("cases:inbox")}"' in page
    # The latest verbatims, without their scores; no NPS anywhere.
    assert "Verbatim 4" in page and "Lovely handover" in page
    assert "NPS" not in page and "Net Promoter" not in page and 'class="score' not in page
    assert "Dealer B" not in page


def test_dealer_landing_page_without_cases_says_nothing_is_due(world):
    from insidetrack.cases.models import Case

    Case.objects.all().delete()
    page = client_for(world, "dealer_principal").get(reverse("analytics:home")).content.decode()
    assert metric(page, "Open cases") == "0" and metric(page, "Overdue") == "0"
    assert metric(page, "Answered on time") == "—" and "No deadline has come due in this period yet." in page
    assert metric(page, "Response rate") == "too few"  # one invitation: a rate over it would single the customer out


def test_dealer_landing_page_shows_nps_when_head_office_allows_it(world, dealer_work):
    show_scores_to_dealers(world)
    page = client_for(world, "dealer_principal").get(reverse("analytics:home")).content.decode()
    assert "Net Promoter Score" in page
    # Dealer A: 9, 8, 2, 4, 10 and the world's 10: three promoters, two detractors of six.
    assert metric(page, "Open cases") == "5"
    assert re.search(r'<span class="nps"[^>]*><strong>\+17</strong>', page)
    assert 'class="score promoter">10</span>' in page


def test_head_office_and_region_landing_pages_keep_their_scores_and_get_no_case_cards(world):
    for role in ("head_office", "region_manager"):
        page = client_for(world, role).get(reverse("analytics:home")).content.decode()
        assert "Net Promoter Score" in page and 'class="score ' in page
        assert "Open cases" not in page


def test_follow_up_answers_do_not_count_in_the_nps(world):
    from insidetrack.surveys.models import Purpose
    from insidetrack.surveys.tests.factories import ResponseFactory

    ResponseFactory(invitation__event__customer=world.customers["b"], score=10, purpose=Purpose.FOLLOW_UP)
    page = client_for(world, "head_office").get(reverse("analytics:home")).content.decode()
    assert "n=3" in page  # the three journey answers; the follow-up verifies a case instead


def test_feedback_list_shows_dealers_verbatims_without_scores(world):
    url = reverse("analytics:responses")
    dealer = client_for(world, "dealer_principal").get(url, {"max_score": 5}).content.decode()
    assert "Lovely handover" in dealer and "1 response" in dealer  # a 10: the score filter is ignored, not applied
    assert 'class="score' not in dealer and "Score at most" not in dealer and ">Score<" not in dealer
    head_office = client_for(world, "head_office").get(url, {"max_score": 5}).content.decode()
    assert "2 responses" in head_office and 'class="score detractor">3</span>' in head_office
    assert "Score at most" in head_office


def test_feedback_list_shows_dealers_scores_when_head_office_allows_it(world):
    show_scores_to_dealers(world)
    client = client_for(world, "dealer_staff")
    page = client.get(reverse("analytics:responses")).content.decode()
    assert 'class="score promoter">10</span>' in page and "Score at most" in page
    assert "0 responses" in client.get(reverse("analytics:responses"), {"max_score": 5}).content.decode()


def test_dealers_page_is_for_those_who_see_scores(world):
    url = reverse("analytics:dealers")
    assert client_for(world, "dealer_principal").get(url).status_code == 403
    show_scores_to_dealers(world)
    page = client_for(world, "dealer_principal").get(url).content.decode()
    assert "Dealer A" in page and "Dealer B" not in page and "<strong>+100</strong>" in page


def test_customer_profile_shows_dealers_feedback_without_scores(world):
    url = reverse("customers:detail", args=[world.customers["a"].pk])
    dealer = client_for(world, "dealer_staff").get(url).content.decode()
    assert "Lovely handover" in dealer and 'class="score' not in dealer
    head_office = client_for(world, "head_office").get(url).content.decode()
    assert 'class="score promoter">10</span>' in head_office
    show_scores_to_dealers(world)
    assert 'class="score promoter">10</span>' in client_for(world, "dealer_staff").get(url).content.decode()


def test_dealer_landing_page_query_count_is_pinned(world, dealer_work, django_assert_max_num_queries):
    client = client_for(world, "dealer_staff")
    with django_assert_max_num_queries(9):
        assert client.get(reverse("analytics:home")).status_code == 200
