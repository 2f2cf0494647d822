"""An owner refers a friend from the portal: the referral is theirs, a lead for their dealer, and shown back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insidetrack.core.tests.pages import client_for
from insidetrack.customers.models import Referral

FRIEND = {"referred_name": "Robin Hale", "referred_email": "robin@example.org", "friend_consents": "on"}


def test_an_owner_refers_a_friend_and_sees_them_listed(world):
    client = client_for(world, "owner")
    response = client.post(reverse("portal:refer"), FRIEND)
    assert response.status_code == 302
    referral = Referral.objects.get(referred_name="Robin Hale")
    assert (referral.referrer_id, referral.dealer_id, referral.source, referral.status, referral.friend_consents) == (
        world.customers["a"].pk, world.dealer_a.pk, "portal", "enquired", True)
    assert referral.recorded_by_id == world.users["owner"].pk
    home = client.get(reverse("portal:home")).content.decode()
    assert "Robin Hale" in home and "Your dealer will get in touch with Robin Hale" in home


def test_without_the_friends_agreement_or_a_contact_nothing_is_recorded(world):
    client = client_for(world, "owner")
    no_consent = client.post(reverse("portal:refer"), {**FRIEND, "friend_consents": ""})
    assert no_consent.status_code == 422
    assert "Only record a friend who agreed to be contacted." in no_consent.content.decode()
    no_contact = client.post(reverse("portal:refer"), {**FRIEND, "referred_email": ""})
    assert no_contact.status_code == 422
    assert "Give the friend&#x27;s e-mail or phone" in no_contact.content.decode()
    assert not Referral.objects.filter(referred_name="Robin Hale").exists()


@pytest.mark.parametrize(("role", "status"), [("dealer_staff", 403), ("head_office", 403), ("anonymous", 302)])
def test_only_owners_use_the_portal_form(world, role, status):
    assert client_for(world, role).post(reverse("portal:refer"), FRIEND).status_code == status
    assert not Referral.objects.filter(referred_name="Robin Hale").exists()
