"""The advocacy page: do promoters promote? Referral, repurchase and service-retention rates per NPS band, and the
form staff use to record a referral (and to mark that the friend bought).

A dealer whose brand hides scores gets the band-free totals only (see ``insidetrack.analytics.advocacy``), with the
same form and the list of its own referrals.
"""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insidetrack.core import clock
from insidetrack.core.decorators import staff_role_required
from insidetrack.core.errors import DomainError, NotFound
from insidetrack.customers.selectors import customer_get
from insidetrack.customers.services import (
    NOTE_MAX_LENGTH,
    REFERRED_NAME_MAX_LENGTH,
    REFERRED_PHONE_MAX_LENGTH,
    referral_mark_bought,
    referral_record,
)

from . import advocacy as figures

RECENT_REFERRALS = 15


class ReferralForm(forms.Form):
    """The shape of a referral; the service checks the rules (who may record for whom, contact needed, duplicates)."""

    referrer = forms.IntegerField(label=_("Customer number of the owner who referred"), min_value=1,
                                  help_text=_("The number in the address of the customer's page."))
    referred_name = forms.CharField(label=_("Friend's name"), max_length=REFERRED_NAME_MAX_LENGTH, required=False)
    referred_email = forms.CharField(label=_("Friend's e-mail"), max_length=254, required=False)
    referred_phone = forms.CharField(label=_("Friend's phone"), max_length=REFERRED_PHONE_MAX_LENGTH, required=False)
    enquired_on = forms.DateField(label=_("Enquired on"), required=False,
                                  help_text=_("Leave empty for today."), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX_LENGTH, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    # The service names its fields after the model; the form's date field is a day.
    FIELD_FOR = {"enquired_at": "enquired_on"}


def _months(request: HttpRequest) -> int:
    try:
        months = int(request.GET.get("months", figures.DEFAULT_PERIOD_MONTHS))
    except ValueError:
        return figures.DEFAULT_PERIOD_MONTHS
    return months if months in figures.PERIOD_MONTHS else figures.DEFAULT_PERIOD_MONTHS


def _record(request: HttpRequest, form: ReferralForm) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    enquired_at = None
    if data["enquired_on"]:
        now = timezone.localtime(clock.now())
        # A day in the past is taken at noon; today keeps the current time, so it is never "in the future".
        enquired_at = now if data["enquired_on"] >= now.date() else timezone.make_aware(
            datetime.combine(data["enquired_on"], time(12)))
    try:
        referral = referral_record(actor=request.actor, referrer_pk=data["referrer"],
                                   referred_name=data["referred_name"], referred_email=data["referred_email"],
                                   referred_phone=data["referred_phone"], enquired_at=enquired_at, note=data["note"])
    except DomainError as error:
        field = ReferralForm.FIELD_FOR.get(error.field or "", error.field)
        form.add_error(field if field in form.fields else None, str(error.message))
        return False
    messages.success(request, _("Referral recorded: %(friend)s, referred by %(owner)s.")
                     % {"friend": referral.referred_name, "owner": referral.referrer.full_name})
    return True


def _mark_bought(request: HttpRequest) -> None:
    try:
        referral = referral_mark_bought(actor=request.actor, referral_pk=int(request.POST.get("referral", "0")))
    except ValueError:
        messages.error(request, _("No such referral among the ones you look after."))
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Marked as bought: %(friend)s.") % {"friend": referral.referred_name})


@staff_role_required
def advocacy(request: HttpRequest) -> HttpResponse:
    """Rates per band with their intervals and plain-language readings; the referral form; recent referrals."""
    actor = request.actor
    months = _months(request)
    form = ReferralForm(request.POST if request.method == "POST" and request.POST.get("action") == "record" else None,
                        initial={"referrer": request.GET.get("referrer", "")})
    if request.method == "POST":
        if request.POST.get("action") == "bought":
            _mark_bought(request)
            return redirect(f"{request.path}?months={months}")
        if _record(request, form):
            return redirect(f"{request.path}?months={months}")
    referrer_pk = request.GET.get("referrer", "")
    referrer = None
    if referrer_pk.isdigit():
        try:
            referrer = customer_get(actor=actor, pk=int(referrer_pk))
        except NotFound:
            referrer = None
    period = figures.advocacy_period(months)
    report = figures.advocacy_report(actor=actor, period=period)
    return render(request, "analytics/advocacy.html", {
        "report": report,
        "rows": [*(report.bands or []), report.total],
        "period": period,
        "months": months,
        "periods": figures.PERIOD_MONTHS,
        "windows": {"referral": figures.REFERRAL_WINDOW.days, "repurchase": figures.REPURCHASE_WINDOW.days,
                    "service": figures.SERVICE_WINDOW.days},
        "form": form,
        "referrer": referrer,
        "recent": figures.referral_list(actor=actor, limit=RECENT_REFERRALS),
        "show_dealer": not actor.is_dealer,
    }, status=422 if form.is_bound and form.errors else 200)
