"""Reads of the closed loop for the inbox and the case page, always through the scoping entry point.

What the pages show about time is computed here when read: the deadline that matters now (respond-by while nobody
has spoken to the customer, resolve-by while a recovery case is not put right, nothing once it is resolved) and
whether it has passed. Nothing about "overdue" is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Protocol

from django.db import models
from django.db.models import DateTimeField, F, Prefetch, Q, QuerySet, Value, When
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from insidetrack.accounts.models import User
from insidetrack.core.actor import Actor
from insidetrack.core.errors import NotFound, PermissionDenied
from insidetrack.core.roles import DEALER_ROLES
from insidetrack.customers.models import Customer, Vehicle
from insidetrack.surveys.models import Purpose, Response

from . import policies
from .models import CallOutcome, Case, CaseEvent, CaseEventKind, CaseMessage, CasePhoto, CasePolicy, Goodwill
from .policies import AWAITING_CONTACT, OPEN_STATUSES, UNRESOLVED, CaseKind

INBOX_PAGE_SIZE = 25
HISTORY_LIMIT = 20
# Work a bulk "calls made" may close: one contact and done.
CALL_KINDS = frozenset({CaseKind.THANK_YOU, CaseKind.ACKNOWLEDGEMENT})


def _deadline_now() -> models.Case:
    """The deadline that matters now, as a database expression (so the inbox sorts and filters on it)."""
    return models.Case(
        When(status__in=list(AWAITING_CONTACT), then=F("respond_by")),
        When(kind=CaseKind.RECOVERY, status__in=list(UNRESOLVED), then=F("resolve_by")),
        default=Value(None, output_field=DateTimeField()),
        output_field=DateTimeField(),
    )


def deadline_of(case: Case) -> datetime | None:
    """The same rule in Python, for a case already loaded (the case page, an htmx row)."""
    if case.status in AWAITING_CONTACT:
        return case.respond_by
    if case.kind == CaseKind.RECOVERY and case.status in UNRESOLVED:
        return case.resolve_by
    return None


@dataclass(frozen=True, slots=True)
class InboxFilters:
    """What the viewer narrowed the inbox to; empty strings and False mean "all"."""

    kind: str = ""
    department: str = ""
    status: str = ""
    dealer: str = ""
    overdue_only: bool = False
    assigned_to_me: bool = False
    escalated_only: bool = False


def inbox_cases(*, actor: Actor, filters: InboxFilters, now: datetime, user_pk: int | None) -> QuerySet[Case]:
    """The viewer's open work, the most urgent first.

    Dealers see their dealer's work by deadline. Region managers and head office see their scope with the escalated
    work first (head office's before the region's), then by deadline: escalated work is what they are asked to act
    on. Work without a running deadline (resolved, waiting for the follow-up survey) comes last.
    """
    cases = (Case.objects.visible_to(actor).filter(status__in=list(OPEN_STATUSES))
             .select_related("customer", "touchpoint", "playbook", "response", "dealer", "assignee")
             .annotate(deadline=_deadline_now()))
    if filters.kind in CaseKind.values:
        cases = cases.filter(kind=filters.kind)
    if filters.department:
        cases = cases.filter(department=filters.department)
    if filters.status in OPEN_STATUSES:
        cases = cases.filter(status=filters.status)
    if filters.dealer and not actor.is_dealer:
        cases = cases.filter(dealer__code=filters.dealer)
    if filters.overdue_only:
        cases = cases.filter(deadline__lt=now)
    if filters.assigned_to_me:
        cases = cases.filter(assignee_id=user_pk) if user_pk else cases.none()
    if filters.escalated_only:
        cases = cases.filter(escalation_level__gt=0)
    # A safety or legal issue comes first for everyone; managers then see what was escalated to them.
    order = [F("urgent_at").desc(nulls_last=True), F("deadline").asc(nulls_last=True), "opened_at", "pk"]
    if not actor.is_dealer:
        order.insert(1, "-escalation_level")
    return cases.order_by(*order)


@dataclass(frozen=True, slots=True)
class Deadline:
    """A deadline with what is left of it at the time the page was read (negative: overdue)."""

    at: datetime | None
    left: timedelta | None

    @property
    def is_overdue(self) -> bool:
        return self.left is not None and self.left < timedelta(0)


def deadline_for(case: Case, now: datetime) -> Deadline:
    at = case.deadline if hasattr(case, "deadline") else deadline_of(case)
    return Deadline(at=at, left=policies.time_left(at, now))


def is_bulk_call(case: Case) -> bool:
    """Whether the inbox offers this row to the bulk "calls made": a thank-you or acknowledgement not yet made."""
    return case.kind in CALL_KINDS and case.status in AWAITING_CONTACT


# --------------------------------------------------------------------------------------------------------------------
# The case page


def case_get(*, actor: Actor, pk: int) -> Case:
    """One case the actor may see, or NotFound (a dealer never learns that another dealer's case exists)."""
    return (Case.objects.select_related("customer", "dealer", "dealer__region", "touchpoint", "playbook",
                                        "response__touchpoint", "root_cause", "suggested_root_cause", "assignee",
                                        "follow_up_invitation")
            .get_visible(actor, pk=pk))


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of the case's history, ready to read: who, when, what, and the detail that goes with it."""

    at: datetime
    who: str
    what: str
    kind: str
    from_status: str = ""
    to_status: str = ""
    outcome: str = ""
    detail: str = ""
    extra: str = ""


_ESCALATION_TARGETS = {"region": _("to the region"), "head_office": _("to head office")}
_DEADLINE_NAMES = {"respond_by": _("respond-by deadline"), "resolve_by": _("resolve-by deadline")}


def _amount(value: object) -> str:
    """An amount from an event's data, written the way the viewer's language writes numbers (89,50 in German)."""
    try:
        return number_format(Decimal(str(value)), decimal_pos=2)
    except (InvalidOperation, ValueError):
        return str(value)


def _extra(event: CaseEvent) -> str:
    """The bit of the event's data worth a sentence (no score: the follow-up score is shown only where allowed)."""
    data = event.data or {}
    if event.kind == CaseEventKind.ESCALATED:
        return str(_ESCALATION_TARGETS.get(data.get("to"), ""))
    if event.kind == CaseEventKind.REMINDER:
        return str(_DEADLINE_NAMES.get(data.get("deadline"), ""))
    if event.kind in (CaseEventKind.GOODWILL_REQUESTED, CaseEventKind.GOODWILL_APPROVED,
                      CaseEventKind.GOODWILL_REJECTED) and data.get("amount"):
        return f"{_amount(data['amount'])} {data.get('currency', '')}".strip()
    if event.kind == CaseEventKind.FOLLOW_UP_ANSWERED:
        put_right = data.get("put_right")
        if put_right is True:
            return str(_("The customer says it was put right."))
        if put_right is False:
            return str(_("The customer says it was not put right."))
    if event.kind == CaseEventKind.CREATED:
        return event.detail
    if event.kind == CaseEventKind.STATUS and data.get("by") == "follow_up":
        return str(_("after the customer's follow-up survey"))
    return ""


def case_timeline(*, actor: Actor, case: Case) -> list[TimelineEntry]:
    """The case's event log, oldest first, read through the scoping entry point."""
    entries = []
    for event in CaseEvent.objects.visible_to(actor).filter(case_id=case.pk).order_by("at", "pk"):
        outcome = (event.data or {}).get("outcome", "") if event.kind == CaseEventKind.CALL else ""
        is_move = event.kind == CaseEventKind.STATUS
        entries.append(TimelineEntry(
            at=event.at, who=event.actor_name or "—", what=str(event.get_kind_display()), kind=event.kind,
            from_status=str(event.get_from_status_display()) if is_move else "",
            to_status=str(event.get_to_status_display()) if is_move else "",
            outcome=str(CallOutcome(outcome).label) if outcome in CallOutcome.values else "",
            # The opening event's detail is the kind of work: said inline, not quoted like a note.
            detail="" if event.kind == CaseEventKind.CREATED else event.detail, extra=_extra(event),
        ))
    return entries


@dataclass
class CaseContext:
    """Everything around a case that its page shows, each part read through ``visible_to``."""

    vehicles: list[Vehicle] = field(default_factory=list)
    feedback: list[Response] = field(default_factory=list)
    other_cases: list[Case] = field(default_factory=list)
    goodwill: list[Goodwill] = field(default_factory=list)
    people: list[User] = field(default_factory=list)


def case_context(*, actor: Actor, case: Case) -> CaseContext:
    """The customer's vehicles, other feedback and other cases, the case's goodwill, and who it can be given to."""
    context = CaseContext(
        goodwill=list(Goodwill.objects.visible_to(actor).filter(case_id=case.pk)
                      .select_related("requested_by", "decided_by").order_by("requested_at", "pk")),
        people=list(User.objects.filter(memberships__dealer_id=case.dealer_id, is_active=True,
                                        memberships__role__in=list(DEALER_ROLES), memberships__is_active=True)
                    .distinct().order_by("first_name", "last_name", "email")),
    )
    if case.customer_id is None:
        return context
    context.vehicles = list(Vehicle.objects.visible_to(actor).filter(current_owner_id=case.customer_id)
                            .order_by("-model_year", "vin"))
    context.feedback = list(Response.objects.visible_to(actor).filter(customer_id=case.customer_id)
                            .exclude(pk=case.response_id or 0).select_related("touchpoint")
                            .order_by("-submitted_at", "-pk")[:HISTORY_LIMIT])
    context.other_cases = list(Case.objects.visible_to(actor).filter(customer_id=case.customer_id)
                               .exclude(pk=case.pk).select_related("playbook", "touchpoint")
                               .order_by("-opened_at", "-pk")[:HISTORY_LIMIT])
    return context


def goodwill_on_case(*, actor: Actor, case: Case, goodwill_pk: int) -> bool:
    return Goodwill.objects.visible_to(actor).filter(case_id=case.pk, pk=goodwill_pk).exists()


def customer_visible(*, actor: Actor, case: Case) -> Customer | None:
    """The case's customer if the viewer may see them (and they were not erased)."""
    if case.customer_id is None:
        return None
    return Customer.objects.visible_to(actor).filter(pk=case.customer_id, erased_at__isnull=True).first()


def goodwill_limit(*, actor: Actor, case: Case) -> tuple[Decimal | None, str]:
    """The viewer's empowerment limit for goodwill on this case's brand (None: unlimited), and its currency."""
    # Read, never created here: a brand without a policy yet works to the defaults the policy would start with.
    policy = CasePolicy.objects.filter(brand_id=case.brand_id).first() or CasePolicy(brand_id=case.brand_id)
    return policy.limits.limit_for(actor.role), policy.currency


def is_follow_up(response: Response) -> bool:
    return response.purpose == Purpose.FOLLOW_UP



def overdue_q(now: datetime) -> Q:
    """``deadline_of`` as a filter: respond-by passed while awaiting contact, or resolve-by while unresolved."""
    return (Q(status__in=list(AWAITING_CONTACT), respond_by__lt=now)
            | (~Q(status__in=list(AWAITING_CONTACT))
               & Q(kind=CaseKind.RECOVERY, status__in=list(UNRESOLVED), resolve_by__lt=now)))


class CaseListFilters(Protocol):
    """What the API's list accepts (its input schema satisfies this)."""

    status: str
    kind: str
    dealer: str
    department: str
    overdue: bool | None
    escalated: bool | None
    offset: int
    limit: int


# --------------------------------------------------------------------------------------------------------------------
# Reads for the API: every status, not only open work; staff only (an owner may see their own case, not its notes).


def staff_only(actor: Actor) -> None:
    # An owner may see their own case, but not its working notes and internal history.
    if not (actor.is_system or actor.is_staff_role):
        raise PermissionDenied(_("Cases are for the brand's and dealers' staff."))


def case_list_for_api(*, actor: Actor, filters: CaseListFilters, now: datetime) -> tuple[list[Case], int]:
    """One page of the cases the actor may see (every status), newest first, and how many there are in all."""
    staff_only(actor)
    cases: QuerySet[Case] = Case.objects.visible_to(actor)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.dealer:
        cases = cases.filter(dealer__code=filters.dealer)
    if filters.department:
        cases = cases.filter(department=filters.department)
    if filters.overdue is not None:
        overdue = overdue_q(now)
        cases = cases.filter(overdue) if filters.overdue else cases.exclude(overdue)
    if filters.escalated is not None:
        cases = cases.filter(escalation_level__gt=0) if filters.escalated else cases.filter(escalation_level=0)
    count = cases.count()
    page = (cases.select_related("dealer", "touchpoint", "playbook", "response", "customer", "assignee", "root_cause")
            .order_by("-opened_at", "-pk")[filters.offset:filters.offset + filters.limit])
    return list(page), count


def case_detail_for_api(*, actor: Actor, pk: int) -> Case:
    """One case with its event log and goodwill, each read through ``visible_to``; 404 outside the actor's scope."""
    staff_only(actor)
    case = (Case.objects.visible_to(actor).filter(pk=pk)
            .select_related("dealer", "touchpoint", "playbook", "response", "customer", "assignee", "root_cause")
            .prefetch_related(
                Prefetch("events", queryset=CaseEvent.objects.visible_to(actor).order_by("at", "pk")),
                Prefetch("goodwill", queryset=Goodwill.objects.visible_to(actor).order_by("requested_at", "pk")),
                Prefetch("messages", queryset=CaseMessage.objects.visible_to(actor).order_by("at", "pk")),
                Prefetch("photos", queryset=CasePhoto.objects.visible_to(actor).order_by("uploaded_at", "pk")))
            .first())
    if case is None:
        raise NotFound(_("case not found"))
    return case


