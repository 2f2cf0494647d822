"""Reads for "Moments of truth" and "Journeys as they happen": the per-customer records, fetched in one place and
always through the scoping entry points, handed to the pure policies in ``drivers`` and ``paths``.

Scope: the customers are those whose answers (drivers) or events (paths) the viewer may see, so a dealer works on its
own customers only. The outcomes of those customers (a repurchase at another dealer of the brand, a referral) are
looked up brand-wide, as on the advocacy page: loyalty to the brand is what is measured, and only aggregates leave.

The analysis takes several seconds on a large network (the bootstrap refits every model hundreds of times), so each
result is computed once a day per scope and stored (``ReportSnapshot``); the daily sweep warms head office's, and a
region's or dealer's is computed on its first view of the day. Two years of answers change little in a day, and the
page says when its figures were computed.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.utils.translation import gettext as _

from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.customers.models import Referral
from insidetrack.journeys.models import Theme, Touchpoint
from insidetrack.network.selectors import scores_visible_to
from insidetrack.surveys.models import EventKind, OperationalEvent, Response
from insidetrack.verbatims.models import Sentiment, VerbatimAnalysis, VerbatimTheme

from . import drivers, paths
from .advocacy import REFERRAL_WINDOW, REPURCHASE_WINDOW
from .models import ReportSnapshot

T = TypeVar("T")

ANSWER_MONTHS = 24
RELATIONSHIP_TOUCHPOINT = "ownership_checkin"
# The repurchase survey is answered *about* the purchase that is the outcome; it cannot explain it.
NOT_A_DRIVER = frozenset({"repurchase"})

RELATIONSHIP, REPURCHASE, REFERRAL = "relationship", "repurchase", "referral"


@dataclass(frozen=True, slots=True)
class OutcomeDrivers:
    """One outcome's decomposition, with the names to show and the plain-language readings."""

    code: str
    result: drivers.DriverResult | None
    names: dict[tuple[str, str], str]
    customers: int  # in the population before the size checks

    def label(self, share: drivers.DriverShare) -> str:
        return self.names.get((share.driver.kind, share.driver.code), share.driver.code)


@dataclass(frozen=True, slots=True)
class DriversReport:
    """The three outcomes for the viewer's customers."""

    since: datetime
    until: datetime
    outcomes: tuple[OutcomeDrivers, ...]


def _snapshot_key(actor: Actor, prefix: str, extra: str) -> str:
    return f"{prefix}:{actor.brand_id}:{actor.role}:{actor.region_id}:{actor.dealer_id}:{extra}"


def _stored(key: str, compute: Callable[[], T], *, now: datetime) -> T:
    """Today's stored result for the key, computed and stored if there is none (a concurrent first view computes it
    twice and the last write wins: both results are the same)."""
    row = ReportSnapshot.objects.filter(key=key).values_list("payload", flat=True).first()
    if row is not None:
        return pickle.loads(bytes(row))  # written by this module only, never from input
    result = compute()
    ReportSnapshot.objects.update_or_create(key=key, defaults={"computed_at": now,
                                                               "payload": pickle.dumps(result)})
    return result


def reports_refresh(*, now: datetime | None = None, keep_days: int = 3) -> int:
    """Compute today's head-office reports of every brand that has none yet, and forget those older than
    ``keep_days``: the daily warm-up the sweep runs, so head office's first view of the day is fast. Returns how
    many reports it computed."""
    from insidetrack.core.roles import Role
    from insidetrack.network.models import Brand

    now = now or clock.now()
    ReportSnapshot.objects.filter(computed_at__lt=now - timedelta(days=keep_days)).delete()
    computed = 0
    for brand_id in Brand.objects.values_list("pk", flat=True):
        actor = Actor(role=Role.HEAD_OFFICE, brand_id=brand_id)
        for prefix, extra, report in (("drivers", f"{now.date()}:{drivers.BOOTSTRAP}", drivers_report),
                                      ("paths", f"{now.date()}:{ANSWER_MONTHS}::", paths_report)):
            if not ReportSnapshot.objects.filter(key=_snapshot_key(actor, prefix, extra)).exists():
                report(actor=actor, now=now)
                computed += 1
    return computed


def _names(brand_id: int | None) -> dict[tuple[str, str], str]:
    names = {(drivers.TOUCHPOINT, t.code): t.display_name()
             for t in Touchpoint.objects.filter(journey__brand_id=brand_id, journey__is_default=True)}
    names.update({(drivers.THEME, t.code): t.display_name() for t in Theme.objects.filter(brand_id=brand_id)})
    return names


def _touchpoint_codes(brand_id: int | None) -> list[str]:
    return list(Touchpoint.objects.filter(journey__brand_id=brand_id, journey__is_default=True, is_surveyed=True)
                .order_by("position").values_list("code", flat=True))


def _answers(actor: Actor, since: datetime) -> list[tuple[int, str, int, datetime]]:
    """(customer, touchpoint code, score, moment) of every reported journey answer the viewer may see."""
    return list(Response.objects.visible_to(actor).reported()
                .filter(customer__isnull=False, submitted_at__gte=since)
                .values_list("customer_id", "touchpoint__code", "score", "submitted_at"))


def _negative_themes(actor: Actor, since: datetime) -> list[tuple[int, str, datetime]]:
    """(customer, theme code, moment) for each theme found in a verbatim whose words were negative."""
    analyses = VerbatimAnalysis.objects.visible_to(actor).filter(
        sentiment=Sentiment.NEGATIVE, submitted_at__gte=since, response__customer__isnull=False,
        response__purpose="survey", response__excluded_at__isnull=True)
    return list(VerbatimTheme.objects.filter(analysis__in=analyses).values_list(
        "analysis__response__customer_id", "theme__code", "analysis__submitted_at"))


def _followed(anchors: dict[int, datetime], happened: list[tuple[int, datetime]],
              window: timedelta) -> dict[int, float]:
    """1 for a customer with an event in (anchor, anchor + window], else 0."""
    outcome = dict.fromkeys(anchors, 0.0)
    for customer, at in happened:
        anchor = anchors.get(customer)
        if anchor is not None and anchor < at <= anchor + window:
            outcome[customer] = 1.0
    return outcome


def drivers_report(*, actor: Actor, now: datetime | None = None,
                   bootstrap: int = drivers.BOOTSTRAP) -> DriversReport:
    """What explains the relationship score, buying again and referring, for the viewer's customers.

    * Relationship score: customers whose latest check-in answer in the last ``ANSWER_MONTHS`` months is the outcome;
      the drivers are their other answers and negative themes *before* it.
    * Bought again / referred: customers anchored on their latest answer at least the follow window (a year) before
      today, so nobody counts as "did not" while their window is open; the outcome is a ``repurchase`` event (at any
      of the brand's dealers) or a referral whose friend enquired within the year after; the drivers are the answers
      and negative themes up to and including the anchor.
    """
    now = now or clock.now()
    return _stored(_snapshot_key(actor, "drivers", f"{now.date()}:{bootstrap}"),
                   lambda: _drivers_report(actor=actor, now=now, bootstrap=bootstrap), now=now)


def _drivers_report(*, actor: Actor, now: datetime, bootstrap: int) -> DriversReport:
    since = now - timedelta(days=365 * ANSWER_MONTHS // 12)
    answers = _answers(actor, since)
    themes_found = _negative_themes(actor, since)
    touchpoint_codes = _touchpoint_codes(actor.brand_id)
    theme_codes = sorted({code for _customer, code, _at in themes_found})
    names = _names(actor.brand_id)
    outcomes = []

    # The relationship score: latest check-in per customer.
    anchors: dict[int, datetime] = {}
    scores: dict[int, float] = {}
    for customer, code, score, at in answers:
        if code == RELATIONSHIP_TOUCHPOINT and (customer not in anchors or at > anchors[customer]):
            anchors[customer], scores[customer] = at, float(score)
    frame = drivers.build_frame(
        answers=answers, negative_themes=themes_found, anchors=anchors, outcomes=scores,
        touchpoints=[c for c in touchpoint_codes if c != RELATIONSHIP_TOUCHPOINT and c not in NOT_A_DRIVER],
        themes=theme_codes, include_anchor=False)
    outcomes.append(OutcomeDrivers(RELATIONSHIP, drivers.decompose(frame, binary=False, bootstrap=bootstrap), names,
                                   len(anchors)))

    # Bought again and referred a friend: the latest answer old enough for its window to have closed.
    customers = Response.objects.visible_to(actor).reported().filter(
        customer__isnull=False, submitted_at__gte=since).values("customer_id")
    for code, window, happened in (
        (REPURCHASE, REPURCHASE_WINDOW, list(OperationalEvent.objects.visible_to(actor).filter(
            kind=EventKind.REPURCHASE, customer_id__in=customers, occurred_at__gte=since)
            .values_list("customer_id", "occurred_at"))),
        (REFERRAL, REFERRAL_WINDOW, list(Referral.objects.visible_to(actor).filter(
            referrer_id__in=customers, enquired_at__gte=since).values_list("referrer_id", "enquired_at"))),
    ):
        closed = now - window
        anchors = {}
        for customer, _code, _score, at in answers:
            if at <= closed and (customer not in anchors or at > anchors[customer]):
                anchors[customer] = at
        frame = drivers.build_frame(
            answers=answers, negative_themes=themes_found, anchors=anchors,
            outcomes=_followed(anchors, happened, window),
            touchpoints=[c for c in touchpoint_codes if c not in NOT_A_DRIVER], themes=theme_codes,
            include_anchor=True)
        outcomes.append(OutcomeDrivers(code, drivers.decompose(frame, binary=True, bootstrap=bootstrap), names,
                                       len(anchors)))
    return DriversReport(since=since, until=now, outcomes=tuple(outcomes))


def outcome_title(code: str) -> str:
    return {RELATIONSHIP: _("Relationship score (ownership check-in)"), REPURCHASE: _("Bought again within a year"),
            REFERRAL: _("Referred a friend within a year")}[code]


# --- Journeys as they happen ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PathsReport:
    """Paths, steps, funnel and NPS by path for the viewer's customers, and whether scores may be shown."""

    since: datetime
    until: datetime
    journeys: int
    paths: list[paths.PathEstimate]
    transitions: list[paths.Transition]
    funnel: list[paths.FunnelStep]
    experience: paths.Comparison | None
    scores_visible: bool


PATH_MONTHS = (6, 12, 24, 36)


def paths_report(*, actor: Actor, now: datetime | None = None, months: int = ANSWER_MONTHS, region: str = "",
                 dealer: str = "") -> PathsReport:
    """Journeys whose events the viewer may see (a dealer: its own events) started in the last ``months`` months,
    optionally narrowed to a region's or a dealer's (codes; within what the viewer may see either way).

    Journeys are split from the events of a slightly longer span, so a journey that began just before the period is
    whole rather than cut; only those that start in the period are counted.
    """
    now = now or clock.now()
    return _stored(_snapshot_key(actor, "paths", f"{now.date()}:{months}:{region}:{dealer}"),
                   lambda: _paths_report(actor=actor, now=now, months=months, region=region, dealer=dealer), now=now)


def _paths_report(*, actor: Actor, now: datetime, months: int, region: str = "", dealer: str = "") -> PathsReport:
    since = now - timedelta(days=365 * months // 12)
    events = OperationalEvent.objects.visible_to(actor).filter(
        kind__in=paths.PATH_KINDS, occurred_at__gte=since - paths.JOURNEY_GAP, occurred_at__lte=now)
    narrow = {}
    if region:
        narrow["dealer__region__code"] = region
    if dealer:
        narrow["dealer__code"] = dealer
    events = events.filter(**narrow)
    journeys = [j for j in paths.journeys_from_events(events.values_list("customer_id", "kind", "occurred_at"))
                if j.start >= since]
    visible = scores_visible_to(actor)
    if visible:
        answer_rows = Response.objects.visible_to(actor).reported().filter(
            customer__isnull=False, submitted_at__gte=since, **narrow).values_list("customer_id", "score",
                                                                                   "submitted_at")
        answers = paths.journey_answers(journeys, answer_rows)
    else:
        answers = [None] * len(journeys)
    return PathsReport(
        since=since, until=now, journeys=len(journeys), paths=paths.path_estimates(journeys, answers),
        transitions=paths.transitions(journeys), funnel=paths.funnel(journeys, data_end=now),
        experience=paths.compare_step(journeys, answers) if visible else None, scores_visible=visible)


def step_label(kind: str) -> str:
    """A path step's name: the event kind's label; the funnel's order step; "other paths"."""
    if kind == "order":
        return _("Order (deposit or repurchase)")
    if kind == paths.OTHER:
        return _("Other paths")
    return str(EventKind(kind).label) if kind in EventKind.values else kind
