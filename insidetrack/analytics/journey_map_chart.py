"""The emotion curve across the journey as a plotly figure (JSON for ``json_script``; ``charts.js`` draws it).

Net sentiment per touchpoint in journey order with its 95% interval as error bars; for a viewer who sees scores, the
NPS with its interval beside it on the same -100..100 scale. Stages are shaded bands with their names on top, so the
curve reads like the map below it. Touchpoints nobody answered leave a gap rather than a zero.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from insidetrack.core.charts import figure_json

from .journey_map import JourneyMap

_INK, _SENTIMENT, _MUTED, _HIGHLIGHT = "#1f3a5f", "#1e7a46", "#a9b1c0", "#b8860b"
_STAGE_SHADES = ("rgba(31,58,95,0.05)", "rgba(31,58,95,0.0)")


def _error_bars(estimates) -> dict[str, Any]:
    return {"type": "data", "symmetric": False, "thickness": 1.2, "width": 4,
            "array": [None if e is None or e.n == 0 else e.high - e.nps for e in estimates],
            "arrayminus": [None if e is None or e.n == 0 else e.nps - e.low for e in estimates]}


def emotion_figure(journey: JourneyMap) -> dict[str, Any]:
    """The curve for the map's figures (the names are the touchpoints' names in the current language)."""
    import plotly.graph_objects as go

    touchpoints = journey.touchpoints
    labels = [t.touchpoint.display_name() for t in touchpoints]
    highlighted = bool(journey.filters.department)
    figure = go.Figure()
    emotions = [t.emotion if t.emotion.n else None for t in touchpoints]
    colours = [(_HIGHLIGHT if t.is_highlighted else _MUTED) if highlighted else _SENTIMENT for t in touchpoints]
    figure.add_trace(go.Scatter(
        x=labels, y=[e.nps if e else None for e in emotions], mode="lines+markers", name=_("Net sentiment"),
        line={"color": _SENTIMENT, "width": 2}, connectgaps=False,
        marker={"size": [12 if t.is_highlighted else 8 for t in touchpoints], "color": colours},
        error_y={**_error_bars(emotions), "color": _SENTIMENT},
        customdata=[[e.low, e.high, e.n] if e else [None, None, 0] for e in emotions],
        hovertemplate="%{x}: " + _("net sentiment") + " %{y:+.0f} [%{customdata[0]:.0f}, %{customdata[1]:.0f}] · "
                      "%{customdata[2]} " + _("verbatims") + "<extra></extra>"))
    if journey.show_scores:
        scores = [t.nps if t.nps is not None and t.nps.n else None for t in touchpoints]
        figure.add_trace(go.Scatter(
            x=labels, y=[e.nps if e else None for e in scores], mode="lines+markers", name="NPS",
            line={"color": _INK, "width": 2, "dash": "dot"}, connectgaps=False,
            marker={"size": [12 if t.is_highlighted else 8 for t in touchpoints], "symbol": "diamond",
                    "color": [(_HIGHLIGHT if t.is_highlighted else _MUTED) if highlighted else _INK
                              for t in touchpoints]},
            error_y={**_error_bars(scores), "color": _INK},
            customdata=[[e.low, e.high, e.n] if e else [None, None, 0] for e in scores],
            hovertemplate="%{x}: NPS %{y:+.0f} [%{customdata[0]:.0f}, %{customdata[1]:.0f}] · %{customdata[2]} "
                          + _("answers") + "<extra></extra>"))
    shapes, annotations, index = [], [], 0
    for number, stage in enumerate(journey.stages):
        count = len(stage.touchpoints)
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": index - 0.5, "x1": index + count - 0.5,
                       "y0": 0, "y1": 1, "line": {"width": 0}, "layer": "below",
                       "fillcolor": _STAGE_SHADES[number % 2]})
        annotations.append({"xref": "x", "yref": "paper", "x": index + (count - 1) / 2, "y": 1.02, "yanchor": "bottom",
                            "text": f"<b>{stage.stage.display_name()}</b>", "showarrow": False,
                            "font": {"size": 12, "color": _INK}})
        index += count
    figure.update_layout(
        template="none", height=340, hovermode="closest", margin={"l": 48, "r": 16, "t": 36, "b": 80},
        font={"family": "system-ui, sans-serif", "size": 12}, legend={"orientation": "h", "y": -0.35},
        shapes=shapes, annotations=annotations,
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": labels},
        yaxis={"range": [-100, 100], "zeroline": True, "zerolinecolor": _MUTED,
               "title": {"text": _("Net sentiment") + (" / NPS" if journey.show_scores else "")}})
    return figure_json(figure)
