"""A scorecard as CSV, XLSX and an A4 PDF, rendered from the ``Scorecard`` dataclass and nothing else.

Every export goes through ``scorecard_tables``, which turns the dataclass into titled tables once; a score-free
scorecard (scores hidden from a dealer) has no NPS in its dataclass, so no export can show one.

Two choices keep the files checkable, by people and by ``tests/test_score_visibility.py`` (which fetches each URL
with every score set to 2, then 9, and compares the bytes):

- the PDF is written without stream compression and in Helvetica, so its text is in the file as written (a few
  tens of kilobytes for one or two pages); Helvetica covers Western European text, other scripts print as boxes;
- the XLSX is repacked without compression and with fixed entry dates, so the same figures give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from html import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .dashboard import rank_label
from .policies import NpsEstimate
from .response_rates import RateRow
from .scorecards import Scorecard, Share, SubjectKind

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
# Cells a spreadsheet would run as a formula (CSV injection); a CSV cell starting with one is prefixed with '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    kind: str = "text"  # text, int, nps, share, datetime


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple]


# --------------------------------------------------------------------------------------------------------------------
# Tables


def _nps_cells(label: str, estimate: NpsEstimate) -> tuple:
    return (label, estimate.nps, estimate.low, estimate.high, estimate.n, rank_label(estimate))


def _nps_columns(first: str) -> tuple[Column, ...]:
    return (Column(first), Column(_("NPS"), "nps"), Column(_("95% interval from"), "nps"),
            Column(_("95% interval to"), "nps"), Column(_("Answers"), "int"), Column(_("Note")))


def _rate_columns(first: str, with_counts: bool) -> tuple[Column, ...]:
    counts = (Column(_("Sent"), "int"), Column(_("Opened"), "int"), Column(_("Answered"), "int")) \
        if with_counts else ()
    return (Column(first), *counts, Column(_("Opened rate"), "share"), Column(_("Response rate"), "share"),
            Column(_("Note")))


def _rate_cells(label: str, row: RateRow, with_counts: bool) -> tuple:
    counts = (row.sent, row.opened, row.answered) if with_counts else ()
    note = _("too few invitations to show a rate") if row.is_withheld else (
        _("week in progress") if row.is_partial else "")
    return (label, *counts, row.opened_rate, row.answered_rate, note)


def _share_basis(share: Share) -> str:
    if share.denominator is None:
        return ""
    basis = _("%(numerator)s of %(denominator)s") % {"numerator": share.numerator, "denominator": share.denominator}
    if not share.is_rankable:
        basis += " · " + _("too few to compare")
    return basis


def scorecard_tables(card: Scorecard) -> list[Table]:
    """The scorecard as titled tables, in the order every export shows them (built in the current language)."""
    subject = card.subject
    scope = {SubjectKind.BRAND: _("Brand"), SubjectKind.REGION: _("Region"), SubjectKind.DEALER: _("Dealer")}
    summary = [(_("Scorecard"), subject.name), (scope[subject.kind], subject.code)]
    if subject.detail:
        summary.append((_("Region"), subject.detail))
    summary += [(_("Period"), card.period.label),
                (_("Response rates"), _("the last %(weeks)s ISO weeks") % {"weeks": len(card.rates.by_week)}),
                (_("Generated"), date_format(timezone.localtime(card.generated_at), "Y-m-d H:i T"))]
    tables = [Table("summary", _("Scorecard"), (Column(_("Item")), Column(_("Value"))), summary)]
    nps = card.nps
    if nps is not None:
        change = ""
        if nps.change is not None:
            change = _("change %(difference)s points, %(verdict)s") % {
                "difference": f"{nps.change.difference:+.0f}",
                "verdict": _("significant at 95%") if nps.is_change_significant else _("within chance")}
        tables.append(Table("nps", _("Net Promoter Score"), _nps_columns(_("Period")), [
            _nps_cells(card.period.label, nps.overall),
            (*_nps_cells(_("Previous period"), nps.previous)[:-1],
             " · ".join(part for part in (rank_label(nps.previous), change) if part)),
        ]))
        tables.append(Table("nps_trend", _("NPS by month"), _nps_columns(_("Month")),
                            [_nps_cells(row.label, row.estimate) for row in nps.trend]))
        tables.append(Table("nps_touchpoint", _("NPS by touchpoint"), _nps_columns(_("Touchpoint")),
                            [_nps_cells(row.label, row.estimate) for row in nps.by_touchpoint]))
        if nps.unit_kind:
            unit = _("Dealer") if nps.unit_kind == SubjectKind.DEALER else _("Region")
            title = _("NPS by dealer") if nps.unit_kind == SubjectKind.DEALER else _("NPS by region")
            tables.append(Table("nps_unit", title, _nps_columns(unit),
                                [_nps_cells(row.label, row.estimate) for row in nps.by_unit]))
    rates, with_counts = card.rates, card.rates.with_counts
    tables.append(Table("rates", _("Response rates"), _rate_columns(_("Touchpoint"), with_counts), [
        _rate_cells(_("All touchpoints"), rates.overall, with_counts),
        *(_rate_cells(row.label, row, with_counts) for row in rates.by_touchpoint)]))
    tables.append(Table("rates_week", _("Response rates by week"), _rate_columns(_("Week"), with_counts),
                        [_rate_cells(row.label, row, with_counts) for row in rates.by_week]))
    loop = card.closed_loop
    loop_rows = [(_("Cases opened in the period"), loop.cases, None, ""),
                 (_("Open now"), loop.open_now, None, ""),
                 (_("Overdue now"), loop.overdue_now, None, ""),
                 (_("Answered within 24 hours"), None, loop.within_24_hours.value, _share_basis(loop.within_24_hours)),
                 (_("Answered by the deadline"), None, loop.on_time.value, _share_basis(loop.on_time)),
                 (_("Put right, as the customer confirmed"), None, loop.put_right.value, _share_basis(loop.put_right))]
    if loop.recovered is not None:
        loop_rows.append((_("Recovered (follow-up 9-10)"), None, loop.recovered.value, _share_basis(loop.recovered)))
    if loop.cases_by_kind is not None:
        from insidetrack.cases.policies import CaseKind

        loop_rows += [(str(CaseKind(kind).label), count, None, "") for kind, count in loop.cases_by_kind.items()]
    tables.append(Table("closed_loop", _("Closed loop"), (Column(_("Measure")), Column(_("Count"), "int"),
                                                          Column(_("Share"), "share"), Column(_("Based on"))),
                        loop_rows))
    tables.append(Table("themes", _("Themes"), (Column(_("Theme")), Column(_("Cases"), "int"), Column(_("Source"))),
                        [(row.label, row.count, _("root cause of resolved cases") if row.source == "root_cause"
                          else _("verbatims")) for row in card.themes]))
    verbatim_columns = (Column(_("Submitted"), "datetime"), Column(_("Touchpoint")), Column(_("Dealer")),
                        *((Column(_("Score"), "int"),) if card.show_scores else ()), Column(_("Verbatim")))
    tables.append(Table("verbatims", _("Latest verbatims"), verbatim_columns, [
        (row.submitted_at, row.touchpoint, row.dealer, *((row.score,) if card.show_scores else ()), row.text)
        for row in card.verbatims]))
    return tables


def scorecard_filename(card: Scorecard, extension: str) -> str:
    first, last = card.period.filters.first_month, card.period.filters.last_month
    code = "".join(c if c.isalnum() or c in "-_" else "-" for c in card.subject.code)
    return f"scorecard-{card.subject.kind}-{code}-{first:%Y-%m}-{last:%Y-%m}.{extension}"


# --------------------------------------------------------------------------------------------------------------------
# Cell formatting


def _signed(value: float | None) -> str:
    if value is None:
        return "—"
    rounded = round(value)
    return "0" if rounded == 0 else f"{rounded:+d}"


def _text(value: object, kind: str) -> str:
    """A cell as people read it (PDF)."""
    if value is None or value == "":
        return "" if kind == "text" else "—"
    if kind == "nps":
        return _signed(value)
    if kind == "share":
        return f"{100 * value:.0f}%"
    if kind == "datetime":
        return date_format(timezone.localtime(value), "Y-m-d")
    return str(value)


def _plain(value: object, kind: str) -> object:
    """A cell as a spreadsheet stores it: numbers stay numbers (NPS to one decimal, shares as fractions)."""
    if value is None:
        return None
    if kind == "nps":
        return round(value, 1)
    if kind == "share":
        return round(value, 4)
    if kind == "datetime":
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    return value


# --------------------------------------------------------------------------------------------------------------------
# CSV


def render_csv(card: Scorecard) -> bytes:
    """Each table: its title, a header and its rows, then a blank line. UTF-8 with a byte-order mark (so Excel
    reads the accents), shares as fractions, NPS to one decimal."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for table in scorecard_tables(card):
        writer.writerow([table.title])
        writer.writerow([column.title for column in table.columns])
        for row in table.rows:
            cells = []
            for value, column in zip(row, table.columns, strict=True):
                plain = _plain(value, column.kind)
                if isinstance(plain, dt.datetime):
                    plain = plain.isoformat(sep=" ")
                if isinstance(plain, str) and plain.startswith(_FORMULA_START):
                    plain = "'" + plain
                cells.append("" if plain is None else plain)
            writer.writerow(cells)
        writer.writerow([])
    return ("\ufeff" + buffer.getvalue()).encode()


# --------------------------------------------------------------------------------------------------------------------
# XLSX


_NUMBER_FORMATS = {"nps": "+0.0;-0.0;0.0", "share": "0%", "int": "0", "datetime": "yyyy-mm-dd hh:mm"}


def _sheet_title(title: str, used: set[str]) -> str:
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title)[:31].strip() or "Sheet"
    candidate, index = cleaned, 2
    while candidate.lower() in used:
        candidate = f"{cleaned[:28]} {index}"
        index += 1
    used.add(candidate.lower())
    return candidate


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _deterministic(data: bytes, when: dt.datetime) -> bytes:
    """The same workbook as uncompressed entries dated when the scorecard was generated (openpyxl stamps the second
    it saved), so equal figures give equal bytes and the text stays readable to a leak check."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, 0)
    modified = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + modified + rb"\g<2>", content)
            target.writestr(zipfile.ZipInfo(entry.filename, date_time=stamp), content)
    return output.getvalue()


def render_xlsx(card: Scorecard) -> bytes:
    """One sheet per table, a bold header row, numbers stored as numbers with a display format."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    # To the minute, as the summary sheet shows it: two downloads in the same minute are byte for byte the same.
    generated = card.generated_at.astimezone(dt.UTC).replace(tzinfo=None, second=0, microsecond=0)
    workbook.properties.creator = "Inside Track"
    workbook.properties.title = _("Scorecard: %(name)s") % {"name": card.subject.name}
    workbook.properties.created = generated
    used: set[str] = set()
    for table in scorecard_tables(card):
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        sheet.append([column.title for column in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_plain(value, column.kind) for value, column in zip(row, table.columns, strict=True)])
            for cell, column in zip(sheet[sheet.max_row], table.columns, strict=True):
                if column.kind in _NUMBER_FORMATS:
                    cell.number_format = _NUMBER_FORMATS[column.kind]
                elif isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # a verbatim starting with "=" is text, not a formula
        for index, column in enumerate(table.columns, start=1):
            widest = max([len(column.title), *(len(_text(row[index - 1], column.kind)) for row in table.rows)])
            sheet.column_dimensions[get_column_letter(index)].width = min(max(10, widest + 2), 80)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _deterministic(buffer.getvalue(), generated)


# --------------------------------------------------------------------------------------------------------------------
# PDF


def _trend_chart(card: Scorecard, width: float, height: float):
    """NPS by month as a line with its 95% interval as a shaded band; months without answers leave a gap."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, String
    from reportlab.lib import colors

    assert card.nps is not None
    rows = card.nps.trend
    drawing = Drawing(width, height)
    left, right, bottom, top = 30, width - 8, 18, height - 14
    known = [row.estimate for row in rows if row.estimate.n]
    low = min((e.low for e in known), default=-20.0)
    high = max((e.high for e in known), default=20.0)
    low, high = max(-100, 10 * ((int(low) - 10) // 10)), min(100, 10 * ((int(high) + 19) // 10))
    if high - low < 20:
        high = min(100, low + 20)

    def x(index: int) -> float:
        return left + (right - left) * (index + 0.5) / max(len(rows), 1)

    def y(value: float) -> float:
        return bottom + (top - bottom) * (value - low) / (high - low)

    drawing.add(String(left, height - 9, _("NPS by month, with its 95% interval"), fontName="Helvetica-Bold",
                       fontSize=8))
    step = 10 if high - low <= 60 else 20 if high - low <= 120 else 50
    for tick in range(-(-int(low) // step) * step, int(high) + 1, step):  # multiples of the step only
        drawing.add(Line(left, y(tick), right, y(tick), strokeColor=colors.HexColor("#e3e6ea"), strokeWidth=0.5))
        drawing.add(String(left - 4, y(tick) - 2.5, _signed(tick), fontName="Helvetica", fontSize=6.5,
                           textAnchor="end"))
    if low < 0 < high:
        drawing.add(Line(left, y(0), right, y(0), strokeColor=colors.HexColor("#9aa3ad"), strokeWidth=0.6))
    runs: list[list[int]] = []
    for index, row in enumerate(rows):
        if row.estimate.n:
            if runs and runs[-1][-1] == index - 1:
                runs[-1].append(index)
            else:
                runs.append([index])
    band = colors.HexColor("#c9dcf2")
    line = colors.HexColor("#1f5fa8")
    for run in runs:
        estimates = [rows[i].estimate for i in run]
        if len(run) == 1:
            drawing.add(Line(x(run[0]), y(estimates[0].low), x(run[0]), y(estimates[0].high), strokeColor=band,
                             strokeWidth=4))
        else:
            upper = [coordinate for i, e in zip(run, estimates, strict=True) for coordinate in (x(i), y(e.high))]
            lower = [coordinate for i, e in reversed(list(zip(run, estimates, strict=True)))
                     for coordinate in (x(i), y(e.low))]
            drawing.add(Polygon(upper + lower, fillColor=band, strokeColor=None))
            drawing.add(PolyLine([c for i, e in zip(run, estimates, strict=True) for c in (x(i), y(e.nps))],
                                 strokeColor=line, strokeWidth=1.2))
        for i, e in zip(run, estimates, strict=True):
            drawing.add(Circle(x(i), y(e.nps), 1.8, fillColor=line if e.is_rankable else colors.white,
                               strokeColor=line, strokeWidth=0.8))
    for index, row in enumerate(rows):
        month = dt.date.fromisoformat(f"{row.key}-01")
        drawing.add(String(x(index), 6, date_format(month, "M y"), fontName="Helvetica", fontSize=6,
                           textAnchor="middle"))
    return drawing


def render_pdf(card: Scorecard) -> bytes:
    """A readable A4 page or two: the headline figures, the trend chart (with scores), then the tables."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["Normal"], fontName="Helvetica", fontSize=8, leading=10)
    small = ParagraphStyle("small", parent=body, fontSize=7, leading=8.5, textColor=colors.HexColor("#5b6470"))
    heading = ParagraphStyle("heading", parent=styles["Heading2"], fontName="Helvetica-Bold", fontSize=10.5,
                             spaceBefore=6, spaceAfter=3)
    title = ParagraphStyle("title", parent=styles["Title"], fontName="Helvetica-Bold", fontSize=16, alignment=0,
                           spaceAfter=2)
    figure = ParagraphStyle("figure", parent=body, fontName="Helvetica-Bold", fontSize=13, leading=15)
    tables = {table.key: table for table in scorecard_tables(card)}
    width = A4[0] - 30 * mm

    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                                 bottomMargin=14 * mm, pageCompression=0,
                                 title=_("Scorecard: %(name)s") % {"name": card.subject.name},
                                 author="Inside Track", creator="Inside Track")
    subject = card.subject
    line = " · ".join(part for part in (subject.detail, card.period.label, _("generated %(when)s") % {
        "when": date_format(timezone.localtime(card.generated_at), "Y-m-d H:i T")}) if part)
    story: list = [Paragraph(escape(_("Scorecard: %(name)s") % {"name": subject.name}), title),
                   Paragraph(escape(line), small), Spacer(1, 4 * mm)]

    # Headline figures.
    loop, rates = card.closed_loop, card.rates
    cells = []
    if card.nps is not None:
        overall = card.nps.overall
        value = f"{_signed(overall.nps)} ± {overall.margin:.0f}" if overall.n else "—"
        note = _("%(n)s answers, 95%% interval %(low)s to %(high)s") % {
            "n": overall.n, "low": _signed(overall.low), "high": _signed(overall.high)} if overall.n else ""
        cells.append((_("Net Promoter Score"), value, " · ".join(p for p in (note, rank_label(overall)) if p)))
    rate = rates.overall
    cells.append((_("Response rate"), _text(rate.answered_rate, "share"),
                  _("too few invitations to show a rate") if rate.is_withheld else (
                      _("%(answered)s answered of %(sent)s sent") % {"answered": rate.answered, "sent": rate.sent}
                      if rate.sent is not None else _("the last %(weeks)s weeks") % {"weeks": len(rates.by_week)})))
    cells.append((_("Open cases"), str(loop.open_now), _("%(overdue)s overdue") % {"overdue": loop.overdue_now}))
    cells.append((_("Answered within 24 hours"), _text(loop.within_24_hours.value, "share"),
                  _share_basis(loop.within_24_hours)))
    headline = PdfTable([[[Paragraph(escape(label), small), Paragraph(escape(value), figure),
                           Paragraph(escape(note), small)] for label, value, note in cells]],
                        colWidths=[width / len(cells)] * len(cells))
    headline.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#c5ccd4")),
                                  ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#c5ccd4")),
                                  ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                  ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f6f8fa"))]))
    story += [headline, Spacer(1, 3 * mm)]
    if card.nps is not None:
        story += [_trend_chart(card, width, 52 * mm), Spacer(1, 2 * mm)]
    else:
        story.append(Paragraph(escape(_("Your brand shows dealers their customers' words, response rates and "
                                        "closed-loop work; it does not show them figures built from ratings.")),
                               small))

    def pdf_table(table, *, text_column: int | None = None):
        widths = None
        if text_column is not None:
            fixed = 26 * mm
            widths = [fixed] * len(table.columns)
            widths[text_column] = width - fixed * (len(table.columns) - 1)
        data = [[Paragraph(escape(c.title), small) for c in table.columns]]
        for row in table.rows:
            data.append([Paragraph(escape(_text(value, column.kind)), body)
                         for value, column in zip(row, table.columns, strict=True)])
        result = PdfTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        result.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#9aa3ad")),
                                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#e3e6ea")),
                                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                    ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
        return result

    def section(key: str, *, text_column: int | None = None, empty: str = "") -> None:
        table = tables.get(key)
        if table is None:
            return
        parts = [Paragraph(escape(table.title), heading)]
        parts.append(pdf_table(table, text_column=text_column) if table.rows else Paragraph(escape(empty), small))
        story.append(KeepTogether(parts) if len(table.rows) < 15 else parts[0])
        if len(table.rows) >= 15:
            story.append(parts[1])

    section("nps_touchpoint", text_column=0, empty=_("No answers in this period."))
    section("nps_unit", text_column=0, empty=_("No answers in this period."))
    # Weeks across the page rather than down it: thirteen short columns.
    weekly = tables["rates_week"]
    rate_index = [c.title for c in weekly.columns].index(_("Response rate"))
    week_data = [[Paragraph(escape(_("Week")), small), *(Paragraph(escape(row[0][-3:]), small)
                                                         for row in weekly.rows)],
                 [Paragraph(escape(_("Response rate")), small),
                  *(Paragraph(escape(_text(row[rate_index], "share")), body) for row in weekly.rows)]]
    week_table = PdfTable(week_data, colWidths=[26 * mm] + [(width - 26 * mm) / max(len(weekly.rows), 1)]
                          * len(weekly.rows), hAlign="LEFT")
    week_table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#9aa3ad")),
                                    ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    story.append(KeepTogether([Paragraph(escape(tables["rates"].title), heading),
                               pdf_table(tables["rates"], text_column=0), Spacer(1, 2 * mm), week_table]))
    section("closed_loop", text_column=0)
    section("themes", text_column=0, empty=_("No root cause recorded on a case resolved in this period."))
    verbatims = tables["verbatims"]
    story.append(Paragraph(escape(verbatims.title), heading))
    if not verbatims.rows:
        story.append(Paragraph(escape(_("No verbatims in this period.")), small))
    for row in verbatims.rows:
        meta = " · ".join(_text(value, column.kind) for value, column in zip(row[:-1], verbatims.columns,
                                                                             strict=False))
        story.append(Paragraph(f"“{escape(row[-1])}”", body))
        story.append(Paragraph(escape(meta), small))
        story.append(Spacer(1, 1.5 * mm))
    document.build(story)
    return buffer.getvalue()


RENDERERS = {"csv": render_csv, "xlsx": render_xlsx, "pdf": render_pdf}
