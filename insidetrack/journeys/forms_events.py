"""The experience event form. It checks the shape of what was sent; the services check the rules."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from insidetrack.network.models import Dealer

from .models import ExperienceEventKind
from .services_events import EventInput

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.Form):
    """Times are entered in the hosting dealer's own time zone, where the guests will be."""

    dealer = forms.ModelChoiceField(label=_("Hosting dealer"), queryset=Dealer.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=ExperienceEventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=160)
    starts_at = forms.DateTimeField(label=_("Starts (dealer's local time)"), widget=LOCAL_INPUT,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    ends_at = forms.DateTimeField(label=_("Ends (dealer's local time)"), widget=LOCAL_INPUT,
                                  input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("Place"), max_length=200)
    capacity = forms.IntegerField(label=_("Capacity (guests)"), min_value=1, max_value=5000)
    invites_depositors = forms.BooleanField(label=_("Invite new depositors automatically"), required=False,
                                            initial=True)

    def __init__(self, *args, dealers: QuerySet[Dealer], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dealer"].queryset = dealers
        if dealers.count() == 1:
            self.fields["dealer"].initial = dealers.first()

    def to_input(self) -> EventInput:
        """The cleaned form as the service's input, with the local times made aware in the dealer's zone."""
        data = self.cleaned_data
        zone = ZoneInfo(data["dealer"].time_zone or "UTC")

        def local(value: dt.datetime) -> dt.datetime:
            return value.replace(tzinfo=None).replace(tzinfo=zone)

        return EventInput(dealer_id=data["dealer"].pk, kind=data["kind"], title=data["title"],
                          starts_at=local(data["starts_at"]), ends_at=local(data["ends_at"]), place=data["place"],
                          capacity=data["capacity"], invites_depositors=data["invites_depositors"])
