"""Reads behind head office's integrity pages: the alert queue, one alert's evidence, and its audit trail."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from insidetrack.core.actor import Actor
from insidetrack.core.errors import NotFound, PermissionDenied
from insidetrack.surveys.models import Invitation, Purpose, Response

from .models import Alert, AlertEvent, ResponseExclusion, RiskAssessment
from .policies.names import signal_name, signal_question
from .policies.review import TRANSITIONS, AlertStatus
from .services import excludable_responses, quarter_bounds

EXAMPLES_SHOWN = 12


def _require_head_office(actor: Actor) -> None:
    if not (actor.is_system or actor.is_head_office):
        raise PermissionDenied(_("Only head office reviews integrity alerts."))


@dataclass(frozen=True)
class QueueRow:
    alert: Alert
    signal_names: list[str]
    region: str


def alert_counts(actor: Actor) -> dict[str, int]:
    _require_head_office(actor)
    counts = dict(Alert.objects.visible_to(actor).values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in AlertStatus.values}


def alert_queue(*, actor: Actor, status: str = AlertStatus.OPEN) -> list[QueueRow]:
    """The alerts in one state, strongest first (open ones are the work; the rest are the record)."""
    _require_head_office(actor)
    alerts = (Alert.objects.visible_to(actor).filter(status=status).select_related("dealer__region")
              .order_by("-risk_at_opening", "-opened_at", "pk"))
    return [QueueRow(alert=alert, region=alert.dealer.region.name,
                     signal_names=list(dict.fromkeys(signal_name(s.get("code", "")) for s in alert.signals_at_opening
                                                     if isinstance(s, dict))))
            for alert in alerts]


@dataclass(frozen=True)
class SignalRow:
    code: str
    name: str
    question: str
    touchpoint: str
    observed: float | None
    reference: float | None
    q: float | None
    count: int | None
    size: int | None


@dataclass(frozen=True)
class Example:
    response: Response
    seconds_to_answer: float | None
    signals: list[str]
    excluded: bool


@dataclass(frozen=True)
class WeekRow:
    week: int
    starts: date
    invitations: int
    responses: int
    promoters: int


@dataclass
class AlertDetail:
    alert: Alert
    assessment: RiskAssessment | None
    signals: list[SignalRow]
    ruled_out: list[str]
    examples: list[Example]
    dealer_scores: list[int]
    network_scores: list[int]
    weeks: list[WeekRow]
    events: list[AlertEvent]
    excluded: int
    excludable: int
    moves: list[str]


def _signal_rows(signals: list) -> list[SignalRow]:
    rows = []
    for item in signals:
        if not isinstance(item, dict) or "code" not in item:
            continue
        rows.append(SignalRow(code=item["code"], name=signal_name(item["code"]), question=signal_question(item["code"]),
                              touchpoint=str(item.get("touchpoint", "")), observed=item.get("observed"),
                              reference=item.get("reference"), q=item.get("q"), count=item.get("count"),
                              size=item.get("size")))
    return rows


def _score_counts(responses: QuerySet[Response]) -> list[int]:
    counts = dict(responses.values_list("score").annotate(n=Count("pk")))
    return [counts.get(score, 0) for score in range(11)]


def _weeks(alert: Alert, since: datetime, until: datetime) -> list[WeekRow]:
    """Invitations and answers per week of the quarter: the time pattern a quarter-end push leaves."""
    sent = Invitation.objects.filter(dealer_id=alert.dealer_id, purpose=Purpose.SURVEY, sent_at__gte=since,
                                     sent_at__lt=until).values_list("sent_at", flat=True)
    answers = Response.objects.filter(dealer_id=alert.dealer_id, purpose=Purpose.SURVEY, submitted_at__gte=since,
                                      submitted_at__lt=until).values_list("submitted_at", "score")
    invitations = Counter((moment - since).days // 7 for moment in sent)
    responses: Counter[int] = Counter()
    promoters: Counter[int] = Counter()
    for moment, score in answers:
        week = (moment - since).days // 7
        responses[week] += 1
        promoters[week] += score >= 9
    weeks = -(-(until - since).days // 7)  # the last, short week of the quarter counts too
    return [WeekRow(week=w + 1, starts=(since + timedelta(days=7 * w)).date(), invitations=invitations[w],
                    responses=responses[w], promoters=promoters[w]) for w in range(weeks)]


def alert_detail(*, actor: Actor, alert_pk: int) -> AlertDetail:
    _require_head_office(actor)
    alert = Alert.objects.visible_to(actor).select_related("dealer__region", "decided_by").filter(pk=alert_pk).first()
    if alert is None:
        raise NotFound(_("alert not found"))
    assessment = RiskAssessment.objects.visible_to(actor).filter(dealer_id=alert.dealer_id,
                                                                 period=alert.period).first()
    since, until = quarter_bounds(alert.period_start)
    signals = assessment.signals if assessment else alert.signals_at_opening
    evidence = assessment.evidence if assessment else {}
    by_signal: dict[int, list[str]] = {}
    for code, pks in (evidence.get("examples", {}) if isinstance(evidence, dict) else {}).items():
        for pk in pks:
            by_signal.setdefault(int(pk), []).append(signal_name(code))
    chosen = list(by_signal)[:EXAMPLES_SHOWN]
    rows = {r.pk: r for r in Response.objects.filter(pk__in=chosen, dealer_id=alert.dealer_id)
            .select_related("touchpoint")}
    examples = [Example(response=rows[pk], signals=by_signal[pk], excluded=rows[pk].excluded_at is not None,
                        seconds_to_answer=(rows[pk].submitted_at - rows[pk].invited_at).total_seconds()
                        if rows[pk].invited_at else None) for pk in chosen if pk in rows]
    quarter = Response.objects.filter(purpose=Purpose.SURVEY, submitted_at__gte=since, submitted_at__lt=until)
    network = quarter.filter(brand_id=alert.brand_id, dealer__country=alert.dealer.country).exclude(
        dealer_id=alert.dealer_id)
    return AlertDetail(
        alert=alert, assessment=assessment, signals=_signal_rows(signals),
        ruled_out=[str(item.get("text", item)) if isinstance(item, dict) else str(item)
                   for item in (assessment.ruled_out if assessment else [])],
        examples=examples,
        dealer_scores=_score_counts(quarter.filter(dealer_id=alert.dealer_id)),
        network_scores=_score_counts(network),
        weeks=_weeks(alert, since, until),
        events=list(AlertEvent.objects.visible_to(actor).filter(alert=alert).order_by("at", "pk")),
        excluded=ResponseExclusion.objects.filter(alert=alert, lifted_at__isnull=True).count(),
        excludable=len(excludable_responses(alert)),
        moves=sorted(TRANSITIONS[AlertStatus(alert.status)], key=AlertStatus.values.index),
    )

