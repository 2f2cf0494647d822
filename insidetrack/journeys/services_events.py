"""Writes for experience events: create and edit, invite (by hand and by the new-depositor rule), send the e-mail,
answer from its links, take attendance, and hand attendees to the survey pipeline.

Capacity is never exceeded: the rule invites only while seats are free (seats are counted as invitations not yet
declined), and an acceptance that finds the event full lands on the waiting list instead. Both decisions are taken
with the event row locked (``select_for_update``, a no-op on SQLite, which serialises writers anyway).

Layering: journeys comes before surveys, yet an experience event starts from a deposit (a surveys operational event)
and ends in a survey. The two crossings are the rule sweep reading deposits and ``event_surveys_request`` reporting
``experience_attended`` events through ``surveys.services.events_record``; both import surveys inside the function,
so importing journeys never loads surveys and surveys keeps importing journeys freely.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from insidetrack.core.tasks import enqueue_on_commit
from insidetrack.customers.models import Customer
from insidetrack.network.selectors import dealers_visible_to

from .models import (
    EventInvitation,
    ExperienceEvent,
    ExperienceEventKind,
    ExperienceEventStatus,
    InvitedBy,
    RsvpStatus,
)

logger = logging.getLogger(__name__)

# Deposits older than this are not invited any more: the car has usually been handed over by then.
DEPOSIT_WINDOW = timedelta(days=60)
# Invitations that hold a seat: an open invitation may still be accepted, so it counts against the capacity.
SEAT_HOLDING = (RsvpStatus.INVITED, RsvpStatus.ACCEPTED)
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
_SALT = "insidetrack.journeys.rsvp-link"
ANSWERS = ("accept", "decline")


# --------------------------------------------------------------------------------------------------------------------
# Errors and tokens


class InvalidRsvpLink(NotFound):
    """The link was not issued by this installation (forged, truncated or mangled in transit)."""

    code = "invalid_link"


class RsvpAlreadyAnswered(Conflict):
    """The link was used already: each e-mail's links work once."""

    code = "already_answered"

    def __init__(self, message: str, *, invitation: EventInvitation) -> None:
        super().__init__(message)
        self.invitation = invitation


class RsvpClosed(Conflict):
    """The event has started, taken place or been cancelled: answering makes no sense any more."""

    code = "rsvp_closed"

    def __init__(self, message: str, *, invitation: EventInvitation) -> None:
        super().__init__(message)
        self.invitation = invitation


def rsvp_token(*, invitation_pk: int, nonce: str, answer: str) -> str:
    """The opaque token of one answer link (accept or decline) in an invitation e-mail."""
    return signing.dumps([invitation_pk, nonce, answer], salt=_SALT, compress=False)


def rsvp_token_read(token: str) -> tuple[int, str, str]:
    """The (invitation key, nonce, answer) a token carries, or InvalidRsvpLink; the nonce must still be matched."""
    if not token or len(token) > 200:
        raise InvalidRsvpLink("This invitation link is not valid")
    try:
        value = signing.loads(token, salt=_SALT)
    except signing.BadSignature as exc:
        raise InvalidRsvpLink("This invitation link is not valid") from exc
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], int) and isinstance(value[1], str)
            and value[2] in ANSWERS):
        raise InvalidRsvpLink("This invitation link is not valid")
    return value[0], value[1], value[2]


def rsvp_link(invitation: EventInvitation, answer: str) -> str:
    """The absolute URL of one answer link."""
    from django.urls import reverse

    base = (getattr(settings, "INSIDETRACK_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
    token = rsvp_token(invitation_pk=invitation.pk, nonce=invitation.token_nonce, answer=answer)
    return base + reverse("journeys:rsvp", kwargs={"token": token})


# --------------------------------------------------------------------------------------------------------------------
# Events


@dataclass(frozen=True, slots=True)
class EventInput:
    """What head office or a dealer enters for an event."""

    dealer_id: int
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    invites_depositors: bool = True


def _check_organiser(actor: Actor) -> None:
    if not (actor.is_system or actor.is_head_office or actor.is_region_manager or actor.is_dealer):
        raise PermissionDenied(_("Only head office and dealers organise experience events."))


def _validate(data: EventInput) -> None:
    if data.kind not in ExperienceEventKind.values:
        raise ValidationFailed(_("Choose a kind of event."), field="kind")
    if not data.title.strip():
        raise ValidationFailed(_("Give the event a title."), field="title")
    if not data.place.strip():
        raise ValidationFailed(_("Say where the event takes place."), field="place")
    if data.ends_at <= data.starts_at:
        raise ValidationFailed(_("The event must end after it starts."), field="ends_at")
    if data.capacity < 1:
        raise ValidationFailed(_("An event needs at least one seat."), field="capacity")


@transaction.atomic
def event_create(*, actor: Actor, data: EventInput, now: datetime | None = None) -> ExperienceEvent:
    """A new planned event at a dealer the actor may organise for (their own, their region's, any for head office)."""
    _check_organiser(actor)
    now = now or clock.now()
    _validate(data)
    if data.starts_at <= now:
        raise ValidationFailed(_("A new event must start in the future."), field="starts_at")
    dealer = dealers_visible_to(actor).filter(pk=data.dealer_id).first()
    if dealer is None:
        raise ValidationFailed(_("Choose one of your dealers."), field="dealer")
    return ExperienceEvent.objects.create(
        brand_id=dealer.brand_id, dealer=dealer, kind=data.kind, title=data.title.strip(), starts_at=data.starts_at,
        ends_at=data.ends_at, place=data.place.strip(), capacity=data.capacity,
        invites_depositors=data.invites_depositors, created_at=now,
    )


@transaction.atomic
def event_update(*, actor: Actor, event_pk: int, data: EventInput) -> ExperienceEvent:
    """Change an event's details; the capacity never drops below the guests who already accepted."""
    _check_organiser(actor)
    _validate(data)
    event = ExperienceEvent.objects.visible_to(actor).select_for_update().filter(pk=event_pk).first()
    if event is None:
        raise NotFound(_("Experience event not found"))
    if data.dealer_id != event.dealer_id:
        raise ValidationFailed(_("An event cannot move to another dealer; cancel it and create a new one."),
                               field="dealer")
    accepted = event.invitations.filter(status=RsvpStatus.ACCEPTED).count()
    if data.capacity < accepted:
        raise ValidationFailed(_("%(count)d guests have accepted already: the capacity cannot be lower.")
                               % {"count": accepted}, field="capacity")
    for name in ("kind", "starts_at", "ends_at", "capacity", "invites_depositors"):
        setattr(event, name, getattr(data, name))
    event.title, event.place = data.title.strip(), data.place.strip()
    event.save()
    _promote_waiting_list(event, accepted=accepted)
    return event


def _promote_waiting_list(event: ExperienceEvent, *, accepted: int, now: datetime | None = None) -> list[int]:
    """Give seats that became free (a larger capacity) to the waiting list, first come first served, and tell them.

    Runs under the event's row lock, like the acceptances, so a seat is never given twice.
    """
    now = now or clock.now()
    free = event.capacity - accepted
    if free <= 0 or event.status != ExperienceEventStatus.PLANNED or event.starts_at <= now:
        return []
    waiting = list(event.invitations.filter(status=RsvpStatus.WAITLISTED).order_by("responded_at", "pk")
                   .values_list("pk", flat=True)[:free])
    if not waiting:
        return []
    EventInvitation.objects.filter(pk__in=waiting, status=RsvpStatus.WAITLISTED).update(
        status=RsvpStatus.ACCEPTED, promoted_at=now)
    from . import tasks  # tasks import this module

    enqueue_on_commit(tasks.send_event_seats, waiting)
    return waiting


def event_seat_send(*, invitation_pk: int, now: datetime | None = None) -> bool:
    """Tell a guest moved up from the waiting list that the seat is theirs, in their language; once."""
    return _guest_mail(invitation_pk, "seat_free", claim="promotion_sent_at", now=now,
                       promoted_at__isnull=False, status=RsvpStatus.ACCEPTED,
                       event__status=ExperienceEventStatus.PLANNED)


@transaction.atomic
def event_cancel(*, actor: Actor, event_pk: int, now: datetime | None = None) -> ExperienceEvent:
    """Call off an event that has not started: its answer links close and the rule stops inviting to it."""
    _check_organiser(actor)
    now = now or clock.now()
    event = ExperienceEvent.objects.visible_to(actor).select_for_update().filter(pk=event_pk).first()
    if event is None:
        raise NotFound(_("Experience event not found"))
    claimed = ExperienceEvent.objects.filter(pk=event.pk, status=ExperienceEventStatus.PLANNED,
                                             starts_at__gt=now).update(status=ExperienceEventStatus.CANCELLED)
    if not claimed:
        raise Conflict(_("Only a planned event that has not started can be cancelled."))
    event.refresh_from_db()
    # Everyone who was told about the event and has not said no is told it is off.
    told = list(event.invitations.filter(sent_at__isnull=False, status__in=CANCELLATION_TOLD)
                .values_list("pk", flat=True))
    if told:
        from . import tasks  # tasks import this module

        enqueue_on_commit(tasks.send_event_cancellations, told)
    return event


# Guests who still expect to come or to hear: not those who declined.
CANCELLATION_TOLD = (RsvpStatus.INVITED, RsvpStatus.ACCEPTED, RsvpStatus.WAITLISTED)


def event_cancellation_send(*, invitation_pk: int, now: datetime | None = None) -> bool:
    """Tell one guest in their language that the event is cancelled; False when told already (or cannot be)."""
    return _guest_mail(invitation_pk, "cancellation", claim="cancellation_sent_at", now=now,
                       sent_at__isnull=False, status__in=CANCELLATION_TOLD,
                       event__status=ExperienceEventStatus.CANCELLED)


def _guest_mail(invitation_pk: int, template: str, *, claim: str, now: datetime | None,
                extra: Callable[[EventInvitation], dict] | None = None, **due: object) -> bool:
    """Send one of the events' e-mails to a guest in their language, once: the ``claim`` column is set by a
    conditional update on ``due`` and the send shares its transaction, so a failing mail server rolls the claim back
    and a retried task sends nothing twice. False when it was sent already or cannot be (no address, erased)."""
    now = now or clock.now()
    with transaction.atomic():
        claimed = EventInvitation.objects.filter(pk=invitation_pk, **{f"{claim}__isnull": True}, **due).update(
            **{claim: now})
        if not claimed:
            return False
        invitation = EventInvitation.objects.select_related("event__dealer", "event__brand", "customer").get(
            pk=invitation_pk)
        customer = invitation.customer
        if not customer.email or customer.erased_at is not None:
            transaction.set_rollback(True)
            return False
        event = invitation.event
        language = customer.language if customer.language in ("en", "de", "fr") else "en"
        with translation.override(language):
            context = {"first_name": customer.first_name, "event": event, "dealer_name": event.dealer.name,
                       "language": language, "time_zone": event.dealer.time_zone,
                       **(extra(invitation) if extra else {})}
            folder = "journeys/events/email"
            subject = " ".join(render_to_string(f"{folder}/{template}_subject.txt", context).split())
            message = EmailMultiAlternatives(
                subject=subject, body=render_to_string(f"{folder}/{template}.txt", context), to=[customer.email],
                headers={"Content-Language": language})
            message.attach_alternative(render_to_string(f"{folder}/{template}.html", context), "text/html")
            message.send()
    return True


def _seats_held(event: ExperienceEvent) -> int:
    return event.invitations.filter(status__in=SEAT_HOLDING).count()


def _invite(event: ExperienceEvent, customer: Customer, *, by: str, now: datetime,
            trigger: str = "") -> EventInvitation:
    invitation = EventInvitation.objects.create(event=event, customer=customer, invited_by=by, invited_at=now,
                                                trigger_reference=trigger, token_nonce=secrets.token_urlsafe(16)[:22])
    from . import tasks  # tasks import this module

    enqueue_on_commit(tasks.send_event_invitations, [invitation.pk])
    return invitation


@transaction.atomic
def event_invite(*, actor: Actor, event_pk: int, customer_pks: Iterable[int],
                 now: datetime | None = None) -> list[EventInvitation]:
    """Invite chosen customers of the hosting dealer by hand; customers invited already are left as they are.

    Refused when the new guests would hold more seats than the event has.
    """
    _check_organiser(actor)
    now = now or clock.now()
    event = ExperienceEvent.objects.visible_to(actor).select_for_update().filter(pk=event_pk).first()
    if event is None:
        raise NotFound(_("Experience event not found"))
    if event.status != ExperienceEventStatus.PLANNED or event.starts_at <= now:
        raise Conflict(_("Guests can be invited only before the event starts."))
    wanted = set(customer_pks)
    customers = list(Customer.objects.visible_to(actor).filter(pk__in=wanted, dealer_id=event.dealer_id,
                                                               erased_at__isnull=True))
    if len(customers) != len(wanted):
        raise ValidationFailed(_("Only customers of %(dealer)s can be invited.") % {"dealer": event.dealer.name},
                               field="customers")
    already = set(event.invitations.filter(customer_id__in=wanted).values_list("customer_id", flat=True))
    new = [c for c in customers if c.pk not in already]
    free = event.capacity - _seats_held(event)
    if len(new) > free:
        raise Conflict(_("Only %(free)d seats are free.") % {"free": max(free, 0)})
    return [_invite(event, customer, by=InvitedBy.HAND, now=now) for customer in new]


def event_invite_by_email(*, actor: Actor, event_pk: int, email: str,
                          now: datetime | None = None) -> EventInvitation:
    """Invite one customer of the hosting dealer named by their e-mail address (what staff have to hand)."""
    address = email.strip()
    if not address:
        raise ValidationFailed(_("Enter the customer's e-mail address."), field="email")
    event = ExperienceEvent.objects.visible_to(actor).filter(pk=event_pk).first()
    if event is None:
        raise NotFound(_("Experience event not found"))
    matches = list(Customer.objects.visible_to(actor).filter(dealer_id=event.dealer_id, email__iexact=address,
                                                             erased_at__isnull=True)[:2])
    if not matches:
        raise ValidationFailed(_("No customer of %(dealer)s has the e-mail address %(email)s.")
                               % {"dealer": event.dealer.name, "email": address}, field="email")
    if len(matches) > 1:
        raise ValidationFailed(_("Several customers share the e-mail address %(email)s; invite from the customer "
                                 "list instead.") % {"email": address}, field="email")
    if event.invitations.filter(customer=matches[0]).exists():
        raise Conflict(_("%(name)s is invited already.") % {"name": f"{matches[0].first_name} {matches[0].last_name}"})
    (invitation,) = event_invite(actor=actor, event_pk=event_pk, customer_pks=[matches[0].pk], now=now)
    return invitation


# --------------------------------------------------------------------------------------------------------------------
# The rule: every new depositor is invited to the next experience day with a free seat at their dealer


def _next_event_with_seats(dealer_id: int, after: datetime) -> ExperienceEvent | None:
    candidates = (ExperienceEvent.objects.select_for_update()
                  .filter(dealer_id=dealer_id, status=ExperienceEventStatus.PLANNED, invites_depositors=True,
                          starts_at__gt=after)
                  .order_by("starts_at", "pk"))
    for event in candidates:
        if _seats_held(event) < event.capacity:
            return event
    return None


def event_invitations_for_depositors(*, now: datetime | None = None) -> int:
    """Invite each recent depositor to the next event with a free seat at the dealer that took the deposit.

    Idempotent: the deposit is stored on the invitation (``trigger_reference``, unique), so a deposit invites at most
    once, and a customer invited to any event since the deposit, or to one still to come, is not invited again.
    A deposit that finds no free seat waits: it is tried again on each sweep while it is recent, so a new event
    picks it up.
    Returns how many customers were invited.
    """
    from insidetrack.surveys.models import EventKind, OperationalEvent

    now = now or clock.now()
    upcoming = EventInvitation.objects.filter(event__starts_at__gt=now).values("customer_id")
    # Invited to any event since the deposit (by the rule or by hand, to a day that may be over by now): done.
    invited_since = EventInvitation.objects.filter(customer_id=OuterRef("customer_id"),
                                                   invited_at__gte=OuterRef("occurred_at"))
    deposits = list(
        OperationalEvent.objects.filter(kind=EventKind.DEPOSIT_TAKEN, occurred_at__gte=now - DEPOSIT_WINDOW,
                                        occurred_at__lte=now, customer__erased_at__isnull=True)
        .exclude(customer__email="").exclude(customer_id__in=upcoming).exclude(Exists(invited_since))
        .filter(dealer__experience_events__status=ExperienceEventStatus.PLANNED,
                dealer__experience_events__starts_at__gt=now).distinct()
        .select_related("customer").order_by("occurred_at", "pk")
    )
    taken = set(EventInvitation.objects.filter(trigger_reference__in=[f"deposit:{d.pk}" for d in deposits])
                .values_list("trigger_reference", flat=True))
    invited = 0
    seen: set[int] = set()
    for deposit in deposits:
        trigger = f"deposit:{deposit.pk}"
        if trigger in taken or deposit.customer_id in seen:
            continue
        seen.add(deposit.customer_id)
        try:
            with transaction.atomic():
                event = _next_event_with_seats(deposit.dealer_id, now)
                if event is None:
                    continue
                if event.invitations.filter(customer_id=deposit.customer_id).exists():
                    continue
                _invite(event, deposit.customer, by=InvitedBy.RULE, now=now, trigger=trigger)
                invited += 1
        except IntegrityError:
            continue  # another sweep invited this deposit at the same moment
    return invited


# --------------------------------------------------------------------------------------------------------------------
# The e-mail


def event_invitation_send(*, invitation_pk: int, now: datetime | None = None) -> bool:
    """Send one invitation e-mail in the customer's language, with its Accept and Decline links; False when it was
    sent already (or cannot be)."""
    return _guest_mail(invitation_pk, "invitation", claim="sent_at", now=now, status=RsvpStatus.INVITED,
                       extra=lambda invitation: {
                           "brand_name": invitation.event.brand.name, "kind": invitation.event.get_kind_display(),
                           "accept_link": rsvp_link(invitation, "accept"),
                           "decline_link": rsvp_link(invitation, "decline")})


# --------------------------------------------------------------------------------------------------------------------
# The answer from the e-mail


def rsvp_invitation(token: str) -> EventInvitation:
    """The invitation a link belongs to, for showing it; InvalidRsvpLink when forged."""
    pk, _nonce, _answer = rsvp_token_read(token)
    invitation = EventInvitation.objects.select_related("event__dealer", "customer").filter(pk=pk).first()
    if invitation is None:
        raise InvalidRsvpLink("This invitation link is not valid")
    return invitation


@transaction.atomic
def event_rsvp(*, token: str, now: datetime | None = None) -> EventInvitation:
    """Record the answer a link carries: accepted (or the waiting list when every seat is taken) or declined.

    Each e-mail's links work once: answering clears the nonce they carry. A link whose nonce was never issued is
    InvalidRsvpLink; a used one RsvpAlreadyAnswered; an event that started or was cancelled RsvpClosed.
    """
    now = now or clock.now()
    pk, nonce, answer = rsvp_token_read(token)
    invitation = EventInvitation.objects.select_related("event__dealer", "customer").filter(pk=pk).first()
    if invitation is None or not nonce:
        raise InvalidRsvpLink("This invitation link is not valid")
    if invitation.token_nonce != nonce:
        if invitation.responded_at is not None:
            raise RsvpAlreadyAnswered("This invitation has been answered already", invitation=invitation)
        raise InvalidRsvpLink("This invitation link is not valid")
    # Locking the event serialises acceptances, so two last-seat answers cannot both be seated.
    event = ExperienceEvent.objects.select_for_update().get(pk=invitation.event_id)
    if event.status != ExperienceEventStatus.PLANNED or event.starts_at <= now:
        raise RsvpClosed("Answers to this invitation are closed", invitation=invitation)
    if answer == "decline":
        status = RsvpStatus.DECLINED
    else:
        accepted = event.invitations.filter(status=RsvpStatus.ACCEPTED).count()
        status = RsvpStatus.ACCEPTED if accepted < event.capacity else RsvpStatus.WAITLISTED
    claimed = EventInvitation.objects.filter(pk=pk, token_nonce=nonce, responded_at__isnull=True).update(
        status=status, responded_at=now, token_nonce="")
    if not claimed:
        raise RsvpAlreadyAnswered("This invitation has been answered already", invitation=invitation)
    invitation.refresh_from_db()
    return invitation


# --------------------------------------------------------------------------------------------------------------------
# Attendance and the survey afterwards


@transaction.atomic
def event_attendance_record(*, actor: Actor, event_pk: int, attended_pks: Iterable[int],
                            now: datetime | None = None) -> ExperienceEvent:
    """Set who came: the ticked guests attended, every other guest did not. Possible once the event has started.

    Marks the event as held and, once it has ended, hands the attendees to the survey pipeline.
    """
    if not (actor.is_system or actor.is_head_office or actor.is_dealer):
        raise PermissionDenied(_("Only the hosting dealer and head office record attendance."))
    now = now or clock.now()
    event = ExperienceEvent.objects.visible_to(actor).select_for_update().filter(pk=event_pk).first()
    if event is None:
        raise NotFound(_("Experience event not found"))
    if event.status == ExperienceEventStatus.CANCELLED:
        raise Conflict(_("The event was cancelled."))
    if event.starts_at > now:
        raise Conflict(_("Attendance can be recorded once the event has started."))
    guests = EventInvitation.objects.visible_to(actor).filter(event=event)
    attended = set(attended_pks)
    unknown = attended - set(guests.values_list("pk", flat=True))
    if unknown:
        raise ValidationFailed(_("Only this event's guests can be marked as attended."), field="attended")
    guests.filter(pk__in=attended).update(attended=True)
    guests.exclude(pk__in=attended).update(attended=False)
    if event.status != ExperienceEventStatus.HELD:
        event.status = ExperienceEventStatus.HELD
        event.save(update_fields=["status"])
    if event.ends_at <= now:
        event_surveys_request(event_pk=event.pk, now=now)
    return event


def event_surveys_request(*, event_pk: int, now: datetime | None = None) -> int:
    """Report each attendee's ``experience_attended`` event to the survey pipeline; returns how many were new.

    The survey rules, the contact policy's throttling and the normal invitation then apply, and the answers count
    in the "experience event" touchpoint's NPS. Idempotent: each guest's report carries a fixed key, so a second
    call (or an attendee ticked later) creates nothing twice.
    """
    from insidetrack.surveys.models import EventKind
    from insidetrack.surveys.services import EventInput as SurveyEventInput
    from insidetrack.surveys.services import ItemStatus, events_record

    now = now or clock.now()
    event = ExperienceEvent.objects.get(pk=event_pk)
    attendees = list(event.invitations.filter(attended=True, customer__erased_at__isnull=True)
                     .values_list("pk", "customer_id"))
    created = 0
    if attendees:
        occurred = min(event.ends_at, now)
        result = events_record(actor=Actor.system(), items=[
            SurveyEventInput(kind=EventKind.EXPERIENCE_ATTENDED, occurred_at=occurred, customer_id=customer_pk,
                             idempotency_key=f"experience-guest-{pk}",
                             external_reference=f"experience-event-{event.pk}")
            for pk, customer_pk in attendees
        ], now=now)
        created = sum(1 for item in result.results if item.status == ItemStatus.CREATED)
        for item in result.results:
            if item.status not in (ItemStatus.CREATED, ItemStatus.DUPLICATE):
                logger.warning("experience event %s: attendee not reported: %s", event.pk, item.error_detail)
    ExperienceEvent.objects.filter(pk=event.pk, surveys_requested_at__isnull=True).update(surveys_requested_at=now)
    return created


def event_surveys_request_due(*, now: datetime | None = None) -> int:
    """The sweep: events that have ended with attendance taken but whose attendees were not yet handed on."""
    now = now or clock.now()
    due = (ExperienceEvent.objects.filter(status=ExperienceEventStatus.HELD, ends_at__lte=now,
                                          surveys_requested_at__isnull=True)
           .annotate(attendees=Count("invitations", filter=Q(invitations__attended=True))).filter(attendees__gt=0)
           .values_list("pk", flat=True)[:100])
    return sum(event_surveys_request(event_pk=pk, now=now) for pk in list(due))


