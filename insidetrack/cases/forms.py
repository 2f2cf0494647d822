"""Forms of the inbox and the case page. They check the shape of what was sent; the services check the rules.

Choices that depend on the case (root causes, the dealer's people) are passed in, so a form never reads the
database on its own. The status form accepts every status: whether a move is allowed is the transition table's
call, and a refused move must come back as the service's 409, not as a form error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import forms
from django.utils.translation import gettext_lazy as _

from insidetrack.core.actor import Actor
from insidetrack.network.models import Department

from .models import CallOutcome
from .policies import OPEN_STATUSES, CaseKind, CaseStatus
from .selectors import InboxFilters
from .services import NOTE_MAX_LENGTH

TRUE_VALUES = ("1", "on", "true", "yes")


def inbox_filters(query: Mapping[str, str], actor: Actor) -> InboxFilters:
    """The inbox filters from the query string; unknown values mean "all" rather than an error page."""
    def choice(name: str, allowed: Iterable[str]) -> str:
        value = query.get(name, "")
        return value if value in allowed else ""

    return InboxFilters(
        kind=choice("kind", CaseKind.values),
        department=choice("department", Department.values),
        status=choice("status", [str(s) for s in OPEN_STATUSES]),
        dealer="" if actor.is_dealer else query.get("dealer", "")[:20],
        overdue_only=query.get("overdue", "") in TRUE_VALUES,
        assigned_to_me=query.get("mine", "") in TRUE_VALUES,
        escalated_only=(not actor.is_dealer) and query.get("escalated", "") in TRUE_VALUES,
    )


def open_status_choices() -> list[tuple[str, str]]:
    """Open statuses in lifecycle order, for the inbox filter."""
    return [(value, label) for value, label in CaseStatus.choices if value in OPEN_STATUSES]


class _Text(forms.CharField):
    def __init__(self, *, label: str, required: bool, rows: int = 3, max_length: int = NOTE_MAX_LENGTH) -> None:
        super().__init__(label=label, required=required, max_length=max_length, strip=True,
                         widget=forms.Textarea(attrs={"rows": rows}))


class CallForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallOutcome.choices, initial=CallOutcome.REACHED,
                                widget=forms.RadioSelect)
    note = _Text(label=_("What was said (optional)"), required=False, rows=2)


class NoteForm(forms.Form):
    text = _Text(label=_("Note"), required=True)


class MessageForm(forms.Form):
    """A reply to the owner: they read it on their issue page and get it by e-mail (unlike a note)."""

    text = _Text(label=_("Message to the owner"), required=True)


class RootCauseForm(forms.Form):
    root_cause = forms.ChoiceField(label=_("Root cause"))

    def __init__(self, *args, themes: Iterable[tuple[str, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["root_cause"].choices = [("", _("Choose the root cause…")), *themes]


class ResolutionForm(forms.Form):
    resolution = _Text(label=_("What was done to put it right"), required=True, rows=3)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=CaseStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=NOTE_MAX_LENGTH, strip=True)


class GoodwillForm(forms.Form):
    description = forms.CharField(label=_("Gesture"), max_length=200, strip=True,
                                  widget=forms.TextInput(attrs={"placeholder": _("e.g. a free valet")}))
    # Text, not a number field: the service reads "89,50" as well as "89.50" and says what is wrong in words.
    amount = forms.CharField(label=_("Cost"), max_length=20, strip=True,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}))


class GoodwillDecisionForm(forms.Form):
    goodwill = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=200, strip=True)


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)

    def __init__(self, *args, people: Iterable[tuple[str, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody")), *people]


MAX_BULK = 500


def bulk_case_keys(values: Iterable[str]) -> list[int]:
    """The case keys ticked in the inbox; anything else is dropped (the service skips keys the viewer may not use)."""
    return [int(value) for value in values if value.isdigit() and len(value) < 12][:MAX_BULK]
