import datetime as dt

import factory
from django.utils import timezone

from insidetrack.customers.models import Customer, Ownership, Vehicle
from insidetrack.network.tests.factories import DealerFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    dealer = factory.SubFactory(DealerFactory)
    brand = factory.SelfAttribute("dealer.brand")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Customer{n}")
    email = factory.Sequence(lambda n: f"customer{n}@example.org")
    phone = factory.Sequence(lambda n: f"+44770000{n:04d}")
    language = "en"
    created_at = factory.LazyFunction(timezone.now)


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    vin = factory.Sequence(lambda n: f"WAU{n:014d}")
    model = "Aurelia GT"
    model_year = 2026
    powertrain = "petrol"
    current_owner = factory.SubFactory(CustomerFactory)


class OwnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ownership

    vehicle = factory.SubFactory(VehicleFactory)
    customer = factory.SelfAttribute("vehicle.current_owner")
    selling_dealer = factory.SelfAttribute("customer.dealer")
    started_on = factory.LazyFunction(lambda: dt.date(2025, 1, 15))


def relationship_rows_for(customer: Customer, *, now: dt.datetime | None = None) -> None:
    """Give a customer's current car a handover plan with one ticked item and one open, and a check-in, so scoping
    tests walk every relationship model."""
    from insidetrack.customers.models import CheckIn, HandoverChecklistItem, HandoverPlan

    now = now or timezone.now()
    ownership = Ownership.objects.filter(customer=customer, ended_on__isnull=True).first()
    plan = HandoverPlan.objects.create(ownership=ownership, handover_preference=customer.handover_preference,
                                       generated_at=now)
    HandoverChecklistItem.objects.create(plan=plan, code="valet", position=0, ticked_at=now)
    HandoverChecklistItem.objects.create(plan=plan, code="photos", position=1)
    CheckIn.objects.create(ownership=ownership, kind="week_1", due_on=ownership.started_on + dt.timedelta(days=7),
                           scheduled_at=now)
