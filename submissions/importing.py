"""Spreadsheet import: one path for the browser and the command line.

    preview = preview_import(data=..., filename=..., user=...)   # reads, checks, compares; writes nothing
    changes = apply_import(preview, user=..., reason=...)        # all of it in one transaction, or nothing

The steps, each in its module:
- reading the file (import_reading.py; an .xlsx is first bounded part by part, spreadsheets.py):
  only .xlsx or UTF-8 .csv, at most MAX_ROWS rows and MAX_COLUMNS columns, nothing past them read;
- checking each row's cells (import_cells.py): formulas, dates, true/false, text and fractions in
  number cells are refused with their row number;
- comparing with what is saved and who may enter what (here: preview_import), then writing it
  all through the service (apply_import).
"""

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _, ngettext

from units.access import may_enter
from units.models import Unit
from units.rules import unit_exists_in_month

from . import import_reading, rules
from .import_cells import ParsedRow, RowError, parse_row
from .import_reading import COLUMNS, REQUIRED_COLUMNS, SHEET_NAME, RawRow  # noqa: F401 (the file's format)
from .locks import LockIndex, future_message, is_future, lock_message
from .models import DossierCount, EmptyMonth, MonthReport, Procedure, pair_error
from .services import Change, Entry, InvalidCounts, apply_counts, approved_message
from .spreadsheets import FileRefused, XlsxLimits
from .unusual import checks_of, proposed_findings
from .versions import MonthKey, month_versions

NUMBER_LIKE = re.compile(r"[0-9]+([.,][0-9]+)?([eE][+-]?[0-9]+)?")  # a code a spreadsheet read as a number
MAX_ROWS = 20_000
MAX_COLUMNS = 30
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a bigger workbook once unzipped is refused (zip bomb)
CHANGES_SHOWN = 200  # the preview and the done page list this many changes, then say how many more


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
    # Changes far above the unit's own history for their procedure (plausibility): to look at again.
    warnings: list[RowError] = field(default_factory=list)
    # What was read with a doubt that changes no number (a name's letters in a non-UTF-8 CSV).
    notices: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def writes_anything(self) -> bool:
        return bool(self.changes or self.empty_months)

    @property
    def listed(self) -> ChangeList:
        return ChangeList.of(self.changes)

    @property
    def warnings_digest(self) -> str:
        """What the preview's tick vouches for: the unusual values listed, as a digest. The confirm
        step recomputes the preview and writes only if the same values are flagged."""
        listed = "\n".join(error_line(warning) for warning in self.warnings)
        return hashlib.sha256(listed.encode("utf-8")).hexdigest()[:32]

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


def xlsx_limits() -> XlsxLimits:
    """What an import may contain: the header row and MAX_ROWS data rows of MAX_COLUMNS columns."""
    return XlsxLimits(max_rows=MAX_ROWS + 1, max_columns=MAX_COLUMNS, max_unpacked_bytes=MAX_UNPACKED_BYTES)


def read_rows(data: bytes, filename: str) -> Iterator[RawRow]:
    """The data rows of an .xlsx or .csv file within this module's limits (import_reading)."""
    return import_reading.read_rows(data, filename, limits=xlsx_limits())


# Checking and comparing --------------------------------------------------------------------------


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
    preview.notices = [RowError(raw.row, note) for raw in raw_rows for note in raw.notes]
    if not raw_rows:
        preview.errors.append(RowError(None, _("Tệp không có dòng số liệu nào.")))
        return preview
    from_text = Path(filename).suffix.lower() == ".csv"
    errors: list[RowError] = []
    parsed = [row for raw in raw_rows if (row := parse_row(raw, from_text=from_text, errors=errors)) is not None]
    found = _Found.load(parsed, user=user)
    checker = _RowChecker(found, user=user)
    blank_rows: dict[MonthKey, list[Entry]] = {}  # rows written as 0 and 0 with nothing saved, by unit-month
    counted_months: set[MonthKey] = set()  # unit-months with a row that saves a number
    for row in parsed:
        unit, procedure = found.unit_for(row.unit_code, row.year, row.month), found.procedures.get(row.procedure_code)
        row_errors = checker.errors(row, unit, procedure)
        if row_errors:
            errors.extend(RowError(row.row, message) for message in row_errors)
            continue
        old = found.saved.get((unit.pk, procedure.pk, row.year, row.month))
        entry = Entry(unit, procedure, row.year, row.month, row.total, row.online)
        month_key = (unit.pk, row.year, row.month)
        preview.versions[month_key] = ""
        if old is None and (row.total, row.online) == (0, 0):
            preview.unchanged += 1
            if row.written:  # an untouched template's blank cells declare nothing
                blank_rows.setdefault(month_key, []).append(entry)
            continue
        counted_months.add(month_key)
        if old == (row.total, row.online):
            preview.unchanged += 1
            continue
        preview.entries.append(entry)
        preview.changes.append(
            Change(unit, procedure, row.year, row.month, *(old or (None, None)), row.total, row.online, row=row.row)
        )
    preview.errors = sorted(errors, key=lambda error: error.row or 0)
    if not preview.errors:
        _find_empty_months(preview, blank_rows, counted_months | {(u, y, m) for u, _p, y, m in found.saved})
    if preview.changes:
        preview.warnings = _unusual_changes(preview.changes, preview.entries)
    if preview.versions:
        preview.versions = month_versions(preview.versions)
    return preview


@dataclass
class _Found:
    """What the file's rows name, read in six queries: units (only those the person may see: one
    they may not is answered as one that does not exist), procedures, locks, the units' open lock
    exceptions, saved counts, approved months."""

    units: dict[str, list[Unit]]  # a code names a unit only with its period (18229: 2020 and 2026)
    procedures: dict[str, Procedure]
    locks: LockIndex
    saved: dict[tuple[int, int, int, int], tuple[int, int]]  # (unit, procedure, year, month) → (total, online)
    approved: dict[tuple[int, int, int], MonthReport]  # (unit, year, month) → its approval

    @classmethod
    def load(cls, parsed: list[ParsedRow], *, user) -> "_Found":
        units_query = Unit.objects.all() if user is None else Unit.objects.visible_to(user)
        units: dict[str, list[Unit]] = {}
        for unit in units_query.filter(code__in={row.unit_code for row in parsed}).order_by("first_year", "first_month"):
            units.setdefault(unit.code, []).append(unit)
        every_unit = [unit for its in units.values() for unit in its]
        procedures = {
            p.code: p
            for p in Procedure.objects.select_related("department").filter(code__in={row.procedure_code for row in parsed})
        }
        years = {row.year for row in parsed}
        locks = LockIndex.load(district_ids={unit.district_id for unit in every_unit}, years=years,
                               unit_ids={unit.pk for unit in every_unit})
        saved, approved = {}, {}
        if units and parsed:
            approved = {
                (report.unit_id, report.year, report.month): report
                for report in MonthReport.objects.select_related("approved_by").filter(
                    approved_at__isnull=False, unit_id__in=[unit.pk for unit in every_unit], year__in=years,
                    month__in={row.month for row in parsed},
                )
            }
            for count in DossierCount.objects.filter(
                unit_id__in=[unit.pk for unit in every_unit], year__in=years, month__in={row.month for row in parsed},
            ).only("unit_id", "procedure_id", "year", "month", "total", "online"):
                saved[(count.unit_id, count.procedure_id, count.year, count.month)] = (count.total, count.online)
        return cls(units, procedures, locks, saved, approved)

    def unit_for(self, code: str, year, month) -> Unit | None:
        """The unit that code names in that month; the latest when none existed then (the row is
        then refused as a month the unit did not exist in)."""
        its = self.units.get(code) or []
        for unit in its:
            if isinstance(year, int) and isinstance(month, int) and unit_exists_in_month(unit, year, month):
                return unit
        return its[-1] if its else None


class _RowChecker:
    """Why one parsed row cannot be imported: its unit and procedure (rules.reporting_error, the
    level, the offered years), the person's right to enter the unit, the month (future or locked),
    a second row for the same unit, procedure and month."""

    def __init__(self, found: _Found, *, user):
        self.found = found
        self.user = user
        self.entering: dict[int, bool] = {}  # unit id → whether this person may enter its counts
        self.first_row_of: dict[tuple, int] = {}

    def _changes(self, row: ParsedRow, unit: Unit, procedure: Procedure) -> bool:
        """Whether the row would change what is saved (a blank row over nothing changes nothing)."""
        old = self.found.saved.get((unit.pk, procedure.pk, row.year, row.month))
        return old != (row.total, row.online) and not (old is None and (row.total, row.online) == (0, 0))

    def errors(self, row: ParsedRow, unit: Unit | None, procedure: Procedure | None) -> list[str]:
        row_errors = []
        if unit is None:
            row_errors.append(_("không có đơn vị mã “%(code)s”.") % {"code": row.unit_code})
        elif self.user is not None:
            if unit.pk not in self.entering:
                self.entering[unit.pk] = may_enter(self.user, unit)
            if not self.entering[unit.pk]:
                row_errors.append(_("bạn không có quyền nhập số liệu cho %(unit)s.") % {"unit": unit.name})
        if procedure is None:
            message = _("không có thủ tục mã “%(code)s”.") % {"code": row.procedure_code}
            if NUMBER_LIKE.fullmatch(row.procedure_code):
                message += " " + _("Mã này có vẻ đã bị Excel đổi thành số (mất số 0 ở cuối, như 2.000930 → 2.00093); "
                                   "hãy định dạng cột Mã thủ tục là văn bản (Text), nhập lại mã rồi lưu.")
            row_errors.append(message)
        if unit is not None and procedure is not None:
            message = pair_error(unit, procedure)
            if message:
                row_errors.append(message)
            elif not rules.counts_toward_targets(procedure.online_level):
                row_errors.append(_("thủ tục %(code)s chỉ ở mức độ 2, không nhập số liệu.") % {"code": procedure.code})
            elif not rules.is_offered(procedure.first_year, procedure.last_year, row.year):
                row_errors.append(
                    _("thủ tục %(code)s không được cung cấp trong năm %(year)s.") % {"code": procedure.code, "year": row.year}
                )
        if is_future(row.year, row.month):
            row_errors.append(future_message(row.year, row.month))
        elif unit is not None:
            lock = self.found.locks.for_unit(unit, row.year, row.month)
            if lock is not None:
                row_errors.append(lock_message(lock, month=row.month))
            report = self.found.approved.get((unit.pk, row.year, row.month))
            if report is not None and procedure is not None and self._changes(row, unit, procedure):
                row_errors.append(approved_message(report, unit.name))
        if unit is not None and procedure is not None:
            key = (unit.pk, procedure.pk, row.year, row.month)
            if key in self.first_row_of:
                row_errors.append(
                    _("trùng với dòng %(first)s (cùng đơn vị, thủ tục, năm và tháng).") % {"first": self.first_row_of[key]}
                )
            else:
                self.first_row_of[key] = row.row
        return row_errors


def _unusual_changes(changes: list[Change], entries: list[Entry]) -> list[RowError]:
    """The unusual values the file brings (submissions.unusual, as the service judges them when the
    file is confirmed), each with its row: two queries. They refuse nothing; the person ticks
    that they looked at them before confirming."""
    findings, _changed = proposed_findings({entry.key: (entry.total, entry.online) for entry in entries})
    if not findings:
        return []
    checks = checks_of(findings)
    by_value = {(c.unit.pk, c.procedure.pk, c.year, c.month): c for c in changes}
    by_month = {}
    for change in changes:
        by_month.setdefault((change.unit.pk, change.year, change.month), change)
    warnings = []
    for finding in findings:
        if finding.key in checks:
            continue  # that very value was confirmed before
        if finding.procedure_id is None:
            change = by_month[(finding.unit_id, finding.year, finding.month)]
            where = f"{change.unit.name} · T{finding.month}/{finding.year}"
        else:
            change = by_value[(finding.unit_id, finding.procedure_id, finding.year, finding.month)]
            where = f"{change.unit.name} · {change.procedure.code} · T{finding.month}/{finding.year}"
        warnings.append(RowError(change.row, f"{where}: {finding.reason}"))
    return sorted(warnings, key=lambda warning: warning.row or 0)


def _find_empty_months(
    preview: ImportPreview, blank_rows: dict[MonthKey, list[Entry]], with_numbers: set[MonthKey]
) -> None:
    """The unit-months of the file whose rows all say 0 (written, not left blank) and that have nothing
    saved are declared without dossiers — the preview lists them and the person confirms it: list
    those not recorded yet, and hand their rows to the service, which checks them
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


def apply_import(
    preview: ImportPreview, *, user, reason: str, versions: dict[MonthKey, str] | None = None, confirm_unusual: bool = False
) -> list[Change]:
    """Write every change of a preview without errors, in one transaction; or nothing.

    `versions` are those of an earlier preview of the same file (the browser keeps them between
    the preview and the confirmation): if any unit-month changed since, StaleCounts is raised.
    Unusual values (preview.warnings) are written only with `confirm_unusual` (the person ticked
    that they looked at them); otherwise UnusualNotConfirmed.
    """
    if not preview.ok:
        raise InvalidCounts(_("Tệp còn lỗi nên không số liệu nào được ghi."))
    return apply_counts(
        entries=preview.entries,
        versions=preview.versions if versions is None else versions,
        user=user,
        reason=reason,
        confirm_unusual=confirm_unusual,
    )


def stored_versions(preview: ImportPreview) -> list[list]:
    """The preview's versions in a form a session can keep."""
    return [[*key, version] for key, version in sorted(preview.versions.items())]


def versions_from_store(stored) -> dict[MonthKey, str]:
    try:
        return {(int(unit_id), int(year), int(month)): str(version) for unit_id, year, month, version in stored}
    except (TypeError, ValueError):
        return {}
