"""Reads for experience events, always through the scoping entry point."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from insidetrack.core.actor import Actor
from insidetrack.core.errors import NotFound

from .models import EventInvitation, ExperienceEvent, RsvpStatus


def _with_counts(events: QuerySet[ExperienceEvent]) -> QuerySet[ExperienceEvent]:
    return events.annotate(
        invited_count=Count("invitations"),
        accepted_count=Count("invitations", filter=Q(invitations__status=RsvpStatus.ACCEPTED)),
        declined_count=Count("invitations", filter=Q(invitations__status=RsvpStatus.DECLINED)),
        waitlisted_count=Count("invitations", filter=Q(invitations__status=RsvpStatus.WAITLISTED)),
        attended_count=Count("invitations", filter=Q(invitations__attended=True)),
    )


def events_for(actor: Actor, *, upcoming: bool | None = None, now=None, region: str = "",
               dealer: str = "") -> QuerySet[ExperienceEvent]:
    """The events the actor may see with their guest counts; ``upcoming`` True/False splits at ``now``; ``region``
    and ``dealer`` (codes) narrow the list within what the actor may see.

    A dealer's counts include only its own customers' invitations, which at its own events are all of them.
    """
    events = ExperienceEvent.objects.visible_to(actor).select_related("dealer")
    if region:
        events = events.filter(dealer__region__code=region)
    if dealer:
        events = events.filter(dealer__code=dealer)
    if upcoming is True:
        events = events.filter(ends_at__gt=now).order_by("starts_at", "pk")
    elif upcoming is False:
        events = events.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    return _with_counts(events)


@dataclass(frozen=True, slots=True)
class EventDetail:
    event: ExperienceEvent
    guests: list[EventInvitation]


def event_detail(actor: Actor, event_pk: int) -> EventDetail:
    """One event with its counts and the guest list the actor may see; NotFound when it is not theirs."""
    event = _with_counts(ExperienceEvent.objects.visible_to(actor).select_related("dealer")).filter(
        pk=event_pk).first()
    if event is None:
        raise NotFound("Experience event not found")
    guests = list(EventInvitation.objects.visible_to(actor).filter(event=event).select_related("customer"))
    return EventDetail(event=event, guests=guests)


def invitations_for(actor: Actor) -> QuerySet[EventInvitation]:
    """The event invitations the actor may see (an owner: their own), newest event first."""
    return (EventInvitation.objects.visible_to(actor).select_related("event__dealer", "customer")
            .order_by("-event__starts_at", "pk"))
