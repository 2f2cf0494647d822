"""Experience event pages: the list, one event with its guest list and attendance, the create form, and the public
answer page behind the signed links of the invitation e-mail.

Thin views: each GET reads through the selectors, each POST calls one service. The answer page runs without signing
in, in the customer's language, and asks for one tap to confirm: mail scanners that open links must not answer for
the customer, and a GET never changes anything.
"""

from __future__ import annotations

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from insidetrack.core import clock
from insidetrack.core.decorators import staff_role_required
from insidetrack.core.errors import DomainError, NotFound
from insidetrack.network.selectors import dealers_visible_to, regions_visible_to

from . import selectors_events, services_events
from . import tasks as _tasks  # noqa: F401  (registers the events sweeps in web processes)
from .forms_events import EventForm
from .models import EventInvitation, ExperienceEventStatus, RsvpStatus

LANGUAGES = ("en", "de", "fr")
PAST_PER_PAGE = 50


@staff_role_required
def event_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    now = clock.now()
    regions = list(regions_visible_to(actor).order_by("name").values_list("code", "name"))
    dealers = list(dealers_visible_to(actor).order_by("name").values_list("code", "name"))
    # A code the viewer may not choose is ignored rather than refused: the list is scoped either way.
    region = request.GET.get("region", "") if len(regions) > 1 else ""
    region = region if region in dict(regions) else ""
    if region:
        dealers = list(dealers_visible_to(actor).filter(region__code=region).order_by("name")
                       .values_list("code", "name"))
    dealer = request.GET.get("dealer", "") if len(dealers) > 1 else ""
    dealer = dealer if dealer in dict(dealers) else ""
    narrowed = {"region": region, "dealer": dealer}
    past = Paginator(selectors_events.events_for(actor, upcoming=False, now=now, **narrowed), PAST_PER_PAGE)
    page = past.get_page(request.GET.get("page"))
    return render(request, "journeys/events/list.html", {
        "upcoming": list(selectors_events.events_for(actor, upcoming=True, now=now, **narrowed)),
        "past": list(page), "page": page,
        "can_create": not actor.is_owner,
        "regions": regions if len(regions) > 1 else [], "dealers": dealers if len(dealers) > 1 else [],
        "filters": narrowed, "query": urlencode({k: v for k, v in narrowed.items() if v}),
    })


@staff_role_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    dealers = dealers_visible_to(request.actor).order_by("name")
    form = EventForm(request.POST or None, dealers=dealers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                event = services_events.event_create(actor=request.actor, data=form.to_input())
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
                status = exc.status
            else:
                messages.success(request, _("The event is planned."))
                return redirect("journeys:event", pk=event.pk)
        else:
            status = 422
    return render(request, "journeys/events/form.html", {"form": form}, status=status)


@staff_role_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        detail = selectors_events.event_detail(request.actor, pk)
    except NotFound:
        return render(request, "404.html", status=404)
    event = detail.event
    zone = ZoneInfo(event.dealer.time_zone or "UTC")
    initial = {"dealer": event.dealer, "kind": event.kind, "title": event.title, "place": event.place,
               "capacity": event.capacity, "invites_depositors": event.invites_depositors,
               "starts_at": event.starts_at.astimezone(zone).replace(tzinfo=None),
               "ends_at": event.ends_at.astimezone(zone).replace(tzinfo=None)}
    form = EventForm(request.POST or None, initial=initial,
                     dealers=dealers_visible_to(request.actor).filter(pk=event.dealer_id))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services_events.event_update(actor=request.actor, event_pk=pk, data=form.to_input())
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
                status = exc.status
            else:
                messages.success(request, _("The event is saved."))
                return redirect("journeys:event", pk=pk)
        else:
            status = 422
    return render(request, "journeys/events/form.html", {"form": form, "event": event}, status=status)


@staff_role_required
@require_http_methods(["GET", "POST"])
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                services_events.event_cancel(actor=request.actor, event_pk=pk)
                done = _("The event is cancelled.")
            elif request.POST.get("action") == "invite":
                services_events.event_invite_by_email(actor=request.actor, event_pk=pk,
                                                      email=request.POST.get("email", ""))
                done = _("The invitation is on its way.")
            else:
                attended = [int(v) for v in request.POST.getlist("attended") if v.isdigit()]
                services_events.event_attendance_record(actor=request.actor, event_pk=pk, attended_pks=attended)
                done = _("Attendance saved.")
        except NotFound:
            return render(request, "404.html", status=404)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = exc.status
        else:
            messages.success(request, done)
            return redirect("journeys:event", pk=pk)
    try:
        detail = selectors_events.event_detail(request.actor, pk)
    except NotFound:
        return render(request, "404.html", status=404)
    now = clock.now()
    event = detail.event
    return render(request, "journeys/events/detail.html", {
        "event": event, "guests": detail.guests, "is_over": event.ends_at <= now,
        "free_seats": max(event.capacity - event.accepted_count, 0),
        "can_take_attendance": event.starts_at <= now and event.status != ExperienceEventStatus.CANCELLED
        and not request.actor.is_region_manager,
        "can_invite": event.starts_at > now and event.status == ExperienceEventStatus.PLANNED,
    }, status=status)


# --------------------------------------------------------------------------------------------------------------------
# The public answer page


def _render_public(request: HttpRequest, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    context = {"csrf_token": get_token(request), "LANGUAGE_CODE": translation.get_language(), **context}
    response = HttpResponse(get_template(template).render(context), status=status)
    response["Content-Language"] = context["LANGUAGE_CODE"]
    return response


def _language_of(invitation: EventInvitation | None) -> str:
    language = invitation.customer.language if invitation is not None else translation.get_language()
    return language if language in LANGUAGES else "en"


def _error(request: HttpRequest, exc: DomainError, invitation: EventInvitation | None) -> HttpResponse:
    with translation.override(_language_of(invitation)):
        if isinstance(exc, services_events.RsvpAlreadyAnswered):
            message = _("You have answered this invitation already")
            detail = {RsvpStatus.ACCEPTED: _("We have you down as coming."),
                      RsvpStatus.DECLINED: _("We have you down as not coming."),
                      RsvpStatus.WAITLISTED: _("You are on the waiting list.")}.get(exc.invitation.status, "")
        elif isinstance(exc, services_events.RsvpClosed):
            message = _("Answers to this invitation are closed")
            detail = _("The event has started, taken place or been cancelled.")
        else:
            message = _("This invitation link is not valid")
            detail = _("Please use the link in your invitation e-mail, or contact your dealer.")
        return _render_public(request, "journeys/events/rsvp_error.html",
                              {"message": message, "detail": detail, "invitation": invitation}, status=exc.status)


@never_cache
@require_http_methods(["GET", "POST"])
def rsvp(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services_events.rsvp_invitation(token)
        _pk, nonce, answer = services_events.rsvp_token_read(token)
    except DomainError as exc:
        return _error(request, exc, None)
    if request.method == "POST":
        try:
            invitation = services_events.event_rsvp(token=token)
        except DomainError as exc:
            return _error(request, exc, invitation)
        with translation.override(_language_of(invitation)):
            return _render_public(request, "journeys/events/rsvp_done.html", {"invitation": invitation,
                                                                             "event": invitation.event})
    # Show the question only while the link can still be used; otherwise say why straight away.
    if invitation.token_nonce != nonce:
        error = (services_events.RsvpAlreadyAnswered("used", invitation=invitation) if invitation.responded_at
                 else services_events.InvalidRsvpLink("invalid"))
        return _error(request, error, invitation)
    event = invitation.event
    if event.status != ExperienceEventStatus.PLANNED or event.starts_at <= clock.now():
        return _error(request, services_events.RsvpClosed("closed", invitation=invitation), invitation)
    with translation.override(_language_of(invitation)):
        return _render_public(request, "journeys/events/rsvp.html", {
            "invitation": invitation, "event": event, "answer": answer,
            "action": reverse("journeys:rsvp", kwargs={"token": token}),
        })
