"""One row of a counts file, checked cell by cell: codes stay codes, numbers are whole numbers
from 0 to MAX_COUNT, a year and a month the portal holds, online at most total
(submissions.rules). Every problem is kept with its row number; nothing reads the database."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _

from . import rules
from .import_reading import COLUMNS, RawRow, column_label
from .rules import MAX_COUNT


@dataclass(frozen=True)
class RowError:
    row: int | None  # the row number in the spreadsheet (the header is row 1); None for the whole file
    message: str



class CellError(Exception):
    pass


def read_code(value, column: str, *, numbers_allowed: bool) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellError(_("thiếu %(column)s.") % {"column": column})
    if isinstance(value, bool) or isinstance(value, (datetime, date, time, timedelta)):
        raise CellError(_("ô %(column)s phải là mã, không phải ngày tháng hay đúng/sai.") % {"column": column})
    if isinstance(value, int):
        if numbers_allowed:
            return str(value)
    elif isinstance(value, float):
        if numbers_allowed and value.is_integer():
            return str(int(value))
        raise CellError(
            _("ô %(column)s đã bị Excel đổi thành số (%(value)s); hãy nhập mã dạng văn bản.")
            % {"column": column, "value": value}
        )
    text = str(value).strip()
    if len(text) > 64:
        raise CellError(_("ô %(column)s quá dài.") % {"column": column})
    return text


def read_number(value, column: str, *, from_text: bool) -> int | None:
    """A whole number of an .xlsx number cell (text refused) or of a CSV field (digits only)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        if from_text:
            if text.isascii() and text.isdigit():
                return _bounded(int(text), column)
            if text.startswith("-") and text[1:].strip().isascii() and text[1:].strip().isdigit():
                raise CellError(_("ô %(column)s là số âm (%(value)s).") % {"column": column, "value": text})
            raise CellError(
                _("ô %(column)s không phải số nguyên: “%(value)s”.") % {"column": column, "value": text[:30]}
            )
        raise CellError(
            _("ô %(column)s chứa văn bản (“%(value)s”), không phải số; hãy nhập số.")
            % {"column": column, "value": text[:30]}
        )
    if isinstance(value, bool):
        raise CellError(_("ô %(column)s là giá trị đúng/sai, không phải số.") % {"column": column})
    if isinstance(value, (datetime, date, time, timedelta)):
        raise CellError(_("ô %(column)s là ngày tháng, không phải số.") % {"column": column})
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(
                _("ô %(column)s không phải số nguyên (%(value)s).") % {"column": column, "value": str(value).replace(".", ",")}
            )
        value = int(value)
    if not isinstance(value, int):
        raise CellError(_("ô %(column)s không đọc được.") % {"column": column})
    if value < 0:
        raise CellError(_("ô %(column)s là số âm (%(value)s).") % {"column": column, "value": value})
    return _bounded(value, column)


def _bounded(number: int, column: str) -> int:
    if number > MAX_COUNT:
        raise CellError(_("ô %(column)s quá lớn (%(value)s).") % {"column": column, "value": number})
    return number


@dataclass
class ParsedRow:
    row: int
    unit_code: str
    procedure_code: str
    year: int
    month: int
    total: int
    online: int
    written: bool = True  # both numbers were written (a blank cell reads as 0 but says nothing)


def parse_row(raw: RawRow, *, from_text: bool, errors: list[RowError]) -> "ParsedRow | None":
    row_errors = []
    for column in sorted(raw.formulas, key=COLUMNS.index):
        row_errors.append(_("ô %(column)s chứa công thức; chỉ nhận giá trị.") % {"column": column_label(column)})
    if row_errors:
        errors.extend(RowError(raw.row, message) for message in row_errors)
        return None
    parsed = {}
    for column, reader in (
        ("unit_code", lambda v: read_code(v, column_label("unit_code"), numbers_allowed=True)),
        ("procedure_code", lambda v: read_code(v, column_label("procedure_code"), numbers_allowed=False)),
        ("year", lambda v: read_number(v, column_label("year"), from_text=from_text)),
        ("month", lambda v: read_number(v, column_label("month"), from_text=from_text)),
        ("total", lambda v: read_number(v, column_label("total"), from_text=from_text)),
        ("online", lambda v: read_number(v, column_label("online"), from_text=from_text)),
    ):
        try:
            parsed[column] = reader(raw.values.get(column))
        except CellError as error:
            row_errors.append(str(error))
    if not row_errors:
        if not rules.is_valid_year(parsed["year"]):
            row_errors.append(_("năm không hợp lệ."))
        if not rules.is_valid_month(parsed["month"]):
            row_errors.append(_("tháng phải từ 1 đến 12."))
        total, online = parsed["total"] or 0, parsed["online"] or 0
        if rules.online_exceeds_total(total, online):
            row_errors.append(
                _("số hồ sơ trực tuyến (%(online)s) lớn hơn tổng số hồ sơ (%(total)s).") % {"online": online, "total": total}
            )
    if row_errors:
        errors.extend(RowError(raw.row, message) for message in row_errors)
        return None
    return ParsedRow(
        raw.row,
        parsed["unit_code"],
        parsed["procedure_code"],
        parsed["year"],
        parsed["month"],
        parsed["total"] or 0,
        parsed["online"] or 0,
        parsed["total"] is not None and parsed["online"] is not None,
    )
