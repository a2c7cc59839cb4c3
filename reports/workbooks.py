"""Spreadsheets, written in openpyxl's write-only mode from the same rows as the pages.

Every sheet is an administrative report as Decree 30/2020/NĐ-CP presents one: the issuing
authority and the national motto, each with its rule, "Số: …/BC-UBND", the place and date, the
title; an STT column; one header row (frozen, filtered, repeated on every printed page); real
numbers in cells (counts as integers, rates as fractions formatted `0.0%`), missed results
filled in light red and also written in words; rows as tall as their wrapped text; under the
table "Nơi nhận" and the signature block with room to sign; Times New Roman throughout; A4
landscape, never printed under 9 pt (a sheet too wide is split across pages, its first
columns repeated), "Trang n/N" in the footer. Text that a spreadsheet program could take for a
formula (= + - @) is stored as plain text.

Each distinct format is one named style, registered once per workbook (`new_workbook`); a cell
takes its style by name. Setting a font, fill, border or alignment on a cell instead makes
openpyxl hash that object into the workbook's style tables on every assignment, which cost
about half of writing the year-end workbook. Rows are written as they come, so a generator of
rows (the per-procedure detail) is never held in memory.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.borders import DEFAULT_BORDER
from openpyxl.styles.fills import DEFAULT_EMPTY_FILL
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from targets.arithmetic import Measure, Status, rate_fraction
from targets.breakdowns import ProcedureLine
from targets.results import Progress
from submissions.rules import month_range_label
from units.models import PROVINCE_KIND_LABELS, UnitKind

from .rows import (
    Column,
    Rate,
    procedure_columns,
    procedure_rows,
    rules_shown,
    scoring_columns,
    summary_columns,
    summary_rows,
    unit_rows,
)
from .wording import NOT_APPLICABLE, NOT_SCORED, status_label, target_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADER_ROW = 9  # rows 1–7: the title block; row 8: the rules over their columns
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

PAPER_A4 = "9"  # the paperSize code of A4 in SpreadsheetML
RATE_FORMAT = "0.0%"
WHOLE_RATE_FORMAT = "0%"
COUNT_FORMAT = "#,##0"
SCORE_FORMAT = "0.00"
GENERAL = "General"

FONT_NAME = "Times New Roman"  # the font of administrative documents
BODY_PT = 12
MIN_PRINTED_PT = 9  # no body text printed smaller: a sheet that would need it is split instead
LINE_PT = 15.75  # the height of one line of 12-pt Times New Roman
THIN = Side(style="thin", color="9AA5B1")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
PLAIN = Font(name=FONT_NAME, size=BODY_PT)
BOLD = Font(name=FONT_NAME, size=BODY_PT, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
ITALIC = Font(name=FONT_NAME, size=BODY_PT, italic=True)
RULED = Font(name=FONT_NAME, size=BODY_PT, bold=True, underline="single")  # a block's line with its rule under it
MOTTO_FONT = Font(name=FONT_NAME, size=13, bold=True, underline="single")
RECIPIENTS_TITLE = Font(name=FONT_NAME, size=BODY_PT, bold=True, italic=True)
RECIPIENT = Font(name=FONT_NAME, size=BODY_PT)  # 11 pt in a letter; here printed at 75 % at worst
HEADER_FILL = PatternFill("solid", fgColor="E3E7EB")
GROUP_FILL = PatternFill("solid", fgColor="F1F3F5")
MISSED_FILL = PatternFill("solid", fgColor="F8C9C4")  # light red
AT_RISK_FILL = PatternFill("solid", fgColor="FFE9B8")
NO_DATA_FILL = PatternFill("solid", fgColor="E6E8EB")
MISSED_FONT = Font(name=FONT_NAME, size=BODY_PT, bold=True, color="8B1A12")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
CENTER_TOP = Alignment(horizontal="center", vertical="top", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="top")


# ---------------------------------------------------------------------------------------------
# Formats: one named style each (names are internal; a spreadsheet program lists them among
# its cell styles)


def _format(*, font=PLAIN, fill=DEFAULT_EMPTY_FILL, border=DEFAULT_BORDER, alignment=None,
            number_format=GENERAL) -> dict:
    """What a cell looks like; a part left out is the workbook's default (as on an unstyled cell)."""
    return {"font": font, "fill": fill, "border": border, "alignment": alignment or Alignment(),
            "number_format": number_format}


# The title block and the closing
TITLE = "dvctt title"
HEADING = "dvctt heading"
NOTE_LINE = "dvctt note line"
AUTHORITY = "dvctt authority"  # ỦY BAN NHÂN DÂN
AUTHORITY_NAME = "dvctt authority name"  # HUYỆN ĐỨC THỌ, with its rule
NATION = "dvctt nation"
MOTTO = "dvctt motto"
NUMBER_LINE = "dvctt number line"  # Số: …/BC-UBND
DATE_LINE = "dvctt date line"  # Đức Thọ, ngày … tháng … năm …
RECIPIENTS = "dvctt recipients title"
RECIPIENT_LINE = "dvctt recipient"
SIGNER = "dvctt signer"
SIGNER_NAME = "dvctt signer name"
RULE_GROUP = "dvctt rule group"
HEADER = "dvctt header"
LABEL = "dvctt label"
# The table
TEXT = "dvctt text"  # also a number without format (a missing target, no points lost)
WRAPPED = "dvctt wrapped text"
MISSED = "dvctt missed"  # the status "missed" in words, and the points lost
AT_RISK = "dvctt at risk"
NO_DATA = "dvctt no data"

FORMATS = {
    AUTHORITY: _format(alignment=CENTER),
    AUTHORITY_NAME: _format(font=RULED, alignment=CENTER),
    NATION: _format(font=BOLD, alignment=CENTER),
    MOTTO: _format(font=MOTTO_FONT, alignment=CENTER),
    NUMBER_LINE: _format(alignment=CENTER),
    DATE_LINE: _format(font=ITALIC, alignment=CENTER),
    RECIPIENTS: _format(font=RECIPIENTS_TITLE, alignment=LEFT),
    RECIPIENT_LINE: _format(font=RECIPIENT, alignment=LEFT),
    SIGNER: _format(font=BOLD, alignment=CENTER_TOP),
    SIGNER_NAME: _format(font=BOLD, alignment=CENTER),
    TITLE: _format(font=TITLE_FONT, alignment=CENTER),
    HEADING: _format(font=BOLD, alignment=CENTER),
    NOTE_LINE: _format(font=ITALIC, alignment=CENTER),
    RULE_GROUP: _format(font=BOLD, fill=GROUP_FILL, border=BORDER, alignment=CENTER),
    HEADER: _format(font=BOLD, fill=HEADER_FILL, border=BORDER, alignment=CENTER),
    LABEL: _format(font=BOLD),
    TEXT: _format(border=BORDER, alignment=WRAP),
    WRAPPED: _format(border=BORDER, alignment=WRAP),
    "dvctt number": _format(border=BORDER, alignment=Alignment(horizontal="center", vertical="top")),
    MISSED: _format(font=MISSED_FONT, fill=MISSED_FILL, border=BORDER, alignment=WRAP),
    AT_RISK: _format(fill=AT_RISK_FILL, border=BORDER, alignment=WRAP),
    NO_DATA: _format(fill=NO_DATA_FILL, border=BORDER, alignment=WRAP),
}

# A status cell by its status (met, on track and "does not apply" are plain text).
STATUS_STYLES = {Status.MISSED: MISSED, Status.AT_RISK: AT_RISK, Status.NO_DATA: NO_DATA}

# A number cell by (number format, whether its rule is missed for the unit: filled light red).
NUMBER_STYLES = {(GENERAL, False): TEXT, (GENERAL, True): "dvctt text missed"}
for _number_format, _name in ((COUNT_FORMAT, "dvctt count"), (RATE_FORMAT, "dvctt rate"),
                              (WHOLE_RATE_FORMAT, "dvctt whole rate"), (SCORE_FORMAT, "dvctt score")):
    NUMBER_STYLES[_number_format, False] = _name
    FORMATS[_name] = _format(border=BORDER, number_format=_number_format, alignment=Alignment(vertical="top"))
    NUMBER_STYLES[_number_format, True] = f"{_name} missed"
    FORMATS[f"{_name} missed"] = _format(fill=MISSED_FILL, border=BORDER, number_format=_number_format,
                                         alignment=Alignment(vertical="top"))
FORMATS["dvctt text missed"] = _format(fill=MISSED_FILL, border=BORDER, alignment=WRAP)


def register_styles(wb: Workbook) -> None:
    for name, parts in FORMATS.items():
        wb.add_named_style(NamedStyle(name=name, **parts))


# ---------------------------------------------------------------------------------------------
# Cells


def text_cell(ws, value, style: str | None = None) -> WriteOnlyCell:
    """A text cell; one that starts like a formula is kept as text (string type, quote prefix)."""
    cell = WriteOnlyCell(ws, value=None if value is None else str(value))
    if style is not None:
        cell.style = style
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def number_cell(ws, value, *, number_format: str = GENERAL, missed: bool = False, style: str | None = None):
    cell = WriteOnlyCell(ws, value=value)
    cell.style = style or NUMBER_STYLES[number_format, missed]
    return cell


def rate_value(rate: Rate | None) -> float | None:
    """The engine's sums as the exact fraction online ÷ total, stored as a number."""
    if rate is None or rate.total == 0:
        return None
    return float(rate_fraction(rate.online, rate.total))


def target_value(target, measure: str):
    """A percent target (a rate, a share of procedures) as a fraction (25 → 0.25, shown 25%), a
    count target as an integer."""
    if measure != Measure.COUNT:
        return float(Fraction(target) / 100), WHOLE_RATE_FORMAT if target == target.to_integral_value() else RATE_FORMAT
    return int(target), COUNT_FORMAT


def points_value(points):
    return int(points) if points == points.to_integral_value() else float(points)


def _status_of(column: Column, row: dict):
    group = column.key.split("_", 1)[0] if column.rule is not None else None
    return row.get(f"{group}_status") if group else None


def data_cell(ws, column: Column, row: dict) -> WriteOnlyCell:
    value = row.get(column.key)
    kind = column.kind
    if kind == "number":
        return number_cell(ws, value, style="dvctt number")
    if kind == "share":  # a percentage computed by the engine (Decimal), shown as 0.0%
        return number_cell(ws, None if value is None else float(value / 100), number_format=RATE_FORMAT)
    if kind == "text":
        return text_cell(ws, value, WRAPPED if column.width >= 30 else TEXT)
    if kind == "status":
        return text_cell(ws, NOT_APPLICABLE if value is None else status_label(value), STATUS_STYLES.get(value, TEXT))
    if kind == "points":  # points lost are marked like a missed status
        return number_cell(ws, points_value(value), style=MISSED if value else TEXT)
    if kind == "score":  # points earned, a score: "N/A" when a proportional rule has no value
        if value is None:
            return text_cell(ws, NOT_SCORED, TEXT)
        return number_cell(ws, float(value), number_format=SCORE_FORMAT)
    missed = _status_of(column, row) == Status.MISSED
    if kind == "count" or (kind == "value" and not isinstance(value, Rate)):
        return number_cell(ws, value, number_format=COUNT_FORMAT, missed=missed)
    if kind in ("rate", "value"):
        return number_cell(ws, rate_value(value), number_format=RATE_FORMAT, missed=missed)
    if kind == "target":
        if value is None:
            return number_cell(ws, None, missed=missed)
        measure = column.rule.measure if column.rule is not None else row.get("measure")
        value, number_format = target_value(value, measure)
        return number_cell(ws, value, number_format=number_format, missed=missed)
    raise ValueError(f"unknown column kind {kind!r}")


# ---------------------------------------------------------------------------------------------
# Sheets


def official_date(day: date) -> str:
    """30/9/2020, as dates are written in the text of official letters."""
    return f"{day.day}/{day.month}/{day.year}"


def dated_line(place: str, day: date) -> str:
    """"Đức Thọ, ngày 05 tháng 12 năm 2026": days under 10 and the months 1 and 2 take a leading
    zero (Decree 30/2020/NĐ-CP, appendix I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place, "day": f"{day.day:02d}", "month": month, "year": day.year}


def title_lines(progress: Progress, *, produced_on: date) -> dict:
    policy = progress.policy
    return {
        **document_lines(policy.district, produced_on=produced_on),
        "document": _("Theo Công văn số %(number)s ngày %(date)s") % {
            "number": policy.document_number,
            "date": official_date(policy.document_date),
        },
        "period": _("Số liệu từ tháng 1 đến hết tháng %(through)s/%(year)s") % {
            "through": progress.through,
            "year": progress.year,
        },
    }


def document_lines(district, *, produced_on: date) -> dict:
    """The issuing authority, the motto, the number, place and date, and who signs: every report's."""
    return {
        "authority": _("ỦY BAN NHÂN DÂN"),
        "authority_name": district.name.upper(),
        "nation": _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "motto": _("Độc lập - Tự do - Hạnh phúc"),
        "number": _("Số:        /%(symbol)s") % {"symbol": district.report_symbol},
        "dated": dated_line(district.place, produced_on),
        "recipients": [line.strip() for line in district.recipients.splitlines() if line.strip()],
        "preparer": [district.preparer_title],
        "preparer_name": district.preparer_name,
        "signer": [line for line in (district.signer_on_behalf, district.signer_capacity, district.signer_title) if line],
        "signer_name": district.signer_name,
    }


def text_lines(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines `text` takes in a column `width` characters wide (widths count the widest
    digit of 12-pt Times New Roman; its letters are narrower on average, bold ones less so)."""
    per_line = max(1, int(width * (0.95 if bold else 1.1)) - 1)
    return sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))


PRINTABLE_PT = 842 - 2 * 0.4 * 72  # A4 landscape less the side margins, in points
DIGIT_PX = 8  # the widest digit of 12-pt Times New Roman, the unit of column widths (96 dpi)


def printed_scale(widths) -> int:
    """The largest print scale (per cent) at which the columns fit the width of an A4 landscape
    page: a column w characters wide is w × 8 + 5 pixels of 0.75 pt (the workbook's default
    font is 12-pt Times New Roman), with 3 % to spare for the programs' rounding."""
    sheet_pt = sum(width * DIGIT_PX + 5 for width in widths) * 0.75
    return min(100, int(97 * PRINTABLE_PT / sheet_pt))


class SheetWriter:
    """One table on one worksheet: title block, rule groups, header, rows, closing, print settings.

    `numbered` adds the STT column; `closing` what follows the table: "recipients" (Nơi nhận and
    the signatures: the report itself), "signatures" (an annex), or nothing.
    """

    def __init__(self, wb, *, sheet_title: str, columns: list[Column], title: str, subtitle: str, lines: dict,
                 frozen_columns: int = 2, notes: Iterable[str] = (), numbered: bool = True):
        self.ws = wb.create_sheet(sheet_title[:31])
        if numbered:
            columns = [Column("stt", _("STT"), "number", width=5), *columns]
            frozen_columns += 1
        self.columns = columns
        self.numbered = numbered
        self.lines = lines
        self.width = len(columns)
        self.print_width = self.width  # the columns of the first printed page
        self.last_letter = get_column_letter(self.width)
        self.row = 0
        ws = self.ws
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{HEADER_ROW + 1}"
        self._print_settings(frozen_columns)
        self._title_block(title, subtitle, lines, notes)

    def _print_settings(self, frozen_columns: int):
        """A4 landscape at the largest scale that fits the width, but never under 9-pt text: a
        wider sheet is printed at that floor across pages, its first columns on every page."""
        ws = self.ws
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = PAPER_A4
        floor = -(-MIN_PRINTED_PT * 100 // BODY_PT)  # 75 %
        scale = printed_scale(column.width for column in self.columns)
        if scale < floor:
            scale = floor
            ws.print_title_cols = f"A:{get_column_letter(frozen_columns)}"
            breaks = self._page_breaks(frozen_columns, floor)
            for after in breaks:
                ws.col_breaks.append(Break(id=after))
            if breaks:  # the title and the signatures stand on the first page
                self.print_width = breaks[0]
        ws.page_setup.scale = scale
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.page_margins.footer = 0.25
        ws.oddFooter.center.text = _("Trang &P/&N")
        ws.oddFooter.center.font = f"{FONT_NAME},Regular"
        ws.oddFooter.center.size = BODY_PT  # scaled with the sheet, like the body

    def _page_breaks(self, frozen_columns: int, scale: int) -> list[int]:
        """Where a sheet too wide for one page is cut: between rules, never inside one, each
        page holding the repeated first columns and as many whole rules as fit."""
        def points(columns) -> float:
            return sum(column.width * DIGIT_PX + 5 for column in columns) * 0.75

        room = 97 * PRINTABLE_PT / scale - points(self.columns[:frozen_columns])
        groups, index = [], frozen_columns
        while index < self.width:  # consecutive columns of one rule stay together
            end = index + 1
            while end < self.width and self.columns[index].rule is not None and self.columns[end].rule == self.columns[index].rule:
                end += 1
            groups.append((index, end))
            index = end
        breaks, used = [], 0.0
        for first, end in groups:
            width = points(self.columns[first:end])
            if used and used + width > room:
                breaks.append(first)  # the break falls after column `first` (1-based: the last one of the page)
                used = 0.0
            used += width
        return breaks

    def _merge(self, first: int, last: int, row: int):
        if last > first:
            self.ws.merged_cells.add(f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}")

    def _append(self, cells, *, height: float | None = None):
        if height is not None:
            self.ws.row_dimensions[self.row + 1].height = height
        self.ws.append(cells)
        self.row += 1

    def _span_width(self, first: int, last: int) -> float:
        return sum(column.width for column in self.columns[first - 1:last])

    def _line(self, value, *, style: str, first=1, last=None, height: float | None = None):
        last = last or self.print_width
        self._merge(first, last, self.row + 1)
        cells = [None] * (first - 1) + [text_cell(self.ws, value, style)]
        if height is None:  # a merged cell does not grow with its text when printed
            height = LINE_PT * text_lines(value, self._span_width(first, last) * 0.85)
        self._append(cells, height=max(height, LINE_PT))

    def _spans(self, shares: list[float]) -> list[tuple[int, int]]:
        """Consecutive column spans, each about its share of the sheet's width (at least one
        column each, as long as there are columns)."""
        width = self.print_width
        total = self._span_width(1, width)
        spans, first, goal = [], 1, 0.0
        for position, share in enumerate(shares):
            goal += share * total
            last = first
            left = len(shares) - position - 1  # spans still to come need a column each
            while last < width - left and self._span_width(1, last) + self.columns[last].width / 2 < goal:
                last += 1
            spans.append((first, min(last, width)))
            first = min(last, width) + 1
        return spans

    def _blocks(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The columns under the left block (the authority) and the right one (the motto)."""
        left, _gap, right = self._spans([0.4, 0.1, 0.5])
        return left, (right[0], self.print_width)

    def _pair(self, left, left_style, right, right_style, *, height=LINE_PT + 2):
        (left_first, left_last), (right_first, right_last) = self._blocks()
        self._merge(left_first, left_last, self.row + 1)
        self._merge(right_first, right_last, self.row + 1)
        cells = [text_cell(self.ws, left or None, left_style)]
        cells += [None] * (right_first - 2)
        cells.append(text_cell(self.ws, right or None, right_style))
        self._append(cells, height=height)

    def _title_block(self, title, subtitle, lines, notes):
        # Rows 1–3: the authority and the national motto, each block with its rule under its last
        # line; the document's number and the place and date.
        self._pair(lines["authority"], AUTHORITY, lines["nation"], NATION)
        self._pair(lines["authority_name"], AUTHORITY_NAME, lines["motto"], MOTTO, height=LINE_PT + 4)
        self._pair(lines["number"], NUMBER_LINE, lines["dated"], DATE_LINE, height=LINE_PT + 8)
        self._append([], height=8)
        self._line(title, style=TITLE, height=None)
        self._line(subtitle, style=HEADING)
        note_line = " · ".join([*(lines[key] for key in ("document", "period") if key in lines), *notes])
        self._line(note_line, style=NOTE_LINE)
        self._group_row()
        headers = [column.header for column in self.columns]
        height = LINE_PT * max(text_lines(header, column.width, bold=True) for header, column in zip(headers, self.columns))
        self._append([text_cell(self.ws, header, HEADER) for header in headers], height=height)

    def _group_row(self):
        """Row 8: each rule's code, label and target over its columns."""
        cells = []
        index = 0
        lines = 1
        while index < self.width:
            column = self.columns[index]
            rule = column.rule
            if rule is None:
                cells.append(None)
                index += 1
                continue
            span = 1
            while index + span < self.width and self.columns[index + span].rule == rule:
                span += 1
            self._merge(index + 1, index + span, self.row + 1)
            label = f"{rule.code}: {rule.label} — {_('chỉ tiêu')} {target_text(rule)}"
            lines = max(lines, text_lines(label, self._span_width(index + 1, index + span), bold=True))
            cells.append(text_cell(self.ws, label, RULE_GROUP))
            cells += [None] * (span - 1)
            index += span
        self._append(cells, height=LINE_PT * lines)

    def _row_height(self, row: dict) -> float:
        lines = 1
        for column in self.columns:
            if column.kind == "status":
                value = row.get(column.key)
                text = NOT_APPLICABLE if value is None else status_label(value)
                lines = max(lines, text_lines(text, column.width))
            elif column.kind == "text" and row.get(column.key):
                lines = max(lines, text_lines(row[column.key], column.width))
        return LINE_PT * lines

    def write_rows(self, rows):
        first = self.row + 1
        for number, row in enumerate(rows, start=1):
            if self.numbered:
                row = {**row, "stt": number}
            self._append([data_cell(self.ws, column, row) for column in self.columns], height=self._row_height(row))
        last = max(self.row, first - 1)
        self.ws.auto_filter.ref = f"A{HEADER_ROW}:{self.last_letter}{last}"
        return self

    def write_notes(self, notes: Iterable[tuple[str, object]]):
        """Lines under the table: a label over the first columns and a number."""
        self._append([])
        label_last = 3 if self.numbered else 2
        for label, value in notes:
            cells = [text_cell(self.ws, label, LABEL)] + [None] * (label_last - 1)
            self._merge(1, label_last, self.row + 1)
            cells.append(value)
            self._append(cells, height=LINE_PT * text_lines(label, self._span_width(1, label_last)))
        return self

    def write_closing(self, *, recipients: bool):
        """Under the table: "Nơi nhận" (the report itself, not its annexes) on the left; the person
        who made the table and the one who signs for the People's Committee, with room to sign."""
        lines = self.lines
        if self.print_width >= 3:
            (left_first, left_last), middle, (right_first, right_last) = self._spans([0.34, 0.3, 0.36])
            right_last = self.print_width
        else:
            (left_first, left_last), (right_first, right_last) = self._blocks()
            middle = None
        left_lines = [(_("Nơi nhận:"), RECIPIENTS), *((line, RECIPIENT_LINE) for line in lines["recipients"])] \
            if recipients else []
        preparer = [(line, SIGNER) for line in lines["preparer"]]
        signer = [(line, SIGNER) for line in lines["signer"]]
        if middle is None:  # too narrow for three blocks: the preparer signs on the left
            left_lines, preparer, middle = left_lines or preparer, [], None
        self._append([])
        block = max(len(left_lines), len(preparer), len(signer))
        signing_room = 4
        for index in range(block + signing_room):
            cells = [None] * self.width
            spans = [((left_first, left_last), left_lines), ((right_first, right_last), signer)]
            if middle is not None:
                spans.append((middle, preparer))
            height = LINE_PT if index < block else LINE_PT * 1.4
            for (first, last), texts in spans:
                if index < len(texts):
                    text, style = texts[index]
                    self._merge(first, last, self.row + 1)
                    cells[first - 1] = text_cell(self.ws, text, style)
                    height = max(height, LINE_PT * text_lines(text, self._span_width(first, last)))
            self._append(cells, height=height)
        names = [None] * self.width
        for (first, last), name in [((right_first, right_last), lines["signer_name"]),
                                    *([(middle, lines["preparer_name"])] if middle is not None else [])]:
            if name:
                self._merge(first, last, self.row + 1)
                names[first - 1] = text_cell(self.ws, name, SIGNER_NAME)
        self._append(names, height=LINE_PT + 2)
        return self


def _save(wb) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def new_workbook(title: str) -> Workbook:
    wb = Workbook(write_only=True)
    # The default font (of every cell without a style, and the unit of column widths) is the
    # documents' own: 12-pt Times New Roman. openpyxl keeps it first in the workbook's fonts.
    wb._fonts = IndexedList([PLAIN])
    wb.properties.title = title
    wb.properties.creator = _("Cổng theo dõi DVCTT")
    register_styles(wb)
    return wb


# ---------------------------------------------------------------------------------------------
# The year-end scoring workbook


def scoring_title(progress: Progress) -> str:
    return _("BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU DVCTT MỨC ĐỘ 3, 4 NĂM %(year)s") % {"year": progress.year}


def scoring_workbook(progress: Progress, lines: Iterable[ProcedureLine], *, locked: bool,
                     produced_on: date | None = None, notes: Iterable[str] = (), gaps: Iterable[str] = ()) -> bytes:
    """Summary, one sheet per kind of unit, the per-procedure detail (`lines` is read once, as
    it comes: pass a generator and the detail is never held in memory)."""
    produced_on = produced_on or timezone.localdate()
    title = scoring_title(progress)
    header = title_lines(progress, produced_on=produced_on)
    lock_note = (_("Số liệu năm %(year)s đã khóa") if locked else _("Số liệu năm %(year)s chưa khóa")) % {
        "year": progress.year
    }
    wb = new_workbook(title)
    in_province = progress.policy.district.is_province

    summary = SheetWriter(
        wb, sheet_title=_("Tổng hợp"), columns=summary_columns(province=in_province), title=title,
        subtitle=_("Tổng hợp theo chỉ tiêu toàn tỉnh") if in_province else _("Tổng hợp theo chỉ tiêu toàn huyện"),
        lines=header, notes=[lock_note, *notes], frozen_columns=1,
    )
    summary.write_rows(summary_rows(progress))
    flagged = [entry for entry in progress.units if entry.flagged]
    summary.write_notes([
        (_("Số đơn vị không đạt chỉ tiêu (bị trừ điểm)"), len(flagged)),
        (_("Tổng số điểm trừ"), points_value(sum((entry.points for entry in flagged), Decimal(0)))),
        (_("Số đơn vị có chỉ tiêu chưa có số liệu (cần xem xét)"), sum(1 for entry in progress.units if entry.has_no_data)),
        *((_("Chưa sẵn sàng khi khóa"), gap) for gap in gaps),
    ])
    summary.write_closing(recipients=True)

    for kind in (UnitKind.COMMUNE, UnitKind.DEPARTMENT):  # communes (C1, C2) first, as the letter lists them
        label = PROVINCE_KIND_LABELS[kind] if progress.policy.district.is_province else kind.label
        entries = [entry for entry in progress.units if entry.unit.kind == kind]
        rules = rules_shown(progress, entries)
        if not entries:
            continue
        codes = ", ".join(rule.code for rule in rules)
        sheet = SheetWriter(
            wb, sheet_title=str(label), columns=scoring_columns(rules), title=title,
            subtitle=f"{label} — {_('chỉ tiêu')} {codes}" if codes else str(label), lines=header, notes=[lock_note],
        )
        # In ranking order: the first in the district first, units without a rank last.
        ranked = sorted(unit_rows(progress, rules, kind=kind), key=lambda row: (not row["position_order"], row["position_order"]))
        sheet.write_rows(ranked)
        sheet.write_closing(recipients=False)

    units_by_id = {entry.unit.pk: entry.unit for entry in progress.units}
    detail = SheetWriter(
        wb, sheet_title=_("Chi tiết thủ tục"), columns=procedure_columns(with_unit=True), title=title,
        subtitle=_("Chi tiết theo đơn vị và thủ tục hành chính"), lines=header, notes=[lock_note], frozen_columns=2,
    )
    detail.write_rows(procedure_rows(lines, units_by_id))
    detail.write_closing(recipients=False)
    return _save(wb)


# ---------------------------------------------------------------------------------------------
# The district overview, exactly the rows the page shows


def overview_workbook(progress: Progress, columns: list[Column], rows, *, filters: str = "",
                      produced_on: date | None = None, notes: Iterable[str] = ()) -> bytes:
    produced_on = produced_on or timezone.localdate()
    title = _("TỔNG HỢP TIẾN ĐỘ THỰC HIỆN CHỈ TIÊU DVCTT MỨC ĐỘ 3, 4 NĂM %(year)s") % {"year": progress.year}
    wb = new_workbook(title)
    sheet = SheetWriter(
        wb, sheet_title=_("Tổng hợp toàn huyện"), columns=columns, title=title,
        subtitle=filters or _("Tất cả đơn vị"), lines=title_lines(progress, produced_on=produced_on), notes=list(notes),
    )
    sheet.write_rows(rows)
    sheet.write_closing(recipients=True)
    return _save(wb)


# ---------------------------------------------------------------------------------------------
# The completeness of a year: one row per unit


def completeness_workbook(completeness, *, produced_on: date | None = None) -> bytes:
    """The completeness page as a report: the statement, the rates, one row per unit."""
    produced_on = produced_on or timezone.localdate()
    title = _("TÌNH HÌNH BÁO CÁO SỐ LIỆU DVCTT NĂM %(year)s") % {"year": completeness.year}
    rate = "—" if completeness.rate is None else f"{completeness.rate:.2f} %".replace(".", ",")
    timeliness = "—" if completeness.timeliness_rate is None else f"{completeness.timeliness_rate:.2f} %".replace(".", ",")
    wb = new_workbook(title)
    columns = [
        Column("code", _("Mã"), "text", width=11), Column("name", _("Đơn vị"), "text", width=28),
        Column("expected", _("Tháng phải báo cáo"), "count", width=10), Column("reported", _("Đã báo cáo"), "count", width=10),
        Column("confirmed", _("Đã xác nhận"), "count", width=10), Column("approved", _("Đã phê duyệt"), "count", width=10),
        Column("late", _("Tháng trễ hạn"), "text", width=16), Column("missing", _("Tháng còn thiếu"), "text", width=16),
        Column("rate", _("Tỷ lệ đầy đủ"), "share", width=10),
    ]
    lines = {**document_lines(completeness.district, produced_on=produced_on),
             "period": _("Tháng 1–%(through)s/%(year)s") % {"through": completeness.through, "year": completeness.year}}
    sheet = SheetWriter(
        wb, sheet_title=_("Tình hình báo cáo"), columns=columns, title=title,
        subtitle=_("Đầy đủ %(rate)s · đúng hạn %(timeliness)s") % {"rate": rate, "timeliness": timeliness},
        lines=lines, notes=[completeness.statement()],
    )
    rows = []
    for unit in completeness.units:
        row = {"code": unit.unit.code, "name": unit.unit.name}
        if not unit.applies:
            row["missing"] = str(_("không áp dụng"))
        else:
            row.update(expected=unit.months_expected, reported=unit.months_reported, confirmed=unit.months_confirmed,
                       approved=unit.months_approved, late=month_range_label(unit.months_late),
                       missing=month_range_label(unit.months_missing), rate=unit.rate)
        rows.append(row)
    sheet.write_rows(rows)
    sheet.write_closing(recipients=True)
    return _save(wb)
