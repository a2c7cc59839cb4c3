"""Writes to dossier counts and locks. Every way a count changes (grid, upload, command) ends here.

Each writer locks the rows of the units it touches (in id order, so writers never deadlock), then
checks the locks, the month and the version the person saw, and writes with bulk queries that
also write the history (who, when, how).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _, ngettext
from simple_history.utils import bulk_create_with_history

from units import services as unit_services
from units.rules import unit_exists_in_month
from units.models import District, Unit

from .bulk import copy_updates_to_history, insert_counts_with_history
from .catalog import procedure_change_error, unit_change_error
from .locks import (
    LockIndex, format_moment, future_message, is_future, lock_for, lock_for_unit, lock_message, period_label, person_name,
)
from . import rules
from .models import (
    ChangeReason, CountLock, DerivedMonth, DossierCount, EmptyMonth, LockException, MonthComment, MonthReport,
    MonthTransition, Procedure, UnusualCheck, pair_error,
)
from .plausibility import Finding
from .unusual import checks_of, proposed_findings
from .versions import MonthKey, last_change, month_version, month_versions, values_as_of

UPDATE_BATCH = 1000  # rows per UPDATE statement, fewer where the database limits parameters (SQLite)


class CountsRefused(Exception):
    """The change was refused and nothing was written; `message` says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class MonthLocked(CountsRefused):
    pass


class MonthInFuture(CountsRefused):
    pass


class StaleCounts(CountsRefused):
    """Somebody else changed the counts since the page (or the preview) was read."""


class InvalidCounts(CountsRefused):
    pass


class MonthApproved(CountsRefused):
    """The district approved the month: it changes only after it is unapproved, with a reason."""


class MonthFromDossiers(CountsRefused):
    """The unit-month's counts come from the dossier list: they change when the list does."""


class UnusualNotConfirmed(CountsRefused):
    """Values far from the unit's history (submissions.plausibility) that nobody has confirmed yet:
    `findings` says which; saved once a person ticks that they are right."""

    def __init__(self, findings: list[Finding]):
        super().__init__(ngettext(
            "Có %(count)s giá trị bất thường chưa được xác nhận: kiểm tra lại, đánh dấu “Đã kiểm tra, số liệu đúng” "
            "rồi lưu lại. Chưa có số nào được ghi.",
            "Có %(count)s giá trị bất thường chưa được xác nhận: kiểm tra lại, đánh dấu “Đã kiểm tra, số liệu đúng” "
            "rồi lưu lại. Chưa có số nào được ghi.",
            len(findings),
        ) % {"count": len(findings)})
        self.findings = findings


@dataclass(frozen=True)
class Entry:
    """The counts somebody wants saved for one unit, procedure and month."""

    unit: Unit
    procedure: Procedure
    year: int
    month: int
    total: int
    online: int

    @property
    def key(self) -> tuple[int, int, int, int]:
        return (self.unit.pk, self.procedure.pk, self.year, self.month)


@dataclass(frozen=True)
class Change:
    unit: Unit
    procedure: Procedure
    year: int
    month: int
    old_total: int | None
    old_online: int | None
    new_total: int
    new_online: int
    row: int | None = None  # the spreadsheet row it came from, when it came from one

    @property
    def is_new(self) -> bool:
        return self.old_total is None


def stale_message(unit_id: int, year: int, month: int) -> str:
    change = last_change(unit_id, year, month)
    if change is None:  # every record of the month was removed meanwhile
        return _("Số liệu vừa được thay đổi — hãy tải lại trang.")
    return _("Số liệu đã được %(person)s thay đổi lúc %(moment)s — hãy tải lại trang.") % {
        "person": change.who,
        "moment": change.when_text,
    }


def entry_error(entry: Entry) -> str | None:
    """Why these values may not be saved (checked again here, whatever the form said), or None."""
    if not unit_exists_in_month(entry.unit, entry.year, entry.month):
        return _("%(unit)s không hoạt động trong tháng %(month)s/%(year)s nên không có số liệu tháng đó.") % {
            "unit": entry.unit.name, "month": entry.month, "year": entry.year,
        }
    procedure = entry.procedure
    message = pair_error(entry.unit, procedure)
    if message:
        return message
    if not rules.counts_toward_targets(procedure.online_level) or not rules.is_offered(
        procedure.first_year, procedure.last_year, entry.year
    ):
        return _("Thủ tục %(procedure)s không nhận số liệu trong năm %(year)s.") % {
            "procedure": procedure.code,
            "year": entry.year,
        }
    return rules.count_error(entry.total, entry.online)


def _unusual_to_record(entries: list[Entry], *, confirmed, every_value: bool = False, removed=(),
                       zeros_written: bool = False) -> list[Finding]:
    """The unusual values among these entries not confirmed before (submissions.unusual): raises
    UnusualNotConfirmed for those the change brings that `confirmed(finding)` does not vouch
    for; returns those to keep as confirmed once written. With `every_value`, an unchanged saved
    value that `confirmed` vouches for is kept as confirmed too (the grid's tick on a row that
    was flagged afterwards, or loaded without a check). Two queries."""
    proposed = {entry.key: (entry.total, entry.online) for entry in entries}
    findings, changed = proposed_findings(proposed, every_value=every_value, removed=removed, zeros_written=zeros_written)
    checks = checks_of(findings)
    changed_months = {(unit_id, year, month) for unit_id, _procedure, year, month in changed}
    pending = [finding for finding in findings if finding.key not in checks]

    def brought_by_change(finding: Finding) -> bool:
        if finding.procedure_id is None:
            return (finding.unit_id, finding.year, finding.month) in changed_months
        return (finding.unit_id, finding.procedure_id, finding.year, finding.month) in changed

    missing = [finding for finding in pending if brought_by_change(finding) and not confirmed(finding)]
    if missing:
        raise UnusualNotConfirmed(missing)
    return [finding for finding in pending if confirmed(finding)]


def _record_checks(findings: list[Finding], *, user, reason: str) -> None:
    """Keep who confirmed these unusual values, and when and how (one insert)."""
    if not findings:
        return
    person = user if getattr(user, "pk", None) else None
    now = timezone.now()
    UnusualCheck.objects.bulk_create([
        UnusualCheck(unit_id=finding.unit_id, procedure_id=finding.procedure_id, year=finding.year, month=finding.month,
                     field=finding.unusual.field, value=finding.unusual.value, reason=finding.reason[:300],
                     confirmed_by=person, confirmed_at=now, how=reason)
        for finding in findings
    ])


def _write(entries: list[Entry], *, user, reason: str) -> list[Change]:
    """Create or update the rows for these entries, with their history, in at most five queries
    (per batch of rows: a whole province's month takes a few batches).

    Queries: the existing rows (locked), insert, history of inserts (one per 200 rows), update,
    history of updates.
    A blank (0/0) entry without a saved row creates nothing; a saved row is kept even at 0/0.
    Long because the inserts, the updates and their history must be written from one reading
    of the saved rows, in the same transaction.
    """
    if not entries:
        return []
    if len({entry.key for entry in entries}) != len(entries):
        raise InvalidCounts(_("Có hai dòng số liệu cho cùng một đơn vị, thủ tục và tháng."))
    unit_ids = {entry.unit.pk for entry in entries}
    years = {entry.year for entry in entries}
    months = {entry.month for entry in entries}
    existing = {
        (row.unit_id, row.procedure_id, row.year, row.month): row
        for row in DossierCount.objects.select_for_update(of=("self",)).order_by().filter(
            unit_id__in=unit_ids, year__in=years, month__in=months
        )
    }
    now = timezone.now()
    to_create, to_update, changes = [], [], []
    for entry in entries:
        row = existing.get(entry.key)
        if row is None:
            if entry.total == 0 and entry.online == 0:
                continue
            to_create.append(
                DossierCount(
                    unit=entry.unit,
                    procedure=entry.procedure,
                    year=entry.year,
                    month=entry.month,
                    total=entry.total,
                    online=entry.online,
                    updated_by=user,
                    updated_at=now,
                )
            )
            old = (None, None)
        elif (row.total, row.online) != (entry.total, entry.online):
            old = (row.total, row.online)
            row.total, row.online = entry.total, entry.online
            row.updated_by, row.updated_at = user, now
            to_update.append(row)
        else:
            continue
        changes.append(
            Change(entry.unit, entry.procedure, entry.year, entry.month, *old, entry.total, entry.online)
        )
    history_user = user if getattr(user, "pk", None) else None
    if to_create:  # one prepared INSERT (COPY on PostgreSQL), the history copied from it (submissions.bulk)
        fields = [field.attname for field in DossierCount._meta.concrete_fields if not field.primary_key]
        insert_counts_with_history([{name: getattr(row, name) for name in fields} for row in to_create],
                                   model=DossierCount, reason=reason, user=history_user, date=now)
    if to_update:
        _update_rows(to_update, updated_by_id=history_user.pk if history_user else None, updated_at=now)
        copy_updates_to_history(DossierCount, [row.pk for row in to_update], reason=reason, user=history_user, date=now)
    return changes


def _update_batch_size() -> int:
    """Rows per UPDATE: three parameters a row and two for the batch, within the database's limit
    (999 on SQLite as Django counts it; none on PostgreSQL)."""
    limit = connection.features.max_query_params
    return UPDATE_BATCH if limit is None else min(UPDATE_BATCH, (limit - 2) // 3)


def _update_rows(rows: list[DossierCount], *, updated_by_id: int | None, updated_at) -> None:
    """Write the new total and online of saved rows, and who changed them and when, with one
    `UPDATE … FROM (VALUES (id, total, online), …)` per batch.

    Django's `bulk_update` writes a `CASE WHEN id = … THEN …` per row and field instead, and building
    it was more than half of a province's 4,900-row import (bench/notes.md, finding 2): 5–6 s for the
    four fields, still 2.6–3.4 s for total and online alone, against 0.05–0.4 s for this statement
    (13 synthetic districts, SQLite and PostgreSQL). The same SQL runs on PostgreSQL and on SQLite
    from 3.33 (`UPDATE … FROM`; submissions.checks refuses an older one). Only placeholders and
    quoted names go into the SQL text.
    """
    meta = DossierCount._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column = {name: quote(meta.get_field(name).column) for name in ("total", "online", "updated_by", "updated_at")}
    at = meta.get_field("updated_at").get_db_prep_value(updated_at, connection)
    size = _update_batch_size()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = [updated_by_id, at]
            for row in batch:
                params += [row.pk, row.total, row.online]
            values = ", ".join(["(%s, %s, %s)"] * len(batch))
            cursor.execute(
                f"UPDATE {table} SET {column['total']} = v.column2, {column['online']} = v.column3, "
                f"{column['updated_by']} = %s, {column['updated_at']} = %s "
                f"FROM (VALUES {values}) AS v WHERE {table}.{quote(meta.pk.column)} = v.column1",
                params,
            )


@transaction.atomic
def save_month(
    *,
    unit: Unit,
    year: int,
    month: int,
    values: Mapping[Procedure, tuple[int, int]],
    version: str,
    user,
    reason: str = ChangeReason.GRID,
    confirmed: frozenset = frozenset(),
) -> list[Change]:
    """Save one unit-month from the grid: every row or none; returns what changed.

    Queries (at most eleven): lock the unit row; the month's lock; the month's version; the
    counts and confirmations the plausibility checks need; then `_write` (existing rows, insert,
    its history, update, its history) and the confirmations.
    Raises MonthInFuture, MonthLocked, MonthApproved, StaleCounts (somebody saved since `version`
    was read), UnusualNotConfirmed (an unusual figure not in `confirmed`, the (procedure id — None
    for the month as a whole —, field, value) the person ticked: a tick vouches for the number
    shown, not for another typed after it) or InvalidCounts (also for a month
    without any procedure to report); nothing is written then. A ticked row keeps who confirmed
    its unusual values, changed or not. Saving changes nothing else: an unchanged grid, even an empty one, stays as it
    was (a month without dossiers is declared with `record_empty_month`, its own step). A change to
    a confirmed month sends it back to "entered".
    """
    if not values:
        raise InvalidCounts(nothing_to_report_message(unit, year))
    # Holding the unit's row serialises every writer of this unit, including the first insert of a
    # month (no rows to lock yet).
    _month_writable(unit, year, month)
    _refuse_derived({(unit.pk, year, month)}, reason=reason)
    if month_version(unit.pk, year, month) != version:
        raise StaleCounts(stale_message(unit.pk, year, month))
    entries = [Entry(unit, procedure, year, month, total, online) for procedure, (total, online) in values.items()]
    for entry in entries:
        message = entry_error(entry)
        if message:
            raise InvalidCounts(message)
    checks = _unusual_to_record(
        entries, confirmed=lambda finding: (finding.procedure_id, finding.unusual.field, finding.unusual.value) in confirmed,
        every_value=True,
    )
    changes = _write(entries, user=user, reason=reason)
    _record_checks(checks, user=user, reason=reason)
    if changes:
        _withdraw_empty_declarations(changes, user=user, reason=reason)
        _reopen_confirmed({(unit.pk, year, month)}, user=user, reason=reason)
    return changes


def nothing_to_report_message(unit: Unit, year: int) -> str:
    return _("%(unit)s không có thủ tục mức độ 3, 4 nào để nhập số liệu trong năm %(year)s.") % {
        "unit": unit.name,
        "year": year,
    }


def _confirm_empty_months(keys: set[tuple[int, int, int]], *, user, reason: str) -> set[tuple[int, int, int]]:
    """Record the unit-months among `keys` that have no dossier at all as declared empty, with
    their history (who declared, when, how); returns those newly declared. Three queries and the
    history's, whatever the number of keys; only months that have a procedure to report reach
    here (the declaration checks it; an import's rows name one, each written as 0 explicitly)."""
    today = timezone.localdate()
    keys = {key for key in keys if rules.has_ended(key[1], key[2], today=today)}  # a month not over is not declared
    if not keys:
        return set()
    unit_ids = {unit_id for unit_id, _year, _month in keys}
    with_rows = set(
        DossierCount.objects.filter(
            unit_id__in=unit_ids, year__in={year for _u, year, _m in keys}, month__in={month for _u, _y, month in keys}
        )
        .values_list("unit_id", "year", "month")
        .distinct()
    )
    empty = sorted(keys - with_rows)
    if not empty:
        return set()
    confirmer = user if getattr(user, "pk", None) else None
    now = timezone.now()
    recorded = {
        (row.unit_id, row.year, row.month): row
        for row in EmptyMonth.objects.select_for_update().filter(
            unit_id__in={u for u, _y, _m in empty}, year__in={y for _u, y, _m in empty}, month__in={m for _u, _y, m in empty}
        )
    }
    new = [
        EmptyMonth(unit_id=u, year=y, month=m, confirmed_by=confirmer, confirmed_at=now)
        for u, y, m in empty
        if (u, y, m) not in recorded
    ]
    again = [recorded[key] for key in empty if key in recorded]
    if new:
        bulk_create_with_history(
            new, EmptyMonth, default_user=confirmer, default_change_reason=reason, default_date=now,
        )
    if again:
        for row in again:
            row.confirmed_by, row.confirmed_at = confirmer, now
        EmptyMonth.objects.bulk_update(again, ["confirmed_by", "confirmed_at"])
        EmptyMonth.history.bulk_history_create(
            again, update=True, default_user=confirmer, default_change_reason=reason, default_date=now,
        )
    return {(row.unit_id, row.year, row.month) for row in new}


def _withdraw_empty_declarations(changes: list[Change], *, user, reason: str) -> None:
    """A month declared without dossiers that now has figures is no longer "empty": the declaration
    is taken back (in its history), so deleting the figures later leaves the month missing."""
    keys = {(change.unit.pk, change.year, change.month) for change in changes if change.is_new}
    if not keys:
        return
    for declared in EmptyMonth.objects.filter(
        unit_id__in={u for u, _y, _m in keys}, year__in={y for _u, y, _m in keys}, month__in={m for _u, _y, m in keys}
    ):
        if (declared.unit_id, declared.year, declared.month) in keys:
            _recorded_as(declared, user=user, reason=reason)
            declared.delete()


def _recorded_as(obj, *, user, reason: str) -> None:
    """Who (a person, or nobody for the command line) and how, for the history record of the
    next save or delete of `obj`."""
    obj._history_user = user if getattr(user, "pk", None) else None
    obj._change_reason = reason


def _month_writable(unit: Unit, year: int, month: int) -> None:
    """Hold the unit's row (as every writer of its counts does), then refuse a future or locked month."""
    if is_future(year, month):
        raise MonthInFuture(future_message(year, month))
    Unit.objects.select_for_update().only("pk").get(pk=unit.pk)
    lock = lock_for_unit(unit, year, month)
    if lock is not None:
        raise MonthLocked(lock_message(lock, month=month))
    _refuse_approved({(unit.pk, year, month)})


def check_empty_month(*, unit: Unit, year: int, month: int) -> None:
    """Raise CountsRefused unless this unit-month may be recorded as entered without dossiers: not
    future nor locked, a procedure to report that year, no counts. Holds the unit's row until the
    transaction ends, so a form that calls it first leaves nothing for the service to refuse."""
    _month_writable(unit, year, month)
    if not rules.has_ended(year, month, today=timezone.localdate()):
        raise InvalidCounts(
            _("%(period)s chưa kết thúc: chỉ ghi “không phát sinh hồ sơ” khi tháng đã qua.") % {"period": period_label(year, month)}
        )
    if not unit_exists_in_month(unit, year, month):
        raise InvalidCounts(_("%(unit)s không hoạt động trong tháng %(month)s/%(year)s nên không có số liệu tháng đó.") % {
            "unit": unit.name, "month": month, "year": year})
    if not Procedure.objects.for_entry(unit, year).exists():
        raise InvalidCounts(nothing_to_report_message(unit, year))
    if DossierCount.objects.filter(unit=unit, year=year, month=month).exists():
        raise InvalidCounts(
            _("%(period)s của %(unit)s đã có số liệu, không thể ghi là không phát sinh hồ sơ.")
            % {"period": period_label(year, month), "unit": unit.name}
        )


@transaction.atomic
def record_empty_month(*, unit: Unit, year: int, month: int, user, reason: str = ChangeReason.ADMIN) -> EmptyMonth:
    """Declare a unit-month without dossiers ("không phát sinh hồ sơ"): its own step, from the
    grid's button (after a confirmation page) or the admin's "add"; refused as `check_empty_month`
    says."""
    check_empty_month(unit=unit, year=year, month=month)
    _confirm_empty_months({(unit.pk, year, month)}, user=user, reason=reason)
    return EmptyMonth.objects.get(unit=unit, year=year, month=month)


@transaction.atomic
def remove_empty_month(*, empty_month: EmptyMonth, user, reason: str = ChangeReason.ADMIN) -> None:
    """Take back "entered without dossiers" (the month is missing again); refused once locked or
    approved; a confirmation of the month goes with it."""
    _month_writable(empty_month.unit, empty_month.year, empty_month.month)
    _recorded_as(empty_month, user=user, reason=reason)
    empty_month.delete()
    _reopen_confirmed({(empty_month.unit_id, empty_month.year, empty_month.month)}, user=user, reason=reason)


@transaction.atomic
def apply_counts(
    *, entries: Iterable[Entry], versions: Mapping[MonthKey, str], user, reason: str, confirm_unusual: bool = False
) -> list[Change]:
    """Apply a whole spreadsheet (or any batch): every entry or none; returns what changed.

    `versions` holds the version of every unit-month as it was when the batch was previewed;
    if any differs now the batch is refused (StaleCounts) so nobody's numbers are overwritten
    unseen. Locks, future months and the values themselves are checked again here. Unusual
    values the batch brings (submissions.plausibility) are refused (UnusualNotConfirmed) unless
    `confirm_unusual` says the person looked at them; then who confirmed is kept with them.
    """
    entries = list(entries)
    if not entries:
        return []
    unit_ids = sorted({entry.unit.pk for entry in entries})
    list(Unit.objects.select_for_update().filter(pk__in=unit_ids).order_by("pk").values_list("pk", flat=True))
    for entry in entries:
        if is_future(entry.year, entry.month):
            raise MonthInFuture(future_message(entry.year, entry.month))
    locks = LockIndex.load(district_ids={entry.unit.district_id for entry in entries}, years={e.year for e in entries},
                           unit_ids=unit_ids)
    for entry in entries:
        lock = locks.for_unit(entry.unit, entry.year, entry.month)
        if lock is not None:
            raise MonthLocked(lock_message(lock, month=entry.month))
    keys = {(entry.unit.pk, entry.year, entry.month) for entry in entries}
    _refuse_approved(keys)
    _refuse_derived(keys, reason=reason)
    current = month_versions(keys)
    for key in sorted(keys):
        if current[key] != versions.get(key):
            raise StaleCounts(stale_message(*key))
    for entry in entries:
        message = entry_error(entry)
        if message:
            raise InvalidCounts(message)
    checks = _unusual_to_record(entries, confirmed=lambda finding: confirm_unusual)
    changes = _write(entries, user=user, reason=reason)
    _record_checks(checks, user=user, reason=reason)
    _withdraw_empty_declarations(changes, user=user, reason=reason)
    declared = _confirm_empty_months(keys, user=user, reason=reason)
    _reopen_confirmed({(c.unit.pk, c.year, c.month) for c in changes} | declared, user=user, reason=reason)
    return changes


# The reporting cycle: confirm, approve, unapprove ---------------------------------------------------


def _reports_of(keys) -> list[MonthReport]:
    """The recorded reports of these unit-months (one query)."""
    if not keys:
        return []
    return [
        report
        for report in MonthReport.objects.select_related("approved_by").filter(
            unit_id__in={u for u, _y, _m in keys}, year__in={y for _u, y, _m in keys}, month__in={m for _u, _y, m in keys}
        )
        if (report.unit_id, report.year, report.month) in keys
    ]


def approved_message(report: MonthReport, unit_name: str = "") -> str:
    return _(
        "%(period)s của %(unit)s đã được %(person)s phê duyệt lúc %(moment)s: muốn sửa, Cơ quan Nội vụ phải "
        "hủy phê duyệt (có lý do) trước."
    ) % {
        "period": period_label(report.year, report.month),
        "unit": unit_name or report.unit.name,
        "person": person_name(report.approved_by) or _("dòng lệnh"),
        "moment": format_moment(report.approved_at),
    }


def month_write_refusal(unit: Unit, year: int, month: int) -> str | None:
    """Why this unit-month's counts may not change now (locked, without an open exception for the
    unit; or approved), or None. For pages that offer a change: the writers check it again."""
    lock = lock_for_unit(unit, year, month)
    if lock is not None:
        return lock_message(lock, month=month)
    approved = next((report for report in _reports_of({(unit.pk, year, month)}) if report.is_approved), None)
    return approved_message(approved, unit.name) if approved is not None else None


def derived_month_message(derived: DerivedMonth) -> str:
    return _("Số liệu tháng %(month)s/%(year)s của %(unit)s được tính từ danh sách hồ sơ (%(source)s, nhập lúc "
             "%(when)s): hãy sửa danh sách rồi nhập lại, hoặc chuyển tháng này về nhập tay trước.") % {
        "month": derived.month, "year": derived.year, "unit": derived.unit.name, "source": derived.source,
        "when": timezone.localtime(derived.derived_at).strftime("%H:%M %d/%m/%Y")}


def _refuse_derived(keys: set[tuple[int, int, int]], *, reason: str) -> None:
    """A unit-month has one source at a time: typed counts or the dossier list (one query)."""
    if reason == ChangeReason.DOSSIERS or not keys:
        return
    derived = DerivedMonth.objects.select_related("unit").filter(
        unit_id__in={key[0] for key in keys}, year__in={key[1] for key in keys}, month__in={key[2] for key in keys})
    for month in derived:
        if (month.unit_id, month.year, month.month) in keys:
            raise MonthFromDossiers(derived_month_message(month))


@transaction.atomic
def switch_to_typed_counts(*, unit: Unit, year: int, month: int, user, reason: str) -> None:
    """Take a unit-month back to typed counts: its figures stay as the list gave them, and from now
    on they are typed (the list's later imports skip the month's counts). Recorded in the month's
    history with who and why."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidCounts(_("Hãy ghi lý do chuyển tháng này về nhập tay."))
    _month_writable(unit, year, month)
    derived = DerivedMonth.objects.filter(unit=unit, year=year, month=month).first()
    if derived is None:
        raise InvalidCounts(_("Tháng này đang nhập tay."))
    _recorded_as(derived, user=user, reason=reason[:100])
    derived.delete()


def _refuse_approved(keys: set[tuple[int, int, int]]) -> None:
    """Raise MonthApproved when any of these unit-months is approved (one query)."""
    for report in _reports_of(keys):
        if report.is_approved:
            raise MonthApproved(approved_message(report))


def _reopen_confirmed(keys: set[tuple[int, int, int]], *, user, reason: str) -> None:
    """A confirmed month whose figures changed goes back to "entered": the confirmation is cleared,
    and the history records who changed it and how (`note`). One query, and one write a month."""
    for report in _reports_of(keys):
        if report.is_confirmed and not report.is_approved:
            report.confirmed_by, report.confirmed_at, report.confirmed_on_behalf = None, None, False
            report.note = reason
            _recorded_as(report, user=user, reason=MonthTransition.REOPEN)
            report.save()


def _month_report(unit: Unit, year: int, month: int) -> MonthReport:
    return MonthReport.objects.select_for_update().filter(unit=unit, year=year, month=month).first() or MonthReport(
        unit=unit, year=year, month=month
    )


def is_reported(unit: Unit, year: int, month: int) -> bool:
    """Figures saved (even all zeros) or declared without dossiers (two small queries)."""
    return (
        DossierCount.objects.filter(unit=unit, year=year, month=month).exists()
        or EmptyMonth.objects.filter(unit=unit, year=year, month=month).exists()
    )


def _check_cycle_month(unit: Unit, year: int, month: int) -> None:
    """Hold the unit's row; refuse a locked month or one not yet over (nothing final to vouch for)."""
    Unit.objects.select_for_update().only("pk").get(pk=unit.pk)
    if not rules.has_ended(year, month, today=timezone.localdate()):
        raise InvalidCounts(_("%(period)s chưa kết thúc nên chưa xác nhận, phê duyệt được.") % {"period": period_label(year, month)})
    lock = lock_for_unit(unit, year, month)
    if lock is not None:
        raise MonthLocked(lock_message(lock, month=month))


@transaction.atomic
def confirm_month(*, unit: Unit, year: int, month: int, user, on_behalf: bool) -> MonthReport:
    """The unit vouches for its month (its head; or district staff on its behalf, recorded so).

    Refused: a month not over, locked, not reported (neither figures nor declared empty), already
    confirmed or approved."""
    _check_cycle_month(unit, year, month)
    report = _month_report(unit, year, month)
    if report.is_approved:
        raise MonthApproved(approved_message(report, unit.name))
    if report.is_confirmed:
        raise InvalidCounts(_("%(period)s của %(unit)s đã được xác nhận.") % {"period": period_label(year, month), "unit": unit.name})
    if not is_reported(unit, year, month):
        raise InvalidCounts(
            _("%(period)s của %(unit)s chưa có số liệu: hãy nhập số liệu hoặc ghi “không phát sinh hồ sơ” trước khi xác nhận.")
            % {"period": period_label(year, month), "unit": unit.name}
        )
    report.confirmed_by = user if getattr(user, "pk", None) else None
    report.confirmed_at = timezone.now()
    report.confirmed_on_behalf = on_behalf
    report.note = ""
    _recorded_as(report, user=user, reason=MonthTransition.CONFIRM)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def approve_month(*, unit: Unit, year: int, month: int, user) -> MonthReport:
    """The district accepts a confirmed month; refused unless confirmed and not yet approved, or when locked."""
    _check_cycle_month(unit, year, month)
    report = _month_report(unit, year, month)
    if report.is_approved:
        raise MonthApproved(approved_message(report, unit.name))
    if not report.is_confirmed:
        raise InvalidCounts(
            _("%(period)s của %(unit)s chưa được đơn vị xác nhận nên chưa phê duyệt được.")
            % {"period": period_label(year, month), "unit": unit.name}
        )
    report.approved_by = user if getattr(user, "pk", None) else None
    report.approved_at = timezone.now()
    report.note = ""
    _recorded_as(report, user=user, reason=MonthTransition.APPROVE)
    report.save()
    return report


@transaction.atomic
def unapprove_month(*, unit: Unit, year: int, month: int, user, reason: str) -> MonthReport:
    """Take an approval back, with a reason (the month is then confirmed, and can be changed)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidCounts(_("Hãy ghi lý do hủy phê duyệt."))
    if len(reason) > 500:
        raise InvalidCounts(_("Lý do dài quá 500 ký tự."))
    Unit.objects.select_for_update().only("pk").get(pk=unit.pk)
    lock = lock_for_unit(unit, year, month)
    if lock is not None:
        raise MonthLocked(lock_message(lock, month=month))
    report = _month_report(unit, year, month)
    if not report.is_approved:
        raise InvalidCounts(_("%(period)s của %(unit)s chưa được phê duyệt.") % {"period": period_label(year, month), "unit": unit.name})
    report.approved_by, report.approved_at = None, None
    report.note = reason
    _recorded_as(report, user=user, reason=MonthTransition.UNAPPROVE)
    report.save()
    return report


# Comments on a unit-month -------------------------------------------------------------------------

MAX_COMMENT_LENGTH = 1000


@transaction.atomic
def add_comment(*, unit: Unit, year: int, month: int, text: str, user) -> MonthComment:
    """A note on a unit-month, by whoever works on it; a lock does not stop a note (it changes no figure)."""
    text = (text or "").strip()
    if not text:
        raise InvalidCounts(_("Hãy viết nội dung ghi chú."))
    if "\x00" in text:
        raise InvalidCounts(_("Ghi chú có ký tự không hợp lệ."))
    if len(text) > MAX_COMMENT_LENGTH:
        raise InvalidCounts(_("Ghi chú dài quá %(max)s ký tự.") % {"max": MAX_COMMENT_LENGTH})
    if not (rules.is_valid_year(year) and rules.is_valid_month(month)):
        raise InvalidCounts(_("Năm hoặc tháng không hợp lệ."))
    comment = MonthComment(unit=unit, year=year, month=month, text=text,
                           author=user if getattr(user, "pk", None) else None, created_at=timezone.now())
    comment.full_clean()
    _recorded_as(comment, user=user, reason="comment")
    comment.save()
    return comment


@transaction.atomic
def delete_comment(*, comment: MonthComment, user) -> None:
    """Only its author takes a note back (the history keeps it)."""
    if comment.author_id is None or comment.author_id != getattr(user, "pk", None):
        raise CountsRefused(_("Chỉ người ghi mới xóa được ghi chú này."))
    _recorded_as(comment, user=user, reason="comment")
    comment.delete()


# Lock exceptions: a locked month reopened for one unit, with a reason, until a date ---------------

MAX_EXCEPTION_DAYS = 90  # an exception longer than a quarter is an unlock, not an exception


def exception_reason_error(reason: str) -> str | None:
    if not (reason or "").strip():
        return _("Hãy ghi lý do mở ngoại lệ.")
    if len(reason) > 500:
        return _("Lý do dài quá 500 ký tự.")
    return None


@transaction.atomic
def grant_lock_exception(*, unit: Unit, year: int, month: int, reason: str, expires_on, user) -> LockException:
    """Reopen one unit's locked month until `expires_on` (inclusive), with a reason. Refused: a
    month not locked, an exception already open for it, an expiry in the past or too far."""
    message = exception_reason_error(reason)
    if message:
        raise InvalidCounts(message)
    today = timezone.localdate()
    if expires_on < today:
        raise InvalidCounts(_("Ngày hết hạn đã qua."))
    if (expires_on - today).days > MAX_EXCEPTION_DAYS:
        raise InvalidCounts(_("Ngoại lệ dài nhất %(days)s ngày; lâu hơn thì hãy mở khóa.") % {"days": MAX_EXCEPTION_DAYS})
    Unit.objects.select_for_update().only("pk").get(pk=unit.pk)
    if lock_for(unit.district_id, year, month) is None:
        raise InvalidCounts(_("%(period)s không bị khóa nên không cần ngoại lệ.") % {"period": period_label(year, month)})
    if LockException.objects.filter(unit=unit, year=year, month=month, closed_at__isnull=True).exists():
        raise InvalidCounts(
            _("%(period)s của %(unit)s đã có một ngoại lệ chưa đóng.") % {"period": period_label(year, month), "unit": unit.name}
        )
    exception = LockException(
        unit=unit, year=year, month=month, reason=reason.strip(), expires_on=expires_on,
        granted_by=user if getattr(user, "pk", None) else None, granted_at=timezone.now(),
    )
    exception.full_clean()
    _recorded_as(exception, user=user, reason="grant")
    exception.save()
    return exception


@transaction.atomic
def revoke_lock_exception(*, exception: LockException, user) -> LockException:
    """End an exception before its expiry; the month is locked again for the unit at once."""
    exception = LockException.objects.select_for_update().get(pk=exception.pk)
    if exception.revoked_at is not None or exception.closed_at is not None:
        raise InvalidCounts(_("Ngoại lệ này đã đóng."))
    exception.revoked_at, exception.revoked_by = timezone.now(), user if getattr(user, "pk", None) else None
    _recorded_as(exception, user=user, reason="revoke")
    exception.save()
    return exception


def ended_exceptions(today=None):
    """Exceptions revoked or past their last day that are not closed yet."""
    today = today or timezone.localdate()
    return LockException.objects.filter(closed_at__isnull=True).filter(Q(revoked_at__isnull=False) | Q(expires_on__lt=today))


@transaction.atomic
def close_exceptions(exceptions, *, user=None) -> list[LockException]:
    """Mark ended exceptions closed (targets.services re-issues the locked result first)."""
    closed = []
    for exception in exceptions:
        exception.closed_at = timezone.now()
        _recorded_as(exception, user=user, reason="close")
        exception.save()
        closed.append(exception)
    return closed


def _hold_district(district: District) -> None:
    """Wait for every save in progress in the district, and keep new ones out until commit."""
    list(Unit.objects.select_for_update().filter(district=district).order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def lock_period(*, district: District, year: int, month: int | None = None, user=None, reason: str = "web") -> CountLock:
    """Lock a year (month None) or one month of a district; raises CountsRefused if already locked."""
    _hold_district(district)
    year_lock = CountLock.objects.select_related("locked_by").filter(district=district, year=year, month__isnull=True).first()
    if year_lock is not None:
        raise CountsRefused(lock_message(year_lock, month=month))
    if month is not None:
        existing = lock_for(district, year, month)
        if existing is not None:
            raise CountsRefused(lock_message(existing))
    lock = CountLock(district=district, year=year, month=month, locked_by=user, locked_at=timezone.now())
    lock._history_user = user
    lock._change_reason = reason
    lock.full_clean()
    lock.save()
    return lock


@transaction.atomic
def unlock_period(*, district: District, year: int, month: int | None = None, user=None, reason: str = "web") -> CountLock:
    """Remove the lock of a year (month None) or of one month; raises CountsRefused if there is none.

    Unlocking a year leaves the locks of single months in place.
    """
    _hold_district(district)
    lock = CountLock.objects.filter(district=district, year=year).filter(
        Q(month__isnull=True) if month is None else Q(month=month)
    ).first()
    if lock is None:
        raise CountsRefused(_("%(period)s không bị khóa.") % {"period": period_label(year, month)})
    lock._history_user = user
    lock._change_reason = reason
    lock.delete()
    _close_exceptions_of_unlocked_months(district, year, user=user)
    return lock


def _close_exceptions_of_unlocked_months(district: District, year: int, *, user) -> None:
    """An exception of a month no longer locked has nothing left to open: it is closed with the
    unlock (revoked now if it was still open), so locking again never finds it still open."""
    remaining = LockIndex.load(district_ids=[district.pk], years=[year])
    now = timezone.now()
    for exception in LockException.objects.select_for_update().filter(unit__district=district, year=year,
                                                                      closed_at__isnull=True):
        if remaining.get(district.pk, year, exception.month) is not None:
            continue
        if exception.revoked_at is None:
            exception.revoked_at, exception.revoked_by = now, user if getattr(user, "pk", None) else None
        exception.closed_at = now
        _recorded_as(exception, user=user, reason="unlock")
        exception.save()


# The admin's writes: one count, a unit, a procedure ----------------------------------------------


def check_count_change(
    *, count: DossierCount, old: DossierCount | None, version: str | None, confirm_unusual: bool = False
) -> list[Finding]:
    """Raise CountsRefused unless `count` (new values; `old` as saved, None for a new row) may be
    saved from the admin: what the grid refuses (a future or locked month, the old month's too,
    values the grid would not take, an unusual value not confirmed) and a page older than the
    month's last change (`version`). Returns the unusual values to keep as confirmed. Holds the units' rows until the transaction ends, so a form that calls it first leaves
    nothing for `save_count` to refuse."""
    unit_ids = sorted({count.unit_id} | ({old.unit_id} if old is not None else set()))
    list(Unit.objects.select_for_update().filter(pk__in=unit_ids).order_by("pk").values_list("pk", flat=True))
    if is_future(count.year, count.month):
        raise MonthInFuture(future_message(count.year, count.month))
    periods = {(count.unit, count.year, count.month)}
    if old is not None:
        periods.add((old.unit, old.year, old.month))
    for unit, year, month in sorted(periods, key=lambda period: (period[0].pk, period[1], period[2])):
        lock = lock_for_unit(unit, year, month)
        if lock is not None:
            raise MonthLocked(lock_message(lock, month=month))
    _refuse_approved({(count.unit_id, count.year, count.month)} | ({(old.unit_id, old.year, old.month)} if old else set()))
    if old is not None and version != month_version(old.unit_id, old.year, old.month):
        raise StaleCounts(stale_message(old.unit_id, old.year, old.month))
    entry = Entry(count.unit, count.procedure, count.year, count.month, count.total, count.online)
    message = entry_error(entry)
    if message:
        raise InvalidCounts(message)
    moved_from = ()  # the admin may move a count to another unit, procedure or month: its old month is judged too
    if old is not None and (old.unit_id, old.procedure_id, old.year, old.month) != entry.key:
        moved_from = [(old.unit_id, old.procedure_id, old.year, old.month)]
    return _unusual_to_record([entry], confirmed=lambda finding: confirm_unusual, removed=moved_from, zeros_written=True)


@transaction.atomic
def save_count(
    *, count: DossierCount, version: str | None, user, reason: str = ChangeReason.ADMIN, confirm_unusual: bool = False
) -> DossierCount:
    """Save one count as the admin edits it, with its history; refused as `check_count_change` says."""
    old = DossierCount.objects.select_related("unit").filter(pk=count.pk).first() if count.pk else None
    checks = check_count_change(count=count, old=old, version=version, confirm_unusual=confirm_unusual)
    _recorded_as(count, user=user, reason=reason)
    count.updated_by, count.updated_at = count._history_user, timezone.now()
    count.save()
    _record_checks(checks, user=user, reason=reason)
    touched = {(count.unit_id, count.year, count.month)} | ({(old.unit_id, old.year, old.month)} if old else set())
    _reopen_confirmed(touched, user=user, reason=reason)
    return count


@transaction.atomic
def delete_count(*, count: DossierCount, user, reason: str = ChangeReason.ADMIN) -> None:
    """Remove one count (it is then missing, not zero), with its history; refused once locked."""
    _month_writable(count.unit, count.year, count.month)
    _recorded_as(count, user=user, reason=reason)
    count.delete()
    _reopen_confirmed({(count.unit_id, count.year, count.month)}, user=user, reason=reason)


@transaction.atomic
def change_unit(*, unit: Unit, user) -> Unit:
    """Create or change a unit, refused when the edit would move a locked period's figures."""
    old = Unit.objects.select_for_update().filter(pk=unit.pk).first() if unit.pk else None
    message = unit_change_error(old, unit)
    if message:
        raise CountsRefused(message)
    return unit_services.save_unit(unit=unit, user=user)


@transaction.atomic
def save_procedure(*, procedure: Procedure, user, reason: str = ChangeReason.ADMIN) -> Procedure:
    """Add or change a procedure of the catalog, with its history; refused when the edit would
    move a locked period's figures (retire it with a last year and add a new one instead)."""
    old = Procedure.objects.select_for_update().filter(pk=procedure.pk).first() if procedure.pk else None
    message = procedure_change_error(old, procedure)
    if message:
        raise CountsRefused(message)
    procedure.full_clean()
    _recorded_as(procedure, user=user, reason=reason)
    procedure.save()
    return procedure


@transaction.atomic
def delete_procedure(*, procedure: Procedure, user, reason: str = ChangeReason.ADMIN) -> None:
    """Only a procedure without counts (one with counts is retired with a last year)."""
    if procedure.dossier_counts.exists():
        raise CountsRefused(
            _("Thủ tục %(code)s đã có số liệu: không xóa, hãy ghi năm kết thúc.") % {"code": procedure.code}
        )
    _recorded_as(procedure, user=user, reason=reason)
    procedure.delete()


# A refused save of the grid ------------------------------------------------------------------------


@dataclass(frozen=True)
class MergedGrid:
    """The grid as saved now, and the form data to show again after a refused (stale) save."""

    grid: "object"  # submissions.grid.Grid
    data: object  # a QueryDict: what the person typed where they changed a row, else what is saved now
    both_changed: set  # procedure ids that both people changed differently: marked for the person to decide
    updated: set  # procedure ids only the other person changed: shown with their numbers


def merge_stale_grid(*, unit: Unit, year: int, month: int, posted, typed: Mapping, seen_version: str) -> MergedGrid:
    """A three-way merge after StaleCounts: what the page showed (`seen_version`, from the
    history), what this person typed (`typed`: {procedure: (total, online)}), what is saved now.
    Writes nothing; the person saves again from the merged page."""
    from .grid import build_grid  # the grid reads these services' results; built here on demand

    grid = build_grid(unit, year, month)
    seen = values_as_of(unit.pk, year, month, seen_version)
    data = posted.copy()
    data["version"] = grid.version
    both_changed, updated = set(), set()
    typed_by_id = {procedure.pk: values for procedure, values in typed.items()}
    for row in grid.rows:
        pk = row.procedure.pk
        now = (row.saved_total or 0, row.saved_online or 0)
        mine = typed_by_id.get(pk, now)
        before = seen.get(pk, (0, 0)) if seen is not None else None
        if before is not None and mine == before:
            data[row.total_name] = "" if row.saved_total is None else str(row.saved_total)
            data[row.online_name] = "" if row.saved_online is None else str(row.saved_online)
            if now != before:
                updated.add(pk)
        elif now != mine and (before is None or now != before):
            both_changed.add(pk)
    return MergedGrid(grid=grid, data=data, both_changed=both_changed, updated=updated)
