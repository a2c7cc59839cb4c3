"""Reading an uploaded counts file, .xlsx or .csv, into raw rows: the columns by their header,
each cell as read. Nothing past the limits is read (spreadsheets.py bounds an .xlsx before
openpyxl opens it); a file unusable as a whole raises FileRefused with a Vietnamese message."""

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from dvctt_portal.text import fold

from .spreadsheets import FileRefused, XlsxLimits, not_a_workbook, open_xlsx, sheet_rows

COLUMNS = ("unit_code", "unit_name", "procedure_code", "procedure_name", "year", "month", "total", "online")
REQUIRED_COLUMNS = ("unit_code", "procedure_code", "year", "month", "total", "online")
# The headers the template writes and messages name; a file may use them or the keys above.
COLUMN_LABELS = {  # in English the old keys themselves, which every language's import takes
    "unit_code": pgettext_lazy("import column", "Mã đơn vị"),
    "unit_name": pgettext_lazy("import column", "Tên đơn vị"),
    "procedure_code": pgettext_lazy("import column", "Mã thủ tục"),
    "procedure_name": pgettext_lazy("import column", "Tên thủ tục"),
    "year": pgettext_lazy("import column", "Năm"),
    "month": pgettext_lazy("import column", "Tháng"),
    "total": pgettext_lazy("import column", "Tổng số hồ sơ"),
    "online": pgettext_lazy("import column", "Trong đó trực tuyến"),
}
# Vietnamese headers in any case, with or without marks, whatever the interface language.
VIETNAMESE_HEADERS = {
    "ma don vi": "unit_code", "ten don vi": "unit_name", "ma thu tuc": "procedure_code", "ten thu tuc": "procedure_name",
    "nam": "year", "thang": "month", "tong so ho so": "total", "trong do truc tuyen": "online",
}
SHEET_NAME = "SoLieu"
OTHER_SPREADSHEETS = {".ods", ".xls", ".xlsm", ".xlsb", ".numbers"}


def column_label(column: str) -> str:
    return str(COLUMN_LABELS[column])


def header_labels() -> list[str]:
    """The header row of the template, in the interface's language."""
    return [column_label(column) for column in COLUMNS]


@dataclass
class RawRow:
    row: int
    values: dict  # column name → cell value as read (str for CSV)
    formulas: set = field(default_factory=set)  # columns whose cell holds a formula
    notes: list = field(default_factory=list)  # what was read with a doubt, never a refusal (a name's letters)


@dataclass
class CsvText:
    text: str
    encoding: str  # as people know it: "UTF-8", "Windows-1258", …



def read_rows(data: bytes, filename: str, *, limits: XlsxLimits) -> Iterator[RawRow]:
    """The data rows of an .xlsx or .csv file; raises FileRefused when the file as a whole is
    unusable. `limits.max_rows` counts the header row; `max_columns` and the unpacked size apply
    to both kinds of file."""
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(data, limits)
    if suffix == ".csv":
        return _read_csv(data, limits)
    if suffix in OTHER_SPREADSHEETS:
        raise FileRefused(
            _("Tệp “%(name)s” là bảng tính %(kind)s: hãy mở bằng Excel hoặc LibreOffice, lưu lại dưới dạng .xlsx "
              "(Excel Workbook) rồi tải lên.") % {"name": filename, "kind": suffix}
        )
    raise FileRefused(_("Tệp “%(name)s” không phải bảng tính: chỉ nhận tệp .xlsx hoặc .csv.") % {"name": filename})


def _column_of(cell) -> str:
    """The column a header cell names: a key (unit_code) or its Vietnamese label (Mã đơn vị, with
    or without marks), or "" for a column the import does not read."""
    name = fold(cell) if cell is not None else ""
    if name in COLUMNS:
        return name
    if "?" in name:  # a Western Windows CSV writes "?" for each letter it lacks: "M? ??n v?"
        pattern = re.compile(re.escape(name).replace(r"\?", "."))
        return next((column for header, column in VIETNAMESE_HEADERS.items() if pattern.fullmatch(header)), "")
    return VIETNAMESE_HEADERS.get(name) or next(
        (column for column, label in COLUMN_LABELS.items() if fold(label) == name and name), "")


def _header_map(cells: list, row: int = 1) -> dict[int, str]:
    columns = [_column_of(cell) for cell in cells]
    duplicated = sorted({column for column in columns if column and columns.count(column) > 1}, key=COLUMNS.index)
    if duplicated:
        raise FileRefused(_("Dòng tiêu đề có cột trùng tên: %(names)s.") % {
            "names": ", ".join(column_label(column) for column in duplicated)})
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise FileRefused(
            _("Dòng %(row)s phải là dòng tiêu đề với các cột %(columns)s; thiếu cột: %(missing)s.")
            % {"row": row, "columns": ", ".join(header_labels()),
               "missing": ", ".join(column_label(column) for column in missing)}
        )
    return {index: column for index, column in enumerate(columns) if column}


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


def _name_notes(values: dict, encoding: str) -> list[str]:
    """A note for each name whose letters did not survive the file's encoding (a replacement
    character, or the "?" Excel writes for a letter its code page lacks)."""
    notes = []
    for column in ("unit_name", "procedure_name"):
        name = str(values.get(column) or "")
        if "\ufffd" in name or (encoding != "UTF-8" and "?" in name):
            notes.append(_("%(column)s “%(name)s” không đọc được đủ dấu (tệp lưu theo mã %(encoding)s, không phải "
                           "UTF-8); số liệu vẫn được nhập theo mã.") % {
                "column": column_label(column), "name": name[:60], "encoding": encoding})
    return notes


# Bytes that only Vietnamese text puts in a Windows-1258 file (Ă ă Đ đ Ơ ơ Ư ư and the tone marks,
# which that code page writes as combining characters); a Western file (Windows-1252) has none.
_VIETNAMESE_1258_BYTES = frozenset(b"\xc3\xe3\xd0\xf0\xd5\xf5\xdd\xfd\xcc\xec\xd2\xf2\xde")


_LOST_LETTER = re.compile(rb"[A-Za-z\x80-\xff]\?[A-Za-z\x80-\xff]")


def decode_csv(data: bytes) -> CsvText:
    """The text of a CSV as offices save it: UTF-8 with or without a byte-order mark, UTF-16
    ("Unicode Text", with its mark), or Excel's default "CSV (Comma delimited)" on Vietnamese
    Windows (Windows-1258) or Western Windows (Windows-1252). The import keys on codes and numbers,
    which every one of these writes alike; letters that do not decode are replaced (the rows with
    such a name get a note, never a refusal)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return CsvText(data.decode("utf-16"), "UTF-16")
        except UnicodeDecodeError:
            raise FileRefused(_("Tệp CSV mã UTF-16 bị hỏng.")) from None
    if b"\x00" in data[:4096]:
        raise FileRefused(_("Tệp không phải bảng tính CSV (có dữ liệu nhị phân)."))
    try:
        return CsvText(data.decode("utf-8-sig"), "UTF-8")
    except UnicodeDecodeError:
        pass
    # Western Windows writes "?" for each Vietnamese letter its code page lacks ("Th? tr?n"); a
    # Vietnamese Windows file has every letter, and bytes a Western name seldom has.
    lost_letters = _LOST_LETTER.search(data) is not None
    candidates = [("cp1258", "Windows-1258"), ("cp1252", "Windows-1252")]
    if not _undecodable(data, "cp1252") and (lost_letters or not _VIETNAMESE_1258_BYTES.intersection(data)):
        candidates.reverse()
    # Windows-1258 writes tone marks as separate characters: composed here, as every page shows them.
    decoded = [CsvText(unicodedata.normalize("NFC", data.decode(encoding, errors="replace")), label)
               for encoding, label in candidates]
    # The header row settles it when the bytes do not: the one whose columns are all read.
    return next((text for text in decoded if _reads_header(text.text)), decoded[0])


def _first_line(text: str) -> str:
    """The header line, whatever ends it ("\n", "\r\n", a lone "\r")."""
    lines = text.splitlines()
    return lines[0] if lines else ""


def _reads_header(text: str) -> bool:
    first_line = _first_line(text)
    columns = {_column_of(cell) for cell in next(csv.reader([first_line], delimiter=_delimiter(first_line)), [])}
    return set(REQUIRED_COLUMNS) <= columns


def _undecodable(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return True
    return False


def _read_csv(data: bytes, limits: XlsxLimits) -> Iterator[RawRow]:
    decoded = decode_csv(data)
    delimiter = _delimiter(_first_line(decoded.text))
    return _csv_rows(csv.reader(io.StringIO(decoded.text, newline=""), delimiter=delimiter), limits, decoded.encoding)


def _delimiter(first_line: str) -> str:
    """The separator the header row uses most: a comma, a semicolon (Excel where a comma is the
    decimal mark) or a tab ("Unicode Text")."""
    return max([",", ";", "\t"], key=first_line.count)


def _csv_rows(reader, limits: XlsxLimits, encoding: str = "UTF-8") -> Iterator[RawRow]:
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
            yield RawRow(number, values, formulas, _name_notes(values, encoding))
    except csv.Error:
        raise FileRefused(_("Tệp CSV bị lỗi định dạng.")) from None
    if header is None:
        raise FileRefused(_("Bảng tính trống: không có dòng tiêu đề."))
