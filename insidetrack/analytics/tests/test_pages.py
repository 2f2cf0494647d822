"""Every page against every role: who gets in, and that what they see is their own slice."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from insidetrack.accounts.tests.factories import PASSWORD

STAFF = ["head_office", "region_manager", "dealer_principal", "dealer_staff", "other_dealer"]


def client_for(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        assert client.login(username=world.users[role].email, password=PASSWORD)
    return client


@pytest.mark.parametrize("role", [*STAFF, "owner", "anonymous"])
@pytest.mark.parametrize("url_name", ["analytics:home", "analytics:responses", "analytics:dealers", "customers:list",
                                      "journeys:map"])
def test_staff_pages_by_role(world, role, url_name):
    response = client_for(world, role).get(reverse(url_name))
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif role == "owner":
        assert response.status_code == 403
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role,landing", [("head_office", "analytics:home"), ("dealer_staff", "analytics:home"),
                                          ("owner", "portal:home")])
def test_each_role_lands_on_its_own_page(world, role, landing):
    response = client_for(world, role).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(landing)


def test_owner_portal_shows_only_their_own_things(world):
    client = client_for(world, "owner")
    page = client.get(reverse("portal:home")).content.decode()
    assert "CustomerA" in page and world.customers["a"].vehicles.get().vin in page
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
