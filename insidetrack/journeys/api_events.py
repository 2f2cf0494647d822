"""Read endpoints for experience events, scoped like the pages: a dealer its own events and guests, an owner their
own invitations."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from insidetrack.core import clock
from insidetrack.core.api_auth import actor_of
from insidetrack.core.schemas import ErrorOut

from . import selectors_events

router = Router()
LIST_LIMIT = 500


class ExperienceEventOut(Schema):
    pk: int
    dealer_code: str
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    status: str
    invited: int
    accepted: int
    declined: int
    waitlisted: int
    attended: int


class GuestOut(Schema):
    pk: int
    customer_pk: int
    invited_by: str
    status: str
    invited_at: datetime
    responded_at: datetime | None
    attended: bool


class ExperienceEventDetailOut(ExperienceEventOut):
    guests: list[GuestOut]


class EventInvitationOut(GuestOut):
    event_pk: int
    event_title: str
    event_starts_at: datetime


def _event_out(event, **extra) -> dict:
    return dict(pk=event.pk, dealer_code=event.dealer.code, kind=event.kind, title=event.title,
                starts_at=event.starts_at, ends_at=event.ends_at, place=event.place, capacity=event.capacity,
                status=event.status, invited=event.invited_count, accepted=event.accepted_count,
                declined=event.declined_count, waitlisted=event.waitlisted_count, attended=event.attended_count,
                **extra)


def _guest_out(invitation) -> dict:
    return dict(pk=invitation.pk, customer_pk=invitation.customer_id, invited_by=invitation.invited_by,
                status=invitation.status, invited_at=invitation.invited_at, responded_at=invitation.responded_at,
                attended=invitation.attended)


@router.get("", response={200: list[ExperienceEventOut], 401: ErrorOut},
            summary="Experience events the caller may see, soonest to come first, then the past ones (up to 500)")
def list_experience_events(request: HttpRequest, upcoming: bool | None = None) -> list[dict]:
    actor = actor_of(request)
    events = selectors_events.events_for(actor, upcoming=upcoming, now=clock.now())
    if upcoming is None:
        events = events.order_by("-starts_at", "-pk")
    return [_event_out(e) for e in events[:LIST_LIMIT]]


@router.get("/{pk}", response={200: ExperienceEventDetailOut, 401: ErrorOut, 404: ErrorOut},
            summary="One experience event with the guests the caller may see")
def get_experience_event(request: HttpRequest, pk: int) -> dict:
    detail = selectors_events.event_detail(actor_of(request), pk)
    return _event_out(detail.event, guests=[_guest_out(g) for g in detail.guests])


invitations_router = Router()


@invitations_router.get("", response={200: list[EventInvitationOut], 401: ErrorOut},
                        summary="Event invitations the caller may see (an owner: their own), newest event first")
def list_event_invitations(request: HttpRequest) -> list[dict]:
    return [dict(_guest_out(i), event_pk=i.event_id, event_title=i.event.title, event_starts_at=i.event.starts_at)
            for i in selectors_events.invitations_for(actor_of(request))[:LIST_LIMIT]]
