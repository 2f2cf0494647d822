"""Head office's forms: a rule (condition, threshold, what it produces, texts in three languages), a provider."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Rule
from .policies import Condition

RULE_FIELDS = ("name", "condition", "threshold", "severity", "kind", "notifies_owner", "opens_case", "is_safety",
               "cooldown_days", "title", "title_de", "title_fr", "message", "message_de", "message_fr")


class RuleForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = RULE_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("message", "message_de", "message_fr")}

    def clean(self) -> dict:
        data = super().clean()
        condition = data.get("condition")
        if condition == Condition.FAULT_SEVERITY_AT_LEAST:
            if not data.get("severity"):
                self.add_error("severity", _("Choose the lowest severity that trips a fault-code rule."))
            data["threshold"] = None
        elif condition:
            if data.get("threshold") is None:
                self.add_error("threshold", _("This condition needs a threshold."))
            elif data["threshold"] < 0:
                self.add_error("threshold", _("The threshold cannot be negative."))
            data["severity"] = ""
        if data.get("kind") == "tip" and data.get("is_safety"):
            self.add_error("is_safety", _("A driving tip cannot be safety-relevant; make it an alert."))
        if not data.get("notifies_owner") and not data.get("opens_case"):
            self.add_error("notifies_owner", _("A rule must tell the owner, open a case, or both."))
        return data


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
