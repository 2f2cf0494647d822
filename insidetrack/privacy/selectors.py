"""Reads of personal-data requests, always through the scoping entry point (head office: the brand; owner: own)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from insidetrack.core.actor import Actor
from insidetrack.core.errors import PermissionDenied

from .models import PrivacyRequest, PrivacyRequestEvent
from .policies import OPEN_STATUSES, RequestStatus

QUEUE_FILTERS = ("open", "completed", "refused", "all")


def _head_office(actor: Actor) -> None:
    if not (actor.is_head_office or actor.is_system):
        raise PermissionDenied(_("Only head office reads the personal-data requests."))


def request_queue(*, actor: Actor, show: str = "open") -> QuerySet[PrivacyRequest]:
    """The brand's requests, the soonest due first; "open" is the work (requested or processing)."""
    _head_office(actor)
    requests = PrivacyRequest.objects.visible_to(actor).select_related("customer", "processed_by")
    if show == "open":
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif show in (RequestStatus.COMPLETED, RequestStatus.REFUSED):
        requests = requests.filter(status=show)
    return requests.order_by("due_on", "requested_at", "pk") if show == "open" else requests.order_by(
        "-requested_at", "-pk")


def request_counts(*, actor: Actor) -> dict[str, int]:
    _head_office(actor)
    rows = PrivacyRequest.objects.visible_to(actor).values("status").annotate(n=Count("pk")).order_by()
    by_status = {row["status"]: row["n"] for row in rows}
    return {"open": sum(by_status.get(s, 0) for s in OPEN_STATUSES),
            "completed": by_status.get(RequestStatus.COMPLETED, 0), "refused": by_status.get(RequestStatus.REFUSED, 0),
            "all": sum(by_status.values())}


@dataclass(frozen=True, slots=True)
class RequestDetail:
    request: PrivacyRequest
    events: list[PrivacyRequestEvent]
    is_overdue: bool
    days_left: int


def request_detail(*, actor: Actor, request_pk: int, today: dt.date) -> RequestDetail:
    _head_office(actor)
    request = PrivacyRequest.objects.select_related("customer", "customer__dealer", "processed_by").get_visible(
        actor, pk=request_pk)
    is_open = request.status in OPEN_STATUSES
    return RequestDetail(request=request, events=list(request.events.order_by("at", "pk")),
                         is_overdue=is_open and request.due_on < today, days_left=(request.due_on - today).days)


def owner_requests(*, actor: Actor) -> QuerySet[PrivacyRequest]:
    """An owner's own requests, newest first (the portal shows the open erasure and its due date)."""
    if not actor.is_owner:
        return PrivacyRequest.objects.none()
    return PrivacyRequest.objects.visible_to(actor).order_by("-requested_at", "-pk")
