import factory
from django.utils import timezone

from insidetrack.customers.tests.factories import CustomerFactory
from insidetrack.journeys.models import Touchpoint
from insidetrack.surveys.models import EventKind, Invitation, InvitationStatus, OperationalEvent, Response


def handover_touchpoint(brand) -> Touchpoint:
    from insidetrack.journeys.services import journey_create_default

    journey_create_default(brand=brand)
    return Touchpoint.objects.get(journey__brand=brand, journey__is_default=True, code="handover")


class OperationalEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OperationalEvent

    customer = factory.SubFactory(CustomerFactory)
    dealer = factory.SelfAttribute("customer.dealer")
    brand = factory.SelfAttribute("customer.brand")
    touchpoint = factory.LazyAttribute(lambda o: handover_touchpoint(o.brand))
    kind = EventKind.HANDOVER
    occurred_at = factory.LazyFunction(timezone.now)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    event = factory.SubFactory(OperationalEventFactory)
    customer = factory.SelfAttribute("event.customer")
    dealer = factory.SelfAttribute("event.dealer")
    brand = factory.SelfAttribute("event.brand")
    touchpoint = factory.SelfAttribute("event.touchpoint")
    status = InvitationStatus.SENT
    scheduled_for = factory.LazyFunction(timezone.now)
    sent_at = factory.LazyFunction(timezone.now)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    invitation = factory.SubFactory(InvitationFactory, status=InvitationStatus.ANSWERED)
    customer = factory.SelfAttribute("invitation.customer")
    dealer = factory.SelfAttribute("invitation.dealer")
    brand = factory.SelfAttribute("invitation.brand")
    touchpoint = factory.SelfAttribute("invitation.touchpoint")
    score = 9
    verbatim = "Lovely handover, everything explained."
    submitted_at = factory.LazyFunction(timezone.now)
