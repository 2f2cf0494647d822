"""The two pictures of an alert: the dealer's scores against its market's, and the quarter week by week."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from insidetrack.core.charts import CHART_LAYOUT, figure_json

from .selectors import WeekRow

_INK, _MUTED, _ALERT = "#1f3a5f", "#8a94a6", "#b3261e"


def _shares(counts: list[int]) -> list[float]:
    total = sum(counts)
    return [100.0 * c / total if total else 0.0 for c in counts]


def score_figure(dealer: list[int], network: list[int]) -> dict[str, Any]:
    """Share of each score, the dealer's bars over the market's: a pile of 10s with no 7-9 stands out at once."""
    import plotly.graph_objects as go

    scores = [str(score) for score in range(11)]
    figure = go.Figure()
    figure.add_trace(go.Bar(x=scores, y=_shares(network), name=_("Other dealers in the market"),
                            marker={"color": _MUTED}, customdata=network,
                            hovertemplate="%{x}: %{y:.1f}% (%{customdata})<extra></extra>"))
    figure.add_trace(go.Bar(x=scores, y=_shares(dealer), name=_("This dealer"), marker={"color": _INK},
                            customdata=dealer, hovertemplate="%{x}: %{y:.1f}% (%{customdata})<extra></extra>"))
    figure.update_layout(**CHART_LAYOUT, barmode="group", yaxis={"title": {"text": _("Share of answers (%)")}},
                         xaxis={"title": {"text": _("Score")}, "type": "category"})
    return figure_json(figure)


def weeks_figure(weeks: list[WeekRow]) -> dict[str, Any]:
    """Invitations and answers per week: a push shows answers rising without invitations rising with them."""
    import plotly.graph_objects as go

    labels = [f"{_('W')}{row.week}" for row in weeks]
    figure = go.Figure()
    figure.add_trace(go.Bar(x=labels, y=[row.invitations for row in weeks], name=_("Invitations"),
                            marker={"color": _MUTED}))
    figure.add_trace(go.Bar(x=labels, y=[row.responses for row in weeks], name=_("Answers"),
                            marker={"color": _INK}))
    figure.add_trace(go.Scatter(x=labels, y=[100.0 * row.promoters / row.responses if row.responses else None
                                             for row in weeks], name=_("Share of 9-10 (%)"), yaxis="y2",
                                mode="lines+markers", line={"color": _ALERT}))
    figure.update_layout(**CHART_LAYOUT, barmode="group", xaxis={"type": "category"},
                         yaxis={"title": {"text": _("Count")}},
                         yaxis2={"overlaying": "y", "side": "right", "range": [0, 100], "showgrid": False,
                                 "title": {"text": _("Share of 9-10 (%)")}})
    return figure_json(figure)
