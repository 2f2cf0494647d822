"""Writes of personal-data requests: an owner asks, head office processes or refuses; erasure walks the registry.

Every change goes through ``_move``: a conditional UPDATE from the state the transition table allows (so two
clicks, or two head-office users, never process a request twice) and an event row in the same transaction.

What happens to the owner's account: the ``account`` section (registered by the sign-in app) deactivates the
owner's user and ends their sign-in links, so their open sessions stop working at the next page. Until head office
processes the erasure the owner keeps using the portal as before.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from insidetrack.accounts.selectors import actor_display_name
from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from insidetrack.core.personal_data import sections
from insidetrack.customers.models import Customer

from . import policies
from .models import PrivacyRequest, PrivacyRequestEvent, RequestChannel, RequestEventKind
from .policies import OPEN_STATUSES, RequestKind, RequestStatus

REFUSAL_MAX_LENGTH = 2000
OWNER_NAME = "the owner"  # written in the audit instead of the owner's name, which the erasure removes


# --------------------------------------------------------------------------------------------------------------------
# The registry walk


def personal_data_export(*, customer_pk: int, now: datetime | None = None) -> dict[str, Any]:
    """Everything the registered sections hold about a customer, JSON-ready, each section with its title and purpose.

    An erased customer's export says so and lists no sections: what is left is anonymous.
    """
    customer = Customer.objects.filter(pk=customer_pk).first()
    if customer is None:
        raise NotFound(_("Customer not found."))
    generated_at = now or clock.now()
    document: dict[str, Any] = {
        "generated_at": generated_at.isoformat(),
        "erased_at": customer.erased_at.isoformat() if customer.erased_at else None,
        "sections": [],
    }
    if customer.erased_at is not None:
        document["notice"] = str(_("This person's data was erased; only anonymous figures are kept."))
        return document
    for section in sections():
        document["sections"].append({"key": section.key, "title": str(section.title),
                                     "purpose": str(section.purpose), "data": section.export(customer_pk)})
    return document


def personal_data_erase(*, customer_pk: int, now: datetime) -> dict[str, int]:
    """Run every section's erase in one transaction and mark the customer erased; rows changed per section.

    Sections run in the reverse of the export order, so the profile (first in the export) is blanked last and the
    other sections can still find what they key on (the owner's e-mail, their current cars). Idempotent: a second
    run changes nothing and keeps the first erasure's date.
    """
    with transaction.atomic():
        if not Customer.objects.select_for_update().filter(pk=customer_pk).exists():
            raise NotFound(_("Customer not found."))
        rows = {section.key: int(section.erase(customer_pk, now)) for section in reversed(sections())}
        Customer.objects.filter(pk=customer_pk, erased_at__isnull=True).update(erased_at=now)
    return rows


# --------------------------------------------------------------------------------------------------------------------
# Requests


def _new_reference() -> str:
    return "PD-" + secrets.token_hex(4).upper()


def _event(request: PrivacyRequest, *, actor: Actor, kind: str, at: datetime, detail: str = "",
           data: dict | None = None) -> PrivacyRequestEvent:
    """An audit row: staff by user and name; an owner as "the owner" with no link to the account erasure ends."""
    is_staff = actor.is_staff_role or actor.is_system
    return PrivacyRequestEvent.objects.create(
        request=request, kind=kind, at=at, actor_id=actor.user_id if actor.is_staff_role else None,
        actor_name=actor_display_name(actor) if is_staff else OWNER_NAME, detail=detail, data=data or {})


def _move(request: PrivacyRequest, *, target: str, now: datetime, **values: Any) -> None:
    """Claim the move with a conditional UPDATE from the current state; a refused or lost race is a typed error."""
    if not policies.can_move(request.status, target):
        raise InvalidTransition(
            _("A request that is “%(current)s” cannot become “%(target)s”.")
            % {"current": RequestStatus(request.status).label, "target": RequestStatus(target).label})
    if not PrivacyRequest.objects.filter(pk=request.pk, status=request.status).update(status=target, **values):
        raise Conflict(_("Someone else changed this request just now; please reload the page."))
    request.status = target
    for name, value in values.items():
        setattr(request, name, value)


def privacy_request_create(*, actor: Actor, kind: str, customer_pk: int | None = None,
                           now: datetime | None = None) -> PrivacyRequest:
    """Record a request: an owner for themselves (from the portal), head office for any customer of the brand.

    One open request of each kind per customer; an erased customer has nothing left to ask for.
    """
    now = now or clock.now()
    if kind not in RequestKind.values:
        raise ValidationFailed(_("Unknown kind of request: %(kind)s.") % {"kind": kind}, field="kind")
    if actor.is_owner:
        customer_pk, channel = actor.customer_id, RequestChannel.PORTAL
    elif actor.is_head_office or actor.is_system:
        channel = RequestChannel.STAFF
    else:
        raise PermissionDenied(_("Only the owner or head office can ask for a person's data."))
    customer = Customer.objects.visible_to(actor).filter(pk=customer_pk).first() if customer_pk else None
    if customer is None:
        raise NotFound(_("Customer not found."), field="customer")
    if customer.erased_at is not None:
        raise Conflict(_("This person's data was already erased."))
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        if PrivacyRequest.objects.filter(customer=customer, kind=kind, status__in=OPEN_STATUSES).exists():
            raise Conflict(_("A request of this kind is already waiting for head office."))
        request = PrivacyRequest.objects.create(
            brand_id=customer.brand_id, customer=customer, reference=_new_reference(), kind=kind,
            channel=channel, requested_at=now, due_on=policies.due_on(now))
        _event(request, actor=actor, kind=RequestEventKind.REQUESTED, at=now)
    return request


def privacy_export_download(*, actor: Actor, customer_pk: int | None = None,
                            now: datetime | None = None) -> tuple[PrivacyRequest | None, dict[str, Any]]:
    """An owner's own copy, at once: recorded as a completed export request so head office's audit shows it."""
    now = now or clock.now()
    if not actor.is_owner:
        raise PermissionDenied(_("Only the owner downloads their own copy here."))
    customer = Customer.objects.visible_to(actor).filter(pk=actor.customer_id).first()
    if customer is None:
        raise NotFound(_("Customer not found."))
    with transaction.atomic():
        request = PrivacyRequest.objects.create(
            brand_id=customer.brand_id, customer=customer, reference=_new_reference(), kind=RequestKind.EXPORT,
            channel=RequestChannel.PORTAL, requested_at=now, due_on=policies.due_on(now),
            status=RequestStatus.COMPLETED, completed_at=now)
        _event(request, actor=actor, kind=RequestEventKind.DOWNLOADED, at=now)
    return request, personal_data_export(customer_pk=customer.pk, now=now)


def _head_office_request(actor: Actor, request_pk: int) -> PrivacyRequest:
    if not (actor.is_head_office or actor.is_system):
        raise PermissionDenied(_("Only head office processes personal-data requests."))
    return PrivacyRequest.objects.get_visible(actor, pk=request_pk)


def privacy_request_process(*, actor: Actor, request_pk: int, now: datetime | None = None) -> PrivacyRequest:
    """Head office carries a request out: an export becomes downloadable; an erasure runs every section.

    All in one transaction: the move to "processing", the erasure, the move to "completed" and their events; if a
    section fails nothing is erased and the request stays "requested".
    """
    now = now or clock.now()
    request = _head_office_request(actor, request_pk)
    with transaction.atomic():
        _move(request, target=RequestStatus.PROCESSING, now=now, processing_at=now, processed_by_id=actor.user_id)
        _event(request, actor=actor, kind=RequestEventKind.PROCESSING, at=now)
        rows: dict[str, int] = {}
        if request.kind == RequestKind.ERASURE and request.customer_id is not None:
            rows = personal_data_erase(customer_pk=request.customer_id, now=now)
        _move(request, target=RequestStatus.COMPLETED, now=now, completed_at=now, rows_changed=rows)
        _event(request, actor=actor, kind=RequestEventKind.COMPLETED, at=now, data={"rows": rows})
    return request


def privacy_request_refuse(*, actor: Actor, request_pk: int, reason: str,
                           now: datetime | None = None) -> PrivacyRequest:
    """Head office declines (for example a legal claim needs the records kept); the reason is required."""
    now = now or clock.now()
    reason = (reason or "").replace("\r\n", "\n").strip()
    if not reason:
        raise ValidationFailed(_("Please say why the request is refused."), field="reason")
    if len(reason) > REFUSAL_MAX_LENGTH:
        raise ValidationFailed(_("Please keep the reason under 2,000 characters."), field="reason")
    request = _head_office_request(actor, request_pk)
    with transaction.atomic():
        _move(request, target=RequestStatus.REFUSED, now=now, refused_at=now, refusal_reason=reason,
              processed_by_id=actor.user_id)
        _event(request, actor=actor, kind=RequestEventKind.REFUSED, at=now, detail=reason)
    return request


def privacy_request_export(*, actor: Actor, request_pk: int, now: datetime | None = None) -> dict[str, Any]:
    """Head office downloads the copy a completed export request produced (logged, as every download is)."""
    now = now or clock.now()
    request = _head_office_request(actor, request_pk)
    if request.kind != RequestKind.EXPORT or request.status != RequestStatus.COMPLETED:
        raise Conflict(_("Only a completed request for a copy can be downloaded."))
    if request.customer_id is None:
        raise NotFound(_("Customer not found."))
    with transaction.atomic():
        _event(request, actor=actor, kind=RequestEventKind.DOWNLOADED, at=now)
    return personal_data_export(customer_pk=request.customer_id, now=now)
