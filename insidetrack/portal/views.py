"""The owner's own landing page: vehicles, their dealer, the feedback they gave, and referring a friend."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from insidetrack.core.decorators import owner_required
from insidetrack.core.errors import DomainError
from insidetrack.customers import selectors as customer_selectors
from insidetrack.customers import services as customer_services
from insidetrack.customers.forms import ReferralForm
from insidetrack.surveys.models import Response


def _home(request: HttpRequest, *, referral_form: ReferralForm | None = None, error: str = "",
          status: int = 200) -> HttpResponse:
    actor = request.actor
    customer = customer_selectors.customer_get(actor=actor, pk=actor.customer_id)
    return render(request, "portal/home.html", {
        "customer": customer,
        "vehicles": customer.vehicles.all(),
        "responses": Response.objects.visible_to(actor).select_related("touchpoint", "dealer")
        .order_by("-submitted_at")[:20],
        "referrals": customer_selectors.customer_referrals(actor=actor, customer=customer),
        "referral_form": referral_form or ReferralForm(),
        "referral_error": error,
    }, status=status)


@owner_required
def home(request: HttpRequest) -> HttpResponse:
    return _home(request)


@require_POST
@owner_required
def refer(request: HttpRequest) -> HttpResponse:
    """An owner refers a friend: the referral is theirs, and a lead for their dealer."""
    form = ReferralForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return _home(request, referral_form=form, error=message, status=422)
    try:
        customer_services.referral_record(actor=request.actor, referrer_pk=request.actor.customer_id,
                                          **form.cleaned_data)
    except DomainError as exc:
        return _home(request, referral_form=form, error=str(exc.message), status=exc.status)
    messages.success(request, _("Thank you! Your dealer will get in touch with %(name)s.")
                     % {"name": form.cleaned_data["referred_name"]})
    return redirect(reverse("portal:home") + "#refer")
