"""The dossier register: a one-stop system's list imported, matched to units and procedures, and
the monthly counts derived from it (submissions.dossier_reading reads the file).

`import_dossiers` is the one writer of `Dossier` and `DerivedMonth` (submissions.dossier_jobs runs it
as a background job): every dossier of the file
or none; the counts of each unit-month it touches are then exactly its dossiers' sums, written
through `services.apply_counts`, so locks, approvals, unusual values and history hold as for
any count. Re-importing an overlapping list changes nothing; a dossier whose channel or date
was corrected is updated, with its history.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt_portal.text import fold
from units.models import Unit, UnitKind
from units.rules import unit_exists_in_month

from . import rules, services
from .bulk import copy_to_history, insert_rows
from .dossier_reading import ONLINE, DossierLine, bare_place_name
from .spreadsheets import XlsxLimits
from .models import Authority, ChangeReason, DerivedMonth, Dossier, DossierCount, DossierSourceProfile, Procedure
from .versions import month_versions

FIELDS = ("procedure_id", "unit_id", "commune_id", "received_on", "channel", "result_on", "result_electronic")


class DossiersRefused(services.CountsRefused):
    """The list was refused as a whole; `messages` says why, row by row."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class DossierImport:
    """What an import did (or, dry, would do): dossiers new, changed and unchanged, per month
    and unit, and the counts it derived."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    per_month_unit: Counter = field(default_factory=Counter)  # (year, month, unit name) → dossiers
    counts_changed: int = 0
    months: list = field(default_factory=list)  # (unit, year, month) derived
    taken_over: list = field(default_factory=list)  # of which typed before: (unit name, year, month)
    not_counted: int = 0  # dossiers of procedures no target counts (level 2): skipped, not kept

    @property
    def total(self) -> int:
        return self.new + self.changed + self.unchanged


class _Matcher:
    """Units and procedures by what an export writes: codes, else names (folded); a unit of the
    month the dossier was received in (a commune merged in July 2025 is not matched in August)."""

    def __init__(self, units, procedures):
        self.by_name: dict[str, list[Unit]] = defaultdict(list)
        for unit in units:
            self.by_name[bare_place_name(unit.name)].append(unit)
        self.procedures_by_code = {procedure.code: procedure for procedure in procedures}
        self.procedures_by_name = defaultdict(list)
        for procedure in procedures:
            self.procedures_by_name[fold(procedure.name)].append(procedure)

    def unit(self, name: str, line: DossierLine, kind: str | None = None) -> Unit | None:
        found = [unit for unit in self.by_name.get(bare_place_name(name), [])
                 if unit_exists_in_month(unit, line.received_on.year, line.received_on.month)
                 and (kind is None or unit.kind == kind)]
        return found[0] if len(found) == 1 else None

    def procedure(self, line: DossierLine) -> Procedure | None:
        if line.procedure_code and line.procedure_code in self.procedures_by_code:
            return self.procedures_by_code[line.procedure_code]
        named = self.procedures_by_name.get(fold(line.procedure_name), [])
        return named[0] if len(named) == 1 else None


def _row_label(line: DossierLine) -> str:
    """"Dòng 12 (hồ sơ …)": said only when a row is refused (translated per message, not per row)."""
    return _("Dòng %(row)s (hồ sơ %(code)s)") % {"row": line.row, "code": line.code}


NOT_COUNTED: dict = {}  # what _matched answers for a dossier no target counts


def _matched(line: DossierLine, matcher: _Matcher) -> tuple[dict | None, str | None]:
    """The dossier's fields, or why the row cannot be counted (never a guess)."""
    procedure = matcher.procedure(line)
    if procedure is None:
        return None, _("%(where)s: không có thủ tục “%(code)s %(name)s” trong danh mục.") % {
            "where": _row_label(line), "code": line.procedure_code, "name": line.procedure_name}
    year, month = line.received_on.year, line.received_on.month
    if not rules.counts_toward_targets(procedure.online_level):
        return NOT_COUNTED, None  # a level-2 procedure's dossier: no target counts it, nothing is kept
    if not rules.is_offered(procedure.first_year, procedure.last_year, year):
        return None, _("%(where)s: thủ tục %(code)s không có trong danh mục năm %(year)s.") % {
            "where": _row_label(line), "code": procedure.code, "year": year}
    commune = matcher.unit(line.commune_name, line, UnitKind.COMMUNE) if line.commune_name else None
    if line.commune_name and commune is None:
        return None, _("%(where)s: không xác định được xã “%(name)s” vào tháng %(month)s/%(year)s.") % {
            "where": _row_label(line), "name": line.commune_name, "month": month, "year": year}
    if procedure.authority == Authority.COMMUNE:
        unit = matcher.unit(line.unit_name, line, UnitKind.COMMUNE) if line.unit_name else None
        unit = unit or commune
        if unit is None:
            return None, _("%(where)s: không xác định được xã tiếp nhận (“%(name)s”) và địa chỉ không ghi xã nào.") % {
                "where": _row_label(line), "name": line.unit_name}
    else:
        unit = procedure.department
        if not unit_exists_in_month(unit, year, month):
            return None, _("%(where)s: %(unit)s không còn hoạt động vào tháng %(month)s/%(year)s.") % {
                "where": _row_label(line), "unit": unit.name, "month": month, "year": year}
        if commune is not None and rules.reporting_error(
                unit_kind=commune.kind, unit_id=commune.pk, unit_name=commune.name, unit_district_id=commune.district_id,
                procedure_code=procedure.code, procedure_authority=procedure.authority,
                procedure_department_id=procedure.department_id, department_district_id=unit.district_id):
            commune = None  # another administration's procedure: not the commune's C1 dossier
    return {"procedure_id": procedure.pk, "unit_id": unit.pk, "commune_id": commune.pk if commune else None,
            "received_on": line.received_on, "channel": line.channel, "result_on": line.result_on,
            "result_electronic": line.result_electronic, "_unit": unit}, None


def scope_q(unit) -> Q:
    """The dossiers counted in a unit's figures: those counted for it, and for a commune those of
    another level's procedures its people filed (a commune procedure received elsewhere is not)."""
    return Q(unit=unit) | (Q(commune=unit) & ~Q(procedure__authority=Authority.COMMUNE))


def commune_names(units) -> list[str]:
    return [unit.name for unit in units if unit.kind == UnitKind.COMMUNE]


MAX_DOSSIER_ROWS = 1_000_000  # a district's year is some tens of thousands; a province's, some hundreds of thousands
# A province's export of 1,000,000 rows of ~20 cells unpacks to some hundreds of MB, read as a
# stream; its shared strings (a code per dossier) are what openpyxl holds, as any reader must.
DOSSIER_LIMITS = XlsxLimits(max_rows=MAX_DOSSIER_ROWS, max_columns=60, max_unpacked_bytes=1024 * 1024 * 1024,
                            max_shared_strings=3 * MAX_DOSSIER_ROWS, max_part_bytes=256 * 1024 * 1024,
                            max_row_bytes=256 * 1024)


@dataclass
class DossierPreview:
    """What a list would do (or did): the import's result, or why it is refused."""

    result: DossierImport | None = None
    errors: list = field(default_factory=list)
    unusual: str = ""  # the unusual values to confirm, when that is all that stops it
    header_candidates: list = field(default_factory=list)  # the likeliest header row, when none is known
    rows_read: int = 0  # rows of the file read (all of them, unless it was refused whole)

    @property
    def ok(self) -> bool:
        return self.result is not None and not self.errors


# The columns a source's own headers may be mapped to, in the order the mapping step asks.
MAPPED_COLUMNS = ("code", "procedure_code", "procedure_name", "received", "channel", "unit", "commune", "address",
                  "result_date", "result_electronic")


def source_headers(source: str) -> dict:
    """{header key: column} saved for this source (one query)."""
    profile = DossierSourceProfile.objects.filter(source=" ".join(str(source).split())[:100]).first()
    return dict(profile.columns) if profile else {}


@transaction.atomic
def save_source_profile(*, source: str, columns: dict, user) -> DossierSourceProfile:
    """Remember how a source names its columns ({column: the header as written}); refused
    (DossiersRefused) without a code, a date, a channel and a procedure, or with one header for
    two columns."""
    from .dossier_reading import header_key

    chosen = {column: header for column, header in columns.items() if column in MAPPED_COLUMNS and header}
    problems = []
    if not {"code", "received", "channel"} <= set(chosen) or not {"procedure_code", "procedure_name"} & set(chosen):
        problems.append(_("Hãy chọn ít nhất các cột: mã hồ sơ, ngày nộp, kênh nộp, và mã hoặc tên thủ tục."))
    headers = [header_key(header) for header in chosen.values()]
    if len(set(headers)) != len(headers):
        problems.append(_("Mỗi cột của tệp chỉ ứng với một loại dữ liệu."))
    if problems:
        raise DossiersRefused(problems)
    source = " ".join(str(source).split())[:100]
    profile = DossierSourceProfile.objects.filter(source=source).first() or DossierSourceProfile(source=source)
    profile.columns = {header_key(header): column for column, header in chosen.items()}
    profile.updated_at = timezone.now()
    profile.updated_by = user if getattr(user, "pk", None) else None
    profile._history_user = profile.updated_by
    profile.save()
    return profile

def read_and_import(data, filename: str, *, source: str, units, user, dry_run: bool,
                    take_over_typed: bool = False, confirm_unusual: bool = False, progress=None,
                    max_rows: int = MAX_DOSSIER_ROWS) -> DossierPreview:
    """Read a list (its bytes, or a binary file open for reading) and import it — or, dry, see what
    it would do: the page's, the job's and the command's one path. The file is read one row at a
    time and written in batches; `progress(rows read, rows in the file or None)` is told as it goes.
    A file that says it has more than `max_rows` rows is refused before any is read."""
    from .dossier_reading import HeaderNotFound, stream_dossiers
    from .spreadsheets import FileRefused

    units = list(units)
    stream = None
    try:
        stream = stream_dossiers(data, filename, communes=commune_names(units), extra_headers=source_headers(source),
                                 limits=DOSSIER_LIMITS)
        if max_rows < MAX_DOSSIER_ROWS:  # refused from what the file says, else as soon as a row is past it
            stream.stop_after(max_rows, too_many_rows_inline(max(stream.total_rows or 0, max_rows + 1), max_rows))
        result = import_dossiers(lines=stream, source=source, units=units, user=user, dry_run=dry_run,
                                 take_over_typed=take_over_typed, confirm_unusual=confirm_unusual, progress=progress)
        preview = DossierPreview(result=result)
    except HeaderNotFound as refused:
        preview = DossierPreview(errors=[str(refused)], header_candidates=[text for text in refused.candidates if text])
    except FileRefused as refused:
        preview = DossierPreview(errors=[str(refused)])
    except DossiersRefused as refused:
        preview = DossierPreview(errors=refused.messages)
    except services.UnusualNotConfirmed as refused:
        preview = DossierPreview(errors=[refused.message], unusual=refused.message)
    except services.CountsRefused as refused:
        preview = DossierPreview(errors=[refused.message])
    preview.rows_read = stream.row if stream is not None else 0
    return preview


INLINE_MAX_ROWS = 50_000  # read within the upload's own request (TASKS_BACKEND=inline): ~20 s, under gunicorn's 30


def too_many_rows_inline(rows: int, limit: int) -> str:
    return _("Danh sách có %(rows)s dòng trở lên: cổng đọc danh sách ngay khi tải lên nên mỗi lần chỉ nhận đến %(max)s dòng. "
             "Hãy chia danh sách (ví dụ theo quý), hoặc nhờ quản trị viên bật hàng đợi nền (TASKS_BACKEND=database, "
             "PostgreSQL) để nhập cả danh sách một lần.") % {"rows": f"{rows:,}".replace(",", "."),
                                                          "max": f"{limit:,}".replace(",", ".")}


BATCH = 2000  # dossiers matched, compared and written together: one query to read them, a few to write


def _batches(lines: Iterable[DossierLine]) -> Iterator[list[DossierLine]]:
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


@transaction.atomic
def import_dossiers(*, lines: Iterable[DossierLine], source: str, units, user, dry_run: bool = False,
                    confirm_unusual: bool = False, take_over_typed: bool = False, progress=None) -> DossierImport:
    """Import a list's dossiers for the units given (those the person may enter) and derive the
    counts of every unit-month they touch; DossiersRefused (nothing written) with every row that
    cannot be read or matched, and the counts' own refusals (a locked or approved month, an
    unusual value not confirmed). A unit-month with typed counts is refused unless
    `take_over_typed` says the person moves it to the list (recorded in its history). With
    `dry_run` everything is checked, then rolled back.

    The lines are taken BATCH at a time and written as they come (one transaction: a refusal
    found on the last row still leaves nothing written), so memory holds one batch, the months
    touched and the messages, whatever the file's length. A code seen twice is found in the batch
    or, from an earlier batch, by its dossier written by this import (`imported_at`); a dossier
    listed twice exactly as it is already saved writes nothing either time, and is let through
    (the counts come from the register, so it is never counted twice)."""
    source = " ".join(str(source).split())[:100]
    if not source:
        raise DossiersRefused([_("Hãy ghi tên hệ thống nguồn (như “Một cửa huyện Đức Thọ”).")])
    from .dossier_reading import Messages

    _one_import_per_source(source)
    units = list(units)
    matcher = _Matcher(units, Procedure.objects.select_related("department", "department__district").all())
    allowed = {unit.pk for unit in units}
    problems, result, now = Messages(), DossierImport(), timezone.now()
    touched: set[tuple[int, int, int]] = set()
    statistics = _Statistics()
    for batch in _batches(lines):
        wanted = _matched_batch(batch, matcher, allowed, problems, result)
        statistics.keep_up(written=result.new)
        _write_batch(wanted, source=source, user=user, now=now, result=result, touched=touched, problems=problems,
                     write=not problems)
        if progress is not None:
            progress(batch[-1].row, getattr(lines, "total_rows", None))
    reading_errors = getattr(lines, "errors", None)
    if reading_errors or problems:
        raise DossiersRefused([*(reading_errors.all() if reading_errors else []), *problems.all()])
    if not result.total:
        raise DossiersRefused([_("Tệp không có hồ sơ nào của thủ tục tính chỉ tiêu.") if result.not_counted
                               else _("Tệp không có hồ sơ nào.")])
    if touched:
        result.counts_changed, result.taken_over = _derive(
            touched, source=source, user=user, now=now, confirm_unusual=confirm_unusual, take_over_typed=take_over_typed)
        result.months = sorted(touched)
    if dry_run:
        transaction.set_rollback(True)
    return result


class _Statistics:
    """The planner's statistics of the dossier table, kept up with the rows this import writes
    (PostgreSQL). Autovacuum cannot see rows of a transaction still open, so without this the
    planner still believes the source has the few dossiers it had before: it reads all of them
    for every batch (a hash join where one index probe per code would do) and an import's time
    grows with the square of its length — 39 s of 108 at 500,000 rows. ANALYZE inside the
    transaction counts its own rows; it runs before the first batch and whenever the rows
    written have doubled since, so about log2(rows ÷ 2,000) times, ~0.2 s each."""

    def __init__(self):
        from django.db import connection

        self.active = connection.vendor == "postgresql"
        self.analysed_at = None

    def keep_up(self, *, written: int) -> None:
        if not self.active or (self.analysed_at is not None and written < 2 * max(self.analysed_at, BATCH)):
            return
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Dossier._meta.db_table)}")
        self.analysed_at = written


def _one_import_per_source(source: str) -> None:
    """Two imports of one source's lists run one after the other, so neither reads dossiers the
    other is writing: a transaction-level advisory lock on PostgreSQL (one statement, instead of
    locking every row compared); SQLite's transactions already take its one writer lock."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"dvctt.dossiers:{source}"])


def _matched_batch(batch: list[DossierLine], matcher: _Matcher, allowed: set, problems,
                   result: DossierImport) -> dict[str, dict]:
    """{code: the dossier's fields} of the batch's rows that can be counted; the others' messages
    go to `problems`, and those of procedures no target counts to `result.not_counted`."""
    wanted = {}
    for line in batch:
        values, problem = _matched(line, matcher)
        if values is NOT_COUNTED:
            result.not_counted += 1
            continue
        if problem is None and values["unit_id"] not in allowed:
            problem = _("Dòng %(row)s (hồ sơ %(code)s): bạn không nhập số liệu cho %(unit)s.") % {
                "row": line.row, "code": line.code, "unit": values["_unit"].name}
        if problem is None and line.code in wanted:
            problem = _("Dòng %(row)s: hồ sơ %(code)s đã có ở dòng trên.") % {"row": line.row, "code": line.code}
        if problem:
            problems.add(problem)
        else:
            wanted[line.code] = {**values, "_row": line.row}
    return wanted


def _write_batch(wanted: dict[str, dict], *, source: str, user, now, result: DossierImport, touched: set,
                 problems, write: bool) -> None:
    """Compare a batch with the dossiers saved (one query) and write the new and changed ones with
    their history; a dossier this import already wrote is a code the file repeats."""
    saved = {row[0]: row[1:] for row in _saved_rows(source, list(wanted))}  # tuples: most are compared, few written
    to_create, to_update = [], []
    for code, values in wanted.items():
        unit, row = values.pop("_unit"), values.pop("_row")
        found = saved.get(code)
        if found is not None and found[1] == now:
            problems.add(_("Dòng %(row)s: hồ sơ %(code)s đã có ở dòng trên.") % {"row": row, "code": code})
            continue
        result.per_month_unit[(values["received_on"].year, values["received_on"].month, unit.name)] += 1
        if found is None:
            to_create.append({"source": source, "code": code, "imported_at": now, **values})
            result.new += 1
        elif found[2:] != tuple(values[name] for name in FIELDS):
            dossier = Dossier(pk=found[0], source=source, code=code, imported_at=now, **values)
            touched |= _months_of(Dossier(**dict(zip(FIELDS, found[2:]))))  # where it was counted before
            to_update.append(dossier)
            result.changed += 1
        else:
            result.unchanged += 1
            continue
        year, month = values["received_on"].year, values["received_on"].month
        touched.add((values["unit_id"], year, month))
        if values["commune_id"] and values["commune_id"] != values["unit_id"]:
            touched.add((values["commune_id"], year, month))
    if not write:
        return
    person = user if getattr(user, "pk", None) else None
    if to_create:
        _bulk_with_history(to_create, user=user)
    if to_update:
        from simple_history.utils import bulk_update_with_history

        bulk_update_with_history(to_update, Dossier, [*FIELDS, "imported_at"], batch_size=1000, default_user=person,
                                 default_change_reason=ChangeReason.DOSSIERS)


def _saved_rows(source: str, codes: list[str]):
    """(code, id, imported_at, *FIELDS) of the source's dossiers among `codes`. On PostgreSQL a
    join with the codes as an array, so each is one probe of the (source, code) index: with
    `code IN (…)` the planner, whose statistics do not yet know the rows this import is writing,
    reads every dossier of the source and filters them — a batch's cost then grows with the list."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return Dossier.objects.filter(source=source, code__in=codes).values_list("code", "pk", "imported_at", *FIELDS)
    quote = connection.ops.quote_name
    columns = ", ".join(f"d.{quote(Dossier._meta.get_field(name).column)}" for name in ("code", "id", "imported_at", *FIELDS))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {quote(Dossier._meta.db_table)} d "
                       f"JOIN unnest(%s::varchar[]) AS wanted(code) ON d.{quote('code')} = wanted.code "
                       f"WHERE d.{quote('source')} = %s", [codes, source])
        return cursor.fetchall()


def _bulk_with_history(dossiers: list[dict], *, user) -> None:
    """Insert new dossiers (their fields' values) and their history rows ("+", the import's reason
    and person): the dossiers with COPY on PostgreSQL (one prepared statement on SQLite), their
    history copied from them by one INSERT … SELECT (submissions.bulk)."""
    from django.db import connection

    insert_rows(Dossier, dossiers)
    quote, codes = connection.ops.quote_name, [dossier["code"] for dossier in dossiers]
    if connection.vendor == "postgresql":
        among, params = "= ANY(%s)", [dossiers[0]["source"], codes]
    else:
        among, params = f"IN ({', '.join(['%s'] * len(codes))})", [dossiers[0]["source"], *codes]
    copy_to_history(Dossier, where=f"{quote('source')} = %s AND {quote('code')} {among}", params=params,
                    reason=ChangeReason.DOSSIERS, user=user, date=timezone.now())


def _months_of(dossier: Dossier) -> set[tuple[int, int, int]]:
    """The unit-months whose counts this dossier is in: its unit's, and its commune's (C1)."""
    year, month = dossier.received_on.year, dossier.received_on.month
    months = {(dossier.unit_id, year, month)}
    if dossier.commune_id and dossier.commune_id != dossier.unit_id:
        months.add((dossier.commune_id, year, month))
    return months


def derived_counts(keys: set[tuple[int, int, int]]) -> dict[tuple[int, int, int, int], tuple[int, int]]:
    """{(unit, procedure, year, month): (total, online)} of the dossiers of these unit-months:
    a unit's own dossiers, and for a commune those its people filed of its administration's
    procedures. Two aggregated queries."""
    from datetime import date

    from django.db import connection
    from django.db.models.functions import ExtractMonth, ExtractYear, Substr

    units = {unit for unit, _year, _month in keys}
    years = {year for _unit, year, _month in keys}
    found: dict[tuple[int, int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    dossiers = Dossier.objects.filter(received_on__range=(date(min(years), 1, 1), date(max(years), 12, 31)))
    if connection.vendor == "sqlite":  # a date is "2020-08-13" there; Extract would call Python for each row
        months = {"month_of": Substr("received_on", 1, 7)}
    else:
        months = {"year_of": ExtractYear("received_on"), "month_of": ExtractMonth("received_on")}
    for field_name, condition in (("unit_id", Q(unit_id__in=units)),
                                  ("commune_id", Q(commune_id__in=units) & ~Q(commune_id=F("unit_id")))):
        rows = (dossiers.filter(condition).annotate(**months).values(field_name, "procedure_id", *months)
                .annotate(total=Count("pk"), online=Count("pk", filter=Q(channel=ONLINE))).order_by())
        for row in rows:
            if "year_of" in row:
                year, month = row["year_of"], row["month_of"]
            else:
                year, month = int(row["month_of"][:4]), int(row["month_of"][5:7])
            key = (row[field_name], row["procedure_id"], year, month)
            if (key[0], year, month) in keys:
                found[key][0] += row["total"]
                found[key][1] += row["online"]
    return {key: (total, online) for key, (total, online) in found.items()}


def _derive(keys: set[tuple[int, int, int]], *, source: str, user, now, confirm_unusual: bool,
            take_over_typed: bool) -> tuple[int, list]:
    """Write the counts of these unit-months as their dossiers' sums (a procedure saved before
    and no longer among them goes to 0), and mark each month as derived from the list. A month
    with typed counts is taken over only when asked. Long because typed months are found first."""
    sums = derived_counts(keys)
    units = Unit.objects.in_bulk({unit for unit, _year, _month in keys})
    saved = DossierCount.objects.filter(
        unit_id__in=units, year__in={year for _u, year, _m in keys}, month__in={month for _u, _y, month in keys}
    ).values_list("unit_id", "procedure_id", "year", "month")
    derived = set(DerivedMonth.objects.filter(unit_id__in=units, year__in={key[1] for key in keys}).values_list(
        "unit_id", "year", "month"))
    typed = set()
    for unit_id, procedure_id, year, month in saved:
        if (unit_id, year, month) in keys:
            sums.setdefault((unit_id, procedure_id, year, month), (0, 0))
            if (unit_id, year, month) not in derived:
                typed.add((unit_id, year, month))
    if typed and not take_over_typed:
        raise DossiersRefused([
            _("%(unit)s, tháng %(month)s/%(year)s đang nhập tay: danh sách chỉ tính lại tháng này khi bạn chọn chuyển "
              "tháng đó sang lấy số liệu từ danh sách hồ sơ.") % {"unit": units[unit_id].name, "month": month, "year": year}
            for unit_id, year, month in sorted(typed)])
    procedures = Procedure.objects.in_bulk({procedure for _u, procedure, _y, _m in sums})
    entries = [services.Entry(units[unit_id], procedures[procedure_id], year, month, total, online)
               for (unit_id, procedure_id, year, month), (total, online) in sorted(sums.items())]
    changes = services.apply_counts(entries=entries, versions=month_versions(keys), user=user,
                                    reason=ChangeReason.DOSSIERS, confirm_unusual=confirm_unusual)
    person = user if getattr(user, "pk", None) else None
    marked = {(unit_id, year, month): pk for pk, unit_id, year, month in DerivedMonth.objects.filter(
        unit_id__in=units, year__in={key[1] for key in keys}).values_list("pk", "unit_id", "year", "month")}
    for unit_id, year, month in sorted(keys):
        month_source = DerivedMonth(pk=marked.get((unit_id, year, month)), unit_id=unit_id, year=year, month=month)
        month_source.source, month_source.derived_at, month_source.derived_by = source, now, person
        month_source._history_user = person
        month_source._change_reason = (_("chuyển từ nhập tay sang danh sách hồ sơ") if (unit_id, year, month) in typed
                                       else ChangeReason.DOSSIERS)
        month_source.save()
    return len(changes), [(units[unit_id].name, year, month) for unit_id, year, month in sorted(typed)]
