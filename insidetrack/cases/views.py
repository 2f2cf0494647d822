"""Pages of the closed loop: the inbox of open work by deadline, and the case page with one form per action.

Thin views: each GET reads through the selectors, each POST calls exactly one service. A refused action
(``DomainError``) is shown next to its form and the page is answered with the error's status: 409 for a move the
transition table refuses, 422 for input that breaks a rule, 403 for something the viewer may not do, 404 for a case
the viewer may not see (a dealer never learns that another dealer's case exists).

Times are shown in the dealer's own time zone, where the work is done. Scores are shown only to those the brand's
policy lets see them (``scores_visible_to``): by default a dealer sees the verbatim, the action and the deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms as django_forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.decorators import staff_role_required
from insidetrack.core.errors import DomainError, NotFound
from insidetrack.network.models import Department
from insidetrack.network.selectors import dealers_visible_to, scores_visible_to

from . import forms, policies, selectors, selectors_owner, services, services_owner
from .models import CallOutcome, Case, GoodwillStatus
from .policies import AWAITING_CONTACT, MANAGER_ROLES, CaseKind, CaseStatus

# --------------------------------------------------------------------------------------------------------------------
# Time left, in words


def duration_words(delta: timedelta) -> str:
    """A duration as people say it on a busy day: "45 min", "3 h 20 min", "30 h", "2 d 5 h" (rounded down).

    Minutes only while they matter (under ten hours), days once the hours are too many to picture.
    """
    minutes = int(abs(delta.total_seconds()) // 60)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, rest = divmod(minutes, 60)
    if hours < 10 and rest:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}
    if hours < 48:
        return _("%(hours)d h") % {"hours": hours}
    days, hours = divmod(hours, 24)
    if hours:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    return _("%(days)d d") % {"days": days}


def time_left_words(left: timedelta | None) -> str:
    """ "3 h left" or "overdue by 2 h"; empty when no deadline runs."""
    if left is None:
        return ""
    if left < timedelta(0):
        return _("overdue by %(duration)s") % {"duration": duration_words(left)}
    return _("%(duration)s left") % {"duration": duration_words(left)}


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox: the case and what its deadline means at the time the page was read."""

    case: Case
    deadline: selectors.Deadline
    time_left: str
    is_bulk: bool
    can_reach: bool
    action: str

    @property
    def is_overdue(self) -> bool:
        return self.deadline.is_overdue


def _action_title(case: Case) -> str:
    """The playbook's action in the viewer's language, else what kind of work it is."""
    if case.playbook_id and case.playbook:
        return case.playbook.title_in(_language())
    return str(case.get_kind_display())


def _language() -> str:
    return (get_language() or "en")[:2]


def _row(case: Case, now: datetime) -> InboxRow:
    deadline = selectors.deadline_for(case, now)
    return InboxRow(case=case, deadline=deadline, time_left=time_left_words(deadline.left),
                    is_bulk=selectors.is_bulk_call(case), can_reach=case.status in AWAITING_CONTACT,
                    action=_action_title(case))


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


# --------------------------------------------------------------------------------------------------------------------
# The inbox


@staff_role_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The viewer's open work, most urgent first, 25 to a page, with one-click and bulk actions."""
    actor = request.actor
    now = clock.now()
    filters = forms.inbox_filters(request.GET, actor)
    cases = selectors.inbox_cases(actor=actor, filters=filters, now=now, user_pk=request.user.pk)
    page = Paginator(cases, selectors.INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [_row(case, now) for case in page]
    return render(request, "cases/inbox.html", {
        "page": page,
        "rows": rows,
        "filters": filters,
        "is_filtered": filters != selectors.InboxFilters(),
        "kinds": CaseKind.choices,
        "departments": Department.choices,
        "statuses": forms.open_status_choices(),
        "dealers": [] if actor.is_dealer else list(dealers_visible_to(actor).order_by("name")),
        "is_manager_view": not actor.is_dealer,
        "scores_visible": scores_visible_to(actor),
        "has_bulk": any(row.is_bulk for row in rows),
    })


@staff_role_required
@require_POST
def reached(request: HttpRequest, pk: int) -> HttpResponse:
    """One click from the inbox: "Reached the customer" (a call, outcome reached). htmx swaps the row in place."""
    actor = request.actor
    error: DomainError | None = None
    try:
        services.case_log_call(case_pk=pk, actor=actor, outcome=CallOutcome.REACHED)
    except DomainError as exc:
        error = exc
    if not request.htmx:
        if isinstance(error, NotFound):
            raise Http404(str(error.message))
        if error is not None:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Call logged: you reached the customer."))
        return redirect(_next_url(request, reverse("cases:inbox")))
    try:
        case = selectors.case_get(actor=actor, pk=pk)
    except NotFound:
        return render(request, "cases/_inbox_gone.html", {"message": _("This case is not in your inbox.")},
                      status=404)
    return render(request, "cases/_inbox_row.html", {
        "row": _row(case, clock.now()),
        "scores_visible": scores_visible_to(actor),
        "is_manager_view": not actor.is_dealer,
        "flash": str(error.message) if error else (_("Call logged and closed.") if case.status == CaseStatus.CLOSED
                                                   else _("Call logged.")),
        "flash_is_error": error is not None,
    }, status=error.status if error else 200)


@staff_role_required
@require_POST
def complete_calls(request: HttpRequest) -> HttpResponse:
    """Bulk "Mark calls made" for ticked thank-you calls and acknowledgements, then say how many were closed."""
    pks = forms.bulk_case_keys(request.POST.getlist("case"))
    back = _next_url(request, reverse("cases:inbox"))
    if not pks:
        messages.warning(request, _("Select the calls you have made first."))
        return redirect(back)
    note = request.POST.get("note", "")[:services.NOTE_MAX_LENGTH]
    closed = services.cases_complete_calls(case_pks=pks, actor=request.actor, note=note)
    messages.success(request, ngettext("%(count)d call marked as made and closed.",
                                       "%(count)d calls marked as made and closed.", len(closed))
                     % {"count": len(closed)})
    left = len(set(pks)) - len(closed)
    if left:
        messages.warning(request, ngettext(
            "%(count)d selected item was not closed: it was already done, or it is not a call.",
            "%(count)d selected items were not closed: they were already done, or they are not calls.", left)
            % {"count": left})
    return redirect(back)


# --------------------------------------------------------------------------------------------------------------------
# The case page


@dataclass(frozen=True)
class _Action:
    """A case-page form and the one service it calls."""

    form: Callable[..., django_forms.Form]
    run: Callable[[Case, Actor, dict], object]
    done: str


def _assignee_pk(value: str) -> int | None:
    return int(value) if value else None


ACTIONS: dict[str, _Action] = {
    "call": _Action(forms.CallForm, lambda case, actor, data: services.case_log_call(
        case_pk=case.pk, actor=actor, outcome=data["outcome"], note=data["note"]), gettext_lazy("Call logged.")),
    "note": _Action(forms.NoteForm, lambda case, actor, data: services.case_add_note(
        case_pk=case.pk, actor=actor, text=data["text"]), gettext_lazy("Note added.")),
    "root_cause": _Action(forms.RootCauseForm, lambda case, actor, data: services.case_set_root_cause(
        case_pk=case.pk, actor=actor, theme_code=data["root_cause"]), gettext_lazy("Root cause recorded.")),
    "resolution": _Action(forms.ResolutionForm, lambda case, actor, data: services.case_record_resolution(
        case_pk=case.pk, actor=actor, text=data["resolution"]), gettext_lazy("Resolution recorded.")),
    "status": _Action(forms.TransitionForm, lambda case, actor, data: services.case_transition(
        case_pk=case.pk, actor=actor, to_status=data["to_status"], reason=data["reason"]), gettext_lazy("Moved.")),
    "goodwill": _Action(forms.GoodwillForm, lambda case, actor, data: services.goodwill_offer(
        case_pk=case.pk, actor=actor, description=data["description"], amount=data["amount"]),
        gettext_lazy("Goodwill recorded.")),
    "decide": _Action(forms.GoodwillDecisionForm, lambda case, actor, data: services.goodwill_decide(
        goodwill_pk=_goodwill_of(case, actor, data["goodwill"]), actor=actor, approve=data["decision"] == "approve",
        note=data["note"]), gettext_lazy("Decision recorded.")),
    "message": _Action(forms.MessageForm, lambda case, actor, data: services_owner.message_from_dealer(
        case_pk=case.pk, actor=actor, text=data["text"]), gettext_lazy("Message sent to the owner.")),
    "assign": _Action(forms.AssignForm, lambda case, actor, data: services.case_assign(
        case_pk=case.pk, actor=actor, user_pk=_assignee_pk(data["assignee"])), gettext_lazy("Assignment saved.")),
}


def _goodwill_of(case: Case, actor: Actor, goodwill_pk: int) -> int:
    """The gesture must belong to the case whose page the form is on; any other is "not found"."""
    if not selectors.goodwill_on_case(actor=actor, case=case, goodwill_pk=goodwill_pk):
        raise NotFound(_("goodwill not found"), field="goodwill")
    return goodwill_pk


def _form_kwargs(action: str, *, people: list, themes: list) -> dict:
    if action == "root_cause":
        return {"themes": themes}
    if action == "assign":
        return {"people": people}
    return {}


@staff_role_required
@require_http_methods(["GET", "HEAD", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case page; a POST names its ``action`` and calls that action's one service."""
    actor = request.actor
    try:
        case = selectors.case_get(actor=actor, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    if request.method != "POST":
        return _case_page(request, case)
    name = request.POST.get("action", "")
    action = ACTIONS.get(name)
    if action is None:
        return _case_page(request, case, error_for="", error=_("Unknown action."), status=400)
    themes = _theme_choices(case)
    context = selectors.case_context(actor=actor, case=case)
    form = action.form(request.POST, **_form_kwargs(name, people=_people_choices(context.people), themes=themes))
    if not form.is_valid():
        message = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return _case_page(request, case, bound={name: form}, error_for=name, error=message, status=422,
                          context=context, themes=themes)
    try:
        action.run(case, actor, form.cleaned_data)
    except NotFound as exc:
        if name == "decide":
            return _case_page(request, case, bound={name: form}, error_for=name, error=str(exc.message),
                              status=exc.status, context=context, themes=themes)
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        return _case_page(request, case, bound={name: form}, error_for=name, error=str(exc.message),
                          status=exc.status, context=context, themes=themes)
    if name == "status":
        # Say where the case went, in words: the one thing the person just did.
        target = CaseStatus(form.cleaned_data["to_status"]).label
        messages.success(request, _("Moved to %(status)s.") % {"status": target})
    else:
        messages.success(request, str(action.done))
    return redirect(reverse("cases:detail", args=[case.pk]) + f"#{name}")


def _theme_choices(case: Case) -> list[tuple[str, str]]:
    if case.kind != CaseKind.RECOVERY:
        return []
    return [(theme.code, theme.display_name()) for theme in services.root_causes_for(case)]


def _people_choices(people: list) -> list[tuple[str, str]]:
    return [(str(person.pk), person.get_full_name() or person.email) for person in people]


@dataclass(frozen=True)
class _Move:
    """A status button: where it goes, what it says, and whether it asks for a reason."""

    to_status: str
    label: str
    needs_reason: bool
    hint: str = ""
    is_ready: bool = True


MOVE_LABELS = {
    CaseStatus.CONTACTED: gettext_lazy("Mark as contacted"),
    CaseStatus.IN_PROGRESS: gettext_lazy("Start putting it right"),
    CaseStatus.RESOLVED: gettext_lazy("Mark as resolved"),
    CaseStatus.VERIFIED: gettext_lazy("Mark as verified (the customer confirmed)"),
    CaseStatus.REOPENED: gettext_lazy("Reopen"),
    CaseStatus.CLOSED: gettext_lazy("Close"),
}


def _moves(case: Case, actor: Actor) -> list[_Move]:
    """Buttons for the moves the transition table allows from here; manager-only moves only for managers."""
    moves = []
    for target in CaseStatus.values:
        if target not in policies.allowed_moves(case.kind, case.status):
            continue
        if (case.status, target) in policies.MANAGER_ONLY and actor.role not in MANAGER_ROLES:
            continue
        hint, is_ready = "", True
        if target == CaseStatus.RESOLVED and case.kind == CaseKind.RECOVERY:
            is_ready = bool(case.root_cause_id and case.resolution)
            if not case.root_cause_id and not case.resolution:
                hint = _("Record the root cause and the resolution first.")
            elif not case.root_cause_id:
                hint = _("Record the root cause first.")
            elif not case.resolution:
                hint = _("Record the resolution first.")
            else:
                hint = _("The customer gets a follow-up survey a few days later.")
        moves.append(_Move(to_status=target, label=str(MOVE_LABELS[target]),
                           needs_reason=policies.needs_reason(case.kind, case.status, target), hint=hint,
                           is_ready=is_ready))
    return moves


def _case_page(request: HttpRequest, case: Case, *, bound: dict | None = None, error_for: str = "", error: str = "",
               status: int = 200, context: selectors.CaseContext | None = None,
               themes: list | None = None) -> HttpResponse:
    actor = request.actor
    now = clock.now()
    context = context or selectors.case_context(actor=actor, case=case)
    themes = _theme_choices(case) if themes is None else themes
    people = _people_choices(context.people)
    bound = bound or {}
    limit, currency = selectors.goodwill_limit(actor=actor, case=case)

    def form(name: str, **initial: object) -> django_forms.Form:
        if name in bound:
            return bound[name]
        return ACTIONS[name].form(initial=initial, **_form_kwargs(name, people=people, themes=themes))

    respond_left = policies.time_left(case.respond_by, now) if case.status in AWAITING_CONTACT else None
    resolve_left = (policies.time_left(case.resolve_by, now)
                    if case.kind == CaseKind.RECOVERY and case.status in policies.UNRESOLVED else None)
    is_manager = actor.role in MANAGER_ROLES
    is_open = case.status != CaseStatus.CLOSED
    is_recovery = case.kind == CaseKind.RECOVERY
    pending_goodwill = [g for g in context.goodwill if g.status == GoodwillStatus.PENDING] if is_manager else []
    # The forms this page shows; an error of a form it does not show (a stale page) goes at the top of the actions.
    shown = {"status", "assign", "note", "message"} | ({"call"} if is_open else set()) | (
        {"root_cause", "resolution", "goodwill"} if is_open and is_recovery else set()) | (
        {"decide"} if pending_goodwill else set())
    if error_for not in shown:
        error_for = ""
    page = {
        "case": case,
        "action_title": _action_title(case),
        "instructions": case.playbook.instructions_in(_language()) if case.playbook else "",
        "response": case.response,
        "customer": selectors.customer_visible(actor=actor, case=case),
        "ctx": context,
        "timeline": selectors.case_timeline(actor=actor, case=case),
        "scores_visible": scores_visible_to(actor),
        "respond": {"at": case.respond_by, "left": time_left_words(respond_left),
                    "overdue": respond_left is not None and respond_left < timedelta(0),
                    "met_at": case.first_contact_at},
        "resolve": {"at": case.resolve_by, "left": time_left_words(resolve_left),
                    "overdue": resolve_left is not None and resolve_left < timedelta(0),
                    "met_at": case.resolved_at},
        "is_open": is_open,
        "awaiting_contact": case.status in AWAITING_CONTACT,
        "is_recovery": is_recovery,
        "is_manager": is_manager,
        "moves": _moves(case, actor),
        "limit": limit,
        "currency": currency,
        "pending_goodwill": pending_goodwill,
        "error_for": error_for,
        "error": error,
        "forms": {
            "call": form("call"),
            "note": form("note"),
            # The verbatim analysis' reading pre-selects the root cause; the dealer confirms or corrects it.
            "root_cause": form("root_cause", root_cause=(case.root_cause or case.suggested_root_cause).code
                               if (case.root_cause or case.suggested_root_cause) else ""),
            "resolution": form("resolution", resolution=case.resolution),
            "goodwill": form("goodwill"),
            "assign": form("assign", assignee=str(case.assignee_id or "")),
        },
        "thread": selectors_owner.case_messages(actor=actor, case=case),
        "issue_text": selectors_owner.issue_text(actor=actor, case=case),
        "photos": selectors_owner.case_photos(actor=actor, case=case),
        "message_form": form("message"),
        "bound_status": bound.get("status"),
        "bound_decide": bound.get("decide"),
        "time_zone": case.dealer.time_zone,
    }
    # Times read in the dealer's own zone: that is where the customer is called and the promise is kept.
    with timezone.override(case.dealer.time_zone):
        return render(request, "cases/detail.html", page, status=status)
