"""API schemas of the closed loop: separate shapes for what a client sends and what it gets back.

A case comes in two output shapes: with the scores (the response's 0-10 and the follow-up score) for viewers who may
see scores, and without those keys at all for everyone else (dealers, unless the brand lets them see scores). The
shape is chosen once per request by ``insidetrack.network.selectors.scores_visible_to``; a key that is absent cannot
leak a number by mistake, where a key set to null would still tell a client that there is something hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import get_language
from ninja import Field, Schema
from pydantic import field_validator

from insidetrack.network.models import Department

from .measures import PERIODS, ClosedLoopMeasures, MeasureRow, Rate
from .models import CallOutcome, Case, CaseEvent, CaseEventKind, CaseMessage, CasePhoto, Goodwill
from .policies import CaseKind, CaseStatus, allowed_moves, time_left
from .selectors import deadline_of
from .services import NOTE_MAX_LENGTH

MAX_BULK_CASES = 500
SHORT_TEXT_MAX_LENGTH = 200  # a goodwill gesture's description and a decision note are stored in 200 characters


# --------------------------------------------------------------------------------------------------------------------
# In


class CaseListIn(Schema):
    status: CaseStatus | None = Field(None, description="Only cases in this status")
    kind: CaseKind | None = Field(None, description="thank_you, acknowledgement or recovery")
    dealer: str = Field("", max_length=20, description="Dealer code (narrows what the caller may see)")
    department: Department | None = Field(None, description="The department that owns the touchpoint")
    overdue: bool | None = Field(None, description="true: only cases whose current deadline has passed; false: none")
    escalated: bool | None = Field(None, description="true: only cases escalated to the region or head office")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class TransitionIn(Schema):
    status: CaseStatus = Field(..., description="The status to move to; the transition table decides (409 if not)")
    reason: str = Field("", max_length=NOTE_MAX_LENGTH,
                        description="Required to close unfinished work and to reopen")


class CallIn(Schema):
    outcome: CallOutcome = Field(..., description="Reaching the customer is the first contact the promise asks for")
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class NoteIn(Schema):
    text: str = Field(..., max_length=NOTE_MAX_LENGTH)


class RootCauseIn(Schema):
    theme: str = Field(..., max_length=40, description="Theme code from the touchpoint's taxonomy")


class ResolutionIn(Schema):
    text: str = Field(..., max_length=NOTE_MAX_LENGTH, description="What was done to put it right")


class AssigneeIn(Schema):
    user: int | None = Field(..., description="A user working at the case's dealer, or null for nobody")


class GoodwillIn(Schema):
    description: str = Field(..., max_length=SHORT_TEXT_MAX_LENGTH, description="The gesture, e.g. a free valet")
    amount: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2,
                            description="Its cost in the brand's reporting currency")


class GoodwillDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=SHORT_TEXT_MAX_LENGTH)


class CompleteCallsIn(Schema):
    cases: list[int] = Field(..., min_length=1, max_length=MAX_BULK_CASES,
                             description="Thank-you calls and acknowledgements to log as reached and close")
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


# --------------------------------------------------------------------------------------------------------------------
# Out


class CaseEventOut(Schema):
    pk: int
    at: datetime
    kind: str
    actor_name: str
    from_status: str
    to_status: str
    detail: str
    outcome: str = Field(..., description="A call's outcome, or a follow-up's (verified or reopened); else empty")


class GoodwillOut(Schema):
    pk: int
    case_pk: int
    description: str
    amount: Decimal
    currency: str
    status: str = Field(..., description="approved, pending (waiting for a manager) or rejected")
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str


class _CaseFields(Schema):
    pk: int
    kind: str
    status: str
    source: str
    dealer_code: str
    dealer_name: str
    department: str
    touchpoint: str | None = Field(..., description="Touchpoint code")
    action: str = Field(..., description="The playbook's action, in the request's language")
    subject: str
    verbatim: str = Field(..., description="What the customer wrote")
    customer_pk: int | None
    customer_name: str
    assignee: int | None
    assignee_name: str
    opened_at: datetime
    respond_by: datetime
    resolve_by: datetime | None
    first_contact_at: datetime | None
    contacted_at: datetime | None
    in_progress_at: datetime | None
    resolved_at: datetime | None
    verified_at: datetime | None
    reopened_at: datetime | None
    closed_at: datetime | None
    reopen_count: int
    deadline: datetime | None = Field(..., description="The deadline that runs now: respond-by until the customer "
                                                        "was contacted, then resolve-by for a recovery case")
    is_overdue: bool = Field(..., description="Computed when read")
    time_left_seconds: int | None = Field(..., description="Until the running deadline; negative when overdue")
    escalation_level: int = Field(..., description="0 dealer, 1 region, 2 head office")
    escalated_to_region_at: datetime | None
    escalated_to_head_office_at: datetime | None
    root_cause: str | None = Field(..., description="Theme code")
    resolution: str
    follow_up_at: datetime | None
    follow_up_answered_at: datetime | None
    allowed_transitions: list[str]


class _Scores(Schema):
    score: int | None = Field(..., description="The response's 0-10 score")
    follow_up_score: int | None = Field(..., description="The follow-up survey's 0-10 score")


class CaseOut(_CaseFields):
    """A case as a viewer who may not see scores gets it: no score keys at all."""


class CaseWithScoresOut(_CaseFields, _Scores):
    """A case with its scores, for viewers who may see them."""


class CaseMessageOut(Schema):
    """A message between the owner and the dealer (never an internal note)."""

    pk: int
    at: datetime
    from_owner: bool
    author_name: str
    text: str
    read_at: datetime | None


class CasePhotoOut(Schema):
    """A photo the owner sent; ``url`` is the scoped photo page (it needs the caller's session or token)."""

    pk: int
    uploaded_at: datetime
    content_type: str
    width: int
    height: int
    url: str | None


class _Detail(Schema):
    events: list[CaseEventOut]
    goodwill: list[GoodwillOut]
    messages: list[CaseMessageOut] = Field(default_factory=list, description="The thread with the owner")
    photos: list[CasePhotoOut] = Field(default_factory=list, description="Photos the owner sent with the issue")


class CaseDetailOut(CaseOut, _Detail):
    """A case with its event log and goodwill, without scores."""


class CaseDetailWithScoresOut(CaseWithScoresOut, _Detail):
    """A case with its event log, goodwill and scores."""


class CasePageOut(Schema):
    count: int
    items: list[CaseOut]


class CasePageWithScoresOut(Schema):
    count: int
    items: list[CaseWithScoresOut]


class CompleteCallsOut(Schema):
    closed: list[int] = Field(..., description="Cases logged as reached and closed")
    skipped: list[int] = Field(..., description="Cases not closed: not found, not a call, or already done")


# --------------------------------------------------------------------------------------------------------------------
# Shaping


def event_out(event: CaseEvent) -> CaseEventOut:
    data = event.data or {}
    outcome = data.get("outcome", "") if event.kind in (CaseEventKind.CALL, CaseEventKind.FOLLOW_UP_ANSWERED) else ""
    return CaseEventOut(pk=event.pk, at=event.at, kind=event.kind, actor_name=event.actor_name,
                        from_status=event.from_status, to_status=event.to_status, detail=event.detail,
                        outcome=str(outcome or ""))


def goodwill_out(goodwill: Goodwill) -> GoodwillOut:
    return GoodwillOut(pk=goodwill.pk, case_pk=goodwill.case_id, description=goodwill.description,
                       amount=goodwill.amount, currency=goodwill.currency, status=goodwill.status,
                       requested_at=goodwill.requested_at, decided_at=goodwill.decided_at,
                       decision_note=goodwill.decision_note)


def _case_fields(case: Case, *, now: datetime) -> dict[str, object]:
    deadline = deadline_of(case)
    left = time_left(deadline, now)
    customer = case.customer
    assignee = case.assignee
    return {
        "pk": case.pk, "kind": case.kind, "status": case.status, "source": case.source,
        "dealer_code": case.dealer.code, "dealer_name": case.dealer.name, "department": case.department,
        "touchpoint": case.touchpoint.code if case.touchpoint_id else None,
        "action": case.playbook.title_in(get_language() or "en") if case.playbook_id else "",
        "subject": case.subject, "verbatim": case.response.verbatim if case.response_id else "",
        "customer_pk": case.customer_id,
        "customer_name": f"{customer.first_name} {customer.last_name}".strip() if customer else "",
        "assignee": case.assignee_id,
        "assignee_name": (assignee.get_full_name() or assignee.email) if assignee else "",
        "opened_at": case.opened_at, "respond_by": case.respond_by, "resolve_by": case.resolve_by,
        "first_contact_at": case.first_contact_at, "contacted_at": case.contacted_at,
        "in_progress_at": case.in_progress_at, "resolved_at": case.resolved_at, "verified_at": case.verified_at,
        "reopened_at": case.reopened_at, "closed_at": case.closed_at, "reopen_count": case.reopen_count,
        "deadline": deadline, "is_overdue": left is not None and left.total_seconds() < 0,
        "time_left_seconds": None if left is None else int(left.total_seconds()),
        "escalation_level": case.escalation_level, "escalated_to_region_at": case.escalated_to_region_at,
        "escalated_to_head_office_at": case.escalated_to_head_office_at,
        "root_cause": case.root_cause.code if case.root_cause_id else None, "resolution": case.resolution,
        "follow_up_at": case.follow_up_at, "follow_up_answered_at": case.follow_up_answered_at,
        "allowed_transitions": sorted(allowed_moves(case.kind, case.status)),
    }


def _scores(case: Case) -> dict[str, int | None]:
    return {"score": case.response.score if case.response_id else None, "follow_up_score": case.follow_up_score}


def case_out(case: Case, *, now: datetime, with_scores: bool) -> CaseOut | CaseWithScoresOut:
    fields = _case_fields(case, now=now)
    return CaseWithScoresOut(**fields, **_scores(case)) if with_scores else CaseOut(**fields)


def _photo_out(photo: CasePhoto) -> CasePhotoOut:
    url = reverse("cases:photo", args=[photo.case_id, photo.pk]) if photo.file else None
    return CasePhotoOut(pk=photo.pk, uploaded_at=photo.uploaded_at, content_type=photo.content_type,
                        width=photo.width, height=photo.height, url=url)


def case_detail_out(case: Case, *, now: datetime, with_scores: bool, events: list[CaseEvent],
                    goodwill: list[Goodwill], messages: Iterable[CaseMessage] = (),
                    photos: Iterable[CasePhoto] = ()) -> CaseDetailOut | CaseDetailWithScoresOut:
    fields = {**_case_fields(case, now=now), "events": [event_out(e) for e in events],
              "goodwill": [goodwill_out(g) for g in goodwill],
              "messages": [CaseMessageOut(pk=m.pk, at=m.at, from_owner=m.from_owner, author_name=m.author_name,
                                          text=m.text, read_at=m.read_at) for m in messages],
              "photos": [_photo_out(p) for p in photos]}
    return CaseDetailWithScoresOut(**fields, **_scores(case)) if with_scores else CaseDetailOut(**fields)


def case_page_out(cases: list[Case], *, count: int, now: datetime,
                  with_scores: bool) -> CasePageOut | CasePageWithScoresOut:
    items = [case_out(case, now=now, with_scores=with_scores) for case in cases]
    return CasePageWithScoresOut(count=count, items=items) if with_scores else CasePageOut(count=count, items=items)


# --------------------------------------------------------------------------------------------------------------------
# Measures


class MeasuresIn(Schema):
    days: int = Field(90, description="Cases opened in the last 30, 90 or 365 days")
    region: str = Field("", max_length=20, description="Region code (narrows what the caller may see)")

    @field_validator("days")
    @classmethod
    def _known_period(cls, days: int) -> int:
        # The same three periods the page offers.
        if days not in PERIODS:
            raise ValueError("days must be 30, 90 or 365")
        return days


class RateOut(Schema):
    rate: float | None = Field(..., description="numerator ÷ denominator, 0-1; null when the denominator is 0")
    numerator: int
    denominator: int


class RecoveryRateOut(RateOut):
    is_rankable: bool = Field(..., description="False below 30 answered follow-ups: too few to rank")


class GoodwillTotalOut(Schema):
    currency: str
    amount: Decimal
    gestures: int


class MeasureRowOut(Schema):
    key: str = Field(..., description="Dealer or region code; empty for the whole scope")
    name: str
    region: str = Field(..., description="The dealer's region name; empty for regions and the whole scope")
    cases: int
    thank_you: int
    acknowledgement: int
    recovery: int
    responded_on_time: RateOut = Field(..., description="First contact before the respond-by deadline, over cases "
                                                         "contacted or past their deadline")
    responded_within_24_hours: RateOut = Field(..., description="First contact within 24 hours of opening, over "
                                                                 "cases contacted or opened more than 24 hours ago")
    median_hours_to_first_contact: float | None
    contacted: int = Field(..., description="Cases the first-contact median is taken over")
    median_hours_to_resolution: float | None = Field(..., description="Recovery cases")
    resolved: int = Field(..., description="Recovery cases the resolution median is taken over")
    reopen_rate: RateOut = Field(..., description="Recovery cases reopened at least once ÷ recovery cases")
    recovery_rate: RecoveryRateOut = Field(..., description="Follow-up scored 9-10 ÷ follow-ups answered")
    goodwill: list[GoodwillTotalOut] = Field(..., description="Approved gestures on the period's cases, per currency")
    open_now: int = Field(..., description="Open cases now, whenever they were opened")
    overdue_now: int


class MeasuresOut(Schema):
    days: int
    since: datetime
    until: datetime
    overall: MeasureRowOut
    by_region: list[MeasureRowOut]
    by_dealer: list[MeasureRowOut]


def _rate_out(rate: Rate) -> dict[str, object]:
    return {"rate": rate.value, "numerator": rate.numerator, "denominator": rate.denominator}


def measure_row_out(row: MeasureRow) -> MeasureRowOut:
    return MeasureRowOut(
        key=row.key, name=row.label, region=row.detail, cases=row.cases, thank_you=row.thank_you,
        acknowledgement=row.acknowledgement, recovery=row.recovery,
        responded_on_time=_rate_out(row.responded_on_time),
        responded_within_24_hours=_rate_out(row.responded_within_24_hours),
        median_hours_to_first_contact=row.median_hours_to_first_contact, contacted=row.contacted,
        median_hours_to_resolution=row.median_hours_to_resolution, resolved=row.resolved,
        reopen_rate=_rate_out(row.reopen_rate),
        recovery_rate={**_rate_out(row.recovery_rate), "is_rankable": row.is_recovery_rate_rankable},
        goodwill=[{"currency": t.currency, "amount": t.amount, "gestures": t.gestures} for t in row.goodwill],
        open_now=row.open_now, overdue_now=row.overdue_now,
    )


def measures_out(figures: ClosedLoopMeasures) -> MeasuresOut:
    return MeasuresOut(days=figures.days, since=figures.since, until=figures.until,
                       overall=measure_row_out(figures.overall),
                       by_region=[measure_row_out(r) for r in figures.by_region],
                       by_dealer=[measure_row_out(r) for r in figures.by_dealer])
