"""Spreadsheet import: one path for the browser and the command line.

    preview = preview_import(data=..., filename=..., user=...)   # reads, checks, compares; writes nothing
    changes = apply_import(preview, user=..., reason=...)        # all of it in one transaction, or nothing

The file is read defensively: only .xlsx (checked part by part before openpyxl builds anything,
see spreadsheets.py) or UTF-8 .csv; at most MAX_ROWS rows and MAX_COLUMNS columns, nothing past
them read; formulas, dates, true/false, text and fractions in number cells are refused with their
row number.
"""

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.utils.translation import gettext as _, ngettext

from units.access import may_enter
from units.models import Unit

from .locks import LockIndex, future_message, is_future, lock_message
from . import rules
from .models import DossierCount, EmptyMonth, Procedure, pair_error
from .rules import MAX_COUNT
from .services import Change, Entry, InvalidCounts, apply_counts
from .spreadsheets import FileRefused, XlsxLimits, not_a_workbook, open_xlsx, sheet_rows
from .versions import MonthKey, month_versions

COLUMNS = ("unit_code", "unit_name", "procedure_code", "procedure_name", "year", "month", "total", "online")
REQUIRED_COLUMNS = ("unit_code", "procedure_code", "year", "month", "total", "online")
SHEET_NAME = "SoLieu"
MAX_ROWS = 20_000
MAX_COLUMNS = 30
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a bigger workbook once unzipped is refused (zip bomb)
CHANGES_SHOWN = 200  # the preview and the done page list this many changes, then say how many more


@dataclass(frozen=True)
class RowError:
    row: int | None  # the row number in the spreadsheet (the header is row 1); None for the whole file
    message: str


@dataclass
class RawRow:
    row: int
    values: dict  # column name → cell value as read (str for CSV)
    formulas: set = field(default_factory=set)  # columns whose cell holds a formula


@dataclass(frozen=True)
class ChangeList:
    """What a page shows of a file's changes: how many of each kind, and only the first ones
    (a province's month is thousands of rows; listing them all was a fifth of the import's time)."""

    inserted: int  # rows that had no saved value
    updated: int  # saved values that change
    shown: Sequence[Change]  # the first CHANGES_SHOWN, in the file's order
    hidden: int  # the changes not listed

    @classmethod
    def of(cls, changes: Sequence[Change], limit: int | None = None) -> "ChangeList":
        limit = CHANGES_SHOWN if limit is None else limit
        inserted = sum(1 for change in changes if change.is_new)
        return cls(inserted, len(changes) - inserted, changes[:limit], max(0, len(changes) - limit))


@dataclass
class ImportPreview:
    filename: str
    rows_read: int = 0
    # What apply_import hands to the service: every change, and the all-zero rows of empty_months.
    entries: list[Entry] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    versions: dict[MonthKey, str] = field(default_factory=dict)
    # Unit-months whose rows are all zero, with nothing saved and not yet recorded: confirming the
    # file records them as entered without dossiers, as saving an empty grid does.
    empty_months: list[MonthKey] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def writes_anything(self) -> bool:
        return bool(self.changes or self.empty_months)

    @property
    def listed(self) -> ChangeList:
        return ChangeList.of(self.changes)

    def empty_months_line(self) -> str:
        count = len(self.empty_months)
        return ngettext(
            "%(count)s tháng của đơn vị chỉ có số 0 được ghi nhận là đã nhập, không phát sinh hồ sơ.",
            "%(count)s tháng của đơn vị chỉ có số 0 được ghi nhận là đã nhập, không phát sinh hồ sơ.",
            count,
        ) % {"count": count}

    def summary(self) -> str:
        return _(
            "Tệp %(file)s: %(rows)s dòng số liệu, %(changes)s thay đổi, %(same)s dòng không đổi, %(errors)s lỗi."
        ) % {
            "file": self.filename,
            "rows": self.rows_read,
            "changes": len(self.changes),
            "same": self.unchanged,
            "errors": len(self.errors),
        }

    def error_lines(self) -> list[str]:
        return [error_line(error) for error in self.errors]

    def change_lines(self) -> list[str]:
        return [change_line(change) for change in self.changes]


def error_line(error: RowError) -> str:
    if error.row is None:
        return error.message
    return _("Dòng %(row)s: %(message)s") % {"row": error.row, "message": error.message}


def _value(value: int | None) -> str:
    return "—" if value is None else str(value)


def change_line(change: Change) -> str:
    return _(
        "%(unit)s · %(procedure)s · tháng %(month)s/%(year)s: tổng %(old_total)s → %(new_total)s, "
        "trực tuyến %(old_online)s → %(new_online)s"
    ) % {
        "unit": change.unit.code,
        "procedure": change.procedure.code,
        "month": change.month,
        "year": change.year,
        "old_total": _value(change.old_total),
        "new_total": change.new_total,
        "old_online": _value(change.old_online),
        "new_online": change.new_online,
    }


# Reading the file ------------------------------------------------------------------------------


def read_rows(data: bytes, filename: str) -> Iterator[RawRow]:
    """The data rows of an .xlsx or .csv file; raises FileRefused when the file as a whole is unusable."""
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(data)
    if suffix == ".csv":
        return _read_csv(data)
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


def _too_many_rows():
    return FileRefused(_("Tệp có quá nhiều dòng (tối đa %(max)s dòng số liệu).") % {"max": MAX_ROWS})


def _too_many_columns():
    return FileRefused(_("Tệp có quá nhiều cột (tối đa %(max)s cột).") % {"max": MAX_COLUMNS})


def xlsx_limits() -> XlsxLimits:
    """What an import may contain: the header row and MAX_ROWS data rows of MAX_COLUMNS columns."""
    return XlsxLimits(max_rows=MAX_ROWS + 1, max_columns=MAX_COLUMNS, max_unpacked_bytes=MAX_UNPACKED_BYTES)


def _read_xlsx(data: bytes) -> Iterator[RawRow]:
    limits = xlsx_limits()
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


def _read_csv(data: bytes) -> Iterator[RawRow]:
    if b"\x00" in data[:4096]:
        raise FileRefused(_("Tệp không phải bảng tính CSV (có dữ liệu nhị phân)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("Tệp CSV phải được lưu với mã UTF-8.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    return _csv_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _csv_rows(reader) -> Iterator[RawRow]:
    header = None
    try:
        for number, cells in enumerate(reader, start=1):
            if len(cells) > MAX_COLUMNS and any(cell.strip() for cell in cells[MAX_COLUMNS:]):
                raise _too_many_columns()
            if header is None:
                header = _header_map(cells)
                continue
            if number > MAX_ROWS + 1:
                raise _too_many_rows()
            values = {name: cells[index] for index, name in header.items() if index < len(cells)}
            if all(not str(value).strip() for value in values.values()):
                continue
            formulas = {name for name, value in values.items() if str(value).strip().startswith("=")}
            yield RawRow(number, values, formulas)
    except csv.Error:
        raise FileRefused(_("Tệp CSV bị lỗi định dạng.")) from None
    if header is None:
        raise FileRefused(_("Bảng tính trống: không có dòng tiêu đề."))


# Reading one cell --------------------------------------------------------------------------------


class CellError(Exception):
    pass


def _code(value, column: str, *, numbers_allowed: bool) -> str:
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


def _number(value, column: str, *, from_text: bool) -> int | None:
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


# Checking and comparing --------------------------------------------------------------------------


@dataclass
class _Parsed:
    row: int
    unit_code: str
    procedure_code: str
    year: int
    month: int
    total: int
    online: int


def _parse(raw: RawRow, *, from_text: bool, errors: list[RowError]) -> _Parsed | None:
    row_errors = []
    for column in sorted(raw.formulas, key=COLUMNS.index):
        row_errors.append(_("ô %(column)s chứa công thức; chỉ nhận giá trị.") % {"column": column})
    if row_errors:
        errors.extend(RowError(raw.row, message) for message in row_errors)
        return None
    parsed = {}
    for column, reader in (
        ("unit_code", lambda v: _code(v, "unit_code", numbers_allowed=True)),
        ("procedure_code", lambda v: _code(v, "procedure_code", numbers_allowed=False)),
        ("year", lambda v: _number(v, "year", from_text=from_text)),
        ("month", lambda v: _number(v, "month", from_text=from_text)),
        ("total", lambda v: _number(v, "total", from_text=from_text)),
        ("online", lambda v: _number(v, "online", from_text=from_text)),
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
    return _Parsed(
        raw.row,
        parsed["unit_code"],
        parsed["procedure_code"],
        parsed["year"],
        parsed["month"],
        parsed["total"] or 0,
        parsed["online"] or 0,
    )


def preview_import(*, data: bytes, filename: str, user=None) -> ImportPreview:
    """Read the file and say what it would change, and what is wrong with it (writes nothing).

    `user` None (the command line) may import any unit; a person only the units they may enter.
    Queries: units, procedures, saved counts, locks, versions (five, whatever the file's size), and
    the months already recorded as without dossiers when the file has a unit-month of zeros only.
    """
    preview = ImportPreview(filename=Path(filename or "").name)
    try:
        raw_rows = list(read_rows(data, filename))
    except FileRefused as refused:
        preview.errors.append(RowError(None, refused.message))
        return preview
    preview.rows_read = len(raw_rows)
    if not raw_rows:
        preview.errors.append(RowError(None, _("Tệp không có dòng số liệu nào.")))
        return preview
    from_text = Path(filename).suffix.lower() == ".csv"
    errors: list[RowError] = []
    parsed = [row for raw in raw_rows if (row := _parse(raw, from_text=from_text, errors=errors)) is not None]

    # A unit the person may not see is answered exactly as a unit that does not exist.
    units_query = Unit.objects.all() if user is None else Unit.objects.visible_to(user)
    units = {unit.code: unit for unit in units_query.filter(code__in={row.unit_code for row in parsed})}
    procedures = {
        p.code: p
        for p in Procedure.objects.select_related("department").filter(code__in={row.procedure_code for row in parsed})
    }
    locks = LockIndex.load(district_ids={unit.district_id for unit in units.values()}, years={row.year for row in parsed})
    saved = {}
    if units and parsed:
        for count in DossierCount.objects.filter(
            unit_id__in=[unit.pk for unit in units.values()],
            year__in={row.year for row in parsed},
            month__in={row.month for row in parsed},
        ).only("unit_id", "procedure_id", "year", "month", "total", "online"):
            saved[(count.unit_id, count.procedure_id, count.year, count.month)] = (count.total, count.online)

    entering = {}  # unit id → whether this person may enter its counts
    first_row_of = {}
    blank_rows: dict[MonthKey, list[Entry]] = {}  # 0/0 rows with nothing saved, by unit-month
    counted_months: set[MonthKey] = set()  # unit-months with a row that saves a number
    for row in parsed:
        unit = units.get(row.unit_code)
        procedure = procedures.get(row.procedure_code)
        row_errors = []
        if unit is None:
            row_errors.append(_("không có đơn vị mã “%(code)s”.") % {"code": row.unit_code})
        elif user is not None:
            if unit.pk not in entering:
                entering[unit.pk] = may_enter(user, unit)
            if not entering[unit.pk]:
                row_errors.append(_("bạn không có quyền nhập số liệu cho %(unit)s.") % {"unit": unit.name})
        if procedure is None:
            row_errors.append(_("không có thủ tục mã “%(code)s”.") % {"code": row.procedure_code})
        if unit is not None and procedure is not None:
            message = pair_error(unit, procedure)
            if message:
                row_errors.append(message)
            elif not rules.counts_toward_targets(procedure.online_level):
                row_errors.append(
                    _("thủ tục %(code)s chỉ ở mức độ 2, không nhập số liệu.") % {"code": procedure.code}
                )
            elif not rules.is_offered(procedure.first_year, procedure.last_year, row.year):
                row_errors.append(
                    _("thủ tục %(code)s không được cung cấp trong năm %(year)s.") % {"code": procedure.code, "year": row.year}
                )
        if is_future(row.year, row.month):
            row_errors.append(future_message(row.year, row.month))
        elif unit is not None:
            lock = locks.get(unit.district_id, row.year, row.month)
            if lock is not None:
                row_errors.append(lock_message(lock, month=row.month))
        if unit is not None and procedure is not None:
            key = (unit.pk, procedure.pk, row.year, row.month)
            if key in first_row_of:
                row_errors.append(
                    _("trùng với dòng %(first)s (cùng đơn vị, thủ tục, năm và tháng).") % {"first": first_row_of[key]}
                )
            else:
                first_row_of[key] = row.row
        if row_errors:
            errors.extend(RowError(row.row, message) for message in row_errors)
            continue
        old = saved.get(key)
        new = (row.total, row.online)
        entry = Entry(unit, procedure, row.year, row.month, row.total, row.online)
        month_key = (unit.pk, row.year, row.month)
        preview.versions[month_key] = ""
        if old is None and new == (0, 0):
            preview.unchanged += 1
            blank_rows.setdefault(month_key, []).append(entry)
            continue
        counted_months.add(month_key)
        if old == new:
            preview.unchanged += 1
            continue
        preview.entries.append(entry)
        preview.changes.append(
            Change(unit, procedure, row.year, row.month, *(old or (None, None)), row.total, row.online, row=row.row)
        )
    preview.errors = sorted(errors, key=lambda error: error.row or 0)
    if not preview.errors:
        _find_empty_months(preview, blank_rows, counted_months | {(u, y, m) for u, _p, y, m in saved})
    if preview.versions:
        preview.versions = month_versions(preview.versions)
    return preview


def _find_empty_months(
    preview: ImportPreview, blank_rows: dict[MonthKey, list[Entry]], with_numbers: set[MonthKey]
) -> None:
    """The unit-months of the file with nothing but zeros and nothing saved are entered, as an empty
    grid saved is: list those not recorded yet, and hand their rows to the service, which checks them
    (locks, versions) like any other and records the months (services._confirm_empty_months).
    One query, only when the file has such a month."""
    candidates = set(blank_rows) - with_numbers
    if not candidates:
        return
    recorded = set(
        EmptyMonth.objects.filter(
            unit_id__in={key[0] for key in candidates},
            year__in={key[1] for key in candidates},
            month__in={key[2] for key in candidates},
        ).values_list("unit_id", "year", "month")
    )
    preview.empty_months = sorted(candidates - recorded)
    for key in preview.empty_months:
        preview.entries.extend(blank_rows[key])


def apply_import(preview: ImportPreview, *, user, reason: str, versions: dict[MonthKey, str] | None = None) -> list[Change]:
    """Write every change of a preview without errors, in one transaction; or nothing.

    `versions` are those of an earlier preview of the same file (the browser keeps them between
    the preview and the confirmation): if any unit-month changed since, StaleCounts is raised.
    """
    if not preview.ok:
        raise InvalidCounts(_("Tệp còn lỗi nên không số liệu nào được ghi."))
    return apply_counts(
        entries=preview.entries,
        versions=preview.versions if versions is None else versions,
        user=user,
        reason=reason,
    )


def stored_versions(preview: ImportPreview) -> list[list]:
    """The preview's versions in a form a session can keep."""
    return [[*key, version] for key, version in sorted(preview.versions.items())]


def versions_from_store(stored) -> dict[MonthKey, str]:
    try:
        return {(int(unit_id), int(year), int(month)): str(version) for unit_id, year, month, version in stored}
    except (TypeError, ValueError):
        return {}
