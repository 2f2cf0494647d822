"""The owner's notifications from their car: what it said, marked read, and how often they want e-mails."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from insidetrack.connected import selectors, services
from insidetrack.connected.policies import AlertDelivery, TipDelivery
from insidetrack.core.decorators import owner_required
from insidetrack.core.errors import DomainError


class PreferenceForm(forms.Form):
    alerts = forms.ChoiceField(label=gettext_lazy("Alerts about my car"), choices=AlertDelivery.choices,
                               widget=forms.RadioSelect)
    tips = forms.ChoiceField(label=gettext_lazy("Driving tips"), choices=TipDelivery.choices,
                             widget=forms.RadioSelect)


def _page(request: HttpRequest, *, form: PreferenceForm | None = None, status: int = 200) -> HttpResponse:
    actor = request.actor
    preference = selectors.owner_preference(actor=actor)
    notifications = selectors.owner_notifications(actor=actor)
    return render(request, "portal/notifications.html", {
        "notifications": notifications,
        "unread": sum(1 for row in notifications if row.read_at is None),
        "form": form or PreferenceForm(initial={"alerts": preference.alerts, "tips": preference.tips}),
    }, status=status)


@owner_required
def notification_list(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@owner_required
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (``notification`` in the form) or all of them as read."""
    raw = request.POST.get("notification", "")
    try:
        services.notifications_mark_read(actor=request.actor, notification_pk=int(raw) if raw.isdigit() else None)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("portal:notifications") + (f"#notification-{raw}" if raw.isdigit() else ""))


@require_POST
@owner_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=422)
    try:
        services.preference_update(actor=request.actor, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _page(request, form=form, status=exc.status)
    messages.success(request, _("Your choices are saved."))
    return redirect(reverse("portal:notifications") + "#preferences")
