"""The journey map for a workshop wall: an A3 landscape PDF (reportlab) and a PNG of the same page (Pillow).

One layout draws both. It talks to a small painter (rectangles, text, lines, circles, in points from the top left
corner); the PDF painter writes reportlab canvas operations, the PNG painter draws with Pillow at 150 dots per inch.
Each painter measures its own text, so the same layout wraps correctly in Helvetica (the PDF, whose text stays in
the file as written, as in the scorecards) and in Bitstream Vera (the PNG; the font ships inside reportlab, so no
system font is needed). Pillow is already installed with reportlab; it is pinned in pyproject.toml since it is now
imported directly.

The exports are drawn from ``JourneyMap`` and nothing else: a map built for a viewer who may not see scores has no
NPS in it, so neither file can show one. The layout shrinks its type until every stage column fits the page; what
still does not fit at the smallest size is cut with an ellipsis rather than spilling off the sheet.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .journey_map import JourneyMap, Totals, TouchpointFigures

CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png"}
A3_LANDSCAPE = (1190.55, 841.89)  # points
PNG_DPI = 150
MARGIN, GAP = 28.0, 10.0

INK, MUTED, RULE, PAPER = "#1f3a5f", "#5b6576", "#d5dae3", "#ffffff"
CARD, CARD_DIM, HIGHLIGHT = "#f6f8fa", "#fbfbfc", "#b8860b"
NEGATIVE, NEUTRAL, POSITIVE, BAND = "#b3261e", "#a9b1c0", "#1e7a46", "#cfe5d8"
SCORE_BAND = "#d6dee9"


class Painter(Protocol):
    """Drawing in points from the top left corner of the page."""

    def width_of(self, text: str, size: float, style: str = "") -> float: ...
    def rect(self, x: float, y: float, w: float, h: float, *, fill: str | None = None,
             stroke: str | None = None) -> None: ...
    def text(self, x: float, y: float, text: str, *, size: float, style: str = "", colour: str = INK,
             anchor: str = "start") -> None: ...
    def polyline(self, points: list[tuple[float, float]], *, colour: str, width: float) -> None: ...
    def polygon(self, points: list[tuple[float, float]], *, fill: str) -> None: ...
    def circle(self, x: float, y: float, r: float, *, fill: str, stroke: str) -> None: ...


# --------------------------------------------------------------------------------------------------------------------
# Painters


class PdfPainter:
    """reportlab canvas operations, y turned upside down; Helvetica so the text is searchable and readable."""

    _FONTS = {"": "Helvetica", "bold": "Helvetica-Bold", "italic": "Helvetica-Oblique"}

    def __init__(self, canvas, height: float) -> None:
        self.canvas, self.height = canvas, height

    def width_of(self, text: str, size: float, style: str = "") -> float:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return stringWidth(text, self._FONTS[style], size)

    def _colour(self, value: str):
        from reportlab.lib import colors

        return colors.HexColor(value)

    def rect(self, x, y, w, h, *, fill=None, stroke=None):
        canvas = self.canvas
        if fill:
            canvas.setFillColor(self._colour(fill))
        if stroke:
            canvas.setStrokeColor(self._colour(stroke))
            canvas.setLineWidth(0.5)
        canvas.rect(x, self.height - y - h, w, h, stroke=1 if stroke else 0, fill=1 if fill else 0)

    def text(self, x, y, text, *, size, style="", colour=INK, anchor="start"):
        canvas = self.canvas
        canvas.setFillColor(self._colour(colour))
        canvas.setFont(self._FONTS[style], size)
        draw = {"start": canvas.drawString, "middle": canvas.drawCentredString, "end": canvas.drawRightString}[anchor]
        draw(x, self.height - y, text)

    def polyline(self, points, *, colour, width):
        canvas = self.canvas
        canvas.setStrokeColor(self._colour(colour))
        canvas.setLineWidth(width)
        path = canvas.beginPath()
        path.moveTo(points[0][0], self.height - points[0][1])
        for x, y in points[1:]:
            path.lineTo(x, self.height - y)
        canvas.drawPath(path, stroke=1, fill=0)

    def polygon(self, points, *, fill):
        canvas = self.canvas
        canvas.setFillColor(self._colour(fill))
        path = canvas.beginPath()
        path.moveTo(points[0][0], self.height - points[0][1])
        for x, y in points[1:]:
            path.lineTo(x, self.height - y)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)

    def circle(self, x, y, r, *, fill, stroke):
        canvas = self.canvas
        canvas.setFillColor(self._colour(fill))
        canvas.setStrokeColor(self._colour(stroke))
        canvas.setLineWidth(0.8)
        canvas.circle(x, self.height - y, r, stroke=1, fill=1)


class PngPainter:
    """Pillow drawing at ``scale`` pixels per point, in Bitstream Vera (shipped with reportlab)."""

    _FILES = {"": "Vera.ttf", "bold": "VeraBd.ttf", "italic": "VeraIt.ttf"}

    def __init__(self, image, scale: float) -> None:
        from PIL import ImageDraw

        self.draw, self.scale = ImageDraw.Draw(image), scale
        self._fonts: dict[tuple[str, float], object] = {}

    def _font(self, size: float, style: str):
        key = (style, round(size * self.scale, 1))
        if key not in self._fonts:
            import reportlab
            from PIL import ImageFont

            path = Path(reportlab.__file__).parent / "fonts" / self._FILES[style]
            self._fonts[key] = ImageFont.truetype(str(path), key[1])
        return self._fonts[key]

    def width_of(self, text: str, size: float, style: str = "") -> float:
        return self._font(size, style).getlength(text) / self.scale

    def _px(self, value: float) -> float:
        return value * self.scale

    def rect(self, x, y, w, h, *, fill=None, stroke=None):
        self.draw.rectangle([self._px(x), self._px(y), self._px(x + w), self._px(y + h)], fill=fill, outline=stroke,
                            width=max(1, round(0.5 * self.scale)) if stroke else 0)

    def text(self, x, y, text, *, size, style="", colour=INK, anchor="start"):
        self.draw.text((self._px(x), self._px(y)), text, font=self._font(size, style), fill=colour,
                       anchor={"start": "ls", "middle": "ms", "end": "rs"}[anchor])

    def polyline(self, points, *, colour, width):
        self.draw.line([(self._px(x), self._px(y)) for x, y in points], fill=colour,
                       width=max(1, round(width * self.scale)), joint="curve")

    def polygon(self, points, *, fill):
        self.draw.polygon([(self._px(x), self._px(y)) for x, y in points], fill=fill)

    def circle(self, x, y, r, *, fill, stroke):
        self.draw.ellipse([self._px(x - r), self._px(y - r), self._px(x + r), self._px(y + r)], fill=fill,
                          outline=stroke, width=max(1, round(0.8 * self.scale)))


# --------------------------------------------------------------------------------------------------------------------
# Text helpers


def _signed(value: float | None) -> str:
    if value is None:
        return "—"
    rounded = round(value)
    return "0" if rounded == 0 else f"{rounded:+d}"


def wrap(painter: Painter, text: str, width: float, size: float, style: str = "") -> list[str]:
    """``text`` in lines no wider than ``width``; a word longer than a line is cut."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if painter.width_of(candidate, size, style) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while painter.width_of(word, size, style) > width and len(word) > 1:
            cut = len(word)
            while cut > 1 and painter.width_of(word[:cut] + "-", size, style) > width:
                cut -= 1
            lines.append(word[:cut] + "-")
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def _fit(painter: Painter, text: str, width: float, size: float, style: str = "") -> str:
    """One line, cut with an ellipsis when too wide."""
    if painter.width_of(text, size, style) <= width:
        return text
    while text and painter.width_of(text + "…", size, style) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _answers(count: int) -> str:
    return ngettext("%(n)s answer", "%(n)s answers", count) % {"n": f"{count:,}"}


def _figures_line(figures: TouchpointFigures | Totals, show_scores: bool) -> str:
    parts = [_answers(figures.volume)]
    if show_scores and figures.nps is not None and figures.nps.n:
        parts.append(f"NPS {_signed(figures.nps.nps)} ± {figures.nps.margin:.0f}")
    emotion = figures.emotion
    if emotion.n:
        parts.append(_("net sentiment %(net)s ± %(margin)s") % {"net": _signed(emotion.nps),
                                                                "margin": f"{emotion.margin:.0f}"})
    return " · ".join(parts)


# --------------------------------------------------------------------------------------------------------------------
# Layout


@dataclass
class _Line:
    text: str
    size: float
    style: str = ""
    colour: str = INK
    gap_before: float = 0.0
    kind: str = "text"  # text, bar


def _card_lines(painter: Painter, figures: TouchpointFigures, width: float, scale: float,
                show_scores: bool) -> list[_Line]:
    """The card's content as lines at ``scale`` (1 = the largest type)."""
    touchpoint = figures.touchpoint
    body, small = 7.2 * scale, 6.4 * scale
    lines = [_Line(line, 9 * scale, "bold") for line in wrap(painter, touchpoint.display_name(), width, 9 * scale,
                                                             "bold")]
    department = str(touchpoint.get_department_display())
    if not touchpoint.is_surveyed:
        department += " · " + _("not surveyed")
    lines.append(_Line(department, small, "", HIGHLIGHT if figures.is_highlighted else MUTED))
    if touchpoint.is_surveyed:
        lines += [_Line(line, body, "bold") for line in wrap(painter, _figures_line(figures, show_scores), width,
                                                              body, "bold")]
        if figures.sentiment.n:
            lines.append(_Line("", body, kind="bar", gap_before=1))
        if figures.themes:
            themes = " · ".join(f"{m.theme.display_name()} {m.percent:.0f}%" for m in figures.themes)
            lines += [_Line(line, small, "", INK, gap_before=2 if index == 0 else 0) for index, line in
                      enumerate(wrap(painter, _("Top themes: %(themes)s") % {"themes": themes}, width, small))]
        for quote in figures.quotes:
            lines += [_Line(line, small, "italic", MUTED, gap_before=2 if index == 0 else 0) for index, line in
                      enumerate(wrap(painter, f"“{quote.text}”", width, small, "italic"))]
    for title, text in ((_("Rational needs"), touchpoint.rational_needs),
                        (_("Emotional needs"), touchpoint.emotional_needs)):
        if text:
            lines.append(_Line(title, small, "bold", INK, gap_before=2))
            lines += [_Line(line, small) for line in wrap(painter, text, width, small)]
    return lines


def _height(lines: list[_Line]) -> float:
    return sum(line.size * 1.25 + line.gap_before for line in lines)


PADDING = 5.0


def _draw_card(painter: Painter, figures: TouchpointFigures, lines: list[_Line], x: float, y: float, w: float,
               h: float, dimmed: bool) -> None:
    painter.rect(x, y, w, h, fill=CARD_DIM if dimmed else CARD, stroke=HIGHLIGHT if figures.is_highlighted else RULE)
    if figures.is_highlighted:
        painter.rect(x, y, 3, h, fill=HIGHLIGHT)
    cursor, bottom = y + PADDING, y + h - PADDING + 0.5  # rounding: a card sized to its text holds all of it
    for index, line in enumerate(lines):
        advance = line.size * 1.25 + line.gap_before
        if cursor + advance > bottom:
            break
        cursor += advance
        following = lines[index + 1] if index + 1 < len(lines) else None
        overflow = following is not None and cursor + following.size * 1.25 + following.gap_before > bottom
        if line.kind == "bar":
            _sentiment_bar(painter, figures, x + PADDING, cursor - line.size * 0.9, min(w - 2 * PADDING, 120),
                           line.size * 0.7)
            continue
        text = line.text + ("…" if overflow and not line.text.endswith("…") else "")
        painter.text(x + PADDING, cursor - line.size * 0.25, _fit(painter, text, w - 2 * PADDING, line.size,
                                                                   line.style),
                     size=line.size, style=line.style, colour=MUTED if dimmed else line.colour)


def _sentiment_bar(painter: Painter, figures: TouchpointFigures, x: float, y: float, w: float, h: float) -> None:
    split = figures.sentiment
    left = x
    for count, colour in ((split.negative, NEGATIVE), (split.neutral, NEUTRAL), (split.positive, POSITIVE)):
        width = w * count / split.n
        if width > 0:
            painter.rect(left, y, width, h, fill=colour)
        left += width


def _chart(painter: Painter, journey: JourneyMap, x: float, y: float, w: float, h: float,
           column_of: Callable[[int], tuple[float, float]]) -> None:
    """The emotion curve (and NPS where shown), each touchpoint placed inside its stage's column."""
    top, bottom = y + 14, y + h - 10
    legend = _("Emotion across the journey: net sentiment in green (share of positive minus share of negative "
               "verbatims)")
    if journey.show_scores:
        legend += " · " + _("NPS in blue")
    painter.text(x, y + 8, legend + " · " + _("bars: interval at 95 per cent confidence"), size=8, style="bold")

    def level(value: float) -> float:
        return bottom - (value + 100) / 200 * (bottom - top)

    for tick in (-100, -50, 0, 50, 100):
        painter.polyline([(x + 22, level(tick)), (x + w, level(tick))], colour=NEUTRAL if tick == 0 else RULE,
                         width=0.6 if tick == 0 else 0.3)
        painter.text(x + 18, level(tick) + 2.2, _signed(tick), size=6, colour=MUTED, anchor="end")
    xs: list[float] = []
    index = 0
    for number, stage in enumerate(journey.stages):
        left, right = column_of(number)
        count = len(stage.touchpoints)
        for position in range(count):
            xs.append(left + (right - left) * (position + 0.5) / count)
        index += count
    series = [("emotion", POSITIVE, BAND)]
    if journey.show_scores:
        series.append(("nps", INK, SCORE_BAND))
    slot = min((right - left) / len(stage.touchpoints) for number, stage in enumerate(journey.stages)
               for left, right in [column_of(number)]) if journey.stages else w
    for position, figures in zip(xs, journey.touchpoints, strict=True):
        painter.text(position, bottom + 4, _fit(painter, figures.touchpoint.display_name(), slot - 4, 6), size=6,
                     colour=HIGHLIGHT if figures.is_highlighted else MUTED, anchor="middle")
    for offset, (name, colour, band) in enumerate(series):
        shift = (offset - (len(series) - 1) / 2) * 5
        estimates = [getattr(t, name) for t in journey.touchpoints]
        run: list[tuple[float, float]] = []
        for position, estimate in zip(xs, estimates, strict=True):
            if estimate is None or not estimate.n:
                if len(run) > 1:
                    painter.polyline(run, colour=colour, width=1.2)
                run = []
                continue
            px = position + shift
            painter.rect(px - 1.5, level(estimate.high), 3, level(estimate.low) - level(estimate.high), fill=band)
            run.append((px, level(estimate.nps)))
        if len(run) > 1:
            painter.polyline(run, colour=colour, width=1.2)
        for position, estimate, figures in zip(xs, estimates, journey.touchpoints, strict=True):
            if estimate is not None and estimate.n:
                radius = 3.2 if figures.is_highlighted else 2.2
                painter.circle(position + shift, level(estimate.nps), radius,
                               fill=HIGHLIGHT if figures.is_highlighted else colour, stroke=colour)


def _summary(totals: Totals, show_scores: bool) -> str:
    count = ngettext("%(count)s touchpoint", "%(count)s touchpoints", totals.touchpoints) % {
        "count": totals.touchpoints}
    return count + " · " + _figures_line(totals, show_scores)


def draw_map(painter: Painter, journey: JourneyMap, *, page: tuple[float, float], scope_name: str,
             generated_at: dt.datetime, names: dict[str, str] | None = None) -> None:
    """The whole sheet: title and filters, the emotion curve, then one column per stage."""
    width, height = page
    painter.rect(0, 0, width, height, fill=PAPER)
    filters = journey.filters.period
    title = _("The customer journey")
    if scope_name:
        title += f": {scope_name}"
    painter.text(MARGIN, MARGIN + 14, title, size=18, style="bold")
    narrowed = [f"{date_format(filters.first_month, 'M Y')} - {date_format(filters.last_month, 'M Y')}"]
    names = names or {}
    for label, value in ((_("Region"), names.get("region", filters.region)),
                         (_("Dealer"), names.get("dealer", filters.dealer)),
                         (_("Model"), filters.vehicle_model), (_("Department"), journey.department_label)):
        if value:
            narrowed.append(f"{label}: {value}")
    # The day, not the minute: the same filters drawn twice the same day give the same file (a reprint, a check).
    stamp = _("generated %(when)s") % {"when": date_format(timezone.localtime(generated_at), "Y-m-d")}
    painter.text(MARGIN, MARGIN + 28, " · ".join(narrowed), size=8.5, colour=MUTED)
    painter.text(width - MARGIN, MARGIN + 14, _summary(journey.total, journey.show_scores), size=8.5, style="bold",
                 anchor="end")
    painter.text(width - MARGIN, MARGIN + 28, stamp, size=7, colour=MUTED, anchor="end")
    if not journey.show_scores:
        painter.text(width - MARGIN, MARGIN + 38, _("Scores are not shown to dealers: figures from the customers' "
                                                    "words only."), size=7, colour=MUTED, anchor="end")
    cursor = MARGIN + 44
    if journey.department_total is not None:
        painter.rect(MARGIN, cursor, width - 2 * MARGIN, 18, fill="#fbf3e0", stroke=HIGHLIGHT)
        painter.text(MARGIN + 6, cursor + 12, (_("%(department)s's part of the journey") % {
            "department": journey.department_label}) + ": " + _summary(journey.department_total, journey.show_scores),
                     size=8.5, style="bold")
        cursor += 24
    stages = journey.stages
    columns = max(len(stages), 1)
    column_width = (width - 2 * MARGIN - 22 - GAP * (columns - 1)) / columns
    left0 = MARGIN + 22

    def column_of(number: int) -> tuple[float, float]:
        left = left0 + number * (column_width + GAP)
        return left, left + column_width

    chart_height = 150.0
    _chart(painter, journey, MARGIN, cursor, width - 2 * MARGIN, chart_height, column_of)
    cursor += chart_height + 8
    available = height - MARGIN - cursor - 22  # the stage header
    inner = column_width - 2 * PADDING
    dimming = bool(journey.filters.department)
    scale, layouts = 1.4, []  # large type for a wall, shrunk until the tallest column fits
    while True:
        layouts = [[_card_lines(painter, t, inner, scale, journey.show_scores) for t in stage.touchpoints]
                   for stage in stages]
        tallest = max((sum(_height(lines) + 2 * PADDING + 6 for lines in column) for column in layouts), default=0)
        if tallest <= available or scale <= 0.7:
            break
        scale -= 0.05
    for number, (stage, column) in enumerate(zip(stages, layouts, strict=True)):
        left, _right = column_of(number)
        highlighted = stage.is_highlighted or not dimming
        painter.rect(left, cursor, column_width, 18, fill=INK if highlighted else NEUTRAL)
        painter.text(left + PADDING, cursor + 12.5, _fit(painter, stage.stage.display_name(), column_width / 2, 10,
                                                         "bold"), size=10, style="bold", colour=PAPER)
        painter.text(left + column_width - PADDING, cursor + 12.5,
                     _fit(painter, _answers(stage.volume), column_width / 2, 7), size=7,
                     colour=PAPER, anchor="end")
        top = cursor + 22
        natural = [_height(lines) + 2 * PADDING for lines in column]
        share = available - 6 * (len(column) - 1)
        heights = natural if sum(natural) <= share else [share * h / sum(natural) for h in natural]
        for figures, lines, card_height in zip(stage.touchpoints, column, heights, strict=True):
            _draw_card(painter, figures, lines, left, top, column_width, card_height,
                       dimmed=dimming and not figures.is_highlighted)
            top += card_height + 6


# --------------------------------------------------------------------------------------------------------------------
# Renderers


def render_pdf(journey: JourneyMap, *, scope_name: str, generated_at: dt.datetime,
               names: dict[str, str] | None = None) -> bytes:
    """One A3 landscape page, uncompressed so its text can be read and checked."""
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A3_LANDSCAPE, pageCompression=0)
    canvas.setTitle(_("The customer journey"))
    canvas.setAuthor("Inside Track")
    canvas.setCreator("Inside Track")
    draw_map(PdfPainter(canvas, A3_LANDSCAPE[1]), journey, page=A3_LANDSCAPE, scope_name=scope_name,
             generated_at=generated_at, names=names)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_png(journey: JourneyMap, *, scope_name: str, generated_at: dt.datetime,
               names: dict[str, str] | None = None) -> bytes:
    """The same sheet at 150 dpi (2480 by 1754 pixels)."""
    from PIL import Image

    scale = PNG_DPI / 72
    image = Image.new("RGB", (round(A3_LANDSCAPE[0] * scale), round(A3_LANDSCAPE[1] * scale)), PAPER)
    draw_map(PngPainter(image, scale), journey, page=A3_LANDSCAPE, scope_name=scope_name, generated_at=generated_at,
             names=names)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, dpi=(PNG_DPI, PNG_DPI))
    return buffer.getvalue()


RENDERERS: dict[str, Callable[..., bytes]] = {"pdf": render_pdf, "png": render_png}


def export_filename(journey: JourneyMap, extension: str) -> str:
    filters = journey.filters.period
    parts = ["journey-map", f"{filters.first_month:%Y-%m}", f"{filters.last_month:%Y-%m}"]
    parts += [value for value in (filters.region, filters.dealer, filters.vehicle_model, journey.filters.department)
              if value]
    name = "-".join(parts)
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name) + f".{extension}"
