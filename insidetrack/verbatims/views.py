"""What customers write about: theme shares and sentiment for a period, one theme's trend and its actual quotes.

Staff pages (head office, regions, dealers; owners and the signed-out are refused like on the other staff pages).
Themes and sentiment are not scores, so a dealer whose brand hides scores sees these pages whole; the only score on
them, beside each quote, is shown where ``scores_visible_to`` allows it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from insidetrack.core import clock
from insidetrack.core.charts import CHART_LAYOUT, figure_json
from insidetrack.core.decorators import staff_role_required
from insidetrack.core.errors import ValidationFailed
from insidetrack.network.selectors import scores_visible_to

from . import selectors
from .models import Sentiment

QUOTES_PER_PAGE = 20
_LAYOUT = {**CHART_LAYOUT, "margin": {"l": 48, "r": 48, "t": 16, "b": 40}, "hovermode": "x unified"}
_COLOURS = ("#1f3a5f", "#b3261e", "#1e7a46", "#b8860b", "#6a4c93", "#8a94a6")


def _filters(request: HttpRequest):
    """The page's filters, or the default period with the reason when the address holds a malformed month."""
    today = clock.now().date()
    try:
        return selectors.theme_filters(request.GET, actor=request.actor, today=today), ""
    except ValidationFailed as exc:
        return selectors.default_filters(today=today), str(exc)


def _month_choices() -> list[str]:
    """The months the period menus offer: the last two years, oldest first."""
    default = selectors.default_filters(today=clock.now().date())
    return [f"{month:%Y-%m}" for month in default.previous_period().months + default.months]


def _shares_figure(overview: selectors.ThemeOverview, names: dict[str, str]) -> dict[str, Any]:
    """The top themes' shares month by month, one line each; a month without analysed verbatims is a gap."""
    import plotly.graph_objects as go

    months = [f"{month:%Y-%m}" for month in overview.trend_months]
    figure = go.Figure()
    for index, (code, shares) in enumerate(overview.trend.items()):
        figure.add_trace(go.Scatter(x=months, y=shares, mode="lines+markers", name=names.get(code, code),
                                    line={"color": _COLOURS[index % len(_COLOURS)]},
                                    hovertemplate="%{y:.1f}%<extra>" + names.get(code, code) + "</extra>"))
    figure.update_layout(**_LAYOUT, xaxis={"type": "category"},
                         yaxis={"title": {"text": _("Share of verbatims (%)")}, "rangemode": "tozero"})
    return figure_json(figure)


def _theme_figure(detail: selectors.ThemeDetail) -> dict[str, Any]:
    """The theme's share (bars, left axis) and the net sentiment of its verbatims (line, right axis) by month."""
    import plotly.graph_objects as go

    months = [row.label for row in detail.months]
    figure = go.Figure()
    figure.add_trace(go.Bar(x=months, y=[None if row.share.rate is None else 100 * row.share.rate
                                         for row in detail.months],
                            name=_("Share of verbatims (%)"), marker={"color": "rgba(31,58,95,0.35)"},
                            hovertemplate="%{y:.1f}%<extra></extra>"))
    figure.add_trace(go.Scatter(x=months, y=[row.theme_sentiment.net for row in detail.months],
                                mode="lines+markers", name=_("Net sentiment"), yaxis="y2",
                                line={"color": _COLOURS[1]}, hovertemplate="%{y:+.0f}<extra></extra>"))
    figure.update_layout(**_LAYOUT, xaxis={"type": "category"},
                         yaxis={"title": {"text": _("Share of verbatims (%)")}, "rangemode": "tozero"},
                         yaxis2={"title": {"text": _("Net sentiment")}, "overlaying": "y", "side": "right",
                                 "range": [-105, 105], "tickmode": "array", "tickvals": [-100, -50, 0, 50, 100],
                                 "zeroline": True, "showgrid": False})
    return figure_json(figure)




def _links(filters) -> dict[str, str]:
    """Query strings that keep the filters: for the theme pages and for the feedback list's drill-down."""
    return {"query": urlencode(filters.as_query()), "feedback": reverse("analytics:responses")}


@staff_role_required
def themes_page(request: HttpRequest) -> HttpResponse:
    """Every theme's share of the period's verbatims with its interval, their sentiment and the change against the
    previous period; the top themes month by month; sentiment per touchpoint."""
    actor = request.actor
    filters, error = _filters(request)
    overview = selectors.theme_overview(actor=actor, filters=filters)
    names = {stat.theme.code: stat.theme.display_name() for stat in overview.themes}
    return render(request, "verbatims/themes.html", {
        "filters": filters,
        "error": error,
        "choices": selectors.filter_choices(actor=actor),
        "months": _month_choices(),
        "overview": overview,
        "trend_json": _shares_figure(overview, names) if overview.trend else None,
        "links": _links(filters),
    })


@staff_role_required
def theme_page(request: HttpRequest, code: str) -> HttpResponse:
    """One theme: share and net sentiment by month, by touchpoint and dealer, and its quotes, newest first."""
    actor = request.actor
    theme = selectors.theme_for(actor=actor, code=code)
    if theme is None:
        return render(request, "404.html", status=404)
    filters, error = _filters(request)
    sentiment = request.GET.get("sentiment", "")
    if sentiment not in Sentiment.values:
        sentiment = ""
    detail = selectors.theme_detail(actor=actor, theme=theme, filters=filters)
    quotes = Paginator(selectors.theme_quotes(actor=actor, theme=theme, filters=filters, sentiment=sentiment),
                       QUOTES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "verbatims/theme.html", {
        "theme": theme,
        "filters": filters,
        "error": error,
        "choices": selectors.filter_choices(actor=actor),
        "months": _month_choices(),
        "detail": detail,
        "trend_json": _theme_figure(detail) if detail.stat.share.total else None,
        "page": quotes,
        "sentiment": sentiment,
        "sentiments": Sentiment.choices,
        "show_scores": scores_visible_to(actor),
        "show_incentive": selectors.incentive_visible_to(actor),
        "links": _links(filters),
    })
