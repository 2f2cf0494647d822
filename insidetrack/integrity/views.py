"""Head office's integrity pages: the alert queue and one alert's evidence with the review actions."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from insidetrack.core.decorators import head_office_required
from insidetrack.core.errors import NotFound
from insidetrack.core.views import run_step

from . import charts, selectors, services
from .models import RecontactOutcome
from .policies.combine import RISK_ALERT
from .policies.review import AlertStatus


@head_office_required
@require_GET
def queue_page(request: HttpRequest) -> HttpResponse:
    """Alerts by state, strongest first; the open ones are the work."""
    status = request.GET.get("status", AlertStatus.OPEN)
    if status not in AlertStatus.values:
        status = AlertStatus.OPEN
    counts = selectors.alert_counts(request.actor)
    return render(request, "integrity/queue.html", {
        "rows": selectors.alert_queue(actor=request.actor, status=status),
        "status": status,
        "statuses": [(value, label, counts[value]) for value, label in AlertStatus.choices],
    })


@head_office_required
@require_GET
def alert_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        detail = selectors.alert_detail(actor=request.actor, alert_pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    return render(request, "integrity/alert.html", {
        "d": detail,
        "alert": detail.alert,
        "moves": [(value, AlertStatus(value).label) for value in detail.moves],
        "score_json": charts.score_figure(detail.dealer_scores, detail.network_scores),
        "weeks_json": charts.weeks_figure(detail.weeks),
        "confirmed": detail.alert.status == AlertStatus.CONFIRMED,
        "outcomes": [(value, label) for value, label in RecontactOutcome.choices if value != RecontactOutcome.PENDING],
        "recontact_size": services.RECONTACT_SIZE,
        "risk_floor": RISK_ALERT,
    })


def _done(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    return run_step(request, action, success=success, back_to=reverse("integrity:alert", args=[pk]))


@head_office_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    status = request.POST.get("status", "")
    label = AlertStatus(status).label if status in AlertStatus.values else status
    return _done(request, pk, lambda: services.alert_decide(alert_pk=pk, actor=request.actor, status=status,
                                                            reason=request.POST.get("reason", "")),
                 _("Alert moved to “%(status)s”.") % {"status": label})


@head_office_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    return _done(request, pk, lambda: services.alert_note(alert_pk=pk, actor=request.actor,
                                                          text=request.POST.get("text", "")), _("Note added."))


@head_office_required
@require_POST
def exclude(request: HttpRequest, pk: int) -> HttpResponse:
    return _done(request, pk, lambda: services.alert_exclude_responses(alert_pk=pk, actor=request.actor),
                 _("The quarter's responses are left out of every reported figure."))


@head_office_required
@require_POST
def restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _done(request, pk, lambda: services.alert_restore_responses(alert_pk=pk, actor=request.actor,
                                                                       reason=request.POST.get("reason", "")),
                 _("The responses count in the figures again."))


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return -1  # out of range: the service names the problem


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@head_office_required
@require_POST
def recontact_draw(request: HttpRequest, pk: int) -> HttpResponse:
    size = _int_or_none(request.POST.get("size")) or services.RECONTACT_SIZE
    return _done(request, pk, lambda: services.recontact_draw(alert_pk=pk, actor=request.actor, size=size),
                 _("Customers drawn: call them and record what they say."))


@head_office_required
@require_POST
def recontact_record(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    post = request.POST
    return _done(request, pk, lambda: services.recontact_record(
        item_pk=item_pk, actor=request.actor, outcome=post.get("outcome", ""), score=_int_or_none(post.get("score")),
        asked_for_score=_yes_no(post.get("asked")), offered_something=_yes_no(post.get("offered")),
        answered_themselves=_yes_no(post.get("themselves")), note=post.get("note", "")), _("Call recorded."))
