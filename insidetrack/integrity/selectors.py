"""Reads behind head office's integrity pages: the alert queue, one alert's evidence, and its audit trail."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from insidetrack.core.actor import Actor
from insidetrack.core.errors import NotFound
from insidetrack.journeys.models import Touchpoint
from insidetrack.surveys.models import Invitation, Purpose, Response

from .access import require_head_office
from .models import (
    Alert,
    AlertEvent,
    Recontact,
    RecontactItem,
    RecontactOutcome,
    ResponseExclusion,
    RiskAssessment,
)
from .policies.names import explanation_text, pattern_name, signal_name, signal_question, strength_name
from .policies.review import TRANSITIONS, AlertStatus
from .services import excludable_responses, quarter_bounds

EXAMPLES_SHOWN = 12


@dataclass(frozen=True)
class QueueRow:
    alert: Alert
    signal_names: list[str]
    region: str
    #: The latest scan's risk for the alert's dealer-quarter, and whether it still alerts: detectors improve and late
    #: answers arrive, and a reviewer should see when the evidence behind an open alert has gone.
    latest_risk: float | None = None
    still_flagged: bool = True


def alert_counts(actor: Actor) -> dict[str, int]:
    require_head_office(actor)
    counts = dict(Alert.objects.visible_to(actor).values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in AlertStatus.values}


def alert_queue(*, actor: Actor, status: str = AlertStatus.OPEN) -> list[QueueRow]:
    """The alerts in one state, strongest first (open ones are the work; the rest are the record)."""
    require_head_office(actor)
    alerts = list(Alert.objects.visible_to(actor).filter(status=status).select_related("dealer__region")
                  .order_by("-risk_at_opening", "-opened_at", "pk"))
    latest = {(dealer_id, period): (risk, is_alert) for dealer_id, period, risk, is_alert in
              RiskAssessment.objects.visible_to(actor).filter(dealer_id__in={a.dealer_id for a in alerts},
                                                              period__in={a.period for a in alerts})
              .values_list("dealer_id", "period", "risk", "is_alert")}
    return [QueueRow(alert=alert, region=alert.dealer.region.name,
                     signal_names=list(dict.fromkeys(signal_name(s.get("code", "")) for s in alert.signals_at_opening
                                                     if isinstance(s, dict))),
                     latest_risk=latest.get((alert.dealer_id, alert.period), (None, False))[0],
                     still_flagged=latest.get((alert.dealer_id, alert.period), (None, False))[1])
            for alert in alerts]


@dataclass(frozen=True)
class SignalRow:
    code: str
    name: str
    question: str
    touchpoint: str
    observed: str
    reference: str
    chance: str
    q: str
    counts: str


def _figure(value: object, unit: str) -> str:
    """A share as a percentage, an NPS or a ratio as a number: what the analyst compares, not raw floats."""
    if not isinstance(value, int | float):
        return ""
    if "NPS" in unit:
        return f"{value:.1f}"
    if 0.0 <= value <= 1.0:
        return f"{100 * value:.0f}%" if value >= 0.01 or value == 0 else f"{100 * value:.1f}%"
    return f"{value:.2f}"


def _chance_text(value: object) -> str:
    """The signal's p-value as odds a reviewer reads at a glance ("1 in 2,400"), capped like the q-values."""
    if not isinstance(value, int | float) or not value > 0:
        return ""
    if value < 0.0001:
        return _("under 1 in 10,000")
    return _("1 in %(n)s") % {"n": number_format(round(max(1.0 / value, 1.0)), force_grouping=True)}


def _q_text(value: object) -> str:
    """BH q-values below 1 in 10,000 read the same to anyone deciding: no 2.3e-298."""
    if not isinstance(value, int | float):
        return ""
    return "< 0.0001" if value < 0.0001 else f"{value:.4f}"


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


@dataclass(frozen=True)
class RecontactComparison:
    """What the customers told head office against what the survey recorded for them."""

    recontact: Recontact
    items: list[RecontactItem]
    answered: int
    original_mean: float | None
    recontact_mean: float | None
    original_promoters: int
    recontact_promoters: int
    asked: int
    offered: int
    not_themselves: int
    p_value: float | None


def _compare(recontact: Recontact) -> RecontactComparison:
    items = list(recontact.items.select_related("response__customer", "response__touchpoint").order_by("pk"))
    answered = [i for i in items if i.outcome == RecontactOutcome.ANSWERED and i.score is not None]
    original = [i.response.score for i in answered]
    again = [i.score for i in answered]
    p_value = None
    if len(answered) >= 5 and any(a != b for a, b in zip(original, again, strict=True)):
        from scipy.stats import wilcoxon

        # One-sided: were the recorded scores higher than what customers say to head office?
        p_value = float(wilcoxon(original, again, alternative="greater", zero_method="zsplit").pvalue)
    return RecontactComparison(
        recontact=recontact, items=items, answered=len(answered),
        original_mean=sum(original) / len(original) if original else None,
        recontact_mean=sum(again) / len(again) if again else None,
        original_promoters=sum(score >= 9 for score in original), recontact_promoters=sum(s >= 9 for s in again),
        asked=sum(i.asked_for_score is True for i in answered), offered=sum(i.offered_something is True
                                                                             for i in answered),
        not_themselves=sum(i.answered_themselves is False for i in answered), p_value=p_value)


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
    pattern: str
    strength: str
    excluded: int
    excludable: int
    moves: list[str]
    recontacts: list[RecontactComparison]


def _signal_rows(signals: list, touchpoint_names: dict[str, str]) -> list[SignalRow]:
    rows = []
    for item in signals:
        if not isinstance(item, dict) or "code" not in item:
            continue
        unit = str(item.get("effect_unit", ""))
        count, size = item.get("count"), item.get("size")
        rows.append(SignalRow(
            code=item["code"], name=signal_name(item["code"]), question=signal_question(item["code"]),
            touchpoint=(touchpoint_names.get(str(item.get("touchpoint", "")), str(item.get("touchpoint", "")))
                        if item.get("touchpoint") else _("all touchpoints together")),
            observed=_figure(item.get("observed"), unit), reference=_figure(item.get("reference"), unit),
            chance=_chance_text(item.get("p")), q=_q_text(item.get("q")),
            counts=f"{count:,.0f} / {size:,.0f}" if isinstance(count, int | float) and isinstance(size, int | float)
            and size else ""))
    return rows


def _score_counts(responses: QuerySet[Response]) -> list[int]:
    counts = dict(responses.values_list("score").annotate(n=Count("pk")))
    return [counts.get(score, 0) for score in range(11)]


def _weeks(actor: Actor, alert: Alert, since: datetime, until: datetime) -> list[WeekRow]:
    """Invitations and answers per week of the quarter: the time pattern a quarter-end push leaves."""
    sent = Invitation.objects.visible_to(actor).filter(
        dealer_id=alert.dealer_id, purpose=Purpose.SURVEY, sent_at__gte=since, sent_at__lt=until,
    ).values_list("sent_at", flat=True)
    answers = Response.objects.visible_to(actor).filter(
        dealer_id=alert.dealer_id, purpose=Purpose.SURVEY, submitted_at__gte=since, submitted_at__lt=until,
    ).values_list("submitted_at", "score")
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
    require_head_office(actor)
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
    rows = {r.pk: r for r in Response.objects.visible_to(actor).filter(pk__in=chosen, dealer_id=alert.dealer_id)
            .select_related("touchpoint")}
    examples = [Example(response=rows[pk], signals=by_signal[pk], excluded=rows[pk].excluded_at is not None,
                        seconds_to_answer=(rows[pk].submitted_at - rows[pk].invited_at).total_seconds()
                        if rows[pk].invited_at else None) for pk in chosen if pk in rows]
    quarter = Response.objects.visible_to(actor).filter(purpose=Purpose.SURVEY, submitted_at__gte=since,
                                                        submitted_at__lt=until)
    network = quarter.filter(brand_id=alert.brand_id, dealer__country=alert.dealer.country).exclude(
        dealer_id=alert.dealer_id)
    touchpoint_names = {t.code: t.display_name() for t in Touchpoint.objects.filter(journey__brand_id=alert.brand_id)}
    return AlertDetail(
        alert=alert, assessment=assessment,
        signals=_signal_rows(signals, touchpoint_names),
        pattern=pattern_name(str(evidence.get("pattern", ""))) if isinstance(evidence, dict) else "",
        strength=strength_name(str(evidence.get("strength", ""))) if isinstance(evidence, dict) else "",
        ruled_out=[explanation_text(item, touchpoint_names) for item in (assessment.ruled_out if assessment else [])],
        examples=examples,
        dealer_scores=_score_counts(quarter.filter(dealer_id=alert.dealer_id)),
        network_scores=_score_counts(network),
        weeks=_weeks(actor, alert, since, until),
        events=list(AlertEvent.objects.visible_to(actor).filter(alert=alert).order_by("at", "pk")),
        excluded=ResponseExclusion.objects.filter(alert=alert, lifted_at__isnull=True).count(),
        excludable=len(excludable_responses(alert)),
        moves=sorted(TRANSITIONS[AlertStatus(alert.status)], key=AlertStatus.values.index),
        recontacts=[_compare(r) for r in Recontact.objects.visible_to(actor).filter(alert=alert).order_by("-drawn_at",
                                                                                                          "-pk")],
    )

