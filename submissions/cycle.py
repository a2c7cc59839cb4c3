"""The reporting cycle, read: for each unit and month of a year, whether a report is expected,
where it stands (missing, entered, declared empty, confirmed, approved), whether it was on time.

A report is expected from a unit in a month when the unit exists that year and has a level 3/4
procedure to report on, and the month's due date has passed (or the unit reported it already).
Reported months are only ever counted among expected ones, so a rate never exceeds 100 %.
The rules themselves are pure functions in `rules` (due_date, month_state, is_late, …).

`year_cycle` reads everything in a fixed number of queries (catalog, counts, declared empty months,
confirmations and approvals, the districts' due days), whatever the number of units.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from units.models import District, Unit
from units.rules import exists_in, unit_exists_in_month

from . import rules
from .models import Authority, DossierCount, EmptyMonth, MonthReport, Procedure
from .rules import MonthState


@dataclass(frozen=True)
class UnitMonth:
    """One unit-month of the cycle."""

    unit_id: int
    month: int
    state: str  # rules.MonthState
    expected: bool
    past_due: bool
    due: date
    confirmed_on: date | None
    on_behalf: bool
    late: bool
    on_time: bool

    @property
    def reported(self) -> bool:
        return self.state in MonthState.REPORTED

    @property
    def confirmed(self) -> bool:
        return self.state in (MonthState.CONFIRMED, MonthState.APPROVED)

    @property
    def approved(self) -> bool:
        return self.state == MonthState.APPROVED

    @property
    def missing(self) -> bool:
        return self.state == MonthState.MISSING


@dataclass
class UnitYear:
    """One unit's months of a year, and what they add up to through a month."""

    unit: Unit
    applies: bool  # something to report that year (a level 3/4 procedure)
    months: list[UnitMonth] = field(default_factory=list)

    def through(self, through: int) -> list[UnitMonth]:
        return [month for month in self.months if month.month <= through]

    def expected(self, through: int) -> list[UnitMonth]:
        return [month for month in self.through(through) if month.expected]

    def months_where(self, through: int, test) -> list[int]:
        return [month.month for month in self.expected(through) if test(month)]

    def missing_months(self, through: int) -> list[int]:
        return self.months_where(through, lambda month: not month.reported)

    def is_complete(self, through: int) -> bool:
        """Every expected month through `through` reported (its results are not provisional)."""
        return not self.missing_months(through)


@dataclass
class YearCycle:
    year: int
    today: date
    units: list[UnitYear]

    def for_unit(self, unit_id: int) -> UnitYear | None:
        return next((unit_year for unit_year in self.units if unit_year.unit.pk == unit_id), None)


def due_days(district_ids: Iterable[int]) -> dict[int, int]:
    """Each district's due day (one query)."""
    return dict(District.objects.filter(pk__in=set(district_ids)).values_list("pk", "report_due_day"))


def year_cycle(units, year: int, *, today: date | None = None) -> YearCycle:
    """The cycle of these units (a queryset or a list of units) in `year`.

    Queries: the units (when a queryset), the catalog they can use, the unit-months with counts,
    the declared empty months, the confirmations and approvals, the due days: six at most.
    Long because each answer is read once and folded into every unit-month in one pass.
    """
    today = today or timezone.localdate()
    units = list(units)
    unit_ids = [unit.pk for unit in units]
    district_ids = {unit.district_id for unit in units}
    offered = set(
        Procedure.objects.offered_in(year).online()
        .filter(rules.communes_report_q(district_ids))
        .values_list("authority", "department_id").distinct().order_by()  # no ordering: DISTINCT over the pair only
    ) if units else set()
    departments_with_procedures = {department_id for _authority, department_id in offered if department_id}
    communes_have_procedures = any(authority == Authority.COMMUNE or department_id for authority, department_id in offered)
    with_counts = set(
        DossierCount.objects.filter(year=year, unit_id__in=unit_ids).values_list("unit_id", "month").distinct().order_by()
    ) if units else set()
    empty = set(EmptyMonth.objects.filter(year=year, unit_id__in=unit_ids).values_list("unit_id", "month")) if units else set()
    reports = {
        (report.unit_id, report.month): report
        for report in MonthReport.objects.filter(year=year, unit_id__in=unit_ids).only(
            "unit_id", "month", "confirmed_at", "confirmed_on_behalf", "approved_at"
        )
    } if units else {}
    due_day_of = due_days(district_ids) if units else {}
    unit_years = []
    for unit in units:
        exists = exists_in(first_year=unit.first_year, last_year=unit.last_year, is_active=unit.is_active, year=year)
        applies = exists and (communes_have_procedures if unit.is_commune else unit.pk in departments_with_procedures)
        due_day = due_day_of.get(unit.district_id, rules.DEFAULT_DUE_DAY)
        unit_year = UnitYear(unit=unit, applies=applies)
        for month in range(1, 13):
            key = (unit.pk, month)
            report = reports.get(key)
            confirmed_at = report.confirmed_at if report is not None else None
            confirmed_on = timezone.localtime(confirmed_at).date() if confirmed_at else None
            due = rules.due_date(year, month, due_day)
            past_due = today > due  # rules.is_past_due
            has_counts, declared_empty = key in with_counts, key in empty
            in_month = applies and unit_exists_in_month(unit, year, month)  # a unit merged mid-year reports until then
            state = rules.month_state(
                expected=in_month, has_counts=has_counts, declared_empty=declared_empty,
                confirmed=confirmed_at is not None, approved=report is not None and report.approved_at is not None,
                past_due=past_due,
            )
            expected = in_month and (past_due or state in MonthState.REPORTED)
            unit_year.months.append(
                UnitMonth(
                    unit_id=unit.pk, month=month, state=state, expected=expected, past_due=past_due, due=due,
                    confirmed_on=confirmed_on, on_behalf=bool(report and report.confirmed_on_behalf),
                    # a missing month is missing (its own mark); late is for months reported but not confirmed in time
                    late=expected and state in MonthState.REPORTED and rules.is_late(confirmed_on=confirmed_on, due=due, today=today),
                    on_time=expected and rules.is_on_time(confirmed_on=confirmed_on, due=due),
                )
            )
        unit_years.append(unit_year)
    return YearCycle(year=year, today=today, units=unit_years)


def unit_month(unit: Unit, year: int, month: int, *, today: date | None = None) -> UnitMonth:
    """One unit-month's place in the cycle (the grid's panel)."""
    return year_cycle([unit], year, today=today).units[0].months[month - 1]
