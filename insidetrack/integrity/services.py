"""Writes of the integrity review: judgements on alerts, and excluding (or restoring) a gamed quarter's responses.

Each step locks its alert, checks the transition table, and writes the change and its audit event in one
transaction; excluding responses updates the rollups in the same transaction, so no reader ever sees figures that
disagree with the exclusions.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from insidetrack.accounts.selectors import actor_display_name
from insidetrack.analytics.rollups import rollups_update
from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.errors import Conflict, NotFound, ValidationFailed
from insidetrack.surveys.models import Purpose, Response

from .access import require_head_office
from .models import (
    Alert,
    AlertEvent,
    AlertEventKind,
    Recontact,
    RecontactItem,
    RecontactOutcome,
    ResponseExclusion,
)
from .policies.review import REASON_REQUIRED, AlertStatus, check_transition

MAX_REASON = 2000
# Rollups are updated for this many responses per statement (SQLite allows ~32,000 parameters in one statement).
_ROLLUP_CHUNK = 5000

_EVENT_OF_STATUS = {
    AlertStatus.WATCHING: AlertEventKind.WATCH,
    AlertStatus.DISMISSED: AlertEventKind.DISMISSED,
    AlertStatus.CONFIRMED: AlertEventKind.CONFIRMED,
    AlertStatus.OPEN: AlertEventKind.REOPENED,
}


def _locked_alert(*, alert_pk: int, actor: Actor) -> Alert:
    require_head_office(actor)
    alert = Alert.objects.visible_to(actor).select_for_update().filter(pk=alert_pk).first()
    if alert is None:
        raise NotFound(_("alert not found"))
    return alert


def _event(alert: Alert, *, actor: Actor, kind: str, at: datetime, detail: str = "",
           data: dict | None = None) -> AlertEvent:
    return AlertEvent.objects.create(alert=alert, at=at, kind=kind, actor_id=None if actor.is_system else actor.user_id,
                                     actor_name=actor_display_name(actor), detail=detail, data=data or {})


def _reason(text: str, *, required: bool) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise ValidationFailed(_("Say why: the reason stays in the alert's history."), field="reason")
    if len(text) > MAX_REASON:
        raise ValidationFailed(_("The reason is too long (at most %(max)d characters).") % {"max": MAX_REASON},
                               field="reason")
    return text


def quarter_bounds(period_start: date) -> tuple[datetime, datetime]:
    """The UTC instants a quarter starting on ``period_start`` covers: [start, start of the next quarter)."""
    return clock.month_start_utc(period_start), clock.month_start_utc(clock.add_months(period_start, 3))


@transaction.atomic
def alert_decide(*, alert_pk: int, actor: Actor, status: str, reason: str = "",
                 now: datetime | None = None) -> Alert:
    """Move an alert to ``status`` (watch, dismiss, confirm, reopen) with the reviewer's reason."""
    now = now or clock.now()
    alert = _locked_alert(alert_pk=alert_pk, actor=actor)
    if status not in AlertStatus.values:
        raise ValidationFailed(_("Unknown alert status %(status)r.") % {"status": status}, field="status")
    check_transition(alert.status, status)
    text = _reason(reason, required=status in REASON_REQUIRED)
    alert.status = status
    if status == AlertStatus.OPEN:
        alert.decided_at, alert.decided_by_id, alert.decision_reason = None, None, ""
    else:
        alert.decided_at = now
        alert.decided_by_id = None if actor.is_system else actor.user_id
        alert.decision_reason = text
    alert.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    _event(alert, actor=actor, kind=_EVENT_OF_STATUS[AlertStatus(status)], at=now, detail=text)
    return alert


@transaction.atomic
def alert_note(*, alert_pk: int, actor: Actor, text: str, now: datetime | None = None) -> AlertEvent:
    alert = _locked_alert(alert_pk=alert_pk, actor=actor)
    return _event(alert, actor=actor, kind=AlertEventKind.NOTE, at=now or clock.now(),
                  detail=_reason(text, required=True))


def _update_rollups(response_pks: Sequence[int], now: datetime) -> None:
    for start in range(0, len(response_pks), _ROLLUP_CHUNK):
        rollups_update(response_pks=response_pks[start:start + _ROLLUP_CHUNK], now=now)


def excludable_responses(alert: Alert) -> list[int]:
    """The alert's dealer's journey-survey responses in its quarter that still count in the figures."""
    since, until = quarter_bounds(alert.period_start)
    return list(Response.objects.reported().filter(dealer_id=alert.dealer_id, submitted_at__gte=since,
                                                   submitted_at__lt=until).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def alert_exclude_responses(*, alert_pk: int, actor: Actor, now: datetime | None = None) -> int:
    """Leave the dealer's responses of the confirmed quarter out of every reported figure; returns how many.

    Only after gaming is confirmed: an unproven suspicion must never change a dealer's published score.
    """
    now = now or clock.now()
    alert = _locked_alert(alert_pk=alert_pk, actor=actor)
    if alert.status != AlertStatus.CONFIRMED:
        raise Conflict(_("Confirm the gaming before excluding responses from the figures."), code="not_confirmed")
    pks = excludable_responses(alert)
    if not pks:
        return 0
    by = None if actor.is_system else actor.user_id
    ResponseExclusion.objects.bulk_create(
        [ResponseExclusion(alert=alert, response_id=pk, excluded_at=now, excluded_by_id=by) for pk in pks],
        batch_size=2000)
    for start in range(0, len(pks), _ROLLUP_CHUNK):
        Response.objects.filter(pk__in=pks[start:start + _ROLLUP_CHUNK]).update(excluded_at=now)
    _update_rollups(pks, now)
    _event(alert, actor=actor, kind=AlertEventKind.EXCLUDED, at=now,
           detail=_("%(count)d responses left out of the figures.") % {"count": len(pks)}, data={"count": len(pks)})
    return len(pks)


@transaction.atomic
def alert_restore_responses(*, alert_pk: int, actor: Actor, reason: str, now: datetime | None = None) -> int:
    """Count the alert's excluded responses again (a decision revisited); the exclusions stay in the history."""
    now = now or clock.now()
    alert = _locked_alert(alert_pk=alert_pk, actor=actor)
    text = _reason(reason, required=True)
    standing = ResponseExclusion.objects.filter(alert=alert, lifted_at__isnull=True)
    pks = sorted(standing.values_list("response_id", flat=True))
    if not pks:
        raise Conflict(_("None of this alert's responses is excluded."), code="nothing_excluded")
    standing.update(lifted_at=now, lifted_by_id=None if actor.is_system else actor.user_id)
    for start in range(0, len(pks), _ROLLUP_CHUNK):
        Response.objects.filter(pk__in=pks[start:start + _ROLLUP_CHUNK]).update(excluded_at=None)
    _update_rollups(pks, now)
    _event(alert, actor=actor, kind=AlertEventKind.RESTORED, at=now, detail=text, data={"count": len(pks)})
    return len(pks)



# --------------------------------------------------------------------------------------------------------------------
# Independent re-contact

RECONTACT_SIZE = 10
MAX_RECONTACT_SIZE = 50


@transaction.atomic
def recontact_draw(*, alert_pk: int, actor: Actor, size: int = RECONTACT_SIZE, now: datetime | None = None,
                   rng: random.Random | None = None) -> Recontact:
    """Draw a random sample of the quarter's answering customers for head office to call.

    Random, so the dealer cannot steer which customers are asked; drawn from customers that still exist and can be
    reached (an erased customer or one without any contact cannot be called).
    """
    now = now or clock.now()
    alert = _locked_alert(alert_pk=alert_pk, actor=actor)
    if not 1 <= size <= MAX_RECONTACT_SIZE:
        raise ValidationFailed(_("Draw between 1 and %(max)d customers.") % {"max": MAX_RECONTACT_SIZE},
                               field="size")
    since, until = quarter_bounds(alert.period_start)
    candidates = list(Response.objects.filter(dealer_id=alert.dealer_id, purpose=Purpose.SURVEY,
                                              submitted_at__gte=since, submitted_at__lt=until,
                                              customer__isnull=False)
                      .exclude(customer__email="", customer__phone="")
                      .order_by("pk").values_list("pk", flat=True))
    if not candidates:
        raise Conflict(_("No customer of this quarter can be reached."), code="nobody_to_call")
    chosen = sorted((rng or random.SystemRandom()).sample(candidates, min(size, len(candidates))))
    recontact = Recontact.objects.create(alert=alert, drawn_at=now, size=len(chosen),
                                         drawn_by_id=None if actor.is_system else actor.user_id)
    RecontactItem.objects.bulk_create([RecontactItem(recontact=recontact, response_id=pk) for pk in chosen])
    _event(alert, actor=actor, kind=AlertEventKind.RECONTACT, at=now,
           detail=_("%(count)d customers drawn at random to call.") % {"count": len(chosen)},
           data={"recontact": recontact.pk, "count": len(chosen)})
    return recontact


@transaction.atomic
def recontact_record(*, item_pk: int, actor: Actor, outcome: str, score: int | None = None,
                     asked_for_score: bool | None = None, offered_something: bool | None = None,
                     answered_themselves: bool | None = None, note: str = "",
                     now: datetime | None = None) -> RecontactItem:
    """Record what a customer told head office; an answer needs the score, the other questions may stay open."""
    now = now or clock.now()
    require_head_office(actor)
    item = (RecontactItem.objects.visible_to(actor).select_for_update().select_related("recontact__alert")
            .filter(pk=item_pk).first())
    if item is None:
        raise NotFound(_("re-contacted customer not found"))
    if outcome not in RecontactOutcome.values or outcome == RecontactOutcome.PENDING:
        raise ValidationFailed(_("Say how the call went: answered, not reached or declined."), field="outcome")
    if outcome == RecontactOutcome.ANSWERED:
        if score is None or not 0 <= score <= 10:
            raise ValidationFailed(_("An answered call needs the customer's score, from 0 to 10."), field="score")
    else:
        score = asked_for_score = offered_something = answered_themselves = None
    item.outcome, item.score = outcome, score
    item.asked_for_score, item.offered_something, item.answered_themselves = (asked_for_score, offered_something,
                                                                               answered_themselves)
    item.note = _reason(note, required=False)
    item.recorded_at, item.recorded_by_id = now, None if actor.is_system else actor.user_id
    item.save()
    _event(item.recontact.alert, actor=actor, kind=AlertEventKind.RECONTACT_ANSWER, at=now,
           detail=str(RecontactOutcome(outcome).label), data={"item": item.pk, "outcome": outcome})
    return item
