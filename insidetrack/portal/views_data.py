"""The owner's personal data: read everything held about them, download it as JSON, and ask for its erasure."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from insidetrack.analytics.response_rates import SKIP_REASON_LABELS
from insidetrack.core.decorators import owner_required
from insidetrack.core.errors import DomainError
from insidetrack.customers import selectors as customer_selectors
from insidetrack.privacy import selectors as privacy_selectors
from insidetrack.privacy import services as privacy_services
from insidetrack.privacy.policies import OPEN_STATUSES, RequestKind, due_on

#: Readable names for the keys the sections export; an unknown key (a new app's) is shown tidied up.
LABELS: dict[str, Any] = {
    "first_name": gettext_lazy("First name"), "last_name": gettext_lazy("Last name"),
    "email": gettext_lazy("E-mail"), "phone": gettext_lazy("Phone"), "language": gettext_lazy("Language"),
    "dealer": gettext_lazy("Dealer"), "customer_since": gettext_lazy("Customer since"),
    "deal_type": gettext_lazy("Kind of purchase"), "consents": gettext_lazy("Consents"),
    "surveys": gettext_lazy("Surveys"), "marketing": gettext_lazy("Marketing"),
    "connected_car": gettext_lazy("Connected-car data"), "last_changed": gettext_lazy("Last changed"),
    "household": gettext_lazy("Household"), "usage": gettext_lazy("How you use the car"),
    "interests": gettext_lazy("Interests"), "handover_preference": gettext_lazy("Handover preference"),
    "notes": gettext_lazy("Notes by your dealer"), "email_bounced_at": gettext_lazy("E-mail bounced at"),
    "phone_invalid_at": gettext_lazy("Phone found invalid at"),
    "contact_updated_at": gettext_lazy("Contact details last changed"),
    "vin": gettext_lazy("VIN"), "model": gettext_lazy("Model"), "model_year": gettext_lazy("Model year"),
    "powertrain": gettext_lazy("Powertrain"), "registration": gettext_lazy("Registration"),
    "owned_from": gettext_lazy("Owned from"), "owned_until": gettext_lazy("Owned until"),
    "bought_new": gettext_lazy("Bought new"), "selling_dealer": gettext_lazy("Sold by"),
    "handover_plan": gettext_lazy("Handover plan"), "generated_at": gettext_lazy("Prepared at"),
    "checklist": gettext_lazy("Checklist"), "item": gettext_lazy("Item"), "done_at": gettext_lazy("Done at"),
    "check_ins": gettext_lazy("Check-in calls"), "kind": gettext_lazy("Kind"), "due_on": gettext_lazy("Due on"),
    "outcome": gettext_lazy("Outcome"), "note": gettext_lazy("Note"),
    "made": gettext_lazy("Friends you referred"), "as_the_friend": gettext_lazy("Referrals naming you"),
    "friend_name": gettext_lazy("Friend's name"), "friend_email": gettext_lazy("Friend's e-mail"),
    "friend_phone": gettext_lazy("Friend's phone"), "friend_agreed_to_contact": gettext_lazy("Friend agreed"),
    "status": gettext_lazy("Status"), "enquired_at": gettext_lazy("Enquired at"),
    "bought_at": gettext_lazy("Bought at"), "name_given": gettext_lazy("Name given"),
    "email_given": gettext_lazy("E-mail given"), "phone_given": gettext_lazy("Phone given"),
    "events": gettext_lazy("What your dealer reported"), "what": gettext_lazy("What"),
    "touchpoint": gettext_lazy("Step of the journey"), "occurred_at": gettext_lazy("When"),
    "reference_in_dealer_system": gettext_lazy("Reference in the dealer's system"),
    "source": gettext_lazy("Source"), "invitations": gettext_lazy("Survey invitations"),
    "purpose": gettext_lazy("Purpose"), "channel": gettext_lazy("Channel"),
    "reason_not_sent": gettext_lazy("Reason not sent"), "delivery": gettext_lazy("Delivery"),
    "address_hash": gettext_lazy("Coded address"), "sent_at": gettext_lazy("Sent at"),
    "opened_at": gettext_lazy("Opened at"), "reminded_at": gettext_lazy("Reminded at"),
    "answered_at": gettext_lazy("Answered at"), "expires_at": gettext_lazy("Link valid until"),
    "responses": gettext_lazy("Your answers"), "score": gettext_lazy("Score"), "comment": gettext_lazy("Comment"),
    "answers": gettext_lazy("Other answers"), "vehicle_model": gettext_lazy("Vehicle model"),
    "submitted_at": gettext_lazy("Answered at"), "reference": gettext_lazy("Reference"),
    "subject": gettext_lazy("Subject"), "resolution": gettext_lazy("How it was put right"),
    "why_urgent": gettext_lazy("Why urgent"), "opened_at_case": gettext_lazy("Opened at"),
    "resolved_at": gettext_lazy("Resolved at"), "closed_at": gettext_lazy("Closed at"),
    "follow_up_score": gettext_lazy("Score after it was put right"), "history": gettext_lazy("History"),
    "at": gettext_lazy("When"), "detail": gettext_lazy("Detail"), "goodwill": gettext_lazy("Goodwill"),
    "gesture": gettext_lazy("Gesture"), "cost": gettext_lazy("Cost"), "currency": gettext_lazy("Currency"),
    "decision_note": gettext_lazy("Decision note"), "event": gettext_lazy("Event"),
    "starts_at": gettext_lazy("Starts at"), "place": gettext_lazy("Place"), "invited_by": gettext_lazy("Invited by"),
    "invited_at": gettext_lazy("Invited at"), "answer": gettext_lazy("Answer"), "attended": gettext_lazy("Attended"),
    "sentiment": gettext_lazy("Tone"), "themes": gettext_lazy("Themes"),
    "flagged_phrases": gettext_lazy("Flagged phrases"), "recontacts": gettext_lazy("Calls from head office"),
    "survey_answered_at": gettext_lazy("Survey answered at"), "score_given": gettext_lazy("Score given"),
    "asked_for_a_score": gettext_lazy("Asked for a score"), "offered_something": gettext_lazy("Offered something"),
    "answered_themselves": gettext_lazy("Answered themselves"), "recorded_at": gettext_lazy("Recorded at"),
    "answer_fingerprints": gettext_lazy("Coded device and network of your answers"),
    "network_hash": gettext_lazy("Network (coded)"), "device_hash": gettext_lazy("Device (coded)"),
}

#: Export keys whose codes are a model field's under another name (an event's "what" is its kind, ...).
CODE_FIELDS = {"what": "kind", "answer": "status", "reason_not_sent": "skip_reason", "delivery": "delivery_status",
               "preferred_language": "language"}


def choice_labels(*, brand_id: int | None) -> dict[str, dict[str, Any]]:
    """What each code the export carries means, by key: every insidetrack model field with choices, by field name
    (the first model to use a code names it), the brand's touchpoints and themes by code, and who wrote a message.

    The JSON keeps the stable codes (a program reads them); the readable page shows these labels instead, so an
    owner reads "Sign-in link requested", not ``link_requested``. Built once per page: names come from the database.
    """
    from django.apps import apps
    from django.conf import settings

    from insidetrack.journeys.models import Theme, Touchpoint

    labels: dict[str, dict[str, Any]] = {"language": dict(settings.LANGUAGES),
                                         "from": {"you": _("You"), "dealer": _("Your dealer")}}
    for model in apps.get_models():
        if not model.__module__.startswith("insidetrack."):
            continue
        for model_field in model._meta.get_fields():
            for code, label in getattr(model_field, "choices", None) or ():
                if isinstance(code, str):
                    labels.setdefault(model_field.name, {}).setdefault(code, label)
    for key, field_name in CODE_FIELDS.items():
        labels[key] = {**labels.get(field_name, {}), **labels.get(key, {})}
    labels["reason_not_sent"].update(SKIP_REASON_LABELS)  # stored as plain codes, named where rates are reported
    if brand_id is not None:
        labels["touchpoint"] = {t.code: t.display_name() for t in Touchpoint.objects.filter(journey__brand_id=brand_id)}
        labels["themes"] = {t.code: t.display_name() for t in Theme.objects.filter(brand_id=brand_id)}
    return labels


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$")


@dataclass
class Node:
    """One value of the export as the readable page shows it: text, a list of entries, or named fields."""

    label: str = ""
    text: str = ""
    fields: list[Node] = field(default_factory=list)
    items: list[Node] = field(default_factory=list)
    is_empty: bool = False


def _label(key: str) -> str:
    return str(LABELS.get(key) or key.replace("_", " ").capitalize())


def _text(value: Any) -> tuple[str, bool]:
    if value is None or value == "" or value == [] or value == {}:
        return "—", True
    if isinstance(value, bool):
        return (_("Yes") if value else _("No")), False
    if isinstance(value, str) and _ISO.match(value):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return value, False
        if len(value) == 10:
            return formats.date_format(parsed.date(), "DATE_FORMAT"), False
        return formats.date_format(timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed,
                                   "DATETIME_FORMAT"), False
    return str(value), False


def readable(value: Any, label: str = "", *, labels: dict[str, dict[str, Any]] | None = None,
             key: str = "") -> Node:
    """Turn a section's JSON into nested nodes the template walks (one level of markup per level of data); a code
    under a key ``labels`` knows is shown by its label."""
    labels = labels or {}
    if isinstance(value, dict) and value:
        return Node(label=label, fields=[readable(item, _label(name), labels=labels, key=name)
                                         for name, item in value.items()])
    if isinstance(value, list) and value and not all(isinstance(item, str | int | float) for item in value):
        return Node(label=label, items=[readable(item, labels=labels, key=key) for item in value])
    meaning = labels.get(key, {})
    if isinstance(value, list) and value:
        return Node(label=label, text=", ".join(str(meaning.get(item, item)) for item in value))
    if isinstance(value, str) and value in meaning:
        return Node(label=label, text=str(meaning[value]))
    text, empty = _text(value)
    return Node(label=label, text=text, is_empty=empty)


def _open_erasure(actor) -> Any:
    return (privacy_selectors.owner_requests(actor=actor)
            .filter(kind=RequestKind.ERASURE, status__in=OPEN_STATUSES).first())


@require_GET
@owner_required
def data_page(request: HttpRequest) -> HttpResponse:
    """Everything held about the owner, section by section with why it is held, and the way to erase it."""
    actor = request.actor
    customer = customer_selectors.customer_get(actor=actor, pk=actor.customer_id)
    document = privacy_services.personal_data_export(customer_pk=customer.pk)
    labels = choice_labels(brand_id=customer.brand_id)
    return render(request, "portal/data.html", {
        "customer": customer,
        "sections": [{"key": s["key"], "title": s["title"], "purpose": s["purpose"],
                      "node": readable(s["data"], labels=labels)} for s in document["sections"]],
        "open_erasure": _open_erasure(actor),
    })


@require_GET
@owner_required
def data_download(request: HttpRequest) -> HttpResponse:
    """The same as one JSON file; each download is recorded for head office's audit."""
    try:
        _, document = privacy_services.privacy_export_download(actor=request.actor)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:data")
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y-%m-%d}.json"'
    return response


@require_http_methods(["GET", "POST"])
@owner_required
def data_erase(request: HttpRequest) -> HttpResponse:
    """Confirmation first (what goes, what anonymous figures stay, when it is due); the POST records the request."""
    actor = request.actor
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Please tick the box to confirm that you want your data erased."))
            return _erase_page(request, status=422)
        try:
            created = privacy_services.privacy_request_create(actor=actor, kind=RequestKind.ERASURE)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect(reverse("portal:data"))
        messages.success(request, _("We have your request (%(reference)s). Head office will erase your data by "
                                    "%(date)s at the latest.")
                         % {"reference": created.reference, "date": formats.date_format(created.due_on)})
        return redirect(reverse("portal:data"))
    return _erase_page(request)


def _erase_page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    return render(request, "portal/data_erase.html", {
        "open_erasure": _open_erasure(request.actor), "due_on": due_on(timezone.now()),
    }, status=status)

