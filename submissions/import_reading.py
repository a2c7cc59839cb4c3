"""Reading an uploaded counts file, .xlsx or .csv, into raw rows: the columns by their header,
each cell as read. Nothing past the limits is read (spreadsheets.py bounds an .xlsx before
openpyxl opens it); a file unusable as a whole raises FileRefused with a Vietnamese message."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .spreadsheets import FileRefused, XlsxLimits, not_a_workbook, open_xlsx, sheet_rows

COLUMNS = ("unit_code", "unit_name", "procedure_code", "procedure_name", "year", "month", "total", "online")
REQUIRED_COLUMNS = ("unit_code", "procedure_code", "year", "month", "total", "online")
SHEET_NAME = "SoLieu"


@dataclass
class RawRow:
    row: int
    values: dict  # column name → cell value as read (str for CSV)
    formulas: set = field(default_factory=set)  # columns whose cell holds a formula



def read_rows(data: bytes, filename: str, *, limits: XlsxLimits) -> Iterator[RawRow]:
    """The data rows of an .xlsx or .csv file; raises FileRefused when the file as a whole is
    unusable. `limits.max_rows` counts the header row; `max_columns` and the unpacked size apply
    to both kinds of file."""
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(data, limits)
    if suffix == ".csv":
        return _read_csv(data, limits)
    raise FileRefused(_("Tệp “%(name)s” không phải bảng tính: chỉ nhận tệp .xlsx hoặc .csv.") % {"name": filename})


def _header_map(cells: list, row: int = 1) -> dict[int, str]:
    names = [str(cell).strip().lower() if cell is not None else "" for cell in cells]
    duplicated = sorted({name for name in names if name and names.count(name) > 1})
    if duplicated:
        raise FileRefused(_("Dòng tiêu đề có cột trùng tên: %(names)s.") % {"names": ", ".join(duplicated)})
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise FileRefused(
            _("Dòng %(row)s phải là dòng tiêu đề với các cột %(columns)s; thiếu cột: %(missing)s.")
            % {"row": row, "columns": ", ".join(COLUMNS), "missing": ", ".join(missing)}
        )
    return {index: name for index, name in enumerate(names) if name in COLUMNS}


def _too_many_rows(limits: XlsxLimits):
    return FileRefused(_("Tệp có quá nhiều dòng (tối đa %(max)s dòng số liệu).") % {"max": limits.max_rows - 1})


def _too_many_columns(limits: XlsxLimits):
    return FileRefused(_("Tệp có quá nhiều cột (tối đa %(max)s cột).") % {"max": limits.max_columns})


def _read_xlsx(data: bytes, limits: XlsxLimits) -> Iterator[RawRow]:
    workbook, sheet = open_xlsx(data, limits, sheet_name=SHEET_NAME)
    return _xlsx_rows(workbook, sheet, limits)


def _xlsx_rows(workbook, sheet, limits: XlsxLimits) -> Iterator[RawRow]:
    try:
        yield from _xlsx_sheet_rows(sheet_rows(sheet, limits))
    except FileRefused:
        raise
    except Exception:  # a damaged sheet is only found while reading it
        raise not_a_workbook() from None
    finally:
        workbook.close()


def _xlsx_sheet_rows(rows) -> Iterator[RawRow]:
    """The rows of a sheet already checked against the limits (spreadsheets.check_xlsx)."""
    header = None
    for number, cells in enumerate(rows, start=1):
        if header is None:
            header = _header_map([cell.value for cell in cells])
            continue
        values, formulas = {}, set()
        for index, name in header.items():
            cell = cells[index]
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
                formulas.add(name)
            values[name] = value
        if all(value in (None, "") for value in values.values()) and not formulas:
            continue
        yield RawRow(number, values, formulas)
    if header is None:
        raise FileRefused(_("Bảng tính trống: không có dòng tiêu đề."))


def _read_csv(data: bytes, limits: XlsxLimits) -> Iterator[RawRow]:
    if b"\x00" in data[:4096]:
        raise FileRefused(_("Tệp không phải bảng tính CSV (có dữ liệu nhị phân)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("Tệp CSV phải được lưu với mã UTF-8.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    return _csv_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), limits)


def _csv_rows(reader, limits: XlsxLimits) -> Iterator[RawRow]:
    header = None
    try:
        for number, cells in enumerate(reader, start=1):
            if len(cells) > limits.max_columns and any(cell.strip() for cell in cells[limits.max_columns:]):
                raise _too_many_columns(limits)
            if header is None:
                header = _header_map(cells)
                continue
            if number > limits.max_rows:
                raise _too_many_rows(limits)
            values = {name: cells[index] for index, name in header.items() if index < len(cells)}
            if all(not str(value).strip() for value in values.values()):
                continue
            formulas = {name for name, value in values.items() if str(value).strip().startswith("=")}
            yield RawRow(number, values, formulas)
    except csv.Error:
        raise FileRefused(_("Tệp CSV bị lỗi định dạng.")) from None
    if header is None:
        raise FileRefused(_("Bảng tính trống: không có dòng tiêu đề."))
