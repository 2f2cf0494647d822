"""Reads behind the landing pages. Each goes through ``visible_to`` (responses, invitations, cases) and aggregates in
the database.

NPS reads are for viewers who may see scores (``insidetrack.network.selectors.scores_visible_to``); the views ask
that switch before calling them. The closed-loop and response-rate reads carry no score and serve every staff role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Prefetch, Q, QuerySet

from insidetrack.cases.models import Case
from insidetrack.cases.policies import AWAITING_CONTACT, OPEN_STATUSES, UNRESOLVED, CaseKind
from insidetrack.core.actor import Actor
from insidetrack.journeys.models import Touchpoint
from insidetrack.surveys import selectors as survey_selectors
from insidetrack.surveys.models import Invitation, InvitationStatus, Purpose, Response

from .policies import NpsEstimate
from .response_rates import MIN_SENT_WITHOUT_COUNTS, counts_visible

# "Due soon" on a dealer's landing page: the deadline falls within this much time from now.
DUE_SOON = timedelta(hours=4)

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


def _journey_responses(actor: Actor, since: datetime) -> QuerySet[Response]:
    """Answers to journey surveys: a case's follow-up survey would count its unhappy customer twice in an NPS."""
    return Response.objects.visible_to(actor).reported().filter(submitted_at__gte=since)


def nps_overall(*, actor: Actor, since: datetime, until: datetime | None = None) -> NpsEstimate:
    responses = _journey_responses(actor, since)
    if until is not None:
        responses = responses.filter(submitted_at__lt=until)
    return NpsEstimate(**responses.aggregate(**_NPS_COUNTS))


def nps_by(*, actor: Actor, since: datetime, key: str, label: str) -> list[GroupNps]:
    """NPS per group (e.g. key="dealer__code", label="dealer__name"), ordered by the label people read."""
    rows = _journey_responses(actor, since).values(key, label).annotate(**_NPS_COUNTS).order_by(label, key)
    return [GroupNps(key=r[key], label=r[label], estimate=NpsEstimate(r["detractors"], r["passives"], r["promoters"]))
            for r in rows]


def nps_by_touchpoint(*, actor: Actor, since: datetime) -> list[GroupNps]:
    """NPS per touchpoint in journey order, named in the viewer's language (head office edits those names)."""
    rows = {
        r["touchpoint_id"]: r
        for r in _journey_responses(actor, since).values("touchpoint_id").annotate(**_NPS_COUNTS).order_by()
    }
    return [
        GroupNps(key=t.code, label=t.display_name(),
                 estimate=NpsEstimate(rows[t.pk]["detractors"], rows[t.pk]["passives"], rows[t.pk]["promoters"]))
        for t in Touchpoint.objects.filter(pk__in=rows).order_by("position")
    ]


@dataclass(frozen=True, slots=True)
class ResponseRate:
    """Answered ÷ sent. The counts are ``None`` for viewers who see rates only (dealers), as on the rates page."""

    sent: int | None
    answered: int | None
    rate: float | None
    is_withheld: bool = False


def response_rate(*, actor: Actor, since: datetime) -> ResponseRate:
    """The period's response rate. Dealers get the rate alone, and none over too few invitations (see
    ``insidetrack.analytics.response_rates``: a count, or a rate over one invitation, singles customers out)."""
    counts = Invitation.objects.visible_to(actor).filter(sent_at__gte=since).aggregate(
        sent=Count("pk"), answered=Count("pk", filter=Q(status=InvitationStatus.ANSWERED)),
    )
    sent, answered = counts["sent"], counts["answered"]
    with_counts = counts_visible(actor)
    is_withheld = not with_counts and 0 < sent < MIN_SENT_WITHOUT_COUNTS
    return ResponseRate(
        sent=sent if with_counts else None,
        answered=answered if with_counts else None,
        rate=answered / sent if sent and not is_withheld else None,
        is_withheld=is_withheld,
    )


def recent_responses(*, actor: Actor, limit: int = 8) -> list[Response]:
    """The latest responses with a verbatim. Rows carry the score: templates show it only where scores are visible."""
    return list(
        Response.objects.visible_to(actor).filter(purpose=Purpose.SURVEY).exclude(verbatim="")
        .select_related("dealer", "touchpoint")
        .order_by("-submitted_at", "-pk")[:limit]
    )


@dataclass(frozen=True, slots=True)
class OpenWork:
    """The closed-loop work still open in the viewer's scope: how much, how much is due soon, how much is late."""

    open: int
    due_soon: int
    overdue: int


def open_work(*, actor: Actor, now: datetime) -> OpenWork:
    """Open cases (``OPEN_STATUSES``) and, among those whose clock runs, the ones due within ``DUE_SOON`` and the
    overdue ones.

    The clock that runs is the one the sweep escalates on: respond-by while nobody has spoken to the customer,
    resolve-by while a recovery case is not yet put right. A resolved case waits for the customer's follow-up, so it
    is open but due nowhere.
    """
    awaiting = Q(status__in=AWAITING_CONTACT)
    resolving = Q(kind=CaseKind.RECOVERY, status__in=UNRESOLVED - AWAITING_CONTACT, resolve_by__isnull=False)
    overdue = (awaiting & Q(respond_by__lte=now)) | (resolving & Q(resolve_by__lte=now))
    due_soon = ((awaiting & Q(respond_by__gt=now, respond_by__lte=now + DUE_SOON))
                | (resolving & Q(resolve_by__gt=now, resolve_by__lte=now + DUE_SOON)))
    counts = Case.objects.visible_to(actor).filter(status__in=OPEN_STATUSES).aggregate(
        open=Count("pk"), due_soon=Count("pk", filter=due_soon), overdue=Count("pk", filter=overdue),
    )
    return OpenWork(**counts)


@dataclass(frozen=True, slots=True)
class OnTime:
    """Of the period's feedback whose respond-by deadline has passed or that was answered, how much was answered
    (first contact with the customer) by that deadline."""

    due: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


def answered_on_time(*, actor: Actor, since: datetime, now: datetime) -> OnTime:
    """Cases opened since ``since``; one still inside its deadline and not yet answered is not counted either way."""
    counts = (
        Case.objects.visible_to(actor).filter(opened_at__gte=since)
        .filter(Q(first_contact_at__isnull=False) | Q(respond_by__lte=now))
        .aggregate(due=Count("pk"), on_time=Count("pk", filter=Q(first_contact_at__lte=F("respond_by"))))
    )
    return OnTime(**counts)


def response_list(*, actor: Actor, query: str = "", theme: str = "", sentiment: str = "", flag: str = "",
                  **filters: object) -> QuerySet[Response]:
    """The feedback list: ``insidetrack.surveys.selectors.response_list`` (scoping, its filters, ``shown_score`` only
    where scores are visible) narrowed by what the text analysis found, each row with its analysis and themes.

    ``query`` is a full-text search, ``theme`` a theme code, ``sentiment`` negative/neutral/positive and ``flag``
    safety or incentive (incentive for head office and regions only: PermissionDenied otherwise); see
    ``insidetrack.verbatims.selectors.verbatim_filter``. Bad input raises ValidationFailed. The list stays newest
    first, searched or not, so paging through it is stable. Rows carry ``analysis`` (missing for a verbatim not
    analysed yet) with its ``theme_links`` prefetched: one query more per page, whatever the page's length.
    """
    from insidetrack.verbatims.models import VerbatimTheme
    from insidetrack.verbatims.selectors import verbatim_filter

    responses = survey_selectors.response_list(actor=actor, **filters)
    if query.strip() or theme or sentiment or flag:
        matching = verbatim_filter(actor=actor, query=query, theme=theme, sentiment=sentiment, flag=flag)
        responses = responses.filter(pk__in=matching.values("pk"))
    return responses.select_related("analysis").prefetch_related(
        Prefetch("analysis__theme_links",
                 queryset=VerbatimTheme.objects.select_related("theme").order_by("-probability", "pk")))
