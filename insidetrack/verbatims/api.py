"""The text analysis over the API: theme statistics for a filter, and a search of the verbatims with their analysis.

Staff only, scoped like the pages. Themes and sentiment are not scores, so dealers get them; a quote's ``score`` key
is there only for callers who may see scores, and its incentive-language flag only for head office and regions.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from insidetrack.core import clock
from insidetrack.core.api_auth import actor_of
from insidetrack.core.errors import PermissionDenied
from insidetrack.core.schemas import ErrorOut
from insidetrack.network.selectors import scores_visible_to

from . import selectors
from .schemas import PeriodIn, SearchIn, SearchOut, ThemesIn, ThemesOut

router = Router()


def _staff(request: HttpRequest):
    actor = actor_of(request)
    if not actor.is_staff_role:
        raise PermissionDenied(_("Themes and verbatims are for the brand's and dealers' staff."))
    return actor


def _filters(actor, period: PeriodIn):
    return selectors.theme_filters({"from": period.from_month, "to": period.to_month, "region": period.region,
                                    "dealer": period.dealer, "touchpoint": period.touchpoint},
                                   actor=actor, today=clock.now().date())


def _sentiment(split: selectors.SentimentSplit) -> dict:
    return {"negative": split.negative, "neutral": split.neutral, "positive": split.positive, "n": split.n,
            "net": split.net}


@router.get("/themes", response={200: ThemesOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
            summary="Each theme's share of the verbatims, its sentiment and its change against the previous period")
def themes(request: HttpRequest, filters: Query[ThemesIn]):
    """The figures of the themes page for a period (default: the last twelve months) within the caller's scope.
    Shares are of the period's analysed journey-survey verbatims, with their Wilson 95% interval."""
    actor = _staff(request)
    overview = selectors.theme_overview(actor=actor, filters=_filters(actor, filters))
    return {
        "first_month": overview.filters.first_month,
        "last_month": overview.filters.last_month,
        "analysed": overview.analysed,
        "previous_analysed": overview.previous_analysed,
        "sentiment": _sentiment(overview.sentiment),
        "themes": [{
            "code": stat.theme.code, "name": stat.theme.display_name(), "active": stat.theme.is_active,
            "verbatims": stat.count, "share": stat.share.rate, "share_low": stat.share.low,
            "share_high": stat.share.high, "sentiment": _sentiment(stat.sentiment),
            "previous_verbatims": stat.previous_share.count, "previous_share": stat.previous_share.rate,
            "share_change": stat.share_change, "net_change": stat.net_change,
            "change_p_value": stat.change_p_value,
        } for stat in overview.themes],
        "touchpoints": [{"code": row.key, "name": row.label, "verbatims": row.analysed,
                         "sentiment": _sentiment(row.sentiment)} for row in overview.by_touchpoint],
    }


@router.get("/search", response={200: SearchOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
            summary="Verbatims matching a full-text search and filters, with their themes, sentiment and flags",
            exclude_unset=True)
def search(request: HttpRequest, filters: Query[SearchIn]):
    """Full-text search across English, German and French verbatims (each indexed in its own language), narrowed
    by theme, sentiment, flag, period (default: the whole history), region, dealer and touchpoint. A search longer
    than 200 characters is refused (422, field ``q``), as is ``flag=incentive`` from a dealer (403)."""
    actor = _staff(request)
    whole_history = not (filters.from_month or filters.to_month)
    rows = selectors.verbatim_search(actor, filters.q, filters=_filters(actor, filters), theme=filters.theme,
                                     sentiment=filters.sentiment, flag=filters.flag, whole_history=whole_history)
    show_scores = scores_visible_to(actor)
    show_incentive = selectors.incentive_visible_to(actor)
    count = rows.count()
    items = []
    for row in rows[filters.offset:filters.offset + filters.limit]:
        item = {
            "response_pk": row.response_id, "text": row.response.verbatim, "language": row.language,
            "dealer_code": row.dealer.code, "dealer_name": row.dealer.name, "touchpoint": row.touchpoint.code,
            "touchpoint_name": row.touchpoint.display_name(), "submitted_at": row.submitted_at,
            "sentiment": row.sentiment, "tone": row.sentiment_score,
            "themes": [{"code": link.theme.code, "name": link.theme.display_name(), "probability": link.probability}
                       for link in row.theme_links.all()],
            "safety": row.is_safety, "safety_phrases": list((row.flag_phrases or {}).get("safety", [])),
            "rank": getattr(row, "rank", None),
        }
        if show_incentive:
            item |= {"incentive": row.is_incentive,
                     "incentive_phrases": list((row.flag_phrases or {}).get("incentive", []))}
        if show_scores:
            item["score"] = row.shown_score
        items.append(item)
    return {"count": count, "limit": filters.limit, "offset": filters.offset, "items": items}
