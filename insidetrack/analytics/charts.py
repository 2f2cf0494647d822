"""Plotly figures for the dashboards, built on the server as JSON; the page draws them with plotly.js, which ships in
the ``plotly`` package and is served as a static file (``insidetrack.core.staticfinders``).

Figures are built with ``plotly.graph_objects`` so a malformed figure fails here, in a test, rather than as a blank
chart in someone's browser. The template is ``"none"``: plotly's default theme would add ~6 KB to every figure.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from insidetrack.core.charts import CHART_LAYOUT, figure_json

from .dashboard import Funnel, Row

_INK, _BAND, _MUTED, _ALERT, _GOOD = "#1f3a5f", "rgba(31,58,95,0.15)", "#8a94a6", "#b3261e", "#1e7a46"


def trend_figure(rows: list[Row]) -> dict[str, Any]:
    """NPS per month as a line with its 95% interval as a shaded band; months too small to rank are drawn hollow."""
    import plotly.graph_objects as go

    shown = [row for row in rows if row.estimate.n]
    months = [row.label for row in shown]
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=months, y=[row.estimate.high for row in shown], mode="lines",
                                line={"width": 0}, hoverinfo="skip", showlegend=False))
    figure.add_trace(go.Scatter(x=months, y=[row.estimate.low for row in shown], mode="lines", line={"width": 0},
                                fill="tonexty", fillcolor=_BAND, name=_("Interval (95%)"), hoverinfo="skip"))
    figure.add_trace(go.Scatter(
        x=months, y=[row.estimate.nps for row in shown], mode="lines+markers", name=_("NPS"),
        line={"color": _INK},
        marker={"size": 8, "color": [_INK if row.estimate.is_rankable else "white" for row in shown],
                "line": {"color": _INK, "width": 2}},
        customdata=[[row.estimate.low, row.estimate.high, row.estimate.n] for row in shown],
        hovertemplate="%{x}: NPS %{y:.1f} [%{customdata[0]:.1f}, %{customdata[1]:.1f}] · %{customdata[2]} "
                      + _("answers") + "<extra></extra>"))
    figure.update_layout(**CHART_LAYOUT, yaxis={"title": {"text": "NPS"}, "zeroline": True},
                         xaxis={"type": "category"})
    return figure_json(figure)


def funnel_figure(funnel: Funnel, *, drill_urls: dict[str, str]) -> dict[str, Any]:
    """Dealers as NPS against answers, the network's NPS as a line and 95% / 99.8% control limits as a funnel.

    ``drill_urls`` maps a dealer code to the page a click opens (the page wires the click; the URL rides along as the
    point's custom data).
    """
    import plotly.graph_objects as go

    figure = go.Figure()
    for name, dash, label in (("95", "dot", _("Limits (95%)")), ("998", "dash", _("Limits (99.8%)"))):
        for side in ("upper", "lower"):
            figure.add_trace(go.Scatter(x=funnel.limit_n, y=funnel.limits[f"{side}_{name}"], mode="lines",
                                        line={"color": _MUTED, "dash": dash, "width": 1}, hoverinfo="skip",
                                        name=label, legendgroup=name, showlegend=side == "upper"))
    if funnel.network.n:
        figure.add_trace(go.Scatter(x=[funnel.limit_n[0], funnel.limit_n[-1]], y=[funnel.network.nps] * 2,
                                    mode="lines", line={"color": _INK, "width": 1}, name=_("Network NPS"),
                                    hoverinfo="skip"))
    colours = {"": _INK, "above_95": _INK, "below_95": _INK, "above_998": _GOOD, "below_998": _ALERT}
    points = funnel.points
    figure.add_trace(go.Scatter(
        x=[p.estimate.n for p in points], y=[p.estimate.nps for p in points], mode="markers", name=_("Dealers"),
        marker={"size": 9, "color": [colours[p.outside] if p.estimate.is_rankable else "white" for p in points],
                "line": {"color": [colours[p.outside] for p in points], "width": 2}},
        text=[p.name for p in points],
        customdata=[[p.estimate.low, p.estimate.high, drill_urls.get(p.code, "")] for p in points],
        hovertemplate="%{text}: NPS %{y:.1f} [%{customdata[0]:.1f}, %{customdata[1]:.1f}] · %{x} "
                      + _("answers") + "<extra></extra>"))
    figure.update_layout(**{**CHART_LAYOUT, "height": 380},
                         xaxis={"title": {"text": _("Answers in the period")}, "rangemode": "tozero"},
                         yaxis={"title": {"text": "NPS"}, "range": [-100, 100]})
    return figure_json(figure)


