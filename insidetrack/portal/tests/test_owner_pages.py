"""The owner's own pages under /my/: who may open them, what they show (only the owner's own data), answering an
event invitation through journeys' RSVP service, and setting preferences and consents through customers' service."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from insidetrack.accounts.models import User
from insidetrack.core.actor import Actor
from insidetrack.core.errors import NotFound, PermissionDenied, ValidationFailed
from insidetrack.core.tests.pages import client_for
from insidetrack.customers import services as customer_services
from insidetrack.customers.models import Customer, Ownership
from insidetrack.customers.tests.factories import relationship_rows_for
from insidetrack.journeys import services_events
from insidetrack.journeys.models import EventInvitation
from insidetrack.surveys.tests.factories import InvitationFactory, OperationalEventFactory
from insidetrack.surveys.tokens import new_nonce

ROLES = ["head_office", "region_manager", "dealer_principal", "dealer_staff", "other_dealer", "owner", "anonymous"]
PAGES = ["portal:home", "portal:vehicles", "portal:dealer", "portal:surveys", "portal:events", "portal:preferences"]


@pytest.fixture
def portal(world):
    """Customer A (the owner's) and customer B each get a car with a plan and a check-in, an open survey and an
    invitation to an upcoming event; B's must never show on A's pages."""
    now = timezone.now()
    details = {"a": ("AA11 AAA", "Open survey A", "Track day for A"), "b": ("BB22 BBB", "Open survey B",
                                                                           "Track day for B")}
    for key, (registration, _survey, title) in details.items():
        customer = world.customers[key]
        Ownership.objects.filter(customer=customer).update(started_on=dt.date(2026, 10, 1))
        customer.vehicles.update(registration=registration, model=f"Model {key.upper()}")
        relationship_rows_for(customer)
        InvitationFactory(event=OperationalEventFactory(customer=customer), token_nonce=new_nonce(),
                          expires_at=now + dt.timedelta(days=10))
        event = services_events.event_create(actor=Actor.system(), data=services_events.EventInput(
            dealer_id=customer.dealer_id, kind="experience_day", title=title,
            starts_at=now + dt.timedelta(days=20), ends_at=now + dt.timedelta(days=20, hours=6),
            place="Circuit de Spa", capacity=2))
        services_events.event_invite(actor=Actor.system(), event_pk=event.pk, customer_pks=[customer.pk])
    world.customers["a"].responses.update(verbatim="Superb handover by Dealer A")
    world.customers["b"].responses.update(verbatim="Words of customer B")
    return world


# --------------------------------------------------------------------------------------------------------------------
# Who may open the pages


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_only_owners_open_their_pages(portal, role, name):
    response = client_for(portal, role).get(reverse(name))
    if role == "owner":
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", [r for r in ROLES if r != "owner"])
def test_nobody_else_answers_or_changes_an_owners_things(portal, role):
    client = client_for(portal, role)
    invitation = EventInvitation.objects.get(customer=portal.customers["a"])
    answered = client.post(reverse("portal:events"), {"invitation": invitation.pk, "answer": "accept"})
    changed = client.post(reverse("portal:preferences"), {"language": "fr", "consent_marketing": "on"})
    assert answered.status_code == changed.status_code == (302 if role == "anonymous" else 403)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.responded_at) == ("invited", None)
    customer = Customer.objects.get(pk=portal.customers["a"].pk)
    assert (customer.language, customer.consent_marketing, customer.consent_updated_at) == ("en", False, None)


# --------------------------------------------------------------------------------------------------------------------
# What the owner sees: their own, never another customer's


def test_the_overview_links_every_page_and_counts_what_waits(portal):
    body = client_for(portal, "owner").get(reverse("portal:home")).content.decode()
    for name in PAGES[1:]:
        assert f'href="{reverse(name)}"' in body
    assert "Model A" in body and "AA11 AAA" in body and "Model B" not in body
    assert "1 survey is waiting for your answer." in body
    assert "1 invitation is waiting for your answer." in body


def test_my_vehicles_shows_the_car_plan_and_calls(portal):
    body = client_for(portal, "owner").get(reverse("portal:vehicles")).content.decode()
    vehicle = portal.customers["a"].vehicles.get()
    assert "Model A" in body and "AA11 AAA" in body and vehicle.vin in body
    assert "1 October 2026" in body  # yours since
    assert "Dealer A" in body  # sold by
    assert "1 of 2 steps ready" in body
    assert "One week after handover" in body and "around 8 October 2026" in body
    other = portal.customers["b"].vehicles.get()
    assert "Model B" not in body and "BB22 BBB" not in body and other.vin not in body


@pytest.mark.parametrize(("language", "since", "call"), [
    ("en", "1 October 2026", "8 October 2026"), ("de", "1. Oktober 2026", "8. Oktober 2026"),
    ("fr", "1 octobre 2026", "8 octobre 2026")])
def test_dates_read_as_the_owners_language_writes_them(portal, language, since, call):
    """Day month year in English (not "Oct. 1, 2026"), a full stop after the day in German."""
    client = client_for(portal, "owner")
    client.cookies["django_language"] = language
    body = client.get(reverse("portal:vehicles")).content.decode()
    assert since in body and call in body


def test_my_dealer_shows_the_dealer_and_hours(portal):
    body = client_for(portal, "owner").get(reverse("portal:dealer")).content.decode()
    assert "Dealer A" in body and "Dealer B" not in body
    assert "Monday" in body and "Opening hours" in body


def test_my_surveys_lists_my_answers_and_my_open_invitation_with_its_link(portal):
    body = client_for(portal, "owner").get(reverse("portal:surveys")).content.decode()
    assert "Superb handover by Dealer A" in body and "Words of customer B" not in body
    assert '<span class="score promoter"' in body and ">10</span>" in body
    open_a = portal.customers["a"].invitations.get(status="sent", answered_at__isnull=True)
    from insidetrack.surveys.tokens import read_token

    # The signed token carries the second it was made, so the link is read back rather than rebuilt.
    (token,) = re.findall(r'href="/s/([^"/]+)/"', body)  # B's open survey is not offered
    assert read_token(token) == (open_a.pk, open_a.token_nonce)


def test_answered_or_expired_surveys_are_not_offered(portal):
    portal.customers["a"].invitations.filter(status="sent").update(expires_at=timezone.now() - dt.timedelta(hours=1))
    body = client_for(portal, "owner").get(reverse("portal:surveys")).content.decode()
    assert 'href="/s/' not in body and "No survey is waiting for you." in body


def test_my_events_lists_only_my_invitations(portal):
    body = client_for(portal, "owner").get(reverse("portal:events")).content.decode()
    assert "Track day for A" in body and "Track day for B" not in body
    assert "Yes, I will come" in body


# --------------------------------------------------------------------------------------------------------------------
# Answering an event from the portal (journeys' RSVP service)


def test_an_owner_accepts_an_event_from_the_portal(portal):
    client = client_for(portal, "owner")
    invitation = EventInvitation.objects.get(customer=portal.customers["a"])
    response = client.post(reverse("portal:events"), {"invitation": invitation.pk, "answer": "accept"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.responded_at is not None and invitation.token_nonce == ""
    page = client.get(reverse("portal:events")).content.decode()
    assert "You are coming to Track day for A: see you there." in page
    assert "Yes, I will come" not in page  # answered: no buttons any more
    # The e-mail's links were the same single-use answer: they are spent too.
    again = client.post(reverse("portal:events"), {"invitation": invitation.pk, "answer": "decline"})
    assert again.status_code == 409
    assert "You have answered this invitation already" in again.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


def test_an_owner_declines_from_the_portal(portal):
    client = client_for(portal, "owner")
    invitation = EventInvitation.objects.get(customer=portal.customers["a"])
    client.post(reverse("portal:events"), {"invitation": invitation.pk, "answer": "decline"})
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    page = client.get(reverse("portal:events")).content.decode()
    assert "Thank you for letting us know you cannot come to Track day for A." in page
    assert "You are not coming" in page


def test_a_full_event_puts_an_acceptance_on_the_waiting_list(portal):
    from insidetrack.customers.tests.factories import CustomerFactory
    from insidetrack.journeys.models import ExperienceEvent

    client = client_for(portal, "owner")
    invitation = EventInvitation.objects.get(customer=portal.customers["a"])
    guest = CustomerFactory(dealer=portal.dealer_a, brand=portal.brand)
    services_events.event_invite(actor=Actor.system(), event_pk=invitation.event_id, customer_pks=[guest.pk])
    EventInvitation.objects.filter(customer=guest).update(status="accepted")
    ExperienceEvent.objects.filter(pk=invitation.event_id).update(capacity=1)
    client.post(reverse("portal:events"), {"invitation": invitation.pk, "answer": "accept"})
    invitation.refresh_from_db()
    assert invitation.status == "waitlisted"
    assert "Track day for A is full: you are on the waiting list." in client.get(
        reverse("portal:events")).content.decode()


def test_an_owner_cannot_answer_another_customers_invitation(portal):
    client = client_for(portal, "owner")
    other = EventInvitation.objects.get(customer=portal.customers["b"])
    response = client.post(reverse("portal:events"), {"invitation": other.pk, "answer": "accept"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert (other.status, other.responded_at) == ("invited", None)


def test_a_closed_event_cannot_be_answered(portal):
    client = client_for(portal, "owner")
    invitation = EventInvitation.objects.get(customer=portal.customers["a"])
    services_events.event_cancel(actor=Actor.system(), event_pk=invitation.event_id)
    response = client.post(reverse("portal:events"), {"invitation": invitation.pk, "answer": "accept"})
    assert response.status_code == 409
    assert "Answers to this invitation are closed" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "invited"


def test_a_bad_answer_is_refused(portal):
    client = client_for(portal, "owner")
    invitation = EventInvitation.objects.get(customer=portal.customers["a"])
    response = client.post(reverse("portal:events"), {"invitation": invitation.pk, "answer": "maybe"})
    assert response.status_code == 422 and "Choose whether you will come." in response.content.decode()


# --------------------------------------------------------------------------------------------------------------------
# Preferences and consents (customers' service)

PREFERENCES = {"language": "de", "consent_surveys": "on", "consent_connected_car": "on", "household": "family",
               "usage": ["weekend", "family"], "interests": "Golf,  sailing , golf", "handover_preference": "ceremony"}


def test_an_owner_sets_preferences_and_consents(portal):
    client = client_for(portal, "owner")
    response = client.post(reverse("portal:preferences"), PREFERENCES)
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "de"
    customer = Customer.objects.get(pk=portal.customers["a"].pk)
    assert (customer.language, customer.consent_surveys, customer.consent_marketing, customer.consent_connected_car,
            customer.household, customer.usage, customer.interests, customer.handover_preference) == (
        "de", True, False, True, "family", ["family", "weekend"], ["golf", "sailing"], "ceremony")
    assert customer.consent_updated_at is not None
    assert User.objects.get(pk=portal.users["owner"].pk).preferred_language == "de"
    page = client.get(reverse("portal:preferences")).content.decode()
    assert 'value="golf, sailing"' in page and '<html lang="de">' in page


def test_consent_date_moves_only_when_a_consent_changes(portal):
    actor = portal.actors["owner"]
    customer = portal.customers["a"]
    first = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
    base = {"actor": actor, "customer_pk": customer.pk, "consent_surveys": True, "consent_marketing": True,
            "consent_connected_car": False, "household": "", "usage": [], "interests": [],
            "handover_preference": ""}
    customer_services.customer_preferences_update(language="en", now=first, **base)
    customer_services.customer_preferences_update(language="fr", now=first + dt.timedelta(days=3), **base)
    customer.refresh_from_db()
    assert (customer.language, customer.consent_marketing, customer.consent_updated_at) == ("fr", True, first)


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"language": "es"}, "language", "Choose English, German or French."),
    ({"household": "commune"}, "household", "Choose your household from the list."),
    ({"usage": ["racing"]}, "usage", "Choose how you use your car from the list."),
    ({"interests": ["x" * 41]}, "interests", "List up to 10 interests of at most 40 characters each."),
    ({"handover_preference": "drone"}, "handover_preference",
     "Choose how you like to take delivery from the list."),
])
def test_bad_preferences_are_refused_and_nothing_is_written(portal, change, field, message):
    customer = portal.customers["a"]
    values = {"actor": portal.actors["owner"], "customer_pk": customer.pk, "language": "de", "consent_surveys": False,
              "consent_marketing": True, "consent_connected_car": True, "household": "single", "usage": ["track"],
              "interests": ["golf"], "handover_preference": "quick", **change}
    # An earlier page request may have left another language active in this thread: the message is read in English.
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        customer_services.customer_preferences_update(**values)
    with translation.override("en"):
        assert (error.value.field, str(error.value.message)) == (field, message)
    customer.refresh_from_db()
    assert (customer.language, customer.consent_surveys, customer.consent_marketing, customer.household) == (
        "en", True, False, "")


def test_only_the_owner_changes_their_preferences(portal):
    values = {"language": "de", "consent_surveys": True, "consent_marketing": True, "consent_connected_car": True,
              "household": "", "usage": [], "interests": [], "handover_preference": ""}
    with pytest.raises(PermissionDenied):
        customer_services.customer_preferences_update(actor=portal.actors["dealer_principal"],
                                                      customer_pk=portal.customers["a"].pk, **values)
    with pytest.raises(NotFound):
        customer_services.customer_preferences_update(actor=portal.actors["owner"],
                                                      customer_pk=portal.customers["b"].pk, **values)
    assert Customer.objects.filter(consent_marketing=True).count() == 0


def test_a_form_error_keeps_what_was_typed(portal):
    client = client_for(portal, "owner")
    response = client.post(reverse("portal:preferences"), {**PREFERENCES, "language": "xx"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Select a valid choice. xx is not one of the available choices." in body
    assert 'value="Golf,  sailing , golf"' in body
    assert Customer.objects.get(pk=portal.customers["a"].pk).language == "en"


def test_preferences_show_my_recent_sign_ins_only(portal):
    from insidetrack.accounts.models import SignInEvent

    SignInEvent.objects.create(customer=portal.customers["a"], kind="link_used",
                               at=dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC))
    SignInEvent.objects.create(customer=portal.customers["b"], kind="link_requested",
                               at=dt.datetime(2026, 11, 21, 8, 30, tzinfo=dt.UTC))
    body = client_for(portal, "owner").get(reverse("portal:preferences")).content.decode()
    assert "Signed in with a link" in body and "20 November 2026, 08:30" in body
    assert "Sign-in link requested" not in body and "21 November 2026" not in body
