"""What the entry pages show: the grid of one unit-month and the completeness matrix of a year.

Reads only. Each builder runs a fixed number of aggregated queries, whatever the number of
units or procedures.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dvctt_portal.figures import rate_percent
from units.models import Unit

from . import rules
from .cycle import year_cycle
from .locks import LockIndex, is_future, lock_for_unit
from .models import Authority, CountLock, DossierCount, Procedure
from .plausibility import previous_month
from .rules import MonthState
from .unusual import Flagged, flagged, saved_counts, saved_findings
from .versions import LastChange, last_change, month_version


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def tick_value(findings) -> str:
    return ",".join(sorted({f"{finding.unusual.field}:{finding.unusual.value}" for finding in findings}))


def ticked_figures(procedure_id, posted: str) -> set[tuple]:
    """(procedure id or None, field, value) for each "field:value" a tick sent back."""
    figures = set()
    for token in (posted or "").split(","):
        field_name, _colon, value = token.partition(":")
        if field_name in ("total", "online") and value.isdigit() and len(value) <= 9:
            figures.add((procedure_id, field_name, int(value)))
    return figures


@dataclass
class GridRow:
    procedure: Procedure
    saved_total: int | None = None
    saved_online: int | None = None
    previous_total: int | None = None
    previous_online: int | None = None
    unusual: list[Flagged] = field(default_factory=list)  # the saved values' unusual ones, confirmed or not
    pending: list = field(default_factory=list)  # plausibility.Finding of values typed, waiting for the tick

    @property
    def checked_name(self) -> str:
        return f"p{self.procedure.pk}_checked"

    @property
    def tick_value(self) -> str:
        """What the row's tick vouches for: each flagged figure as "field:value" ("total:1000"), so
        a tick confirms the numbers shown and no other (services.save_month)."""
        return tick_value([*self.pending, *(item.finding for item in self.unusual if not item.confirmed)])

    @property
    def asks_tick(self) -> bool:
        """Whether the row shows "Đã kiểm tra, số liệu đúng": a typed value waits for it, or a saved
        unusual value was never confirmed."""
        return bool(self.pending) or any(not item.confirmed for item in self.unusual)

    @property
    def total_name(self) -> str:
        return f"p{self.procedure.pk}_total"

    @property
    def online_name(self) -> str:
        return f"p{self.procedure.pk}_online"

    @property
    def is_saved(self) -> bool:
        return self.saved_total is not None

    @property
    def rate(self) -> Decimal | None:
        return rate_percent(self.saved_online or 0, self.saved_total or 0, places=1)


@dataclass
class GridSection:
    key: str
    title: str
    help: str
    rows: list[GridRow] = field(default_factory=list)
    before_total: int = 0  # this unit, these procedures, January → the month before
    before_online: int = 0

    @property
    def month_total(self) -> int:
        return sum(row.saved_total or 0 for row in self.rows)

    @property
    def month_online(self) -> int:
        return sum(row.saved_online or 0 for row in self.rows)

    @property
    def month_rate(self) -> Decimal | None:
        return rate_percent(self.month_online, self.month_total, places=1)

    @property
    def running_total(self) -> int:
        return self.before_total + self.month_total

    @property
    def running_online(self) -> int:
        return self.before_online + self.month_online

    @property
    def running_rate(self) -> Decimal | None:
        return rate_percent(self.running_online, self.running_total, places=1)


SECTION_TEXT = {
    "own": (
        gettext_lazy("Thủ tục do phòng, ban giải quyết"),
        gettext_lazy("Hồ sơ các thủ tục do đơn vị giải quyết, tiếp nhận trong tháng."),
    ),
    Authority.COMMUNE: (
        gettext_lazy("Thủ tục thẩm quyền cấp xã"),
        gettext_lazy("Hồ sơ thủ tục thẩm quyền cấp xã mà xã, thị trấn tiếp nhận trong tháng."),
    ),
    Authority.PROVINCE: (
        gettext_lazy("Thủ tục cấp tỉnh do người dân trong xã nộp"),
        gettext_lazy("Hồ sơ thủ tục thẩm quyền cấp tỉnh do người dân, tổ chức trên địa bàn nộp trong tháng."),
    ),
    Authority.DISTRICT: (
        gettext_lazy("Thủ tục cấp huyện do người dân trong xã nộp"),
        gettext_lazy("Hồ sơ thủ tục thẩm quyền cấp huyện do người dân, tổ chức trên địa bàn nộp trong tháng."),
    ),
}


@dataclass
class Grid:
    unit: Unit
    year: int
    month: int
    sections: list[GridSection]
    version: str
    lock: CountLock | None
    last_change: LastChange | None
    month_unusual: list[Flagged] = field(default_factory=list)  # of the unit-month as a whole (plausibility)
    month_pending: list = field(default_factory=list)

    @property
    def month_tick_value(self) -> str:
        return tick_value([*self.month_pending, *(item.finding for item in self.month_unusual if not item.confirmed)])

    @property
    def month_asks_tick(self) -> bool:
        return bool(self.month_pending) or any(not item.confirmed for item in self.month_unusual)

    def show_pending(self, findings) -> None:
        """Attach the unusual values a refused save brought to their rows (and the month)."""
        rows = {row.procedure.pk: row for row in self.rows}
        for finding in findings:
            if finding.procedure_id is None:
                self.month_pending.append(finding)
            elif finding.procedure_id in rows:
                rows[finding.procedure_id].pending.append(finding)

    @cached_property
    def rows(self) -> list[GridRow]:
        return [row for section in self.sections for row in section.rows]

    @property
    def is_future(self) -> bool:
        return is_future(self.year, self.month)

    @property
    def saved_rows(self) -> int:
        return sum(1 for row in self.rows if row.is_saved)

    @property
    def previous(self) -> tuple[int, int]:
        return previous_month(self.year, self.month)

    @property
    def next(self) -> tuple[int, int]:
        return next_month(self.year, self.month)


def build_grid(unit: Unit, year: int, month: int) -> Grid:
    """The grid of one unit-month. Queries: procedures; this and last month's counts; the sums
    January → last month by authority; the lock; the version; the last change (six in all)."""
    procedures = list(Procedure.objects.for_entry(unit, year).order_by("authority", "field", "code"))
    if unit.is_department:
        sections = {"own": GridSection("own", *SECTION_TEXT["own"])}
        section_of = lambda procedure: "own"  # noqa: E731
    else:
        sections = {
            Authority.COMMUNE: GridSection(Authority.COMMUNE, *SECTION_TEXT[Authority.COMMUNE]),
            Authority.DISTRICT: GridSection(Authority.DISTRICT, *SECTION_TEXT[Authority.DISTRICT]),
            Authority.PROVINCE: GridSection(Authority.PROVINCE, *SECTION_TEXT[Authority.PROVINCE]),
        }
        section_of = lambda procedure: procedure.authority  # noqa: E731
    rows = {}
    for procedure in procedures:
        row = GridRow(procedure)
        rows[procedure.pk] = row
        sections[section_of(procedure)].rows.append(row)

    before_year, before_month = previous_month(year, month)
    saved = DossierCount.objects.filter(unit=unit).filter(
        Q(year=year, month=month) | Q(year=before_year, month=before_month)
    ).values_list("procedure_id", "year", "month", "total", "online")
    for procedure_id, row_year, row_month, total, online in saved:
        row = rows.get(procedure_id)
        if row is None:
            continue
        if (row_year, row_month) == (year, month):
            row.saved_total, row.saved_online = total, online
        else:
            row.previous_total, row.previous_online = total, online

    if month > 1:
        sums = (
            DossierCount.objects.filter(unit=unit, year=year, month__lt=month, procedure__in=[p.pk for p in procedures])
            .values("procedure__authority")
            .annotate(total=Sum("total"), online=Sum("online"))
            .order_by()
        )
        for values in sums:
            key = "own" if unit.is_department else values["procedure__authority"]
            if key in sections:
                sections[key].before_total = values["total"] or 0
                sections[key].before_online = values["online"] or 0

    grid = Grid(
        unit=unit,
        year=year,
        month=month,
        sections=[section for section in sections.values() if section.rows],
        version=month_version(unit.pk, year, month),
        lock=lock_for_unit(unit, year, month),
        last_change=last_change(unit.pk, year, month),
    )
    _mark_unusual(grid, rows)
    return grid


def _mark_unusual(grid: Grid, rows: dict) -> None:
    """Mark the saved values, and the month, that are unusual against the unit's own history
    (submissions.unusual), with who confirmed them: two queries, asked even for an empty month
    (the page's queries never vary)."""
    counts = saved_counts([grid.unit.pk], grid.year, grid.year)
    for item in flagged(saved_findings(counts, year=grid.year, months={grid.month})):
        if item.finding.procedure_id is None:
            grid.month_unusual.append(item)
        elif item.finding.procedure_id in rows:
            rows[item.finding.procedure_id].unusual.append(item)


CELL_LABELS = {
    MonthState.ENTERED: gettext_lazy("Đã nhập"),
    MonthState.EMPTY: gettext_lazy("Không phát sinh hồ sơ"),
    MonthState.CONFIRMED: gettext_lazy("Đơn vị đã xác nhận"),
    MonthState.APPROVED: gettext_lazy("Đã phê duyệt"),
    MonthState.MISSING: gettext_lazy("Chưa nhập"),
    MonthState.NOT_DUE: gettext_lazy("Chưa đến hạn"),
    MonthState.NONE: gettext_lazy("Không có thủ tục mức độ 3, 4"),
}
LOCKED_LABEL = gettext_lazy("Đã khóa")
LATE_LABEL = gettext_lazy("Trễ hạn")
# The mark in each cell (with the words beside it for screen readers and in the legend).
CELL_MARKS = {
    MonthState.ENTERED: "✓", MonthState.EMPTY: "∅", MonthState.CONFIRMED: "✔", MonthState.APPROVED: "★",
    MonthState.MISSING: "!", MonthState.NOT_DUE: "·", MonthState.NONE: "–",
}


@dataclass(frozen=True)
class Cell:
    unit: Unit
    month: int
    state: str  # rules.MonthState
    locked: bool
    late: bool

    @property
    def label(self) -> str:
        words = [str(CELL_LABELS[self.state])]
        if self.late:
            words.append(str(LATE_LABEL))
        if self.locked:
            words.append(str(LOCKED_LABEL))
        return " · ".join(words)

    @property
    def mark(self) -> str:
        return CELL_MARKS[self.state]

    @property
    def entered(self) -> bool:
        return self.state in MonthState.REPORTED


@dataclass
class MatrixRow:
    unit: Unit
    cells: list[Cell]
    applies: bool = True

    @property
    def missing(self) -> int:
        return sum(1 for cell in self.cells if cell.state == MonthState.MISSING)


@dataclass
class MonthColumn:
    month: int
    entered: int
    units: int
    year_locked: bool
    lock: CountLock | None
    not_due: bool


@dataclass
class Matrix:
    year: int
    rows: list[MatrixRow]
    columns: list[MonthColumn]
    year_lock: CountLock | None


def build_matrix(units, year: int, *, district=None) -> Matrix:
    """Unit × month for a year: where each report stands (cycle.year_cycle), late, locked.

    Queries: those of `year_cycle` (six at most) and the locks, whatever the number of units.
    """
    units = list(units.select_related(None).order_by("kind", "sort_order", "code"))
    today = timezone.localdate()
    cycle = year_cycle(units, year, today=today)
    district_ids = {unit.district_id for unit in units}
    if district is not None:
        district_ids.add(district.pk)
    locks = LockIndex.load(district_ids=district_ids, years=[year])
    rows = []
    for unit_year in cycle.units:
        unit = unit_year.unit
        cells = [
            Cell(unit, month.month, month.state, locks.get(unit.district_id, year, month.month) is not None, month.late)
            for month in unit_year.months
        ]
        rows.append(MatrixRow(unit, cells, unit_year.applies))
    lock_district_id = district.pk if district is not None else None
    columns = [
        MonthColumn(
            month=month,
            entered=sum(1 for row in rows if row.applies and row.cells[month - 1].entered),
            units=sum(1 for row in rows if row.applies),
            year_locked=lock_district_id is not None and locks.year_lock(lock_district_id, year) is not None,
            lock=locks.month_lock(lock_district_id, year, month) if lock_district_id is not None else None,
            not_due=is_future(year, month, today=today),
        )
        for month in range(1, 13)
    ]
    year_lock = locks.year_lock(lock_district_id, year) if lock_district_id is not None else None
    return Matrix(year=year, rows=rows, columns=columns, year_lock=year_lock)


def lock_history(district, year: int, limit: int = 20):
    """Who locked and unlocked what in that year, newest first (one query)."""
    return list(
        CountLock.history.filter(district_id=district.pk, year=year)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def month_history(unit: Unit, year: int, month: int, limit: int = 1000):
    """Every change of this unit-month, newest first, with the values before it (one query).

    Returns (records, truncated); each record has .previous, the record of the same count
    before it (None for the first), and its procedure.
    """
    newest = list(
        DossierCount.history.filter(unit_id=unit.pk, year=year, month=month)
        .select_related("history_user", "procedure")
        .order_by("-history_id")[: limit + 1]
    )
    truncated = len(newest) > limit
    records = newest[:limit]
    previous_by_row = {}
    for record in reversed(records):
        record.previous = previous_by_row.get(record.id)
        previous_by_row[record.id] = record
    return records, truncated


def year_choices(selected: int) -> list[int]:
    today = timezone.localdate()
    first = min(selected, today.year - 6)
    return list(range(max(first, rules.FIRST_YEAR), max(today.year, selected) + 1))[::-1]


def history_action_label(record) -> str:
    if record.history_type == "+":
        return _("Thêm")
    if record.history_type == "-":
        return _("Xóa")
    return _("Sửa")


def default_entry_year(user, this_year: int) -> int:
    """The year the matrix opens on: this year once it has counts, else the latest year that
    has any of this person's units' counts (a portal set up mid-way, or the demo), else this year."""
    latest = (
        DossierCount.objects.filter(unit__in=Unit.objects.visible_to(user), year__lte=this_year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return latest if latest is not None else this_year
