"""The dossier register: a one-stop system's list imported, matched to units and procedures, and
the monthly counts derived from it (submissions.dossier_reading reads the file).

`import_dossiers` is the one writer of `Dossier` and `DerivedMonth`: every dossier of the file
or none; the counts of each unit-month it touches are then exactly its dossiers' sums, written
through `services.apply_counts`, so locks, approvals, unusual values and history hold as for
any count. Re-importing an overlapping list changes nothing; a dossier whose channel or date
was corrected is updated, with its history.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt_portal.text import fold
from units.models import Unit, UnitKind
from units.rules import unit_exists_in_month

from . import rules, services
from .dossier_reading import ONLINE, DossierLine, bare_place_name
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


def _matched(line: DossierLine, matcher: _Matcher) -> tuple[dict | None, str | None]:
    """The dossier's fields, or why the row cannot be counted (never a guess)."""
    where = _("Dòng %(row)s (hồ sơ %(code)s)") % {"row": line.row, "code": line.code}
    procedure = matcher.procedure(line)
    if procedure is None:
        return None, _("%(where)s: không có thủ tục “%(code)s %(name)s” trong danh mục.") % {
            "where": where, "code": line.procedure_code, "name": line.procedure_name}
    year, month = line.received_on.year, line.received_on.month
    if not rules.is_offered(procedure.first_year, procedure.last_year, year):
        return None, _("%(where)s: thủ tục %(code)s không có trong danh mục năm %(year)s.") % {
            "where": where, "code": procedure.code, "year": year}
    commune = matcher.unit(line.commune_name, line, UnitKind.COMMUNE) if line.commune_name else None
    if line.commune_name and commune is None:
        return None, _("%(where)s: không xác định được xã “%(name)s” vào tháng %(month)s/%(year)s.") % {
            "where": where, "name": line.commune_name, "month": month, "year": year}
    if procedure.authority == Authority.COMMUNE:
        unit = matcher.unit(line.unit_name, line, UnitKind.COMMUNE) if line.unit_name else None
        unit = unit or commune
        if unit is None:
            return None, _("%(where)s: không xác định được xã tiếp nhận (“%(name)s”) và địa chỉ không ghi xã nào.") % {
                "where": where, "name": line.unit_name}
    else:
        unit = procedure.department
        if not unit_exists_in_month(unit, year, month):
            return None, _("%(where)s: %(unit)s không còn hoạt động vào tháng %(month)s/%(year)s.") % {
                "where": where, "unit": unit.name, "month": month, "year": year}
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


MAX_DOSSIER_ROWS = 200_000  # a district's year is some tens of thousands; a province's more (issue 18's jobs)


@dataclass
class DossierPreview:
    """What a list would do (or did): the import's result, or why it is refused."""

    result: DossierImport | None = None
    errors: list = field(default_factory=list)
    unusual: str = ""  # the unusual values to confirm, when that is all that stops it
    header_candidates: list = field(default_factory=list)  # the likeliest header row, when none is known

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

def read_and_import(data: bytes, filename: str, *, source: str, units, user, dry_run: bool,
                    take_over_typed: bool = False, confirm_unusual: bool = False) -> DossierPreview:
    """Read a list and import it (or, dry, see what it would do): the page and the command's one path."""
    from .dossier_reading import HeaderNotFound, read_dossiers
    from .spreadsheets import FileRefused, XlsxLimits

    units = list(units)
    try:
        reading = read_dossiers(data, filename, communes=commune_names(units), extra_headers=source_headers(source),
                                limits=XlsxLimits(max_rows=MAX_DOSSIER_ROWS, max_columns=60))
    except HeaderNotFound as refused:
        return DossierPreview(errors=[str(refused)], header_candidates=[text for text in refused.candidates if text])
    except FileRefused as refused:
        return DossierPreview(errors=[str(refused)])
    if reading.errors:
        return DossierPreview(errors=reading.errors)
    try:
        result = import_dossiers(lines=reading.lines, source=source, units=units, user=user, dry_run=dry_run,
                                 take_over_typed=take_over_typed, confirm_unusual=confirm_unusual)
    except DossiersRefused as refused:
        return DossierPreview(errors=refused.messages)
    except services.UnusualNotConfirmed as refused:
        return DossierPreview(errors=[refused.message], unusual=refused.message)
    except services.CountsRefused as refused:
        return DossierPreview(errors=[refused.message])
    return DossierPreview(result=result)


@transaction.atomic
def import_dossiers(*, lines: list[DossierLine], source: str, units, user, dry_run: bool = False,
                    confirm_unusual: bool = False, take_over_typed: bool = False) -> DossierImport:
    """Import a list's dossiers for the units given (those the person may enter) and derive the
    counts of every unit-month they touch; DossiersRefused (nothing written) with every row that
    cannot be matched, and the counts' own refusals (a locked or approved month, an unusual value
    not confirmed). A unit-month with typed counts is refused unless `take_over_typed` says the
    person moves it to the list (recorded in its history). With `dry_run` everything is checked,
    then rolled back.
    Long because the rows are matched, compared with what is saved, written and counted in one
    transaction."""
    source = " ".join(str(source).split())[:100]
    if not source:
        raise DossiersRefused([_("Hãy ghi tên hệ thống nguồn (như “Một cửa huyện Đức Thọ”).")])
    units = list(units)
    matcher = _Matcher(units, Procedure.objects.select_related("department", "department__district").all())
    allowed = {unit.pk for unit in units}
    problems, wanted = [], {}
    for line in lines:
        values, problem = _matched(line, matcher)
        if problem is None and values["unit_id"] not in allowed:
            problem = _("Dòng %(row)s (hồ sơ %(code)s): bạn không nhập số liệu cho %(unit)s.") % {
                "row": line.row, "code": line.code, "unit": values["_unit"].name}
        if problem is None and line.code in wanted:
            problem = _("Dòng %(row)s: hồ sơ %(code)s đã có ở dòng trên.") % {"row": line.row, "code": line.code}
        if problem:
            problems.append(problem)
        else:
            wanted[line.code] = values
    if problems:
        raise DossiersRefused(problems)
    if not wanted:
        raise DossiersRefused([_("Tệp không có hồ sơ nào.")])
    saved = {dossier.code: dossier for dossier in Dossier.objects.select_for_update().filter(source=source, code__in=wanted)}
    result, now = DossierImport(), timezone.now()
    touched: set[tuple[int, int, int]] = set()
    to_create, to_update = [], []
    for code, values in wanted.items():
        unit = values.pop("_unit")
        result.per_month_unit[(values["received_on"].year, values["received_on"].month, unit.name)] += 1
        dossier = saved.get(code)
        if dossier is None:
            to_create.append(Dossier(source=source, code=code, imported_at=now, **values))
            result.new += 1
        elif any(getattr(dossier, name) != values[name] for name in FIELDS):
            touched |= _months_of(dossier)
            for name in FIELDS:
                setattr(dossier, name, values[name])
            dossier.imported_at = now
            to_update.append(dossier)
            result.changed += 1
        else:
            result.unchanged += 1
            continue
        touched |= _months_of(Dossier(**values))
    if to_create:
        _bulk_with_history(to_create, user=user)
    for dossier in to_update:
        dossier._history_user = user if getattr(user, "pk", None) else None
        dossier.save()
    if touched:
        result.counts_changed, result.taken_over = _derive(
            touched, source=source, user=user, now=now, confirm_unusual=confirm_unusual, take_over_typed=take_over_typed)
        result.months = sorted(touched)
    if dry_run:
        transaction.set_rollback(True)
    return result


def _bulk_with_history(dossiers, *, user):
    from simple_history.utils import bulk_create_with_history

    bulk_create_with_history(dossiers, Dossier, batch_size=1000, default_user=user if getattr(user, "pk", None) else None,
                             default_change_reason=ChangeReason.DOSSIERS)


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
    units = {unit for unit, _year, _month in keys}
    years = {year for _unit, year, _month in keys}
    found: dict[tuple[int, int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    dossiers = Dossier.objects.filter(received_on__year__in=years)
    for field_name, condition in (("unit_id", Q(unit_id__in=units)),
                                  ("commune_id", Q(commune_id__in=units) & ~Q(commune_id=F("unit_id")))):
        rows = (dossiers.filter(condition).values(field_name, "procedure_id", "received_on__year", "received_on__month")
                .annotate(total=Count("pk"), online=Count("pk", filter=Q(channel=ONLINE))).order_by())
        for row in rows:
            key = (row[field_name], row["procedure_id"], row["received_on__year"], row["received_on__month"])
            if (key[0], key[2], key[3]) in keys:
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
