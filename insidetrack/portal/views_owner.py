"""The owner's own pages under /my/: vehicles, dealer, surveys, events (answered here through journeys' RSVP
service) and preferences and consents (through customers' service). Views only guard, call and render."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from insidetrack.core import clock
from insidetrack.core.decorators import owner_required
from insidetrack.core.errors import DomainError, NotFound
from insidetrack.customers import services as customer_services
from insidetrack.customers.models import Customer, HandoverPreference, Household
from insidetrack.journeys import services_events

from . import selectors_owner


@owner_required
def vehicles(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    customer = selectors_owner.owner_customer(actor)
    current, previous = selectors_owner.owner_vehicles(actor, customer)
    return render(request, "portal/owner/vehicles.html", {"customer": customer, "cards": current,
                                                          "previous": previous})


@owner_required
def dealer(request: HttpRequest) -> HttpResponse:
    customer = selectors_owner.owner_customer(request.actor)
    return render(request, "portal/owner/dealer.html", {
        "customer": customer, "dealer": customer.dealer,
        "opening_hours": selectors_owner.owner_opening_hours(customer),
    })


@owner_required
def surveys(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    return render(request, "portal/owner/surveys.html", {
        "open_surveys": selectors_owner.owner_open_surveys(actor, now=clock.now()),
        "responses": selectors_owner.owner_responses(actor),
    })


def _rsvp_error(exc: DomainError) -> str:
    if isinstance(exc, services_events.RsvpAlreadyAnswered):
        return _("You have answered this invitation already")
    if isinstance(exc, services_events.RsvpClosed):
        return _("Answers to this invitation are closed")
    return _("This invitation can no longer be answered here. Please contact your dealer.")


@require_http_methods(["GET", "POST"])
@owner_required
def events(request: HttpRequest) -> HttpResponse:
    """The owner's invitations; POST answers one (accept or decline) through the same service as the e-mail's links."""
    actor = request.actor
    status = 200
    if request.method == "POST":
        answer = request.POST.get("answer", "")
        pk = request.POST.get("invitation", "")
        if answer not in services_events.ANSWERS or not pk.isdigit():
            messages.error(request, _("Choose whether you will come."))
            status = 422
        else:
            try:
                invitation = selectors_owner.owner_event_invitation(actor, int(pk))
            except NotFound:
                return render(request, "404.html", status=404)
            try:
                invitation = services_events.event_rsvp(token=services_events.rsvp_token(
                    invitation_pk=invitation.pk, nonce=invitation.token_nonce, answer=answer))
            except DomainError as exc:
                if invitation.responded_at is not None:  # answered before: the links' secret is spent
                    exc = services_events.RsvpAlreadyAnswered(str(exc.message), invitation=invitation)
                messages.error(request, _rsvp_error(exc))
                status = exc.status
            else:
                messages.success(request, {
                    "accepted": _("You are coming to %(title)s: see you there."),
                    "waitlisted": _("%(title)s is full: you are on the waiting list."),
                    "declined": _("Thank you for letting us know you cannot come to %(title)s."),
                }[invitation.status] % {"title": invitation.event.title})
                return redirect("portal:events")
    return render(request, "portal/owner/events.html", {
        "cards": selectors_owner.owner_events(actor, now=clock.now()),
    }, status=status)


class PreferencesForm(forms.Form):
    """What the owner may set about themselves; the service checks every value again."""

    language = forms.ChoiceField(label=gettext_lazy("Language for e-mails and these pages"),
                                 choices=settings.LANGUAGES)
    consent_surveys = forms.BooleanField(
        label=gettext_lazy("Ask me for feedback after a visit or a purchase"), required=False)
    consent_marketing = forms.BooleanField(
        label=gettext_lazy("Tell me about events, new models and offers"), required=False)
    consent_connected_car = forms.BooleanField(
        label=gettext_lazy("Use my car's connected data to send me service reminders and driving tips"),
        required=False)
    household = forms.ChoiceField(label=gettext_lazy("Household"), required=False, choices=[
        ("", gettext_lazy("Prefer not to say")), *[(v, label) for v, label in Household.choices if v]])
    usage = forms.MultipleChoiceField(label=gettext_lazy("How do you use your car?"), required=False,
                                      choices=customer_services.USAGE_CHOICES, widget=forms.CheckboxSelectMultiple)
    interests = forms.CharField(label=gettext_lazy("Interests (separated by commas)"), required=False,
                                max_length=500, help_text=gettext_lazy("For example: golf, sailing, design"))
    handover_preference = forms.ChoiceField(
        label=gettext_lazy("When you take delivery of a new car"), required=False, choices=[
            ("", gettext_lazy("No preference")), *[(v, label) for v, label in HandoverPreference.choices if v]])

    @classmethod
    def for_customer(cls, customer: Customer) -> PreferencesForm:
        return cls(initial={
            "language": customer.language, "consent_surveys": customer.consent_surveys,
            "consent_marketing": customer.consent_marketing, "consent_connected_car": customer.consent_connected_car,
            "household": customer.household, "usage": customer.usage or [],
            "interests": ", ".join(customer.interests or []), "handover_preference": customer.handover_preference,
        })


@require_http_methods(["GET", "POST"])
@owner_required
def preferences(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    customer = selectors_owner.owner_customer(actor)
    error, status = "", 200
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                customer = customer_services.customer_preferences_update(
                    actor=actor, customer_pk=customer.pk, language=data["language"],
                    consent_surveys=data["consent_surveys"], consent_marketing=data["consent_marketing"],
                    consent_connected_car=data["consent_connected_car"], household=data["household"],
                    usage=data["usage"], interests=data["interests"].split(","),
                    handover_preference=data["handover_preference"])
            except DomainError as exc:
                error, status = str(exc.message), exc.status
            else:
                # The confirmation reads in the language just chosen; override, so the thread's language is not
                # left changed for whatever it serves next.
                with translation.override(customer.language):
                    messages.success(request, _("Your preferences are saved."))
                response = redirect("portal:preferences")
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, customer.language, max_age=365 * 24 * 3600,
                                    samesite="Lax")
                return response
        else:
            error = " ".join(str(e) for errors in form.errors.values() for e in errors)
            status = 422
    else:
        form = PreferencesForm.for_customer(customer)
    return render(request, "portal/owner/preferences.html", {
        "customer": customer, "form": form, "error": error, "sign_ins": selectors_owner.owner_sign_ins(actor),
    }, status=status)
