"""Writes of the closed loop: opening work from responses, moving cases through their lifecycle, goodwill, the
follow-up survey, and the every-minute sweep that reminds and escalates.

Every change runs in one transaction with its ``CaseEvent`` row. Changes by people lock the case row first
(``SELECT ... FOR UPDATE``; SQLite transactions are immediate, so writers queue), re-read it, check the transition
table, then write; the sweep claims rows with one conditional ``UPDATE ... RETURNING`` per step (see
``core.claims``), so running it twice, or twice at once, changes and sends nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from insidetrack.accounts.models import Membership, User
from insidetrack.accounts.selectors import actor_display_name
from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.claims import claim
from insidetrack.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from insidetrack.core.roles import DEALER_ROLES, Role
from insidetrack.core.tasks import enqueue_on_commit
from insidetrack.journeys.models import Theme
from insidetrack.network.models import Brand, Dealer
from insidetrack.surveys.history import invitation_history_write
from insidetrack.surveys.models import (
    Invitation,
    InvitationEventKind,
    InvitationStatus,
    Purpose,
    Response,
)

from . import defaults, policies
from .models import (
    CallOutcome,
    Case,
    CaseEvent,
    CaseEventKind,
    CasePolicy,
    CaseSource,
    Goodwill,
    GoodwillStatus,
    Playbook,
)
from .policies import AWAITING_CONTACT, OPEN_STATUSES, UNRESOLVED, CaseKind, CaseStatus

logger = logging.getLogger(__name__)

SWEEP_BATCH_SIZE = 20_000
# A score given without finishing the survey (the owner closed the page) still deserves an answer; it becomes work
# once the owner has had this long to finish.
ABANDONED_AFTER = timedelta(minutes=30)
# How far back the sweep looks for answers nobody routed. Far enough to cover a worker that was down over a weekend,
# short enough that switching the closed loop on for an existing brand does not open (and at once escalate) work
# for a month of old answers.
ROUTE_LOOKBACK = timedelta(days=3)
# A follow-up link is valid for two weeks by default; an answer is looked for a little longer than that.
FOLLOW_UP_LOOKBACK = timedelta(days=30)
NOTE_MAX_LENGTH = 4000
S = CaseStatus


# --------------------------------------------------------------------------------------------------------------------
# Set-up


@transaction.atomic
def closed_loop_setup(*, brand: Brand) -> CasePolicy:
    """The brand's policy and default playbooks, created once; what head office edited is left alone."""
    policy, _created = CasePolicy.objects.get_or_create(brand=brand)
    existing = set(Playbook.objects.filter(brand=brand, touchpoint__isnull=True).values_list("band", flat=True))
    Playbook.objects.bulk_create([Playbook(brand=brand, **item) for item in defaults.PLAYBOOKS
                                  if item["band"] not in existing])
    return policy


def policy_for(brand_id: int) -> CasePolicy:
    policy = CasePolicy.objects.filter(brand_id=brand_id).first()
    if policy is None:
        policy = closed_loop_setup(brand=Brand.objects.get(pk=brand_id))
    return policy


class _Playbooks:
    """Playbook lookup for a batch: the touchpoint's own for the band, else the band's default."""

    def __init__(self, brand_ids: Iterable[int]) -> None:
        self.by_key: dict[tuple[int, str, int | None], Playbook] = {}
        for playbook in Playbook.objects.filter(brand_id__in=set(brand_ids), is_active=True):
            self.by_key[(playbook.brand_id, playbook.band, playbook.touchpoint_id)] = playbook

    def find(self, brand_id: int, band: str, touchpoint_id: int | None) -> Playbook | None:
        return self.by_key.get((brand_id, band, touchpoint_id)) or self.by_key.get((brand_id, band, None))


def _rules(*, policy: CasePolicy, playbook: Playbook | None, dealer: Dealer) -> policies.DeadlineRules:
    return policies.DeadlineRules(
        respond_within_hours=(playbook.respond_within_hours if playbook and playbook.respond_within_hours
                              else policy.respond_within_hours),
        resolve_within_hours=(playbook.resolve_within_hours if playbook and playbook.resolve_within_hours
                              else policy.resolve_within_hours),
        count_opening_hours_only=policy.count_opening_hours_only,
        time_zone=dealer.time_zone, opening_hours=dealer.opening_hours,
    )


# --------------------------------------------------------------------------------------------------------------------
# Routing: every response becomes work


@transaction.atomic
def cases_open_for_responses(*, response_pks: Iterable[int], now: datetime | None = None) -> list[Case]:
    """Open the work each response calls for, once: a thank-you call, an acknowledgement or a recovery case.

    The clock starts when the owner answered. Follow-up answers and responses that already have a case are left
    alone, so this is safe to call again with the same responses (the receiver and the sweep both do).
    """
    now = now or clock.now()
    responses = list(
        Response.objects.filter(pk__in=list(response_pks), purpose=Purpose.SURVEY, case__isnull=True)
        .select_related("touchpoint", "dealer").order_by("pk")
    )
    if not responses:
        return []
    brand_ids = {r.brand_id for r in responses}
    policies_by_brand = {brand_id: policy_for(brand_id) for brand_id in brand_ids}
    playbooks = _Playbooks(brand_ids)
    cases = []
    for response in responses:
        band = policies.band_for(response.score)
        kind = policies.KIND_FOR_BAND[band]
        playbook = playbooks.find(response.brand_id, band, response.touchpoint_id)
        opened_at = response.submitted_at
        deadlines = policies.deadlines_for(opened_at=opened_at, kind=kind, rules=_rules(
            policy=policies_by_brand[response.brand_id], playbook=playbook, dealer=response.dealer))
        cases.append(Case(
            brand_id=response.brand_id, dealer_id=response.dealer_id, customer_id=response.customer_id,
            response=response, touchpoint_id=response.touchpoint_id, department=response.touchpoint.department,
            kind=kind, status=S.NEW, source=CaseSource.SURVEY, playbook=playbook, opened_at=opened_at,
            respond_by=deadlines.respond_by, first_respond_by=deadlines.respond_by, resolve_by=deadlines.resolve_by,
        ))
    # A concurrent call may have opened some of these meanwhile; the unique response column settles it.
    Case.objects.bulk_create(cases, ignore_conflicts=True)
    # With ignore_conflicts the keys are not returned: read back exactly the rows that are ours now.
    mine = list(Case.objects.filter(response_id__in=[r.pk for r in responses]).exclude(
        Exists(CaseEvent.objects.filter(case_id=OuterRef("pk"), kind=CaseEventKind.CREATED))))
    CaseEvent.objects.bulk_create([
        CaseEvent(case=case, at=now, kind=CaseEventKind.CREATED, to_status=S.NEW, actor_name="Inside Track",
                  detail=str(CaseKind(case.kind).label))
        for case in mine
    ])
    return mine


def case_open_for_response(*, response_pk: int, now: datetime | None = None) -> Case | None:
    """One response's work (None for a follow-up answer); idempotent."""
    cases_open_for_responses(response_pks=[response_pk], now=now)
    return Case.objects.filter(response_id=response_pk).first()


@transaction.atomic
def case_open_direct(*, dealer: Dealer, customer_pk: int | None, source: str, subject: str, detail: str = "",
                     vehicle_pk: int | None = None, department: str = "service", urgent_reason: str = "",
                     actor: Actor | None = None, now: datetime | None = None) -> Case:
    """A recovery case that did not come from a survey: an owner raising an issue, or the connected car.

    It runs under the same promise as a detractor's case (respond within the brand's hours, resolve by its policy),
    so the dealer's inbox, reminders and escalation treat it like any other; its follow-up survey, sent after it is
    resolved, is what verifies it.
    """
    if source not in (CaseSource.OWNER, CaseSource.CONNECTED_CAR, CaseSource.STAFF):
        raise ValidationFailed(_("A case opened directly must come from the owner, the car or staff."),
                               field="source")
    subject = _clean_text(subject, field_name="subject", required=True, message=_("Say what the case is about."))
    now = now or clock.now()
    deadlines = policies.deadlines_for(opened_at=now, kind=CaseKind.RECOVERY, rules=_rules(
        policy=policy_for(dealer.brand_id), playbook=None, dealer=dealer))
    case = Case.objects.create(
        brand_id=dealer.brand_id, dealer=dealer, customer_id=customer_pk, vehicle_id=vehicle_pk,
        department=department, kind=CaseKind.RECOVERY, status=S.NEW, source=source, subject=subject[:200],
        opened_at=now, respond_by=deadlines.respond_by, first_respond_by=deadlines.respond_by,
        resolve_by=deadlines.resolve_by, urgent_at=now if urgent_reason else None, urgent_reason=urgent_reason[:200],
    )
    actor = actor or Actor.system()
    _event(case, actor=actor, kind=CaseEventKind.CREATED, at=now, detail=detail or subject, to_status=S.NEW)
    return case


# --------------------------------------------------------------------------------------------------------------------
# People acting on a case


def _locked_case(*, case_pk: int, actor: Actor) -> Case:
    """The case, locked for this transaction, if the actor may work on it; 404 if they may not see it."""
    if not (actor.is_system or actor.is_staff_role):
        if actor.is_owner and Case.objects.visible_to(actor).filter(pk=case_pk).exists():
            raise PermissionDenied(_("Only the dealer's staff can work on a case."))
        raise NotFound(_("case not found"))
    case = Case.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=case_pk).first()
    if case is None:
        raise NotFound(_("case not found"))
    return case


def _event(case: Case, *, actor: Actor, kind: str, at: datetime, name: str | None = None, detail: str = "",
           from_status: str = "", to_status: str = "", data: dict | None = None) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, at=at, kind=kind, actor_id=None if actor.is_system else actor.user_id,
        actor_name=name if name is not None else actor_display_name(actor), detail=detail, from_status=from_status,
        to_status=to_status, data=data or {},
    )


def _clean_text(text: str, *, field_name: str, required: bool, message: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise ValidationFailed(message, field=field_name)
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationFailed(_("Please keep it under 4,000 characters."), field=field_name)
    return text


_STATE_TIMESTAMP = {S.CONTACTED: "contacted_at", S.IN_PROGRESS: "in_progress_at", S.RESOLVED: "resolved_at",
                    S.VERIFIED: "verified_at", S.CLOSED: "closed_at"}


def _move(case: Case, *, target: str, actor: Actor, now: datetime, reason: str = "", name: str | None = None,
          data: dict | None = None) -> list[str]:
    """Apply one transition to a locked case in memory and write its event; returns the fields changed."""
    current = case.status
    policies.check_transition(kind=case.kind, current=current, target=target)
    if policies.needs_reason(case.kind, current, target) and not reason:
        raise ValidationFailed(_("Please say why."), field="reason")
    if (current, target) in policies.MANAGER_ONLY and not (actor.is_system or actor.role in policies.MANAGER_ROLES):
        raise PermissionDenied(_("Only a manager can do this."))
    changed = ["status"]
    case.status = target
    stamp = _STATE_TIMESTAMP.get(target)
    if stamp and getattr(case, stamp) is None:
        setattr(case, stamp, now)
        changed.append(stamp)
    if target == S.CONTACTED and case.first_contact_at is None:
        case.first_contact_at = now
        changed.append("first_contact_at")
    if target == S.REOPENED:
        changed += _reopen(case, now=now)
    _event(case, actor=actor, kind=CaseEventKind.STATUS, at=now, name=name, detail=reason, from_status=current,
           to_status=target, data=data)
    return changed


def _reopen(case: Case, *, now: datetime) -> list[str]:
    """A reopened case starts a new promise: fresh deadlines, no reminders sent yet, back at the dealer."""
    policy = policy_for(case.brand_id)
    dealer = Dealer.objects.get(pk=case.dealer_id)
    deadlines = policies.deadlines_for(opened_at=now, kind=case.kind,
                                       rules=_rules(policy=policy, playbook=case.playbook, dealer=dealer))
    case.reopened_at = now
    case.reopen_count += 1
    case.respond_by, case.resolve_by = deadlines.respond_by, deadlines.resolve_by
    case.respond_reminded_at = case.resolve_reminded_at = None
    case.escalation_level = 0
    case.follow_up_at = None
    fields = ["reopened_at", "reopen_count", "respond_by", "resolve_by", "respond_reminded_at",
              "resolve_reminded_at", "escalation_level", "follow_up_at"]
    if case.follow_up_invitation_id:
        cancelled = Invitation.objects.filter(pk=case.follow_up_invitation_id,
                                              status=InvitationStatus.PENDING).update(
            status=InvitationStatus.SKIPPED, skip_reason="case_reopened")
        if cancelled:
            invitation_history_write([(case.follow_up_invitation_id, InvitationEventKind.SKIPPED, now,
                                       "case_reopened")])
            _event(case, actor=Actor.system(), kind=CaseEventKind.FOLLOW_UP_CANCELLED, at=now)
    return fields


@transaction.atomic
def case_transition(*, case_pk: int, actor: Actor, to_status: str, reason: str = "",
                    now: datetime | None = None) -> Case:
    """Move a case to another status, if the transition table allows it (409 otherwise).

    Resolving a recovery case needs its root cause and resolution on record, and schedules the follow-up survey.
    """
    now = now or clock.now()
    if to_status not in S.values:
        raise ValidationFailed(_("Unknown status."), field="status")
    case = _locked_case(case_pk=case_pk, actor=actor)
    reason = _clean_text(reason, field_name="reason", required=False, message="")
    if to_status == S.RESOLVED and case.kind == CaseKind.RECOVERY:
        policies.check_transition(kind=case.kind, current=case.status, target=to_status)
        if case.root_cause_id is None:
            raise ValidationFailed(_("Record the root cause before resolving the case."), field="root_cause")
        if not case.resolution:
            raise ValidationFailed(_("Record what was done to put it right before resolving the case."),
                                   field="resolution")
    changed = _move(case, target=to_status, actor=actor, now=now, reason=reason)
    if to_status == S.RESOLVED:
        changed += _schedule_follow_up(case, now=now)
    case.save(update_fields=[*set(changed), "updated_at"])
    return case


def _schedule_follow_up(case: Case, *, now: datetime) -> list[str]:
    """Create the "did we put it right?" survey, sent ``follow_up_after_days`` later by the invitations sweep.

    Consent and a usable address are checked again when it goes out, like every invitation. Only recovery cases
    from a customer get one: that is what verifies them.
    """
    if case.kind != CaseKind.RECOVERY or case.customer_id is None:
        return []
    policy = policy_for(case.brand_id)
    send_at = now + timedelta(days=policy.follow_up_after_days)
    customer_language = (Response.objects.filter(pk=case.response_id).values_list("language", flat=True).first()
                         if case.response_id else None)
    invitation = Invitation.objects.create(
        brand_id=case.brand_id, dealer_id=case.dealer_id, customer_id=case.customer_id, event=None,
        touchpoint_id=case.touchpoint_id or _any_touchpoint(case.brand_id), purpose=Purpose.FOLLOW_UP,
        language=customer_language or case.customer.language or "en", status=InvitationStatus.PENDING,
        scheduled_for=send_at, expires_at=send_at + timedelta(days=policy.follow_up_valid_days),
    )
    invitation_history_write([(invitation.pk, InvitationEventKind.SCHEDULED, now, "follow_up")])
    case.follow_up_invitation = invitation
    case.follow_up_at = send_at
    # A new resolution is verified by its own follow-up: an earlier answer (which reopened the case) stays in the
    # event log, and the case waits for the new one.
    case.follow_up_score = case.follow_up_answered_at = None
    _event(case, actor=Actor.system(), kind=CaseEventKind.FOLLOW_UP_SCHEDULED, at=now,
           data={"send_at": send_at.isoformat()})
    return ["follow_up_invitation", "follow_up_at", "follow_up_score", "follow_up_answered_at"]


def _any_touchpoint(brand_id: int) -> int:
    from insidetrack.journeys.models import Touchpoint

    return Touchpoint.objects.filter(journey__brand_id=brand_id, journey__is_default=True).order_by(
        "position").values_list("pk", flat=True)[0]


@transaction.atomic
def case_log_call(*, case_pk: int, actor: Actor, outcome: str, note: str = "", now: datetime | None = None) -> Case:
    """Record a call. Reaching the customer is the response the 24-hour promise asks for: a case awaiting contact
    becomes contacted, and a thank-you call or an acknowledgement is then done (closed)."""
    now = now or clock.now()
    if outcome not in CallOutcome.values:
        raise ValidationFailed(_("Unknown call outcome."), field="outcome")
    case = _locked_case(case_pk=case_pk, actor=actor)
    note = _clean_text(note, field_name="note", required=False, message="")
    if case.status == S.CLOSED:
        raise Conflict(_("This case is closed."), code="case_closed")
    name = actor_display_name(actor)
    _event(case, actor=actor, kind=CaseEventKind.CALL, at=now, name=name, detail=note,
           data={"outcome": outcome})
    changed: list[str] = []
    if outcome == CallOutcome.REACHED and case.status in AWAITING_CONTACT:
        changed += _move(case, target=S.CONTACTED, actor=actor, now=now, name=name)
        if case.kind != CaseKind.RECOVERY:
            changed += _move(case, target=S.CLOSED, actor=actor, now=now, name=name)
    if changed:
        case.save(update_fields=[*set(changed), "updated_at"])
    return case


def cases_complete_calls(*, case_pks: Sequence[int], actor: Actor, note: str = "",
                         now: datetime | None = None) -> list[int]:
    """Bulk "thank-you call made": each open thank-you call or acknowledgement the actor may work on is logged as
    reached and closed, one transaction each so one refusal does not undo the others. Returns the closed keys."""
    now = now or clock.now()
    done = []
    # A recovery case is never closed by a tick in a list, whatever a (tampered) form sends.
    calls = Case.objects.visible_to(actor).filter(pk__in=set(case_pks)).exclude(kind=CaseKind.RECOVERY)
    for pk in sorted(calls.values_list("pk", flat=True)):
        try:
            case = case_log_call(case_pk=pk, actor=actor, outcome=CallOutcome.REACHED, note=note, now=now)
        except (NotFound, Conflict, ValidationFailed, PermissionDenied):
            continue
        if case.kind != CaseKind.RECOVERY and case.status == S.CLOSED:
            done.append(pk)
    return done


@transaction.atomic
def case_add_note(*, case_pk: int, actor: Actor, text: str, now: datetime | None = None) -> CaseEvent:
    now = now or clock.now()
    case = _locked_case(case_pk=case_pk, actor=actor)
    text = _clean_text(text, field_name="text", required=True, message=_("The note is empty."))
    return _event(case, actor=actor, kind=CaseEventKind.NOTE, at=now, detail=text)


def root_causes_for(case: Case) -> list[Theme]:
    """The themes a case's root cause is chosen from: its touchpoint's, plus those that apply everywhere."""
    themes = Theme.objects.filter(brand_id=case.brand_id, is_active=True)
    if case.touchpoint_id:
        themes = themes.filter(Q(touchpoints=case.touchpoint_id) | Q(touchpoints__isnull=True))
    return list(themes.distinct().order_by("name"))


@transaction.atomic
def case_set_root_cause(*, case_pk: int, actor: Actor, theme_code: str, now: datetime | None = None) -> Case:
    now = now or clock.now()
    case = _locked_case(case_pk=case_pk, actor=actor)
    theme = next((t for t in root_causes_for(case) if t.code == theme_code), None)
    if theme is None:
        raise ValidationFailed(_("Choose a root cause from this touchpoint's themes."), field="root_cause")
    if case.root_cause_id != theme.pk:
        case.root_cause = theme
        case.save(update_fields=["root_cause", "updated_at"])
        _event(case, actor=actor, kind=CaseEventKind.ROOT_CAUSE, at=now, detail=theme.name,
               data={"theme": theme.code})
    return case


@dataclass(frozen=True)
class AnalysisReading:
    """What the verbatim analysis read in a response, as the closed loop uses it (the cases app must not import the
    analysis, which comes later)."""

    response_pk: int
    negative_theme_codes: tuple[str, ...] = ()
    safety_phrases: tuple[str, ...] = ()


@transaction.atomic
def cases_apply_analysis(*, readings: Sequence[AnalysisReading], now: datetime | None = None) -> dict[str, int]:
    """Offer the analysis' negative theme as each open case's suggested root cause, and flag safety issues urgent.

    Idempotent: each case is claimed with a conditional update (no suggestion yet / not urgent yet), so the task
    after analysis and the sweep that backs it up never write an event twice. The dealer still confirms the root
    cause: a suggestion is what the words say, not what the dealer found.
    """
    now = now or clock.now()
    by_response = {r.response_pk: r for r in readings if r.negative_theme_codes or r.safety_phrases}
    if not by_response:
        return {"suggested": 0, "urgent": 0}
    # Only open cases: re-analysing history with a new model must not wake closed cases nor e-mail about them.
    cases = list(Case.objects.filter(response_id__in=by_response, status__in=list(OPEN_STATUSES)).filter(
        Q(suggested_root_cause__isnull=True, root_cause__isnull=True) | Q(urgent_at__isnull=True))
        .select_related("touchpoint"))
    suggested = 0
    urgent: list[int] = []
    system = Actor.system()
    for case in cases:
        reading = by_response[case.response_id]
        if reading.negative_theme_codes and case.suggested_root_cause_id is None and case.root_cause_id is None:
            allowed = {t.code: t for t in root_causes_for(case)}
            theme = next((allowed[c] for c in reading.negative_theme_codes if c in allowed), None)
            if theme is not None and Case.objects.filter(
                    pk=case.pk, suggested_root_cause__isnull=True, root_cause__isnull=True).update(
                    suggested_root_cause=theme, updated_at=now):
                _event(case, actor=system, kind=CaseEventKind.ROOT_CAUSE_SUGGESTED, at=now, detail=theme.name,
                       data={"theme": theme.code})
                suggested += 1
        if reading.safety_phrases and case.urgent_at is None:
            reason = str(_("Safety or legal issue: %(words)s") % {"words": ", ".join(reading.safety_phrases)})[:200]
            if Case.objects.filter(pk=case.pk, urgent_at__isnull=True).update(
                    urgent_at=now, urgent_reason=reason, updated_at=now):
                _event(case, actor=system, kind=CaseEventKind.URGENT, at=now, detail=reason,
                       data={"phrases": list(reading.safety_phrases)})
                urgent.append(case.pk)
    if urgent:
        from . import tasks

        enqueue_on_commit(tasks.send_case_notices, reminded=[], to_region=[], to_head_office=[], urgent=urgent)
    return {"suggested": suggested, "urgent": len(urgent)}


@transaction.atomic
def case_record_resolution(*, case_pk: int, actor: Actor, text: str, now: datetime | None = None) -> Case:
    now = now or clock.now()
    case = _locked_case(case_pk=case_pk, actor=actor)
    text = _clean_text(text, field_name="resolution", required=True,
                       message=_("Describe what was done to put it right."))
    if case.kind != CaseKind.RECOVERY:
        raise Conflict(_("Only a recovery case has a resolution."), code="not_a_case")
    case.resolution = text
    case.save(update_fields=["resolution", "updated_at"])
    _event(case, actor=actor, kind=CaseEventKind.RESOLUTION, at=now, detail=text)
    return case


@transaction.atomic
def case_assign(*, case_pk: int, actor: Actor, user_pk: int | None, now: datetime | None = None) -> Case:
    """Give the case to one of its dealer's people (or to nobody)."""
    now = now or clock.now()
    case = _locked_case(case_pk=case_pk, actor=actor)
    assignee = None
    if user_pk is not None:
        assignee = User.objects.filter(
            pk=user_pk, memberships__dealer_id=case.dealer_id, memberships__role__in=list(DEALER_ROLES),
            memberships__is_active=True).first()
        if assignee is None:
            raise ValidationFailed(_("Choose someone who works at this dealer."), field="assignee")
    if case.assignee_id != (assignee.pk if assignee else None):
        case.assignee = assignee
        case.save(update_fields=["assignee", "updated_at"])
        _event(case, actor=actor, kind=CaseEventKind.ASSIGNED, at=now,
               detail=(assignee.get_full_name() or assignee.email) if assignee else "")
    return case


# --------------------------------------------------------------------------------------------------------------------
# Goodwill


def _amount(value: object) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("The cost must be a number, e.g. 120 or 89.50."), field="amount") from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("99999999"):
        raise ValidationFailed(_("The cost must be a positive amount."), field="amount")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def goodwill_offer(*, case_pk: int, actor: Actor, description: str, amount: object,
                   now: datetime | None = None) -> Goodwill:
    """Record a gesture; within the actor's empowerment limit it is approved at once, above it a manager decides."""
    now = now or clock.now()
    case = _locked_case(case_pk=case_pk, actor=actor)
    description = _clean_text(description, field_name="description", required=True,
                              message=_("Describe the gesture."))
    if len(description) > 200:
        raise ValidationFailed(_("Please describe the gesture in under 200 characters."), field="description")
    value = _amount(amount)
    policy = policy_for(case.brand_id)
    approved = policies.within_limit(amount=value, role=actor.role, limits=policy.limits) or actor.is_system
    goodwill = Goodwill.objects.create(
        case=case, description=description, amount=value, currency=policy.currency,
        status=GoodwillStatus.APPROVED if approved else GoodwillStatus.PENDING,
        requested_by_id=actor.user_id, requested_at=now,
        decided_by_id=actor.user_id if approved else None, decided_at=now if approved else None,
    )
    name = actor_display_name(actor)
    data = {"goodwill": goodwill.pk, "amount": str(value), "currency": policy.currency}
    _event(case, actor=actor, kind=CaseEventKind.GOODWILL_REQUESTED, at=now, name=name, detail=description, data=data)
    if approved:
        _event(case, actor=actor, kind=CaseEventKind.GOODWILL_APPROVED, at=now, name=name,
               detail=str(_("Within the empowerment limit")), data=data)
    return goodwill


@transaction.atomic
def goodwill_decide(*, goodwill_pk: int, actor: Actor, approve: bool, note: str = "",
                    now: datetime | None = None) -> Goodwill:
    """A manager approves (within their own limit) or declines a gesture that was above the requester's limit."""
    now = now or clock.now()
    goodwill = Goodwill.objects.visible_to(actor).select_for_update(of=("self",)).filter(pk=goodwill_pk).first()
    if goodwill is None:
        raise NotFound(_("goodwill not found"))
    if not actor.is_staff_role:
        raise PermissionDenied(_("Only a manager can decide on a gesture."))
    case = _locked_case(case_pk=goodwill.case_id, actor=actor)
    if goodwill.status != GoodwillStatus.PENDING:
        raise Conflict(_("This gesture has already been decided."), code="already_decided")
    policy = policy_for(case.brand_id)
    if approve and not policies.may_approve(amount=goodwill.amount, role=actor.role, limits=policy.limits):
        raise PermissionDenied(_("This amount is above your approval limit."))
    if not approve and actor.role not in policies.MANAGER_ROLES:
        raise PermissionDenied(_("Only a manager can decline a gesture."))
    goodwill.status = GoodwillStatus.APPROVED if approve else GoodwillStatus.REJECTED
    goodwill.decided_by_id, goodwill.decided_at = actor.user_id, now
    note = _clean_text(note, field_name="note", required=False, message="")
    if len(note) > 200:
        raise ValidationFailed(_("Please keep the note under 200 characters."), field="note")
    goodwill.decision_note = note
    goodwill.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _event(case, actor=actor, kind=CaseEventKind.GOODWILL_APPROVED if approve else CaseEventKind.GOODWILL_REJECTED,
           at=now, detail=goodwill.decision_note or goodwill.description,
           data={"goodwill": goodwill.pk, "amount": str(goodwill.amount), "currency": goodwill.currency})
    return goodwill


# --------------------------------------------------------------------------------------------------------------------
# Follow-up answers


def cases_apply_follow_ups(*, response_pks: Iterable[int], now: datetime | None = None) -> int:
    """Verify or reopen each resolved case whose follow-up survey these responses answer; idempotent."""
    now = now or clock.now()
    applied = 0
    answers = list(Response.objects.filter(pk__in=list(response_pks), purpose=Purpose.FOLLOW_UP)
                   .values_list("invitation_id", "score", "answers", "submitted_at"))
    for invitation_pk, score, answers_json, submitted_at in answers:
        with transaction.atomic():
            case = (Case.objects.select_for_update(of=("self",))
                    .filter(follow_up_invitation_id=invitation_pk, follow_up_answered_at__isnull=True).first())
            if case is None:
                continue
            put_right = (answers_json or {}).get("put_right")
            outcome = policies.follow_up_outcome(score=score, put_right=put_right if isinstance(put_right, bool)
                                                 else None)
            # The case moves when the customer answered, even if the sweep applies it later.
            answered_at = submitted_at or now
            case.follow_up_score, case.follow_up_answered_at = score, answered_at
            system = Actor.system()
            _event(case, actor=system, kind=CaseEventKind.FOLLOW_UP_ANSWERED, at=answered_at,
                   data={"put_right": put_right, "outcome": outcome})
            changed = ["follow_up_score", "follow_up_answered_at"]
            if case.status == S.RESOLVED:
                reason = "" if outcome == S.VERIFIED else str(_("The customer's follow-up says it is not put right."))
                changed += _move(case, target=outcome, actor=system, now=answered_at, reason=reason,
                                 data={"by": "follow_up"})
            case.save(update_fields=[*set(changed), "updated_at"])
            applied += 1
    return applied


def on_response_completed(*, response_pk: int, purpose: str) -> None:
    """Entry point for the surveys signal: route new feedback, or apply a follow-up answer."""
    if purpose == Purpose.FOLLOW_UP:
        cases_apply_follow_ups(response_pks=[response_pk])
    else:
        cases_open_for_responses(response_pks=[response_pk])


# --------------------------------------------------------------------------------------------------------------------
# The sweep


@dataclass
class SweepResult:
    opened: int = 0
    follow_ups: int = 0
    reminded: list[int] = field(default_factory=list)
    escalated_to_region: list[int] = field(default_factory=list)
    escalated_to_head_office: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (self.opened + self.follow_ups + len(self.reminded) + len(self.escalated_to_region)
                + len(self.escalated_to_head_office))


def _unrouted_responses(now: datetime) -> list[int]:
    """Answers the receiver did not route: surveys abandoned after the score, or a worker that died."""
    cutoff = now - ABANDONED_AFTER
    return list(
        Response.objects.filter(purpose=Purpose.SURVEY, case__isnull=True, submitted_at__lte=cutoff,
                                submitted_at__gte=now - ROUTE_LOOKBACK)
        .order_by("submitted_at").values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
    )


def _unapplied_follow_ups(now: datetime) -> list[int]:
    """Follow-up answers (abandoned after the score, or missed) whose case still waits for them.

    Only the case's current follow-up counts: after a reopen and a new resolution, the case points at a new
    invitation, and the first answer (already applied) matches no case.
    """
    return list(
        Response.objects.filter(purpose=Purpose.FOLLOW_UP, submitted_at__lte=now - ABANDONED_AFTER,
                                submitted_at__gte=now - FOLLOW_UP_LOOKBACK,
                                invitation__follow_up_case__isnull=False,
                                invitation__follow_up_case__follow_up_answered_at__isnull=True)
        .values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
    )


def _sweep_events(pks: list[int], *, kind: str, now: datetime, detail: str, data: dict) -> None:
    CaseEvent.objects.bulk_create(
        [CaseEvent(case_id=pk, at=now, kind=kind, actor_name="Inside Track", detail=detail, data=data)
         for pk in pks], batch_size=2000,
    )


def cases_sweep(*, now: datetime | None = None) -> SweepResult:
    """The every-minute sweep: route missed responses, apply follow-ups, remind before deadlines, escalate after.

    Each step is one claim (a conditional ``UPDATE ... RETURNING``) and its event rows in one transaction; the
    notices go out after commit. Deadlines of a brand are read from its policy; escalation to head office waits
    ``head_office_after_hours`` after the region was told.
    """
    now = now or clock.now()
    result = SweepResult()
    unrouted = _unrouted_responses(now)
    if unrouted:
        result.opened = len(cases_open_for_responses(response_pks=unrouted, now=now))
    follow_ups = _unapplied_follow_ups(now)
    if follow_ups:
        result.follow_ups = cases_apply_follow_ups(response_pks=follow_ups, now=now)
    for policy in CasePolicy.objects.all():
        lead = timedelta(hours=policy.reminder_hours_before)
        brand = Q(brand_id=policy.brand_id)
        with transaction.atomic():
            respond = claim(Case.objects.filter(brand, status__in=AWAITING_CONTACT, respond_reminded_at__isnull=True,
                                                escalation_level=0, respond_by__lte=now + lead),
                            values={"respond_reminded_at": now}, limit=SWEEP_BATCH_SIZE, order_by=("respond_by",))
            resolve = claim(Case.objects.filter(brand, kind=CaseKind.RECOVERY, status__in=UNRESOLVED,
                                                resolve_reminded_at__isnull=True, escalation_level=0,
                                                resolve_by__lte=now + lead),
                            values={"resolve_reminded_at": now}, limit=SWEEP_BATCH_SIZE, order_by=("resolve_by",))
            _sweep_events(respond, kind=CaseEventKind.REMINDER, now=now, detail="", data={"deadline": "respond_by"})
            _sweep_events(resolve, kind=CaseEventKind.REMINDER, now=now, detail="", data={"deadline": "resolve_by"})
            reminded = sorted(set(respond) | set(resolve))
            overdue = (Q(status__in=AWAITING_CONTACT, respond_by__lte=now)
                       | Q(kind=CaseKind.RECOVERY, status__in=UNRESOLVED, resolve_by__lte=now))
            to_region = claim(Case.objects.filter(brand, overdue, escalation_level=0),
                              values={"escalation_level": 1, "escalated_to_region_at": now},
                              limit=SWEEP_BATCH_SIZE, order_by=("respond_by",))
            _sweep_events(to_region, kind=CaseEventKind.ESCALATED, now=now, detail="", data={"to": "region"})
            to_head_office = claim(
                Case.objects.filter(brand, overdue, escalation_level=1,
                                    escalated_to_region_at__lte=now - timedelta(hours=policy.head_office_after_hours)),
                values={"escalation_level": 2, "escalated_to_head_office_at": now}, limit=SWEEP_BATCH_SIZE,
                order_by=("escalated_to_region_at",))
            _sweep_events(to_head_office, kind=CaseEventKind.ESCALATED, now=now, detail="",
                          data={"to": "head_office"})
            if reminded or to_region or to_head_office:
                from . import tasks  # tasks import this module

                enqueue_on_commit(tasks.send_case_notices, reminded=reminded, to_region=to_region,
                                  to_head_office=to_head_office)
        result.reminded += reminded
        result.escalated_to_region += to_region
        result.escalated_to_head_office += to_head_office
    if result.total:
        logger.info("cases: %s opened, %s follow-ups, %s reminded, %s to region, %s to head office", result.opened,
                    result.follow_ups, len(result.reminded), len(result.escalated_to_region),
                    len(result.escalated_to_head_office))
    return result


def _members(key: str, **lookup: object) -> dict[int, list[tuple[str, str]]]:
    result: dict[int, list[tuple[str, str]]] = {}
    for owner_id, email, language in Membership.objects.filter(is_active=True, user__is_active=True, **lookup)\
            .exclude(user__email="").values_list(key, "user__email", "user__preferred_language").distinct():
        result.setdefault(owner_id, []).append((email, language or "en"))
    return result


def dealer_recipients(dealer_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """Per dealer, its principals' and staff's (e-mail, language): the people a reminder is for."""
    return _members("dealer_id", dealer_id__in=list(dealer_ids), role__in=list(DEALER_ROLES))


def region_recipients(region_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    return _members("region_id", region_id__in=list(region_ids), role=Role.REGION_MANAGER)


def head_office_recipients(brand_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    return _members("brand_id", brand_id__in=list(brand_ids), role=Role.HEAD_OFFICE)
