"""The monthly template: one row generator, written to .xlsx (names locked) or .csv."""

import csv
import math
from collections.abc import Iterator

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from .import_reading import SHEET_NAME, header_labels
from . import rules
from .models import DossierCount, Procedure, pair_error

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def template_rows(units, year: int, month: int) -> Iterator[tuple]:
    """(unit_code, unit_name, procedure_code, procedure_name, year, month, total, online) for every
    unit and every procedure it reports that month, with the saved values (blank when none).

    Queries: the units, the procedures, the month's counts (three, whatever the size).
    """
    units = list(units.order_by("kind", "sort_order", "code"))
    # Only the catalog these units can report (commune procedures and their own districts'), not
    # every district's of the province or the nation; pair_error below decides unit by unit.
    procedures = list(
        Procedure.objects.offered_in(year).online()
        .filter(rules.communes_report_q({unit.district_id for unit in units}))
        .select_related("department").order_by("authority", "field", "code")
    )
    saved = {
        (unit_id, procedure_id): (total, online)
        for unit_id, procedure_id, total, online in DossierCount.objects.filter(
            year=year, month=month, unit__in=[unit.pk for unit in units]
        ).values_list("unit_id", "procedure_id", "total", "online")
    }
    for unit in units:
        for procedure in procedures:
            if pair_error(unit, procedure) is not None:
                continue
            total, online = saved.get((unit.pk, procedure.pk), (None, None))
            yield (unit.code, unit.name, procedure.code, procedure.name, year, month, total, online)


def filename_for(year: int, month: int, unit=None, extension: str = "xlsx") -> str:
    scope = unit.code if unit is not None else "tat-ca"
    return f"so-lieu-{year}-{month:02d}-{scope}.{extension}"


def write_xlsx(rows, stream) -> None:
    """Names and codes are locked for reference (sheet protection without password); only total and
    online may be typed, as whole numbers ≥ 0. Text is always written as text, never as a formula.
    Long because the sheet, its validation and its guide are laid out in the order a person reads them."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append(header_labels())
    header_fill = PatternFill("solid", fgColor="EEF1F4")
    wrapped = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[1].height = _height(header_labels())
    open_cell = Protection(locked=False)
    input_fill = PatternFill("solid", fgColor="FFF8DC")
    count = 0
    for count, values in enumerate(rows, start=1):
        row_number = count + 1
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column, value=value)
            cell.alignment = wrapped
            if isinstance(value, str):
                cell.data_type = "s"  # "=…" must stay text, never become a formula
            if column in (7, 8):
                cell.protection = open_cell
                cell.fill = input_fill
                cell.number_format = "0"
        sheet.row_dimensions[row_number].height = _height(values)
    if count:
        validation = DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2="1000000",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Số không hợp lệ"),
            error=_("Hãy nhập số nguyên từ 0 trở lên."),
        )
        validation.add(f"G2:H{count + 1}")
        sheet.add_data_validation(validation)
    for letter, width in zip("ABCDEFGH", WIDTHS):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "C2"
    # Printed: A4 landscape, the numbers beside the names, the header on every page, page numbers.
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = _("Trang &P/&N")
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.selectLockedCells = False
    protection.selectUnlockedCells = False

    guide = workbook.create_sheet("HuongDan")
    lines = (
        _("Hướng dẫn nhập số liệu"),
        _("Chỉ nhập vào cột Tổng số hồ sơ (tiếp nhận trong tháng) và Trong đó trực tuyến (nộp trực tuyến)."),
        _("Nhập số nguyên từ 0 trở lên; số trực tuyến không được lớn hơn tổng số; không dùng công thức."),
        _("Các cột mã, tên, năm, tháng được khóa để đối chiếu; không sửa dòng tiêu đề, không thêm cột."),
        _("Để trống cả hai ô nghĩa là không có hồ sơ."),
        _("Tải tệp lên tại trang Nhập số liệu → Nhập từ tệp; hệ thống cho xem trước mọi thay đổi trước khi ghi."),
    )
    for row_number, line in enumerate(lines, start=1):
        guide.cell(row=row_number, column=1, value=line).data_type = "s"
    guide["A1"].font = Font(bold=True, size=13)
    guide.column_dimensions["A"].width = 110
    workbook.active = 0
    workbook.save(stream)


WIDTHS = (10, 24, 11, 52, 6, 6, 10, 11)  # characters: on A4 landscape at full size


def _height(values) -> float:
    """Points for a row whose text wraps within WIDTHS (spreadsheets do not grow rows on opening)."""
    lines = max((math.ceil(len(str(value)) / max(width - 1, 1)) for value, width in zip(values, WIDTHS) if value), default=1)
    return 15.0 * max(lines, 1)


def formula_safe(value):
    """A text cell that a spreadsheet program would run as a formula gets a leading apostrophe
    (every CSV the portal writes goes through this)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def write_csv(rows, stream) -> None:
    """UTF-8 with a byte-order mark so Excel reads the Vietnamese names correctly."""
    stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(header_labels())
    for values in rows:
        writer.writerow([formula_safe(value) for value in values])
