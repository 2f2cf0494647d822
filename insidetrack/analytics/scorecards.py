"""Region and dealer scorecards: one dataclass with everything a scorecard shows, built by one function.

A scorecard is about a *subject*: the brand (head office's own), a region (head office, or its own region manager)
or a dealer (head office, the dealer's region manager, the dealer's own people). The subject only narrows what the
viewer's scoping already allows: every read below goes through ``visible_to(actor)`` (or the dashboard and
response-rate selectors, which do), and a subject outside the viewer's scope is a ``NotFound`` that says nothing about
whether it exists.

What it holds, for the period (whole UTC months, the last three by default, as the rollups count them):

- NPS with its 95% interval, the previous period, a twelve-month trend, by touchpoint, and by dealer (a region's
  scorecard) or by region (the brand's);
- response rates over the last 13 ISO weeks, overall, week by week and by touchpoint (counts only for viewers who
  may see counts, as on the response-rates page);
- closed-loop measures: open and overdue now, answered within 24 hours and by the deadline, and how many recovery
  cases the customer confirmed were put right;
- themes: the root causes of the period's resolved cases (``scorecard_themes``, the seam where the verbatim theme
  pipeline of a later issue adds its rows), and the latest verbatims.

Score visibility is decided once, here (``scores_visible_to``): with scores hidden, the dataclass has no NPS section,
no recovery rate from follow-up scores, no score on a verbatim and no count of cases by kind (a count of recovery
cases is a count of detractors). Exports and e-mails render only what is in the dataclass, so they cannot leak what
was never read. "Put right, as the customer confirmed" is the share of answered follow-ups whose case was verified:
dealers already see each case's status, so the share adds nothing they could not count in their inbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from insidetrack.cases.models import Case
from insidetrack.cases.policies import AWAITING_CONTACT, OPEN_STATUSES, UNRESOLVED, CaseKind
from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.errors import NotFound, PermissionDenied
from insidetrack.journeys.models import Theme
from insidetrack.journeys.selectors import touchpoints_for
from insidetrack.network.models import Brand
from insidetrack.network.selectors import dealers_visible_to, regions_visible_to, scores_visible_to
from insidetrack.surveys.models import Purpose, Response

from . import nps_statistics
from .dashboard import DashboardFilters, Row, nps_breakdown, nps_total, nps_trend
from .policies import NpsEstimate
from .response_rates import (
    RateFilters,
    RatePeriod,
    RateRow,
    counts_visible,
    rate_period,
    rates_by_touchpoint,
    rates_by_week,
    rates_overall,
)

# The default period: the current month and the two before it (a dealer's month alone is rarely 30 answers).
DEFAULT_MONTHS = 3
TREND_MONTHS = 12
RATE_WEEKS = 13
LATEST_VERBATIMS = 5
# The brand's promise, as in the closed-loop measures.
PROMISE = dt.timedelta(hours=24)
RECOVERED_FROM_SCORE = 9
# Below this many answered follow-ups a share is shown but not compared (as ``cases.measures`` does).
MIN_FOLLOW_UPS_TO_RANK = 30


class SubjectKind:
    BRAND = "brand"
    REGION = "region"
    DEALER = "dealer"


@dataclass(frozen=True, slots=True)
class Subject:
    """What a scorecard is about. ``region_pk``/``dealer_pk`` narrow the reads; codes narrow the dashboard filters."""

    kind: str
    code: str
    name: str
    detail: str = ""  # a dealer's region, for the heading
    region_pk: int | None = None
    dealer_pk: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.code)


@dataclass(frozen=True, slots=True)
class ScorecardPeriod:
    """The months of the NPS, closed-loop and theme figures, and the ISO weeks of the response rates."""

    filters: DashboardFilters
    weeks: RatePeriod

    @classmethod
    def default(cls, *, now: dt.datetime) -> ScorecardPeriod:
        last = now.astimezone(dt.UTC).date().replace(day=1)
        return cls(filters=DashboardFilters(first_month=clock.add_months(last, 1 - DEFAULT_MONTHS), last_month=last),
                   weeks=rate_period(RATE_WEEKS, now=now))

    @classmethod
    def from_query(cls, query: Mapping[str, str], *, now: dt.datetime) -> ScorecardPeriod:
        """``from``/``to`` months (``YYYY-MM``) as on the dashboard; a malformed one raises ValidationFailed."""
        default = cls.default(now=now)
        wanted = {"from": (query.get("from") or "").strip() or f"{default.filters.first_month:%Y-%m}",
                  "to": (query.get("to") or "").strip() or f"{default.filters.last_month:%Y-%m}"}
        filters = DashboardFilters.from_query(wanted, today=now.date())
        return cls(filters=DashboardFilters(first_month=filters.first_month, last_month=filters.last_month),
                   weeks=default.weeks)

    @property
    def since(self) -> dt.datetime:
        return self.filters.since

    @property
    def until(self) -> dt.datetime:
        """The first instant after the period (the rollups' months are UTC months)."""
        return self.filters.until

    @property
    def label(self) -> str:
        first, last = self.filters.first_month, self.filters.last_month
        return f"{first:%Y-%m}" if first == last else f"{first:%Y-%m} … {last:%Y-%m}"

    def as_query(self) -> dict[str, str]:
        return {"from": f"{self.filters.first_month:%Y-%m}", "to": f"{self.filters.last_month:%Y-%m}"}


@dataclass(frozen=True, slots=True)
class NpsSection:
    """Only built for viewers who may see scores."""

    overall: NpsEstimate
    previous: NpsEstimate
    change: nps_statistics.NpsDifference | None
    trend: list[Row]
    by_touchpoint: list[Row]
    by_unit: list[Row]  # the region's dealers, or the brand's regions; empty for a dealer
    unit_kind: str  # SubjectKind of the rows of ``by_unit``, "" when there are none

    @property
    def is_change_significant(self) -> bool:
        """A change is called only between two figures solid enough to rank (a single 10 has no spread at all, so
        against it any difference would look significant)."""
        return (self.change is not None and self.change.p_value < 0.05 and self.overall.is_rankable
                and self.previous.is_rankable)


@dataclass(frozen=True, slots=True)
class RatesSection:
    overall: RateRow
    by_week: list[RateRow]
    by_touchpoint: list[RateRow]
    with_counts: bool


@dataclass(frozen=True, slots=True)
class Share:
    """A share and, where the viewer may see them, the counts it rests on."""

    value: float | None
    numerator: int | None = None
    denominator: int | None = None
    is_rankable: bool = True


def _share(numerator: int, denominator: int, *, with_counts: bool, min_to_rank: int = 0) -> Share:
    return Share(value=numerator / denominator if denominator else None,
                 numerator=numerator if with_counts else None, denominator=denominator if with_counts else None,
                 is_rankable=denominator >= min_to_rank)


@dataclass(frozen=True, slots=True)
class ClosedLoop:
    """The closed loop of the subject: cases opened in the period, and the work open now whatever its age.

    ``cases_by_kind`` and ``recovered`` rest on scores (the kind of a case is its score band), so they are ``None``
    for viewers without scores.
    """

    cases: int
    open_now: int
    overdue_now: int
    within_24_hours: Share
    on_time: Share
    put_right: Share
    recovered: Share | None
    cases_by_kind: dict[str, int] | None


@dataclass(frozen=True, slots=True)
class ThemeRow:
    """A theme of the period and how often it came up. ``source`` says where the count comes from: ``root_cause``
    (resolved cases, today) or ``verbatim`` (the text pipeline of a later issue)."""

    code: str
    label: str
    count: int
    source: str = "root_cause"


@dataclass(frozen=True, slots=True)
class VerbatimRow:
    submitted_at: dt.datetime
    touchpoint: str
    dealer: str
    language: str
    text: str
    score: int | None  # None when scores are hidden from the viewer


@dataclass(frozen=True, slots=True)
class Scorecard:
    subject: Subject
    period: ScorecardPeriod
    generated_at: dt.datetime
    show_scores: bool
    with_counts: bool
    nps: NpsSection | None
    rates: RatesSection
    closed_loop: ClosedLoop
    themes: list[ThemeRow]
    verbatims: list[VerbatimRow]


# --------------------------------------------------------------------------------------------------------------------
# The subject


def scorecard_subject(*, actor: Actor, kind: str = "", code: str = "") -> Subject:
    """The viewer's own scope (no ``kind``), or a named region or dealer inside it.

    Owners, anonymous viewers and the platform have no scorecard (PermissionDenied). A region or dealer outside the
    viewer's scope, or a region asked for by a dealer, is NotFound, exactly as one that does not exist.
    """
    if not actor.is_staff_role:
        raise PermissionDenied(_("Scorecards are for head office, regions and dealers."))
    if kind == SubjectKind.REGION:
        region = regions_visible_to(actor).filter(code=code).first() if not actor.is_dealer else None
        if region is None:
            raise NotFound(_("No such region."), field="region")
        return Subject(kind=SubjectKind.REGION, code=region.code, name=region.name, region_pk=region.pk)
    if kind == SubjectKind.DEALER:
        dealer = dealers_visible_to(actor).filter(code=code).first()
        if dealer is None:
            raise NotFound(_("No such dealer."), field="dealer")
        return Subject(kind=SubjectKind.DEALER, code=dealer.code, name=dealer.name, detail=dealer.region.name,
                       region_pk=dealer.region_id, dealer_pk=dealer.pk)
    if kind:
        raise NotFound(_("No such scorecard."))
    if actor.is_head_office:
        brand = Brand.objects.get(pk=actor.brand_id)
        return Subject(kind=SubjectKind.BRAND, code=brand.slug, name=brand.name)
    if actor.is_region_manager:
        region = regions_visible_to(actor).get()
        return Subject(kind=SubjectKind.REGION, code=region.code, name=region.name, region_pk=region.pk)
    dealer = dealers_visible_to(actor).get()
    return Subject(kind=SubjectKind.DEALER, code=dealer.code, name=dealer.name, detail=dealer.region.name,
                   region_pk=dealer.region_id, dealer_pk=dealer.pk)


def _narrow(queryset: QuerySet, subject: Subject, *, dealer_field: str = "dealer") -> QuerySet:
    if subject.dealer_pk is not None:
        return queryset.filter(**{f"{dealer_field}_id": subject.dealer_pk})
    if subject.region_pk is not None:
        return queryset.filter(**{f"{dealer_field}__region_id": subject.region_pk})
    return queryset


# --------------------------------------------------------------------------------------------------------------------
# Sections


def _nps_section(actor: Actor, subject: Subject, period: ScorecardPeriod) -> NpsSection:
    filters = replace(period.filters, region=subject.code if subject.kind == SubjectKind.REGION else "",
                      dealer=subject.code if subject.kind == SubjectKind.DEALER else "")
    overall = nps_total(actor=actor, filters=filters)
    previous = nps_total(actor=actor, filters=filters.previous_period())
    trend = nps_trend(actor=actor, filters=replace(
        filters, first_month=clock.add_months(filters.last_month, 1 - TREND_MONTHS)))
    unit_kind = {SubjectKind.BRAND: SubjectKind.REGION, SubjectKind.REGION: SubjectKind.DEALER}.get(subject.kind, "")
    return NpsSection(
        overall=overall, previous=previous,
        change=nps_statistics.nps_difference(overall.counts, previous.counts),
        trend=trend,
        by_touchpoint=nps_breakdown(actor=actor, filters=filters, by="touchpoint"),
        by_unit=nps_breakdown(actor=actor, filters=filters, by=unit_kind) if unit_kind else [],
        unit_kind=unit_kind,
    )


def _rates_section(actor: Actor, subject: Subject, period: ScorecardPeriod) -> RatesSection:
    filters = RateFilters(weeks=RATE_WEEKS, region=subject.code if subject.kind == SubjectKind.REGION else "",
                          dealer=subject.code if subject.kind == SubjectKind.DEALER else "")
    scope = {"actor": actor, "filters": filters, "period": period.weeks}
    return RatesSection(overall=rates_overall(**scope), by_week=rates_by_week(**scope),
                        by_touchpoint=rates_by_touchpoint(**scope, touchpoints=list(touchpoints_for(actor))),
                        with_counts=counts_visible(actor))


def scorecard_closed_loop(*, actor: Actor, subject: Subject, since: dt.datetime, until: dt.datetime,
                          now: dt.datetime, show_scores: bool) -> ClosedLoop:
    """The subject's closed-loop figures in one query (conditional aggregation, as ``cases.measures`` does).

    Cases opened in [since, until) count for the shares; open and overdue are every open case now, whatever its age.
    Definitions follow ``cases.measures``: on time is against the deadline the case opened with; a case still inside
    its window is not counted either way.
    """
    until = min(until, now)
    in_period = Q(opened_at__gte=since, opened_at__lt=until)
    contacted = Q(first_contact_at__isnull=False)
    recovery = in_period & Q(kind=CaseKind.RECOVERY)
    answered = recovery & Q(follow_up_answered_at__isnull=False)
    # Against the deadline the case opened with (a reopen moves respond-by, not the promise); older cases fall back.
    promised_by = Coalesce("first_respond_by", "respond_by")
    overdue = (Q(status__in=AWAITING_CONTACT, respond_by__lte=now)
               | Q(kind=CaseKind.RECOVERY, status__in=UNRESOLVED, resolve_by__lte=now))
    counts = {
        "cases": Count("pk", filter=in_period),
        "open_now": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "overdue_now": Count("pk", filter=overdue),
        "due_24_hours": Count("pk", filter=in_period & (contacted | Q(opened_at__lte=now - PROMISE))),
        "within_24_hours": Count("pk", filter=in_period & Q(first_contact_at__lte=F("opened_at") + PROMISE)),
        "due": Count("pk", filter=in_period & (contacted | Q(first_respond_by__lte=now)
                                               | Q(first_respond_by__isnull=True, respond_by__lte=now))),
        "on_time": Count("pk", filter=in_period & Q(first_contact_at__lte=promised_by)),
        "follow_ups": Count("pk", filter=answered),
        "put_right": Count("pk", filter=answered & Q(verified_at__isnull=False)),
    }
    if show_scores:
        counts["recovered"] = Count("pk", filter=answered & Q(follow_up_score__gte=RECOVERED_FROM_SCORE))
        counts.update({f"kind_{kind}": Count("pk", filter=in_period & Q(kind=kind)) for kind in CaseKind.values})
    cases = _narrow(Case.objects.visible_to(actor), subject)
    row = cases.filter(in_period | Q(status__in=OPEN_STATUSES)).aggregate(**counts)
    with_counts = show_scores
    return ClosedLoop(
        cases=row["cases"], open_now=row["open_now"], overdue_now=row["overdue_now"],
        within_24_hours=_share(row["within_24_hours"], row["due_24_hours"], with_counts=True),
        on_time=_share(row["on_time"], row["due"], with_counts=True),
        # How many follow-ups were answered is how many detractors were resolved: a count of scores.
        put_right=_share(row["put_right"], row["follow_ups"], with_counts=with_counts,
                         min_to_rank=MIN_FOLLOW_UPS_TO_RANK),
        recovered=_share(row["recovered"], row["follow_ups"], with_counts=True, min_to_rank=MIN_FOLLOW_UPS_TO_RANK)
        if show_scores else None,
        cases_by_kind={kind: row[f"kind_{kind}"] for kind in CaseKind.values} if show_scores else None,
    )


def scorecard_themes(*, actor: Actor, subject: Subject, since: dt.datetime, until: dt.datetime) -> list[ThemeRow]:
    """The themes of the period, most frequent first: today the root causes recorded on cases resolved in it.

    This is the one place the scorecard asks for themes; the verbatim pipeline of a later issue returns its
    ``ThemeRow(source="verbatim")`` rows from here too, and every rendering (page, PDF, CSV, XLSX) follows.
    """
    counts = dict(
        _narrow(Case.objects.visible_to(actor), subject)
        .filter(resolved_at__gte=since, resolved_at__lt=until, root_cause__isnull=False)
        .values_list("root_cause_id").annotate(count=Count("pk")).order_by()
    )
    if not counts:
        return []
    themes = Theme.objects.filter(pk__in=counts)
    rows = [ThemeRow(code=theme.code, label=theme.display_name(), count=counts[theme.pk]) for theme in themes]
    return sorted(rows, key=lambda row: (-row.count, row.label.lower()))


def scorecard_verbatims(*, actor: Actor, subject: Subject, since: dt.datetime, until: dt.datetime,
                        show_scores: bool, limit: int = LATEST_VERBATIMS) -> list[VerbatimRow]:
    """The period's latest journey-survey verbatims, newest first; the score only for viewers who may see it."""
    responses = (
        _narrow(Response.objects.visible_to(actor), subject)
        .filter(purpose=Purpose.SURVEY, submitted_at__gte=since, submitted_at__lt=until).exclude(verbatim="")
        .select_related("touchpoint", "dealer").order_by("-submitted_at", "-pk")[:limit]
    )
    return [VerbatimRow(submitted_at=r.submitted_at, touchpoint=r.touchpoint.display_name(), dealer=r.dealer.name,
                        language=r.language, text=r.verbatim, score=r.score if show_scores else None)
            for r in responses]


# --------------------------------------------------------------------------------------------------------------------
# The scorecard


def scorecard_build(*, actor: Actor, subject: Subject, period: ScorecardPeriod, now: dt.datetime) -> Scorecard:
    """Everything the subject's scorecard shows to this viewer (``subject`` from ``scorecard_subject``)."""
    show_scores = scores_visible_to(actor)
    since, until = period.since, period.until
    return Scorecard(
        subject=subject, period=period, generated_at=now, show_scores=show_scores,
        with_counts=counts_visible(actor),
        nps=_nps_section(actor, subject, period) if show_scores else None,
        rates=_rates_section(actor, subject, period),
        closed_loop=scorecard_closed_loop(actor=actor, subject=subject, since=since, until=until, now=now,
                                          show_scores=show_scores),
        themes=scorecard_themes(actor=actor, subject=subject, since=since, until=until),
        verbatims=scorecard_verbatims(actor=actor, subject=subject, since=since, until=until,
                                      show_scores=show_scores),
    )
