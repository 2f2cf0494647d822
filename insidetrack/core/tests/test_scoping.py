"""Every model holding customer data, read by every role, through the one scoping entry point."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from insidetrack.core.actor import Actor
from insidetrack.core.errors import NotFound
from insidetrack.core.scoping import ScopedModel, scoped_models
from insidetrack.customers.models import Customer

# Which customers' rows each role must see (keys of World.customers): the whole truth table in one place.
EXPECTED = {
    "head_office": {"a", "b", "c"},
    "region_manager": {"a", "b"},
    "dealer_principal": {"a"},
    "dealer_staff": {"a"},
    "other_dealer": {"c"},
    "owner": {"a"},
    "anonymous": set(),
}


@pytest.fixture(autouse=True)
def _experience_event_rows(request):
    """An experience event at each of the world's dealers with its customer invited (journeys' event data)."""
    import datetime as dt

    if "world" not in request.fixturenames:
        return
    world = request.getfixturevalue("world")

    from insidetrack.journeys.models import EventInvitation, ExperienceEvent

    when = dt.datetime(2026, 7, 4, 9, tzinfo=dt.UTC)
    for key, dealer in (("a", world.dealer_a), ("b", world.dealer_b), ("c", world.dealer_c)):
        event = ExperienceEvent.objects.create(brand=world.brand, dealer=dealer, title=f"Track day {key}",
                                               starts_at=when, ends_at=when + dt.timedelta(hours=8), place="Circuit",
                                               capacity=10, created_at=when)
        EventInvitation.objects.create(event=event, customer=world.customers[key], invited_at=when)


SCOPED = sorted(scoped_models(), key=lambda m: m._meta.label)
# Models that hold no customer's rows (aggregates such as rollups) are scoped by dealer only: checked below with a
# dealer truth table instead of the customer one.
CUSTOMER_SCOPED = [m for m in SCOPED if m.scope.customer is not None and m.scope.dealer is not None]
# Between the person and the brand (personal-data requests): head office and the owner, no region or dealer.
PERSON_AND_BRAND = [m for m in SCOPED if m.scope.customer is not None and m.scope.dealer is None]
DEALER_ONLY = [m for m in SCOPED if m.scope.customer is None and m.scope.dealer is not None]
# Head-office data (benchmarks a brand entered): no region, dealer or owner reads them.
BRAND_ONLY = [m for m in SCOPED if m.scope.customer is None and m.scope.dealer is None]


@pytest.fixture
def world(db, world):
    """The shared world plus each customer's handover plan, checklist items and a check-in."""
    from insidetrack.customers.tests.factories import relationship_rows_for

    for customer in world.customers.values():
        relationship_rows_for(customer)
    # Each customer's sign-in audit row (accounts: owners' one-time links).
    from insidetrack.accounts.models import SignInEvent

    for customer in world.customers.values():
        SignInEvent.objects.create(customer=customer, kind="link_requested", at=customer.created_at)
    # Each customer's request for a copy of their data, with its audit event (privacy).
    from insidetrack.privacy.services import privacy_request_create

    for customer in world.customers.values():
        privacy_request_create(actor=Actor.system(), kind="export", customer_pk=customer.pk)
    # A message and a photo on each customer's case (cases: the owner's issues).
    from insidetrack.cases.models import Case, CaseMessage, CasePhoto

    for case in Case.objects.filter(customer__in=world.customers.values()):
        CaseMessage.objects.create(case=case, from_owner=True, text="Any news?", at=case.opened_at)
        CasePhoto.objects.create(case=case, file=f"issues/{case.pk}/scoping.jpg", content_type="image/jpeg",
                                 width=1, height=1, size=1, uploaded_at=case.opened_at)
    # A reading from each customer's car, the rule it tripped, the notification and the owner's choices
    # (connected car).
    from insidetrack.connected.models import (
        DataProvider,
        Notification,
        NotificationPreference,
        Rule,
        RuleMatch,
        TelemetryEvent,
    )

    provider = DataProvider.objects.create(brand=world.brand, name="Scoping", prefix="ct_scoping",
                                           token_hash="0" * 64, created_at=world.brand.created_at)
    rule = Rule.objects.create(brand=world.brand, name="Scoping", condition="service_days", threshold=14,
                               title="Book a service", message="Due in {days} days.")
    for key, customer in world.customers.items():
        vehicle = customer.vehicles.first()
        reading = TelemetryEvent.objects.create(
            provider=provider, provider_event_id=f"scoping-{key}", brand=world.brand, dealer=customer.dealer,
            customer=customer, vehicle=vehicle, kind="service_due", occurred_at=customer.created_at,
            received_at=customer.created_at, payload={"days": 3})
        notification = Notification.objects.create(
            brand=world.brand, dealer=customer.dealer, customer=customer, vehicle=vehicle, rule=rule, event=reading,
            kind="alert", title="Book a service", body="Due in 3 days.", created_at=customer.created_at)
        RuleMatch.objects.create(event=reading, rule=rule, vehicle=vehicle, at=customer.created_at,
                                 outcome="notified", notification=notification)
        NotificationPreference.objects.create(customer=customer)
    return world


def _customer_of(row: models.Model) -> Customer:
    """Follow the model's declared customer path from a row back to its customer."""
    path = type(row).scope.customer
    if path == "pk":
        return row
    value = row
    for part in path.removesuffix("_id").split("__"):
        value = getattr(value, part)
    return value


def test_the_scoped_models_are_the_customer_data_models():
    labels = {m._meta.label for m in SCOPED}
    assert labels >= {"customers.Customer", "customers.Vehicle", "customers.Ownership", "customers.Referral",
                      "customers.HandoverPlan", "customers.HandoverChecklistItem", "customers.CheckIn",
                      "surveys.OperationalEvent", "surveys.Invitation", "surveys.Response"}


def test_every_model_that_points_at_a_customer_is_scoped():
    """A new model with a customer foreign key must join the scoping entry point, or this test fails."""
    unscoped = [
        m._meta.label for m in apps.get_models()
        if m.__module__.startswith("insidetrack.") and not issubclass(m, ScopedModel)
        and any(isinstance(f, models.ForeignKey) and f.related_model is Customer for f in m._meta.fields)
    ]
    # A membership links a login to a customer; it is account data read only by the accounts app itself.
    assert unscoped == ["accounts.Membership"]


@pytest.mark.parametrize("model", CUSTOMER_SCOPED, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_exactly_its_customers_rows(world, model, role):
    actor = world.actors[role]
    visible = list(model.objects.visible_to(actor))
    seen = {key for key, customer in world.customers.items()
            if any(_customer_of(row).pk == customer.pk for row in visible)}
    assert seen == EXPECTED[role]
    # Nothing outside the actor's customers leaks in through other rows either.
    allowed = {world.customers[k].pk for k in EXPECTED[role]}
    assert all(_customer_of(row).pk in allowed for row in visible)


@pytest.mark.parametrize("model", CUSTOMER_SCOPED, ids=lambda m: m._meta.label)
def test_a_dealer_never_sees_another_dealers_customers(world, model):
    other_rows = model.objects.visible_to(world.actors["dealer_principal"])
    assert not [r for r in other_rows if _customer_of(r).dealer_id != world.dealer_a.pk]
    everything = model.objects.visible_to(Actor.system())
    row_of_c = next(r for r in everything if _customer_of(r).pk == world.customers["c"].pk)
    with pytest.raises(NotFound):
        model.objects.get_visible(world.actors["dealer_principal"], pk=row_of_c.pk)


@pytest.mark.parametrize("model", PERSON_AND_BRAND, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_a_persons_requests_are_read_by_head_office_and_the_person_only(world, model, role):
    visible = list(model.objects.visible_to(world.actors[role]))
    seen = {key for key, customer in world.customers.items()
            if any(_customer_of(row).pk == customer.pk for row in visible)}
    assert seen == {"head_office": {"a", "b", "c"}, "owner": {"a"}}.get(role, set())


def test_a_role_without_a_scope_value_sees_nothing(world):
    from insidetrack.core.roles import Role

    half_built = Actor(role=Role.DEALER_STAFF, dealer_id=None)
    assert not Customer.objects.visible_to(half_built).exists()


# Which dealers' rows each role must see in a model without customer rows (keys of the world's dealers).
EXPECTED_DEALERS = {
    "head_office": {"a", "b", "c"},
    "region_manager": {"a", "b"},
    "dealer_principal": {"a"},
    "dealer_staff": {"a"},
    "other_dealer": {"c"},
    "owner": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("model", DEALER_ONLY, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("role", list(EXPECTED_DEALERS))
def test_each_role_sees_exactly_its_dealers_rows_of_aggregates(world, model, role):
    from insidetrack.analytics.rollups import rollups_rebuild

    rollups_rebuild()
    dealers = {"a": world.dealer_a.pk, "b": world.dealer_b.pk, "c": world.dealer_c.pk}
    assert {row.dealer_id for row in model.objects.visible_to(Actor.system())} == set(dealers.values())
    seen = {key for key, pk in dealers.items() if model.objects.visible_to(world.actors[role]).filter(
        dealer_id=pk).exists()}
    assert seen == EXPECTED_DEALERS[role]


def _brand_row(model: type[ScopedModel], brand) -> models.Model:
    """One row of a head-office-only model belonging to ``brand``."""
    import datetime as dt

    from insidetrack.integrity.models import Alert
    from insidetrack.network.tests.factories import DealerFactory
    from insidetrack.surveys.tests.factories import ResponseFactory

    when = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)

    def alert() -> Alert:
        return Alert.objects.create(brand=brand, dealer=DealerFactory(region__brand=brand), period="2026Q3",
                                    period_start=dt.date(2026, 7, 1), opened_at=when, risk_at_opening=5.0)

    label = model._meta.label
    if label == "analytics.ExternalBenchmark":
        return model.objects.create(brand=brand, name=f"Study for {brand.pk}", nps=40, period_start=dt.date(2026, 1, 1),
                                    period_end=dt.date(2026, 6, 30), entered_at=when)
    if label == "integrity.RiskAssessment":
        return model.objects.create(brand=brand, dealer=DealerFactory(region__brand=brand), period="2026Q3",
                                    period_start=dt.date(2026, 7, 1), responses=40, risk=1.0, scanned_at=when)
    if label == "integrity.Alert":
        return alert()
    if label == "integrity.Recontact":
        return model.objects.create(alert=alert(), drawn_at=when, size=1)
    if label == "integrity.RecontactItem":
        from insidetrack.integrity.models import Recontact

        recontact = Recontact.objects.create(alert=alert(), drawn_at=when, size=1)
        return model.objects.create(recontact=recontact, response=ResponseFactory())
    if label == "integrity.IntegrityScan":
        return model.objects.create(brand=brand, started_at=when)
    if label == "integrity.AlertEvent":
        return model.objects.create(alert=alert(), at=when, kind="opened")
    if label == "integrity.ResponseExclusion":
        return model.objects.create(alert=alert(), response=ResponseFactory(), excluded_at=when)
    raise AssertionError(f"{label} is head-office data: teach _brand_row to make one")


@pytest.mark.parametrize("model", BRAND_ONLY, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_head_office_data_is_read_by_its_own_head_office_only(world, model, role):
    from insidetrack.network.tests.factories import BrandFactory

    rows = {_brand_row(model, brand).pk: brand.pk for brand in (world.brand, BrandFactory())}
    seen = {rows[row.pk] for row in model.objects.visible_to(world.actors[role]) if row.pk in rows}
    assert seen == ({world.brand.pk} if role == "head_office" else set())
