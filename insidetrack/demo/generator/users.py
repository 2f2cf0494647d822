"""The demo sign-ins: one person per role, all on the same honest dealer so the story holds together."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q

from insidetrack.accounts.models import Membership, User
from insidetrack.core.roles import Role
from insidetrack.customers.models import Customer, DealType
from insidetrack.demo.models import PlantedScheme
from insidetrack.network.models import Brand, Dealer, Department
from insidetrack.surveys.models import Purpose

from . import catalogue

DEMO_PASSWORD = "insidetrack"
DEMO_DOMAIN = "insidetrack.demo"


@dataclass(frozen=True, slots=True)
class DemoSignIn:
    """A sign-in printed by ``insidetrack demo``."""

    role: str
    email: str
    password: str
    name: str
    scope: str


def demo_dealer(brand: Brand) -> Dealer:
    """The dealer the dealer-level sign-ins belong to: the catalogue's demo dealer, else a mid-sized honest one."""
    dealer = Dealer.objects.filter(brand=brand, code=catalogue.DEMO_DEALER_CODE).first()
    if dealer is not None:
        return dealer
    gaming = PlantedScheme.objects.values("dealer_id")
    candidates = list(Dealer.objects.filter(brand=brand).exclude(pk__in=gaming)
                      .annotate(customer_count=Count("customers")).order_by("customer_count", "code"))
    if not candidates:
        raise LookupError("no dealer to attach the demo sign-ins to; generate the demo world first")
    return candidates[(len(candidates) * 2) // 3]


def demo_owner(dealer: Dealer) -> Customer:
    """A retail customer of the dealer who owns a car and has answered several surveys (for the owner portal)."""
    existing = Customer.objects.filter(dealer=dealer, email=f"owner@{DEMO_DOMAIN}").first()
    if existing is not None:
        return existing
    # Journey surveys only: a follow-up answer (did we put it right?) is not another visit to show in the portal.
    surveys = Q(responses__purpose=Purpose.SURVEY)
    candidates = (Customer.objects.filter(dealer=dealer, deal_type=DealType.RETAIL, consent_surveys=True,
                                          erased_at__isnull=True, vehicles__isnull=False)
                  .annotate(answered=Count("responses", filter=surveys, distinct=True))
                  .filter(answered__gte=3).order_by("-answered", "pk"))
    customer = candidates.first()
    if customer is None:
        customer = (Customer.objects.filter(dealer=dealer, vehicles__isnull=False)
                    .annotate(answered=Count("responses", filter=surveys, distinct=True))
                    .order_by("-answered", "pk").first())
    if customer is None:
        raise LookupError(f"dealer {dealer.code} has no customer with a vehicle")
    return customer


@transaction.atomic
def create_demo_users(brand: Brand) -> list[DemoSignIn]:
    """Create or refresh the five demo sign-ins (password ``insidetrack``); safe to run again after a reset.

    Head office is also staff and superuser so that it can edit the journey in the admin. The owner's customer
    record takes the demo address, so the owner portal shows that customer's cars and answers.
    """
    dealer = demo_dealer(brand)
    region = dealer.region
    owner = demo_owner(dealer)
    if owner.email != f"owner@{DEMO_DOMAIN}":
        Customer.objects.filter(pk=owner.pk).update(email=f"owner@{DEMO_DOMAIN}")
    people = [
        ("hq", "Helen", "Quarry", Role.HEAD_OFFICE, {}, "the whole network, plus the admin"),
        ("region", "Robert", "Ainsley", Role.REGION_MANAGER, {"region": region}, region.name),
        ("principal", "Priya", "Chandra", Role.DEALER_PRINCIPAL, {"dealer": dealer}, dealer.name),
        ("service", "Sam", "Okafor", Role.DEALER_STAFF, {"dealer": dealer, "department": Department.SERVICE},
         f"{dealer.name}, service"),
        ("owner", owner.first_name, owner.last_name, Role.OWNER, {"customer": owner},
         f"{owner.first_name} {owner.last_name}, customer of {dealer.name}"),
    ]
    sign_ins = []
    for local, first, last, role, scope, description in people:
        email = f"{local}@{DEMO_DOMAIN}"
        user = User.objects.filter(username=email).first() or User(username=email)
        user.email = email
        user.first_name, user.last_name = first, last
        user.is_active = True
        user.is_staff = user.is_superuser = role == Role.HEAD_OFFICE
        user.preferred_language = dealer.language if role != Role.HEAD_OFFICE else "en"
        user.set_password(DEMO_PASSWORD)
        user.save()
        wanted = {"role": role, "brand": brand, "region": scope.get("region"), "dealer": scope.get("dealer"),
                  "customer": scope.get("customer"), "department": scope.get("department", "")}
        Membership.objects.filter(user=user).exclude(
            Q(role=role) & Q(brand=brand) & Q(region=wanted["region"]) & Q(dealer=wanted["dealer"])
            & Q(customer=wanted["customer"])).delete()
        membership = Membership.objects.filter(user=user, role=role, brand=brand, region=wanted["region"],
                                               dealer=wanted["dealer"], customer=wanted["customer"]).first()
        if membership is None:
            Membership.objects.create(user=user, **wanted)
        else:
            membership.department = wanted["department"]
            membership.is_active = True
            membership.save(update_fields=["department", "is_active"])
        sign_ins.append(DemoSignIn(role=str(Role(role).label), email=email, password=DEMO_PASSWORD,
                                   name=f"{first} {last}", scope=description))
    return sign_ins
