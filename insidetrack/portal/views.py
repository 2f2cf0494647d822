"""The owner's landing page: an overview linking to each of their pages (vehicles, dealer, surveys, events,
preferences; issues, notifications and personal data from the other portal slices), and referring a friend."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from insidetrack.core import clock
from insidetrack.core.decorators import owner_required
from insidetrack.core.errors import DomainError
from insidetrack.customers import selectors as customer_selectors
from insidetrack.customers import services as customer_services
from insidetrack.customers.forms import ReferralForm
from insidetrack.surveys.models import Response

from . import selectors_owner


def _home(request: HttpRequest, *, referral_form: ReferralForm | None = None, error: str = "",
          status: int = 200) -> HttpResponse:
    actor = request.actor
    now = clock.now()
    customer = selectors_owner.owner_customer(actor)
    current, _previous = selectors_owner.owner_vehicles(actor, customer)
    events = selectors_owner.owner_events(actor, now=now)
    return render(request, "portal/home.html", {
        "customer": customer,
        "cards": current,
        "open_surveys": len(selectors_owner.owner_open_surveys(actor, now=now)),
        "answers_given": Response.objects.visible_to(actor).count(),
        "events_to_answer": sum(1 for card in events if card.can_answer),
        "next_event": next((c.invitation.event for c in events if not c.is_past
                            and c.invitation.status in ("accepted", "waitlisted")), None),
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
