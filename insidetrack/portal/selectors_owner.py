"""Reads for the owner's own pages under /my/: their cars, their dealer, their surveys, their event invitations.

Every read goes through ``visible_to(actor)`` with the owner's actor, so an owner only ever reads rows of the
customer record their membership points at; another customer's rows are simply not there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse

from insidetrack.accounts.models import SignInEvent
from insidetrack.core.actor import Actor
from insidetrack.customers import selectors as customer_selectors
from insidetrack.customers.models import CheckIn, Customer, Ownership
from insidetrack.customers.policies import checklist_item_label
from insidetrack.journeys.models import EventInvitation, ExperienceEventStatus, RsvpStatus
from insidetrack.journeys.selectors_events import invitations_for
from insidetrack.surveys.models import Invitation, InvitationStatus, Response
from insidetrack.surveys.tokens import make_token

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def owner_customer(actor: Actor) -> Customer:
    """The owner's own customer record (NotFound for anyone else: the view guard lets only owners in)."""
    return customer_selectors.customer_get(actor=actor, pk=actor.customer_id)


@dataclass(frozen=True, slots=True)
class VehicleCard:
    """One car as the owner sees it: the car, since when, who sold it, the handover plan and the calls to come."""

    ownership: Ownership
    plan_items: list[tuple[str, bool]] = field(default_factory=list)  # (what the dealer prepares, done)
    upcoming_checkins: list[CheckIn] = field(default_factory=list)

    @property
    def has_plan(self) -> bool:
        return bool(self.plan_items)

    @property
    def plan_done(self) -> int:
        return sum(1 for _label, done in self.plan_items if done)


def owner_vehicles(actor: Actor, customer: Customer) -> tuple[list[VehicleCard], list[Ownership]]:
    """The cars the owner has now (with plan and check-ins) and the ones they had before, most recent first."""
    ownerships = customer_selectors.customer_ownerships(actor=actor, customer=customer)
    current, previous = [], []
    for ownership in ownerships:
        if ownership.ended_on is not None:
            previous.append(ownership)
            continue
        items = []
        if customer_selectors.has_plan(ownership):
            items = [(checklist_item_label(item.code), item.ticked_at is not None)
                     for item in sorted(ownership.handover_plan.items.all(), key=lambda i: i.position)]
        checkins = [c for c in ownership.checkins.all() if c.done_at is None]
        current.append(VehicleCard(ownership=ownership, plan_items=items, upcoming_checkins=checkins))
    return current, previous


def owner_opening_hours(customer: Customer) -> list[tuple[str, list[tuple[str, str]]]]:
    """The dealer's opening hours as (weekday key, [(opens, closes), ...]) from Monday to Sunday."""
    hours = customer.dealer.opening_hours or {}
    return [(day, [(str(a), str(b)) for a, b in (hours.get(day) or [])]) for day in WEEKDAYS]


@dataclass(frozen=True, slots=True)
class OpenSurvey:
    """A survey the owner was invited to and can still answer, with the link to its page under /s/."""

    invitation: Invitation
    url: str


def owner_responses(actor: Actor) -> list[Response]:
    """The answers the owner gave: score, their words, about which visit, when."""
    return list(Response.objects.visible_to(actor).select_related("touchpoint", "dealer").order_by("-submitted_at"))


def owner_open_surveys(actor: Actor, *, now: dt.datetime) -> list[OpenSurvey]:
    """Invitations sent to the owner, not answered, not expired, whose link still works."""
    invitations = (Invitation.objects.visible_to(actor)
                   .filter(status=InvitationStatus.SENT, answered_at__isnull=True)
                   .exclude(token_nonce="").exclude(expires_at__lte=now)
                   .select_related("touchpoint", "dealer").order_by("expires_at", "pk"))
    return [OpenSurvey(invitation=i, url=reverse("surveys:survey", kwargs={
        "token": make_token(invitation_pk=i.pk, nonce=i.token_nonce)})) for i in invitations]


@dataclass(frozen=True, slots=True)
class EventCard:
    """An event invitation and whether the owner can still answer it from the portal."""

    invitation: EventInvitation
    can_answer: bool
    is_past: bool


def owner_events(actor: Actor, *, now: dt.datetime) -> list[EventCard]:
    """The owner's experience-event invitations: upcoming first (soonest first), then past ones."""
    cards = []
    for invitation in invitations_for(actor):
        event = invitation.event
        is_open = event.status == ExperienceEventStatus.PLANNED and event.starts_at > now
        cards.append(EventCard(invitation=invitation, is_past=event.starts_at <= now,
                               can_answer=is_open and invitation.status == RsvpStatus.INVITED
                               and bool(invitation.token_nonce)))
    upcoming = sorted((c for c in cards if not c.is_past), key=lambda c: c.invitation.event.starts_at)
    past = [c for c in cards if c.is_past]
    return upcoming + past


def owner_event_invitation(actor: Actor, pk: int) -> EventInvitation:
    """One of the owner's own invitations, or NotFound."""
    return EventInvitation.objects.select_related("event").get_visible(actor, pk=pk)


def owner_sign_ins(actor: Actor, *, limit: int = 6) -> list[SignInEvent]:
    """The latest sign-in links asked for and used for the owner's record, so they can spot one they did not ask for."""
    return list(SignInEvent.objects.visible_to(actor).order_by("-at", "-pk")[:limit])
