"""Shared fixtures: a small two-region network with one customer per dealer and every role's actor."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from insidetrack.core.actor import Actor


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Real hashing costs ~0.3 s per user; tests check who may do what, not the strength of the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    """Two regions; dealers A and B in region 1, dealer C in region 2; one customer with full history at each."""

    brand: object
    region1: object
    region2: object
    dealer_a: object
    dealer_b: object
    dealer_c: object
    customers: dict
    users: dict
    actors: dict


@pytest.fixture
def world(db) -> World:
    from insidetrack.accounts.models import Membership
    from insidetrack.accounts.selectors import actor_from_membership
    from insidetrack.accounts.tests.factories import UserFactory
    from insidetrack.core.roles import Role
    from insidetrack.customers.models import Referral
    from insidetrack.customers.tests.factories import CustomerFactory, OwnershipFactory, VehicleFactory
    from insidetrack.journeys.services import brand_setup
    from insidetrack.network.tests.factories import DealerFactory, RegionFactory
    from insidetrack.surveys.models import InvitationEvent
    from insidetrack.surveys.tests.factories import ResponseFactory

    brand = brand_setup(name="Aurelia Motors")
    region1 = RegionFactory(brand=brand, name="North")
    region2 = RegionFactory(brand=brand, name="South")
    dealer_a = DealerFactory(region=region1, name="Dealer A")
    dealer_b = DealerFactory(region=region1, name="Dealer B")
    dealer_c = DealerFactory(region=region2, name="Dealer C")
    customers = {}
    for key, dealer in (("a", dealer_a), ("b", dealer_b), ("c", dealer_c)):
        customer = CustomerFactory(dealer=dealer, brand=brand, first_name=f"Customer{key.upper()}")
        OwnershipFactory(vehicle=VehicleFactory(current_owner=customer))
        response = ResponseFactory(invitation__event__customer=customer, score=10 if key == "a" else 3)
        InvitationEvent.objects.create(invitation=response.invitation, kind="sent", at=response.invitation.sent_at)
        customers[key] = customer
        Referral.objects.create(brand=brand, dealer=dealer, referrer=customer, referred_name=f"Friend of {key.upper()}",
                                referred_email=f"friend.{key}@example.org", enquired_at=response.submitted_at,
                                recorded_at=response.submitted_at)

    # Each response's closed-loop work (a case, its opening event) and a goodwill gesture, so every scoped model
    # of the closed loop has one row per customer too.
    from insidetrack.cases.models import Goodwill
    from insidetrack.cases.services import cases_open_for_responses
    from insidetrack.surveys.models import Response

    for case in cases_open_for_responses(response_pks=Response.objects.values_list("pk", flat=True)):
        Goodwill.objects.create(case=case, description="Valet", amount=50, status="approved",
                                requested_at=case.opened_at)

    # The text analysis of each response and a head-office label of it, so the verbatim models are walked too.
    from insidetrack.verbatims.models import VerbatimAnalysis, VerbatimLabel

    for response in Response.objects.all():
        VerbatimAnalysis.objects.create(
            response=response, brand_id=response.brand_id, dealer_id=response.dealer_id,
            touchpoint_id=response.touchpoint_id, submitted_at=response.submitted_at, language=response.language,
            sentiment="positive" if response.score >= 9 else "negative", analysed_at=response.submitted_at)
        VerbatimLabel.objects.create(response=response, brand_id=response.brand_id, dealer_id=response.dealer_id,
                                     sentiment="neutral", labelled_at=response.submitted_at)

    def member(key: str, role: Role, **scope) -> Actor:
        user = UserFactory(email=f"{key}@example.com")
        membership = Membership.objects.create(user=user, role=role, brand=brand, **scope)
        users[key] = user
        return actor_from_membership(membership)

    users: dict = {}
    actors = {
        "head_office": member("head_office", Role.HEAD_OFFICE),
        "region_manager": member("region_manager", Role.REGION_MANAGER, region=region1),
        "dealer_principal": member("dealer_principal", Role.DEALER_PRINCIPAL, dealer=dealer_a),
        "dealer_staff": member("dealer_staff", Role.DEALER_STAFF, dealer=dealer_a, department="service"),
        "other_dealer": member("other_dealer", Role.DEALER_PRINCIPAL, dealer=dealer_c),
        "owner": member("owner", Role.OWNER, customer=customers["a"]),
        "anonymous": Actor.anonymous(),
    }
    return World(brand, region1, region2, dealer_a, dealer_b, dealer_c, customers, users, actors)
