"""Template helpers that keep numbers honest: an NPS is never shown without its margin."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import dateformat, formats, timezone, translation

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


#: The weekday formats the filter below reads from ``insidetrack/formats/<language>/formats.py``, with the English
#: pattern when a language has none. Django's ``date`` filter names only its own standard formats.
WEEKDAY_FORMATS = {"long": ("WEEKDAY_DATETIME_FORMAT", "l j F Y, H:i"),
                   "short": ("WEEKDAY_SHORT_DATETIME_FORMAT", "D j M Y, H:i"),
                   "date": ("WEEKDAY_DATE_FORMAT", "D j M Y")}


@register.filter
def weekday_datetime(value: datetime | None, variant: str = "long") -> str:
    """A moment with its weekday as the reader's language writes it: "Saturday 19 December 2026, 09:00" and
    "Samstag, 19. Dezember 2026, 09:00" (``long``, appointments), "Sa, 19. Dez. 2026, 09:00" (``short``, timelines),
    "Sa, 19. Dez. 2026" (``date``)."""
    if value is None or value == "":
        return ""
    if variant not in WEEKDAY_FORMATS:
        raise template.TemplateSyntaxError(f"weekday_datetime: unknown variant {variant!r}; use one of "
                                           f"{', '.join(WEEKDAY_FORMATS)}")
    name, fallback = WEEKDAY_FORMATS[variant]
    pattern = next((getattr(module, name) for module in formats.get_format_modules(lang=translation.get_language())
                    if hasattr(module, name)), fallback)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, pattern)
