"""Cases and their actions over the JSON API, scoped like everything else.

Thin: each endpoint validates its input with a schema, calls one service (which checks scope and permissions) or
one read, and shapes the answer. A case another dealer owns is 404, never 403, so its existence does not leak; an
owner, who may see their own case but not work on it, gets 403.

The two scores (the response's and the follow-up's) are in the answer only for viewers who may see scores; for the
others the keys are absent (see ``schemas``).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from insidetrack.core import clock
from insidetrack.core.api_auth import actor_of
from insidetrack.core.schemas import ErrorOut
from insidetrack.network.selectors import scores_visible_to

from . import measures, selectors, services
from .models import Case
from .schemas import (
    AssigneeIn,
    CallIn,
    CaseDetailOut,
    CaseDetailWithScoresOut,
    CaseEventOut,
    CaseListIn,
    CaseOut,
    CasePageOut,
    CasePageWithScoresOut,
    CaseWithScoresOut,
    CompleteCallsIn,
    CompleteCallsOut,
    GoodwillDecisionIn,
    GoodwillIn,
    GoodwillOut,
    MeasuresIn,
    MeasuresOut,
    NoteIn,
    ResolutionIn,
    RootCauseIn,
    TransitionIn,
    case_detail_out,
    case_out,
    case_page_out,
    event_out,
    goodwill_out,
    measures_out,
)

router = Router()

READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
CaseAnswer = CaseWithScoresOut | CaseOut


# --------------------------------------------------------------------------------------------------------------------
# Endpoints. Fixed paths first, so they are never read as a case key.


@router.get("/measures", response={200: MeasuresOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
            summary="Closed-loop measures per dealer, region and overall (head office and regions)")
def get_measures(request: HttpRequest, filters: Query[MeasuresIn]):
    figures = measures.closed_loop_measures(actor=actor_of(request), days=filters.days, region=filters.region)
    return measures_out(figures)


@router.post("/complete-calls", response={200: CompleteCallsOut, **WRITE_ERRORS},
             summary="Bulk thank-you calls: log each as reached and close it")
def complete_calls(request: HttpRequest, payload: CompleteCallsIn):
    actor = actor_of(request)
    selectors.staff_only(actor)
    closed = services.cases_complete_calls(case_pks=payload.cases, actor=actor, note=payload.note)
    return {"closed": closed, "skipped": sorted(set(payload.cases) - set(closed))}


@router.post("/goodwill/{pk}/decision", response={200: GoodwillOut, **WRITE_ERRORS},
             summary="Approve or decline a gesture above the requester's limit (managers)")
def decide_goodwill(request: HttpRequest, pk: int, payload: GoodwillDecisionIn):
    goodwill = services.goodwill_decide(goodwill_pk=pk, actor=actor_of(request), approve=payload.approve,
                                        note=payload.note)
    return goodwill_out(goodwill)


@router.get("", response={200: CasePageWithScoresOut | CasePageOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
            summary="Cases the caller may see, newest first")
def list_cases(request: HttpRequest, filters: Query[CaseListIn]):
    actor, now = actor_of(request), clock.now()
    cases, count = selectors.case_list_for_api(actor=actor, filters=filters, now=now)
    return case_page_out(cases, count=count, now=now, with_scores=scores_visible_to(actor))


@router.get("/{pk}", response={200: CaseDetailWithScoresOut | CaseDetailOut, **READ_ERRORS},
            summary="One case with its event log and goodwill")
def get_case(request: HttpRequest, pk: int):
    actor = actor_of(request)
    case = selectors.case_detail_for_api(actor=actor, pk=pk)
    return case_detail_out(case, now=clock.now(), with_scores=scores_visible_to(actor), events=case.events.all(),
                           goodwill=case.goodwill.all(), messages=case.messages.all(), photos=case.photos.all())


def _answer(request: HttpRequest, case: Case) -> CaseAnswer:
    return case_out(case, now=clock.now(), with_scores=scores_visible_to(actor_of(request)))


@router.post("/{pk}/transition", response={200: CaseAnswer, **WRITE_ERRORS},
             summary="Move a case to another status (409 invalid_transition if the table does not allow it)")
def transition(request: HttpRequest, pk: int, payload: TransitionIn):
    case = services.case_transition(case_pk=pk, actor=actor_of(request), to_status=payload.status,
                                    reason=payload.reason)
    return _answer(request, case)


@router.post("/{pk}/calls", response={200: CaseAnswer, **WRITE_ERRORS},
             summary="Log a call; reaching the customer is the first contact")
def log_call(request: HttpRequest, pk: int, payload: CallIn):
    case = services.case_log_call(case_pk=pk, actor=actor_of(request), outcome=payload.outcome, note=payload.note)
    return _answer(request, case)


@router.post("/{pk}/notes", response={201: CaseEventOut, **WRITE_ERRORS}, summary="Add a note to the case's log")
def add_note(request: HttpRequest, pk: int, payload: NoteIn):
    event = services.case_add_note(case_pk=pk, actor=actor_of(request), text=payload.text)
    return Status(201, event_out(event))


@router.put("/{pk}/root-cause", response={200: CaseAnswer, **WRITE_ERRORS},
            summary="Set the root cause (a theme code of the touchpoint's taxonomy)")
def set_root_cause(request: HttpRequest, pk: int, payload: RootCauseIn):
    case = services.case_set_root_cause(case_pk=pk, actor=actor_of(request), theme_code=payload.theme)
    return _answer(request, case)


@router.put("/{pk}/resolution", response={200: CaseAnswer, **WRITE_ERRORS},
            summary="Record what was done to put it right (recovery cases)")
def set_resolution(request: HttpRequest, pk: int, payload: ResolutionIn):
    case = services.case_record_resolution(case_pk=pk, actor=actor_of(request), text=payload.text)
    return _answer(request, case)


@router.put("/{pk}/assignee", response={200: CaseAnswer, **WRITE_ERRORS},
            summary="Give the case to someone at its dealer, or to nobody")
def set_assignee(request: HttpRequest, pk: int, payload: AssigneeIn):
    case = services.case_assign(case_pk=pk, actor=actor_of(request), user_pk=payload.user)
    return _answer(request, case)


@router.post("/{pk}/goodwill", response={201: GoodwillOut, **WRITE_ERRORS},
             summary="Offer a goodwill gesture; above the caller's limit it waits for a manager")
def offer_goodwill(request: HttpRequest, pk: int, payload: GoodwillIn):
    goodwill = services.goodwill_offer(case_pk=pk, actor=actor_of(request), description=payload.description,
                                       amount=payload.amount)
    return Status(201, goodwill_out(goodwill))
