"""Customer list and the customer page for staff, scoped to what the viewer may see; the page's forms post to one
view each, which calls one service and comes back to the page (an error is shown next to its form, with the
error's status)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from insidetrack.core import clock
from insidetrack.core.decorators import staff_role_required
from insidetrack.core.errors import DomainError, NotFound
from insidetrack.network.selectors import scores_visible_to

from . import policies, selectors, services
from .forms import CheckInForm, ReferralForm, ReferralMoveForm
from .models import Customer, ReferralStatus


@staff_role_required
def customer_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    page = Paginator(selectors.customer_list(actor=request.actor, search=search), 25).get_page(request.GET.get("page"))
    return render(request, "customers/list.html", {"page": page, "search": search})


def _customer_or_404(request: HttpRequest, pk: int) -> Customer:
    try:
        return selectors.customer_get(actor=request.actor, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _customer_page(request: HttpRequest, customer: Customer, *, forms: dict | None = None, error_for: str = "",
                   error: str = "", error_pk: int | None = None, status: int = 200) -> HttpResponse:
    actor = request.actor
    now = clock.now()
    show_scores = scores_visible_to(actor)
    ownerships = selectors.customer_ownerships(actor=actor, customer=customer)
    referrals = selectors.customer_referrals(actor=actor, customer=customer)
    facts = selectors.customer_facts(actor=actor, customer=customer, ownerships=ownerships, referrals=referrals,
                                     show_scores=show_scores, now=now)
    today = now.date()
    for ownership in ownerships:
        ownership.plan = ownership.handover_plan if selectors.has_plan(ownership) else None
        ownership.plan_items = list(ownership.plan.items.all()) if ownership.plan else []
        ownership.plan_done = sum(1 for item in ownership.plan_items if item.is_ticked)
        for checkin in ownership.checkins.all():
            checkin.state = policies.checkin_state(due_on=checkin.due_on, done=checkin.done_at is not None,
                                                   today=today)
    for referral in referrals:
        referral.moves = [(code, ReferralStatus(code).label) for code in ReferralStatus.values
                          if policies.referral_can_move(referral.status, code)]
    forms = forms or {}
    return render(request, "customers/detail.html", {
        "customer": customer,
        "ownerships": ownerships,
        "referrals": referrals,
        "timeline": selectors.customer_timeline(actor=actor, customer=customer, show_scores=show_scores),
        "next_actions": policies.next_best_actions(facts, now=now),
        "show_scores": show_scores,
        "can_work": actor.is_dealer,
        "referral_form": forms.get("referral") or ReferralForm(),
        "checkin_form": CheckInForm(),
        "bound_checkin": forms.get("checkin"),
        "error_for": error_for,
        "error": error,
        "error_pk": error_pk,
    }, status=status)


@staff_role_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer page: profile, cars with their handover plans and check-ins, referrals, one timeline and the
    next best action. Scores only where the brand's policy lets the viewer see them."""
    return _customer_page(request, _customer_or_404(request, pk))


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def _form_error(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@require_POST
@staff_role_required
def referral_add(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    form = ReferralForm(request.POST)
    if not form.is_valid():
        return _customer_page(request, customer, forms={"referral": form}, error_for="referral",
                              error=_form_error(form), status=422)
    try:
        services.referral_record(actor=request.actor, referrer_pk=customer.pk, **form.cleaned_data)
    except DomainError as exc:
        return _customer_page(request, customer, forms={"referral": form}, error_for="referral",
                              error=str(exc.message), status=exc.status)
    messages.success(request, _("Referral recorded: %(name)s is a new lead.")
                     % {"name": form.cleaned_data["referred_name"]})
    return redirect(reverse("customers:detail", args=[customer.pk]) + "#referrals")


@require_POST
@staff_role_required
def referral_move(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    form = ReferralMoveForm(request.POST)
    if not form.is_valid():
        return _customer_page(request, customer, error_for="referrals", error=_form_error(form), status=422)
    try:
        referral = services.referral_move(actor=request.actor, referral_pk=referral_pk,
                                          status=form.cleaned_data["status"])
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        return _customer_page(request, customer, error_for="referrals", error=str(exc.message), status=exc.status)
    messages.success(request, _("%(name)s: %(status)s.") % {"name": referral.referred_name,
                                                              "status": referral.get_status_display()})
    return redirect(reverse("customers:detail", args=[customer.pk]) + "#referrals")


@require_POST
@staff_role_required
def checkin_record(request: HttpRequest, pk: int, checkin_pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return _customer_page(request, customer, forms={"checkin": form}, error_for="checkin",
                              error=_form_error(form), error_pk=checkin_pk, status=422)
    try:
        services.checkin_record(actor=request.actor, checkin_pk=checkin_pk, **form.cleaned_data)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        return _customer_page(request, customer, error_for="checkin", error=str(exc.message), error_pk=checkin_pk,
                              status=exc.status)
    messages.success(request, _("Check-in recorded."))
    return redirect(reverse("customers:detail", args=[customer.pk]) + "#cars")


@staff_role_required
def handover_plan(request: HttpRequest, ownership_pk: int) -> HttpResponse:
    """A car's handover plan: the checklist generated from the owner's preferences, ticked off by the dealer."""
    try:
        ownership = selectors.handover_plan_get(actor=request.actor, ownership_pk=ownership_pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    plan = getattr(ownership, "handover_plan", None) if selectors.has_plan(ownership) else None
    return render(request, "customers/handover.html", {
        "ownership": ownership, "customer": ownership.customer, "plan": plan,
        "items": list(plan.items.all()) if plan else [], "can_work": request.actor.is_dealer,
        "is_outdated": plan is not None and plan.handover_preference != ownership.customer.handover_preference,
    })


@require_POST
@staff_role_required
def handover_plan_generate(request: HttpRequest, ownership_pk: int) -> HttpResponse:
    try:
        services.handover_plan_generate(actor=request.actor, ownership_pk=ownership_pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Handover plan ready."))
    return redirect(_back(request, reverse("customers:handover", args=[ownership_pk])))


@require_POST
@staff_role_required
def handover_item_tick(request: HttpRequest, item_pk: int) -> HttpResponse:
    try:
        item = services.handover_item_tick(actor=request.actor, item_pk=item_pk,
                                           ticked=request.POST.get("ticked") == "1")
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(_back(request, reverse("customers:list")))
    return redirect(_back(request, reverse("customers:handover", args=[item.plan.ownership_id]))
                    + f"#item-{item.pk}")
