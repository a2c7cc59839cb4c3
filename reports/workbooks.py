"""Spreadsheets, written in openpyxl's write-only mode from the same rows as the pages.

Every sheet: an official title block, one header row (frozen, filtered, repeated on every
printed page), real numbers in cells (counts as integers, rates as fractions formatted
`0.0%`), missed results filled in light red and also written in words, A4 landscape fitted to
the page width. Text that a spreadsheet program could take for a formula (= + - @) is stored
as plain text.

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
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from targets.arithmetic import Measure, Status, rate_fraction
from targets.breakdowns import ProcedureLine
from targets.results import Progress
from submissions.rules import month_range_label
from units.models import UnitKind

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
from .wording import NOT_APPLICABLE, status_label, target_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADER_ROW = 8  # rows 1–6: the title block; row 7: the rules over their columns
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

PAPER_A4 = "9"  # the paperSize code of A4 in SpreadsheetML
RATE_FORMAT = "0.0%"
WHOLE_RATE_FORMAT = "0%"
COUNT_FORMAT = "#,##0"
GENERAL = "General"

THIN = Side(style="thin", color="9AA5B1")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)
ITALIC = Font(italic=True)
HEADER_FILL = PatternFill("solid", fgColor="E3E7EB")
GROUP_FILL = PatternFill("solid", fgColor="F1F3F5")
MISSED_FILL = PatternFill("solid", fgColor="F8C9C4")  # light red
AT_RISK_FILL = PatternFill("solid", fgColor="FFE9B8")
NO_DATA_FILL = PatternFill("solid", fgColor="E6E8EB")
MISSED_FONT = Font(bold=True, color="8B1A12")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)


# ---------------------------------------------------------------------------------------------
# Formats: one named style each (names are internal; a spreadsheet program lists them among
# its cell styles)


def _format(*, font=DEFAULT_FONT, fill=DEFAULT_EMPTY_FILL, border=DEFAULT_BORDER, alignment=None,
            number_format=GENERAL) -> dict:
    """What a cell looks like; a part left out is the workbook's default (as on an unstyled cell)."""
    return {"font": font, "fill": fill, "border": border, "alignment": alignment or Alignment(),
            "number_format": number_format}


# The title block
TITLE = "dvctt title"
HEADING = "dvctt heading"
NOTE_LINE = "dvctt note line"
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
    TITLE: _format(font=TITLE_FONT, alignment=CENTER),
    HEADING: _format(font=BOLD, alignment=CENTER),
    NOTE_LINE: _format(font=ITALIC, alignment=CENTER),
    RULE_GROUP: _format(font=BOLD, fill=GROUP_FILL, border=BORDER, alignment=CENTER),
    HEADER: _format(font=BOLD, fill=HEADER_FILL, border=BORDER, alignment=CENTER),
    LABEL: _format(font=BOLD),
    TEXT: _format(border=BORDER),
    WRAPPED: _format(border=BORDER, alignment=WRAP),
    MISSED: _format(font=MISSED_FONT, fill=MISSED_FILL, border=BORDER),
    AT_RISK: _format(fill=AT_RISK_FILL, border=BORDER),
    NO_DATA: _format(fill=NO_DATA_FILL, border=BORDER),
}

# A status cell by its status (met, on track and "does not apply" are plain text).
STATUS_STYLES = {Status.MISSED: MISSED, Status.AT_RISK: AT_RISK, Status.NO_DATA: NO_DATA}

# A number cell by (number format, whether its rule is missed for the unit: filled light red).
NUMBER_STYLES = {(GENERAL, False): TEXT, (GENERAL, True): "dvctt text missed"}
for _number_format, _name in ((COUNT_FORMAT, "dvctt count"), (RATE_FORMAT, "dvctt rate"),
                              (WHOLE_RATE_FORMAT, "dvctt whole rate")):
    NUMBER_STYLES[_number_format, False] = _name
    FORMATS[_name] = _format(border=BORDER, number_format=_number_format)
    NUMBER_STYLES[_number_format, True] = f"{_name} missed"
    FORMATS[f"{_name} missed"] = _format(fill=MISSED_FILL, border=BORDER, number_format=_number_format)
FORMATS["dvctt text missed"] = _format(fill=MISSED_FILL, border=BORDER)


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
    """A rate target as a fraction (25 → 0.25, shown 25%), a count target as an integer."""
    if measure == Measure.RATE:
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
    if kind == "text":
        return text_cell(ws, value, WRAPPED if column.width >= 30 else TEXT)
    if kind == "status":
        return text_cell(ws, NOT_APPLICABLE if value is None else status_label(value), STATUS_STYLES.get(value, TEXT))
    if kind == "points":  # points lost are marked like a missed status
        return number_cell(ws, points_value(value), style=MISSED if value else TEXT)
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


def title_lines(progress: Progress, *, produced_on: date) -> dict:
    policy = progress.policy
    return {
        "authority": _("UBND %(district)s") % {"district": policy.district.name.upper()},
        "nation": _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "motto": _("Độc lập - Tự do - Hạnh phúc"),
        "document": _("Theo Công văn số %(number)s ngày %(date)s") % {
            "number": policy.document_number,
            "date": official_date(policy.document_date),
        },
        "period": _("Số liệu từ tháng 1 đến hết tháng %(through)s/%(year)s") % {
            "through": progress.through,
            "year": progress.year,
        },
        "produced": _("Ngày lập: %(date)s") % {"date": produced_on.strftime("%d/%m/%Y")},
    }


class SheetWriter:
    """One table on one worksheet: title block, rule groups, header, rows, print settings."""

    def __init__(self, wb, *, sheet_title: str, columns: list[Column], title: str, subtitle: str, lines: dict,
                 frozen_columns: int = 2, notes: Iterable[str] = ()):
        self.ws = wb.create_sheet(sheet_title[:31])
        self.columns = columns
        self.width = len(columns)
        self.last_letter = get_column_letter(self.width)
        self.row = 0
        ws = self.ws
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{HEADER_ROW + 1}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = PAPER_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.row_dimensions[4].height = 22
        ws.row_dimensions[HEADER_ROW - 1].height = 32
        ws.row_dimensions[HEADER_ROW].height = 32
        self._title_block(title, subtitle, lines, notes)

    def _merge(self, first: int, last: int, row: int):
        if last > first:
            self.ws.merged_cells.add(f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}")

    def _append(self, cells):
        self.ws.append(cells)
        self.row += 1

    def _line(self, value, *, style: str, first=1, last=None):
        last = last or self.width
        self._merge(first, last, self.row + 1)
        cells = [None] * (first - 1) + [text_cell(self.ws, value, style)]
        self._append(cells)

    def _title_block(self, title, subtitle, lines, notes):
        half = max(2, self.width // 2)
        left_last = min(3, half - 1) if self.width > 3 else 1
        right_first = half + 1 if self.width > 3 else 2
        # Row 1–2: the issuing authority on the left, the national motto on the right.
        for left, right in ((lines["authority"], lines["nation"]), ("", lines["motto"])):
            self._merge(1, left_last, self.row + 1)
            self._merge(right_first, self.width, self.row + 1)
            cells = [text_cell(self.ws, left or None, HEADING)]
            cells += [None] * (right_first - 2)
            cells.append(text_cell(self.ws, right, HEADING))
            self._append(cells)
        self._append([])
        self._line(title, style=TITLE)
        self._line(subtitle, style=HEADING)
        note_line = " · ".join([lines["document"], lines["period"], *notes, lines["produced"]])
        # A merged cell does not grow with its text when printed: give the row the lines it needs.
        characters_per_line = max(40, int(sum(column.width for column in self.columns) * 1.15))
        self.ws.row_dimensions[self.row + 1].height = 15 * max(1, -(-len(note_line) // characters_per_line))
        self._line(note_line, style=NOTE_LINE)
        self._group_row()
        self._append([text_cell(self.ws, column.header, HEADER) for column in self.columns])

    def _group_row(self):
        """Row 7: each rule's code, label and target over its columns."""
        cells = []
        index = 0
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
            cells.append(text_cell(self.ws, label, RULE_GROUP))
            cells += [None] * (span - 1)
            index += span
        self._append(cells)

    def write_rows(self, rows):
        first = self.row + 1
        for row in rows:
            self._append([data_cell(self.ws, column, row) for column in self.columns])
        last = max(self.row, first - 1)
        self.ws.auto_filter.ref = f"A{HEADER_ROW}:{self.last_letter}{last}"
        return self

    def write_notes(self, notes: Iterable[tuple[str, object]]):
        """Lines under the table: a label over two columns and a number."""
        self._append([])
        for label, value in notes:
            cells = [text_cell(self.ws, label, LABEL), None]
            self._merge(1, 2, self.row + 1)
            cells.append(value)
            self._append(cells)
        return self


def _save(wb) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def new_workbook(title: str) -> Workbook:
    wb = Workbook(write_only=True)
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

    summary = SheetWriter(
        wb, sheet_title=_("Tổng hợp"), columns=summary_columns(), title=title,
        subtitle=_("Tổng hợp theo chỉ tiêu toàn huyện"), lines=header, notes=[lock_note, *notes], frozen_columns=1,
    )
    summary.write_rows(summary_rows(progress))
    flagged = [entry for entry in progress.units if entry.flagged]
    summary.write_notes([
        (_("Số đơn vị không đạt chỉ tiêu (bị trừ điểm)"), len(flagged)),
        (_("Tổng số điểm trừ"), points_value(sum((entry.points for entry in flagged), Decimal(0)))),
        (_("Số đơn vị có chỉ tiêu chưa có số liệu (cần xem xét)"), sum(1 for entry in progress.units if entry.has_no_data)),
        *((_("Chưa sẵn sàng khi khóa"), gap) for gap in gaps),
    ])

    for kind in (UnitKind.COMMUNE, UnitKind.DEPARTMENT):  # communes (C1, C2) first, as the letter lists them
        label = kind.label
        entries = [entry for entry in progress.units if entry.unit.kind == kind]
        rules = rules_shown(progress, entries)
        if not entries:
            continue
        codes = ", ".join(rule.code for rule in rules)
        sheet = SheetWriter(
            wb, sheet_title=str(label), columns=scoring_columns(rules), title=title,
            subtitle=f"{label} — {_('chỉ tiêu')} {codes}" if codes else str(label), lines=header, notes=[lock_note],
        )
        sheet.write_rows(unit_rows(progress, rules, kind=kind))

    units_by_id = {entry.unit.pk: entry.unit for entry in progress.units}
    detail = SheetWriter(
        wb, sheet_title=_("Chi tiết thủ tục"), columns=procedure_columns(with_unit=True), title=title,
        subtitle=_("Chi tiết theo đơn vị và thủ tục hành chính"), lines=header, notes=[lock_note], frozen_columns=2,
    )
    detail.write_rows(procedure_rows(lines, units_by_id))
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
    return _save(wb)


# ---------------------------------------------------------------------------------------------
# The completeness of a year: one row per unit


def completeness_workbook(completeness, *, produced_on: date | None = None) -> bytes:
    """The completeness page as a sheet: the statement, the rates, one row per unit."""
    produced_on = produced_on or timezone.localdate()
    title = _("TÌNH HÌNH BÁO CÁO SỐ LIỆU DVCTT NĂM %(year)s") % {"year": completeness.year}
    wb = new_workbook(title)
    ws = wb.create_sheet(_("Tình hình báo cáo"))
    ws.freeze_panes = "C5"
    ws.auto_filter.ref = f"A4:I{len(completeness.units) + 4}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    for letter, width in zip("ABCDEFGHI", (12, 40, 12, 12, 12, 12, 18, 18, 14)):
        ws.column_dimensions[letter].width = width
    rate = "—" if completeness.rate is None else f"{completeness.rate:.2f} %".replace(".", ",")
    timeliness = "—" if completeness.timeliness_rate is None else f"{completeness.timeliness_rate:.2f} %".replace(".", ",")
    for row in (1, 2):
        ws.merged_cells.add(f"A{row}:I{row}")
    ws.merged_cells.add("A3:G3")
    ws.merged_cells.add("H3:I3")
    ws.row_dimensions[3].height = 30
    ws.row_dimensions[4].height = 32
    ws.append([text_cell(ws, title, TITLE)])
    ws.append([text_cell(ws, _("%(district)s · tháng 1–%(through)s/%(year)s · ngày lập %(date)s") % {
        "district": completeness.district.name, "through": completeness.through, "year": completeness.year,
        "date": produced_on.strftime("%d/%m/%Y")}, NOTE_LINE)])
    ws.append([text_cell(ws, completeness.statement(), WRAPPED), None, None, None, None, None, None,
               text_cell(ws, _("Đầy đủ %(rate)s · đúng hạn %(timeliness)s") % {"rate": rate, "timeliness": timeliness},
                         HEADING)])
    ws.append([text_cell(ws, header, HEADER) for header in (
        _("Mã"), _("Đơn vị"), _("Tháng phải báo cáo"), _("Đã báo cáo"), _("Đã xác nhận"), _("Đã phê duyệt"),
        _("Tháng trễ hạn"), _("Tháng còn thiếu"), _("Tỷ lệ đầy đủ"))])
    for unit in completeness.units:
        if not unit.applies:
            ws.append([text_cell(ws, unit.unit.code), text_cell(ws, unit.unit.name), None, None, None, None, None,
                       text_cell(ws, _("không áp dụng"), TEXT), None])
            continue
        share = None if unit.rate is None else float(unit.rate / 100)  # the engine's rate, as a fraction for 0.0%
        ws.append([
            text_cell(ws, unit.unit.code, TEXT), text_cell(ws, unit.unit.name, TEXT),
            number_cell(ws, unit.months_expected, number_format=COUNT_FORMAT),
            number_cell(ws, unit.months_reported, number_format=COUNT_FORMAT),
            number_cell(ws, unit.months_confirmed, number_format=COUNT_FORMAT),
            number_cell(ws, unit.months_approved, number_format=COUNT_FORMAT),
            text_cell(ws, month_range_label(unit.months_late), TEXT),
            text_cell(ws, month_range_label(unit.months_missing), MISSED if unit.months_missing else TEXT),
            number_cell(ws, share, number_format=RATE_FORMAT),
        ])
    return _save(wb)
