"""What every chart of the product shares: the base plotly layout and the hand-over of a figure to a page.

Charts live in several apps (analytics, verbatims, integrity, journeys) that must not import each other's private
helpers; the house look and the safe JSON hand-over belong here, below all of them.
"""

from __future__ import annotations

import json
from typing import Any

#: The house look; a chart overrides what it needs (``{**CHART_LAYOUT, "height": 380}``).
CHART_LAYOUT: dict[str, Any] = {
    "template": "none",
    "margin": {"l": 48, "r": 16, "t": 16, "b": 40},
    "height": 320,
    "font": {"family": "system-ui, sans-serif", "size": 12},
    "hovermode": "closest",
    "legend": {"orientation": "h", "y": -0.2},
}


def figure_json(figure: Any) -> dict[str, Any]:
    """The figure as plain JSON values, for ``json_script`` (which escapes it safely into the page)."""
    return json.loads(figure.to_json())
