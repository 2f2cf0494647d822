"""Forms of head office's teaching pages: a theme of the taxonomy, and one verbatim's label.

The forms read and redisplay input; the rules (a code's shape, a duplicate, an unknown theme) live in the services,
whose typed errors the views put next to the field they name. So the field names here are the services' parameter
names.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from insidetrack.core.actor import Actor
from insidetrack.journeys.models import Theme
from insidetrack.journeys.selectors import touchpoints_for


class ThemeForm(forms.Form):
    """A theme's code (fixed once created), its names in the three languages, where it applies, and whether it is on."""

    code = forms.CharField(label=_("Code"), max_length=40, required=False,
                           help_text=_("Lower case, words joined by “_”, e.g. infotainment_screen. It cannot be "
                                       "changed later: labels and models refer to it."))
    name = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    name_de = forms.CharField(label=_("Name (German)"), max_length=120, required=False)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=120, required=False)
    touchpoint_codes = forms.MultipleChoiceField(
        label=_("Touchpoints"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Where this theme can come up. None ticked means every touchpoint."))
    is_active = forms.BooleanField(label=_("Active"), required=False,
                                   help_text=_("An inactive theme is kept with its history, but the analysis no "
                                               "longer looks for it and labels can no longer use it."))

    def __init__(self, *args, actor: Actor, theme: Theme | None = None, **kwargs) -> None:
        if theme is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": theme.code, "name": theme.name, "name_de": theme.name_de, "name_fr": theme.name_fr,
                "touchpoint_codes": [t.code for t in theme.touchpoints.all()], "is_active": theme.is_active}
        super().__init__(*args, **kwargs)
        self.theme = theme
        self.fields["touchpoint_codes"].choices = [(t.code, t.display_name()) for t in touchpoints_for(actor)]
        if theme is None:
            del self.fields["is_active"]
        else:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Labels and models refer to this code, so it stays.")

    def as_input(self) -> dict:
        """The cleaned values as the journeys services take them (only after ``is_valid()``)."""
        data = self.cleaned_data
        values = {"code": self.theme.code if self.theme else data.get("code", ""), "name": data.get("name", ""),
                  "name_de": data.get("name_de", ""), "name_fr": data.get("name_fr", ""),
                  "touchpoint_codes": list(data.get("touchpoint_codes") or [])}
        if self.theme is not None:
            values["is_active"] = bool(data.get("is_active"))
        return values


class _Codes(forms.Field):
    """Any number of strings posted under one name (the ticked themes); the service says which it does not know."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [str(v).strip() for v in value if str(v).strip()]


class LabelForm(forms.Form):
    """One verbatim's label as posted from the queue; themes and sentiment are checked by ``verbatim_label``."""

    response = forms.IntegerField(min_value=1)
    themes = _Codes(required=False)
    sentiment = forms.CharField(required=False, max_length=20)
