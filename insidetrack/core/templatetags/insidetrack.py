"""Template helpers that keep numbers honest: an NPS is never shown without its margin."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("core/nps.html")
def nps(estimate, show_n: bool = True) -> dict[str, object]:
    """Render an NPS as "+42 ± 6" with n, or a dash with the reason when there is nothing to show."""
    return {"e": estimate, "show_n": show_n}


@register.filter
def signed(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    rounded = round(value, digits) if digits else round(value)
    if rounded == 0:
        return "0"
    return f"{rounded:+.{digits}f}" if digits else f"{int(rounded):+d}"


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


@register.filter
def score_class(score: int) -> str:
    """Promoter, passive or detractor, for colouring a score badge."""
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
