"""Reads of the owner's side of a case: their issues with an owner-friendly status, the history they may see, the
message thread and the photos; every read through ``visible_to``.

An owner sees what happened to their issue in their words (received, being looked at, put right, closed) and the
messages; never internal notes, call logs, goodwill, escalation or reminders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from insidetrack.core.actor import Actor
from insidetrack.core.errors import NotFound

from .models import Case, CaseEvent, CaseEventKind, CaseMessage, CasePhoto, CaseSource
from .policies import CaseStatus

S = CaseStatus

# The four stages an owner follows; a reopened issue is being looked at again.
RECEIVED, LOOKED_AT, PUT_RIGHT, CLOSED = "received", "looked_at", "put_right", "closed"
OWNER_STAGE = {S.NEW: RECEIVED, S.CONTACTED: LOOKED_AT, S.IN_PROGRESS: LOOKED_AT, S.REOPENED: LOOKED_AT,
               S.RESOLVED: PUT_RIGHT, S.VERIFIED: PUT_RIGHT, S.CLOSED: CLOSED}
STAGE_LABELS = {RECEIVED: _("Received"), LOOKED_AT: _("Being looked at"), PUT_RIGHT: _("Put right"),
                CLOSED: _("Closed")}


def owner_stage(status: str) -> str:
    return OWNER_STAGE.get(status, RECEIVED)


@dataclass(frozen=True)
class HistoryEntry:
    """One step of an issue as the owner sees it."""

    at: datetime
    stage: str
    label: str
    note: str = ""


def owner_issues(*, actor: Actor) -> list[Case]:
    """The owner's issues, newest first, each with its vehicle and the count of replies not yet read."""
    if not actor.is_owner:
        return []
    return list(
        Case.objects.visible_to(actor).filter(source=CaseSource.OWNER).select_related("vehicle", "dealer")
        .annotate(unread=Count("messages", filter=Q(messages__from_owner=False, messages__read_at__isnull=True)))
        .order_by("-opened_at", "-pk"))


def owner_issue(*, actor: Actor, pk: int) -> Case:
    """One of the owner's issues with its messages and photos (each read through the scoping), or NotFound."""
    if not actor.is_owner:
        raise NotFound(_("issue not found"))
    case = (Case.objects.visible_to(actor).filter(pk=pk, source=CaseSource.OWNER).select_related("vehicle", "dealer")
            .prefetch_related(
                Prefetch("messages", queryset=CaseMessage.objects.visible_to(actor).order_by("at", "pk")),
                Prefetch("photos", queryset=CasePhoto.objects.visible_to(actor).order_by("uploaded_at", "pk")))
            .first())
    if case is None:
        raise NotFound(_("issue not found"))
    return case


def owner_history(*, actor: Actor, case: Case) -> list[HistoryEntry]:
    """The issue's steps in the owner's words: opened, then each change of stage (repeats collapsed).

    Only the opening and status events are read, so notes, calls, goodwill and escalations never reach the owner;
    a reopen by the owner shows their own words, nothing a dealer wrote.
    """
    entries: list[HistoryEntry] = []
    events = (CaseEvent.objects.visible_to(actor).filter(case=case, kind__in=[CaseEventKind.CREATED,
                                                                              CaseEventKind.STATUS])
              .order_by("at", "pk").values_list("kind", "to_status", "at", "actor_id", "detail"))
    for kind, to_status, at, actor_id, detail in events:
        stage = owner_stage(to_status or S.NEW)
        if kind == CaseEventKind.STATUS and to_status == S.REOPENED:
            note = detail if actor_id is not None and actor_id == actor.user_id else ""
            entries.append(HistoryEntry(at=at, stage=stage, label=str(_("Reopened: not put right yet")), note=note))
            continue
        if entries and entries[-1].stage == stage:
            continue
        entries.append(HistoryEntry(at=at, stage=stage, label=str(STAGE_LABELS[stage])))
    return entries


def case_messages(*, actor: Actor, case: Case) -> list[CaseMessage]:
    """The thread on the dealer's case page, oldest first."""
    return list(CaseMessage.objects.visible_to(actor).filter(case=case).order_by("at", "pk"))


def case_photos(*, actor: Actor, case: Case) -> list[CasePhoto]:
    return list(CasePhoto.objects.visible_to(actor).filter(case=case).order_by("uploaded_at", "pk"))


def photo_get(*, actor: Actor, case_pk: int, photo_pk: int) -> CasePhoto:
    """A photo the actor may see (the owner, the dealer's people, its region, head office), with a file; else 404."""
    photo = (CasePhoto.objects.visible_to(actor).filter(pk=photo_pk, case_id=case_pk, erased_at__isnull=True)
             .exclude(file="").first())
    if photo is None:
        raise NotFound(_("photo not found"))
    return photo


def issue_text(*, actor: Actor, case: Case) -> str:
    """Everything the owner wrote when raising the issue (the subject is only its first line)."""
    if case.source != CaseSource.OWNER:
        return ""
    return (CaseEvent.objects.visible_to(actor).filter(case=case, kind=CaseEventKind.CREATED)
            .order_by("at", "pk").values_list("detail", flat=True).first() or "")
