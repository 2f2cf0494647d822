"""The owner's issues with their vehicles: raise one (what, which car, how urgent, photos), follow it, write to the
dealer, and say whether it is put right.

Thin views: each POST calls one service of ``cases.services_owner``; a refusal (``DomainError``) is shown next to
its form with the error's status, and the owner's words stay in the form so nothing they typed is lost.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from insidetrack.cases import selectors_owner, services_owner
from insidetrack.cases.models import IssueUrgency
from insidetrack.cases.policies import CaseStatus
from insidetrack.core.decorators import owner_required
from insidetrack.core.errors import DomainError, NotFound
from insidetrack.customers.models import Vehicle

SCORES = range(11)


def _vehicles(request: HttpRequest) -> list[Vehicle]:
    return list(Vehicle.objects.visible_to(request.actor).order_by("-model_year", "model", "pk"))


@owner_required
@require_http_methods(["GET", "HEAD"])
def issue_list(request: HttpRequest) -> HttpResponse:
    """The owner's issues, newest first, each with its stage in the owner's words."""
    issues = selectors_owner.owner_issues(actor=request.actor)
    rows = [{"case": case, "stage": selectors_owner.owner_stage(case.status),
             "stage_label": selectors_owner.STAGE_LABELS[selectors_owner.owner_stage(case.status)]}
            for case in issues]
    return render(request, "portal/issue_list.html", {"rows": rows})


@owner_required
@require_http_methods(["GET", "HEAD", "POST"])
def issue_new(request: HttpRequest) -> HttpResponse:
    """The form, and raising the issue: one service call with every photo; a refusal keeps what was typed."""
    vehicles = _vehicles(request)
    values = {"what": "", "vehicle": str(vehicles[0].pk) if len(vehicles) == 1 else "", "urgency": ""}
    error, error_field, status = "", "", 200
    if request.method == "POST":
        values = {"what": request.POST.get("what", ""), "vehicle": request.POST.get("vehicle", ""),
                  "urgency": request.POST.get("urgency", "")}
        vehicle_pk = int(values["vehicle"]) if values["vehicle"].isdigit() else None
        try:
            case = services_owner.issue_raise(actor=request.actor, vehicle_pk=vehicle_pk, what=values["what"],
                                              urgency=values["urgency"], photos=request.FILES.getlist("photos"))
        except DomainError as exc:
            error, error_field, status = str(exc.message), exc.field or "", exc.status
        else:
            messages.success(request, _("Thank you. %(dealer)s has your issue and will answer you soon.")
                             % {"dealer": case.dealer.name})
            return redirect("portal:issue_detail", case_pk=case.pk)
    return render(request, "portal/issue_new.html", {
        "vehicles": vehicles, "values": values, "urgencies": IssueUrgency.choices, "error": error,
        "error_field": error_field, "max_photos": services_owner.photos_max_count(),
        "max_megabytes": services_owner.photo_max_bytes() // (1024 * 1024),
    }, status=status)


def _detail(request: HttpRequest, case_pk: int, *, error: str = "", error_for: str = "", status: int = 200,
            values: dict | None = None) -> HttpResponse:
    actor = request.actor
    try:
        case = selectors_owner.owner_issue(actor=actor, pk=case_pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    if request.method in ("GET", "HEAD"):
        services_owner.messages_mark_read(actor=actor, case=case)
    stage = selectors_owner.owner_stage(case.status)
    return render(request, "portal/issue_detail.html", {
        "case": case, "stage": stage, "stage_label": selectors_owner.STAGE_LABELS[stage],
        "history": selectors_owner.owner_history(actor=actor, case=case),
        "issue_text": selectors_owner.issue_text(actor=actor, case=case),
        "thread": list(case.messages.all()), "photos": list(case.photos.all()),
        "asks_confirmation": case.status == CaseStatus.RESOLVED, "is_closed": case.status == CaseStatus.CLOSED,
        "scores": SCORES, "error": error, "error_for": error_for, "values": values or {},
    }, status=status)


@owner_required
@require_http_methods(["GET", "HEAD"])
def issue_detail(request: HttpRequest, case_pk: int) -> HttpResponse:
    return _detail(request, case_pk)


@owner_required
@require_POST
def issue_message(request: HttpRequest, case_pk: int) -> HttpResponse:
    text = request.POST.get("text", "")
    try:
        services_owner.message_from_owner(actor=request.actor, case_pk=case_pk, text=text)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        return _detail(request, case_pk, error=str(exc.message), error_for="message", status=exc.status,
                       values={"text": text})
    messages.success(request, _("Your message is on its way to your dealer."))
    return redirect(reverse("portal:issue_detail", args=[case_pk]) + "#messages")


@owner_required
@require_POST
def issue_confirm(request: HttpRequest, case_pk: int) -> HttpResponse:
    """ "Is it put right?": yes (with how well, 0-10, and words) verifies it, or reopens it for a 0-6; "not yet"
    reopens it."""
    answer = request.POST.get("put_right", "")
    words = request.POST.get("words", "")
    if answer not in ("yes", "no"):
        return _detail(request, case_pk, error=_("Please answer yes or not yet."), error_for="confirm", status=422,
                       values={"words": words})
    try:
        case = services_owner.issue_confirm(actor=request.actor, case_pk=case_pk, put_right=answer == "yes",
                                            score=request.POST.get("score", ""), words=words)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        return _detail(request, case_pk, error=str(exc.message), error_for="confirm", status=exc.status,
                       values={"words": words, "answer": answer, "score": request.POST.get("score", "")})
    if answer == "yes" and case.status == "reopened":
        messages.success(request, _("Thank you for telling us. We are sorry it was not handled better: your dealer "
                                    "will call you about it."))
    elif answer == "yes":
        messages.success(request, _("Thank you for telling us. We are glad it is put right."))
    else:
        messages.success(request, _("We are sorry it is not right yet. Your dealer will be in touch again."))
    return redirect("portal:issue_detail", case_pk=case_pk)
