"""Forms of the customer page: recording a referral, moving it on, recording a check-in call."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CheckInOutcome, ReferralStatus


class ReferralForm(forms.Form):
    referred_name = forms.CharField(label=_("Friend's name"), max_length=160)
    referred_email = forms.EmailField(label=_("Friend's e-mail"), required=False)
    referred_phone = forms.CharField(label=_("Friend's phone"), max_length=32, required=False)
    friend_consents = forms.BooleanField(
        label=_("The friend agreed that we contact them"),
        error_messages={"required": _("Only record a friend who agreed to be contacted.")})
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=2000)


class ReferralMoveForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ReferralStatus.choices)


class CheckInForm(forms.Form):
    outcome = forms.ChoiceField(label=_("How did the call go?"), choices=CheckInOutcome.choices)
    note = forms.CharField(label=_("What was said (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
