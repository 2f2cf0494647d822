"""Reads behind the landing pages. Each goes through ``Response.objects.visible_to`` and aggregates in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from insidetrack.core.actor import Actor
from insidetrack.journeys.models import Touchpoint
from insidetrack.surveys.models import Invitation, InvitationStatus, Response

from .policies import NpsEstimate

_NPS_COUNTS = {
    "detractors": Count("pk", filter=Q(score__lte=6)),
    "passives": Count("pk", filter=Q(score__gte=7, score__lte=8)),
    "promoters": Count("pk", filter=Q(score__gte=9)),
}


@dataclass(frozen=True, slots=True)
class GroupNps:
    key: object
    label: str
    estimate: NpsEstimate


def nps_overall(*, actor: Actor, since: datetime, until: datetime | None = None) -> NpsEstimate:
    responses = Response.objects.visible_to(actor).filter(submitted_at__gte=since)
    if until is not None:
        responses = responses.filter(submitted_at__lt=until)
    return NpsEstimate(**responses.aggregate(**_NPS_COUNTS))


def nps_by(*, actor: Actor, since: datetime, key: str, label: str) -> list[GroupNps]:
    """NPS per group (e.g. key="dealer__code", label="dealer__name"), ordered by the label people read."""
    rows = (
        Response.objects.visible_to(actor).filter(submitted_at__gte=since)
        .values(key, label).annotate(**_NPS_COUNTS).order_by(label, key)
    )
    return [GroupNps(key=r[key], label=r[label], estimate=NpsEstimate(r["detractors"], r["passives"], r["promoters"]))
            for r in rows]


def nps_by_touchpoint(*, actor: Actor, since: datetime) -> list[GroupNps]:
    """NPS per touchpoint in journey order, named in the viewer's language (head office edits those names)."""
    rows = {
        r["touchpoint_id"]: r
        for r in Response.objects.visible_to(actor).filter(submitted_at__gte=since)
        .values("touchpoint_id").annotate(**_NPS_COUNTS).order_by()
    }
    return [
        GroupNps(key=t.code, label=t.display_name(),
                 estimate=NpsEstimate(rows[t.pk]["detractors"], rows[t.pk]["passives"], rows[t.pk]["promoters"]))
        for t in Touchpoint.objects.filter(pk__in=rows).order_by("position")
    ]


@dataclass(frozen=True, slots=True)
class ResponseRate:
    sent: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None


def response_rate(*, actor: Actor, since: datetime) -> ResponseRate:
    counts = Invitation.objects.visible_to(actor).filter(sent_at__gte=since).aggregate(
        sent=Count("pk"), answered=Count("pk", filter=Q(status=InvitationStatus.ANSWERED)),
    )
    return ResponseRate(**counts)


def recent_responses(*, actor: Actor, limit: int = 8) -> list[Response]:
    return list(
        Response.objects.visible_to(actor).exclude(verbatim="").select_related("dealer", "touchpoint")
        .order_by("-submitted_at", "-pk")[:limit]
    )
