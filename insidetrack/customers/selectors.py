"""Reads of customers, always through the scoping entry point."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from insidetrack.core.actor import Actor

from . import policies
from .models import CheckIn, Customer, HandoverChecklistItem, HandoverPlan, Ownership, Referral, ReferralStatus, Vehicle

if TYPE_CHECKING:
    from insidetrack.surveys.models import Response


def customer_list(*, actor: Actor, search: str = "") -> QuerySet[Customer]:
    """Customers the actor may see, newest first, optionally matching a name, e-mail or VIN."""
    customers = Customer.objects.visible_to(actor).select_related("dealer").filter(erased_at__isnull=True)
    search = search.strip()
    if search:
        customers = customers.filter(
            Q(first_name__icontains=search) | Q(last_name__icontains=search) | Q(email__icontains=search)
            | Q(vehicles__vin__iexact=search)
        ).distinct()
    return customers.order_by("-created_at", "-pk")


def customer_get(*, actor: Actor, pk: int) -> Customer:
    """One customer the actor may see, or NotFound; their vehicles come prefetched through the same scoping."""
    vehicles = Prefetch("vehicles", queryset=Vehicle.objects.visible_to(actor).order_by("-model_year", "vin"))
    return (Customer.objects.select_related("dealer", "dealer__region").prefetch_related(vehicles)
            .get_visible(actor, pk=pk))


def customer_responses(*, actor: Actor, customer: Customer, limit: int = 50) -> list[Response]:
    """The customer's survey responses the actor may see, newest first (through the reverse relation, so this app
    does not import surveys, which comes later). Rows carry the score: the profile page shows it only where
    ``scores_visible_to(actor)`` allows."""
    return list(customer.responses.visible_to(actor).select_related("touchpoint").order_by("-submitted_at", "-pk")
                [:limit])


# --------------------------------------------------------------------------------------------------------------------
# The customer page: one timeline, handovers, check-ins, referrals and the next best action.

TIMELINE_LIMIT = 40  # per source; the merged timeline shows the newest of them
# Case statuses in which the customer still waits for the dealer (cases come later in the app order, so their
# status codes are named here rather than imported).
OPEN_CASE_STATUSES = ("new", "contacted", "in_progress", "reopened")
NOT_CONTACTED_CASE_STATUSES = ("new", "reopened")
DETRACTOR_MAX_SCORE = 6


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened with the customer, whatever its source."""

    at: dt.datetime
    kind: str  # contact, survey, case, referral, checkin, handover, event
    title: str
    detail: str = ""
    url: str = ""
    score: int | None = None


def customer_timeline(*, actor: Actor, customer: Customer, show_scores: bool = False) -> list[TimelineEntry]:
    """Every contact, survey answer, case, referral and check-in with the customer that the actor may see, newest
    first (each source read through its own scoping entry point, via reverse relations so this app imports none of
    the later ones)."""
    entries: list[TimelineEntry] = []
    # A handover links to that car's handover plan, when the plan exists.
    plans = dict(HandoverPlan.objects.visible_to(actor).filter(ownership__customer=customer)
                 .values_list("ownership__vehicle_id", "ownership_id"))
    for event in (customer.events.visible_to(actor).select_related("dealer", "vehicle")
                  .order_by("-occurred_at", "-pk")[:TIMELINE_LIMIT]):
        plan_of = plans.get(event.vehicle_id) if event.kind == "handover" else None
        entries.append(TimelineEntry(
            at=event.occurred_at, kind="contact", title=event.get_kind_display(),
            detail=" · ".join(p for p in (event.dealer.name, event.vehicle.model if event.vehicle else "") if p),
            url=reverse("customers:handover", args=[plan_of]) if plan_of else ""))
    for response in (customer.responses.visible_to(actor).select_related("touchpoint")
                     .order_by("-submitted_at", "-pk")[:TIMELINE_LIMIT]):
        entries.append(TimelineEntry(
            at=response.submitted_at, kind="survey",
            title=_("Survey answer: %(touchpoint)s") % {"touchpoint": response.touchpoint.display_name()},
            detail=response.verbatim or "", score=response.score if show_scores else None))
    for case in (customer.cases.visible_to(actor).select_related("touchpoint")
                 .order_by("-opened_at", "-pk")[:TIMELINE_LIMIT]):
        entries.append(TimelineEntry(
            at=case.opened_at, kind="case",
            title=_("Case opened, now %(status)s") % {"status": case.get_status_display()},
            detail=case.subject or (case.touchpoint.display_name() if case.touchpoint else ""),
            url=reverse("cases:detail", args=[case.pk])))
    for referral in (Referral.objects.visible_to(actor).filter(referrer=customer)
                     .order_by("-enquired_at", "-pk")[:TIMELINE_LIMIT]):
        entries.append(TimelineEntry(
            at=referral.enquired_at, kind="referral",
            title=_("Referred %(friend)s") % {"friend": referral.referred_name},
            detail=str(referral.get_status_display())))
    for checkin in (CheckIn.objects.visible_to(actor).filter(ownership__customer=customer, done_at__isnull=False)
                    .select_related("ownership__vehicle").order_by("-done_at", "-pk")[:TIMELINE_LIMIT]):
        entries.append(TimelineEntry(
            at=checkin.done_at, kind="checkin",
            title=_("Check-in: %(outcome)s") % {"outcome": checkin.get_outcome_display()},
            detail=" · ".join(p for p in (str(checkin.get_kind_display()), checkin.note) if p)))
    visible_events = set(customer.dealer.experience_events.visible_to(actor).values_list("pk", flat=True))
    for invitation in (customer.event_invitations.visible_to(actor).select_related("event")
                       .order_by("-invited_at", "-pk")[:TIMELINE_LIMIT]):
        event = invitation.event
        url = reverse("journeys:event", args=[event.pk]) if event.pk in visible_events else ""
        when = formats.date_format(timezone.localtime(event.starts_at), "DATE_FORMAT")
        entries.append(TimelineEntry(
            at=invitation.invited_at, kind="event", title=_("Invited to %(event)s") % {"event": event.title},
            detail=f"{when} · {invitation.get_status_display()}", url=url))
        if invitation.attended:
            entries.append(TimelineEntry(at=event.starts_at, kind="event",
                                         title=_("Came to %(event)s") % {"event": event.title},
                                         detail=event.place, url=url))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:TIMELINE_LIMIT * 2]


def customer_ownerships(*, actor: Actor, customer: Customer) -> list[Ownership]:
    """The customer's cars (current first), each with its handover plan and items and its check-ins prefetched."""
    items = Prefetch("handover_plan__items", queryset=HandoverChecklistItem.objects.visible_to(actor)
                     .select_related("ticked_by"))
    checkins = Prefetch("checkins", queryset=CheckIn.objects.visible_to(actor).select_related("done_by")
                        .order_by("due_on"))
    return list(Ownership.objects.visible_to(actor).filter(customer=customer)
                .select_related("vehicle", "selling_dealer", "handover_plan")
                .prefetch_related(items, checkins).order_by("ended_on", "-started_on", "-pk"))


def customer_referrals(*, actor: Actor, customer: Customer) -> list[Referral]:
    return list(Referral.objects.visible_to(actor).filter(referrer=customer).order_by("-enquired_at", "-pk"))


def handover_plan_get(*, actor: Actor, ownership_pk: int) -> Ownership:
    """An ownership the actor may see with its plan (which may not exist yet) and items, or NotFound."""
    items = Prefetch("handover_plan__items", queryset=HandoverChecklistItem.objects.visible_to(actor)
                     .select_related("ticked_by"))
    return (Ownership.objects.select_related("customer", "vehicle", "handover_plan", "handover_plan__generated_by")
            .prefetch_related(items).get_visible(actor, pk=ownership_pk))


def customer_facts(*, actor: Actor, customer: Customer, ownerships: list[Ownership], referrals: list[Referral],
                   show_scores: bool, now: dt.datetime) -> policies.CustomerFacts:
    """What the next-best-action rules need, read through the scoping entry point."""
    current = [o for o in ownerships if o.ended_on is None]
    open_checkins = tuple(
        policies.CheckInFact(pk=c.pk, kind=c.kind, due_on=c.due_on, vehicle=o.vehicle.model)
        for o in current for c in o.checkins.all() if c.done_at is None)
    cases = tuple(
        policies.CaseFact(pk=c.pk, status=c.status, respond_by=c.respond_by,
                          has_been_contacted=c.status not in NOT_CONTACTED_CASE_STATUSES)
        for c in customer.cases.visible_to(actor).filter(status__in=OPEN_CASE_STATUSES).order_by("respond_by"))
    open_referrals = tuple(
        policies.ReferralFact(pk=r.pk, friend=r.referred_name, status=r.status,
                              last_moved_at=max(t for t in (r.enquired_at, r.test_drive_at) if t))
        for r in referrals if r.status in (ReferralStatus.ENQUIRED, ReferralStatus.TEST_DRIVE))
    detractors: tuple[policies.DetractorFact, ...] = ()
    if show_scores:
        detractors = tuple(
            policies.DetractorFact(response_pk=r.pk, submitted_at=r.submitted_at,
                                   touchpoint=r.touchpoint.display_name())
            for r in customer.responses.visible_to(actor).select_related("touchpoint")
            .filter(score__lte=DETRACTOR_MAX_SCORE, submitted_at__gte=now - policies.DETRACTOR_WINDOW,
                    case__isnull=True).order_by("-submitted_at")[:5])
    handovers = []
    for o in current:
        plan = getattr(o, "handover_plan", None) if has_plan(o) else None
        handovers.append(policies.HandoverFact(
            ownership_pk=o.pk, vehicle=o.vehicle.model, started_on=o.started_on, has_plan=plan is not None,
            open_items=sum(1 for i in plan.items.all() if i.ticked_at is None) if plan else 0))
    unanswered = tuple(
        policies.EventFact(pk=i.event_id, title=i.event.title, starts_at=i.event.starts_at)
        for i in customer.event_invitations.visible_to(actor).select_related("event")
        .filter(status="invited", event__status="planned", event__starts_at__gte=now))
    to_invite: tuple[policies.EventFact, ...] = ()
    if customer.consent_marketing:
        # Seats are held by open and accepted invitations (journeys' rule); events the customer already has an
        # invitation to are not suggested again, whatever its answer.
        upcoming = (customer.dealer.experience_events.visible_to(actor)
                    .filter(status="planned", starts_at__gte=now,
                            starts_at__lte=now + policies.EVENT_INVITE_WINDOW)
                    .exclude(invitations__customer=customer)
                    .annotate(held=Count("invitations", filter=Q(invitations__status__in=("invited", "accepted"))))
                    .order_by("starts_at")[:5])
        to_invite = tuple(policies.EventFact(pk=e.pk, title=e.title, starts_at=e.starts_at,
                                             free_seats=max(e.capacity - e.held, 0)) for e in upcoming)
    return policies.CustomerFacts(
        open_checkins=open_checkins, open_cases=cases, open_referrals=open_referrals,
        recent_detractors_without_case=detractors, recent_handovers=tuple(handovers),
        has_handover_preference=bool(customer.handover_preference),
        events_to_invite_to=to_invite, unanswered_event_invitations=unanswered)


def has_plan(ownership: Ownership) -> bool:
    """Whether the ownership has a handover plan (the reverse one-to-one raises when it has none)."""
    try:
        return ownership.handover_plan is not None
    except HandoverPlan.DoesNotExist:
        return False
