"""What the results rest on: for each unit of a district, the months expected, reported (entered
or declared empty), confirmed, approved, late and missing through a month; the district's
completeness and timeliness rates; the sentence every page and file prints above its figures.

Built on submissions.cycle (one expected report per unit-month in which the unit exists and has
something to report, once due or reported): reported months are counted among expected ones
only, so no rate can exceed 100 %. Queries: those of `year_cycle` (six), whatever the number of
units or districts.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from submissions import rules as cycle_rules
from submissions.cycle import UnitYear, year_cycle
from submissions.rules import month_range_label
from units.models import District, Unit

HUNDREDTH = Decimal("0.01")


def percent(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a percentage with two decimals (half up); None when nothing is expected."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class UnitCompleteness:
    unit: Unit
    applies: bool  # the unit has something to report that year
    months_expected: int
    months_reported: int
    months_missing: list[int]
    months_confirmed: int
    months_approved: int
    months_late: list[int]
    months_on_time: int
    months_timed: int  # expected months whose timeliness is decided: past their due date, or confirmed
    months_unconfirmed: list[int]  # reported, not yet confirmed
    months_unapproved: list[int]  # confirmed, not yet approved
    last_expected: int = 0  # the last month expected (0: none)
    first_expected: int = 0  # the first month expected (a commune formed on 1 July: 7)

    @property
    def complete(self) -> bool:
        return not self.months_missing

    @property
    def rate(self) -> Decimal | None:
        """Reported ÷ expected, a percentage with two decimals (None when nothing is expected)."""
        return percent(self.months_reported, self.months_expected)

    @property
    def missing_label(self) -> str:
        return month_range_label(self.months_missing)

    @property
    def late_label(self) -> str:
        return month_range_label(self.months_late)

    @property
    def provisional(self) -> bool:
        """Its results rest on months not all reported."""
        return not self.complete

    @classmethod
    def of(cls, unit_year: UnitYear, through: int) -> "UnitCompleteness":
        expected = unit_year.expected(through)
        return cls(
            unit=unit_year.unit,
            applies=unit_year.applies,
            months_expected=len(expected),
            months_reported=sum(1 for month in expected if month.reported),
            months_missing=[month.month for month in expected if not month.reported],
            months_confirmed=sum(1 for month in expected if month.confirmed),
            months_approved=sum(1 for month in expected if month.approved),
            months_late=[month.month for month in expected if month.late],
            months_on_time=sum(1 for month in expected if month.on_time),
            months_timed=sum(1 for month in expected if month.past_due or month.confirmed),
            months_unconfirmed=[month.month for month in expected if month.reported and not month.confirmed],
            months_unapproved=[month.month for month in expected if month.confirmed and not month.approved],
            last_expected=max((month.month for month in expected), default=0),
            first_expected=min((month.month for month in expected), default=0),
        )

    def as_document(self) -> dict:
        """The unit's `completeness` in the published document."""
        return {
            "months_expected": self.months_expected,
            "months_reported": self.months_reported,
            "months_missing": self.months_missing,
            "months_approved": self.months_approved,
        }


@dataclass
class Completeness:
    year: int
    through: int
    district: District | None
    today: date
    units: list[UnitCompleteness] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return sum(unit.months_expected for unit in self.units)

    @property
    def reported(self) -> int:
        return sum(unit.months_reported for unit in self.units)

    @property
    def on_time(self) -> int:
        return sum(unit.months_on_time for unit in self.units)

    @property
    def rate(self) -> Decimal | None:
        return percent(self.reported, self.expected)

    @property
    def timed(self) -> int:
        return sum(unit.months_timed for unit in self.units)

    @property
    def timeliness_rate(self) -> Decimal | None:
        """Confirmed by the due date ÷ the expected months whose due date has passed (or that are
        confirmed): a month reported early and not yet due is not counted late."""
        return percent(self.on_time, self.timed)

    @property
    def complete(self) -> bool:
        """Every expected unit-month through `through` reported."""
        return all(unit.complete for unit in self.units)

    def for_unit(self, unit_id: int) -> UnitCompleteness | None:
        return next((entry for entry in self.units if entry.unit.pk == unit_id), None)

    @property
    def behind(self) -> list[UnitCompleteness]:
        return [unit for unit in self.units if unit.months_missing]

    @property
    def months_with_data(self) -> int:
        """How many of the months through `through` some unit reported (the "9" of "9/12 tháng")."""
        return len({month for unit in self.units for month in range(1, self.through + 1)
                    if unit.months_expected and month not in unit.months_missing
                    and unit.first_expected <= month <= unit.last_expected})

    @property
    def months_span(self) -> int:
        """How many months the figures should cover: from the first any unit was expected (January;
        July for units formed on 1 July) to `through` (the "12" of "9/12 tháng")."""
        first = min((unit.first_expected for unit in self.units if unit.months_expected), default=1)
        return self.through - first + 1

    def missing_groups(self, limit: int = 4) -> list[tuple[str, int]]:
        """[("T6", 1), ("T10–T12", 26)]: the months missing, by month, grouped where the same
        units miss them, with how many units; in month order."""
        missing_by_month = {}
        for unit in self.behind:
            for month in unit.months_missing:
                missing_by_month.setdefault(month, set()).add(unit.unit.pk)
        groups: list[tuple[list[int], frozenset]] = []
        for month in sorted(missing_by_month):
            units = frozenset(missing_by_month[month])
            if groups and groups[-1][1] == units and groups[-1][0][-1] == month - 1:
                groups[-1][0].append(month)
            else:
                groups.append(([month], units))
        return [(month_range_label(months), len(units)) for months, units in groups[:limit]]

    def statement(self) -> str:
        """"Dựa trên số liệu 9/12 tháng; còn thiếu T10–T12 của 26 đơn vị." — printed above results."""
        if self.complete:
            return _("Dựa trên số liệu đầy đủ %(through)s/%(through)s tháng của mọi đơn vị.") % {"through": self.months_span}
        groups = self.missing_groups()
        parts = [
            ngettext("%(months)s của %(count)s đơn vị", "%(months)s của %(count)s đơn vị", count)
            % {"months": months, "count": count}
            for months, count in groups
        ]
        if len(self.missing_groups(limit=99)) > len(groups):
            parts.append(_("và các tháng khác"))
        return _("Dựa trên số liệu %(months)s/%(through)s tháng; còn thiếu %(missing)s. Kết quả của các đơn vị còn thiếu là tạm tính.") % {
            "months": self.months_with_data,
            "through": self.months_span,
            "missing": "; ".join(parts),
        }

    def as_document(self) -> dict:
        """`completeness --format json`."""
        return {
            "year": self.year,
            "through": self.through,
            "district": self.district.code if self.district else None,
            "expected": self.expected,
            "reported": self.reported,
            "on_time": self.on_time,
            "rate": _rate_text(self.rate),
            "timeliness_rate": _rate_text(self.timeliness_rate),
            "units": [
                {
                    "unit_code": unit.unit.code,
                    "months_expected": unit.months_expected,
                    "months_reported": unit.months_reported,
                    "months_missing": unit.months_missing,
                    "months_confirmed": unit.months_confirmed,
                    "months_approved": unit.months_approved,
                    "months_late": unit.months_late,
                }
                for unit in self.units
            ],
        }


def _rate_text(rate: Decimal | None) -> str | None:
    return None if rate is None else f"{rate:.2f}"


def district_units(district: District, year: int):
    """The units of a district that existed in the year, in the order every report lists them."""
    return Unit.objects.filter(district=district).in_year(year).order_by("kind", "sort_order", "code")


def compute_completeness(district: District, year: int, through: int, *, units=None,
                         today: date | None = None) -> Completeness:
    """The completeness of a district's year through a month (`units`: a subset, e.g. those a person sees)."""
    units = list(district_units(district, year) if units is None else units)
    cycle = year_cycle(units, year, today=today or timezone.localdate())
    return Completeness(
        year=year, through=through, district=district, today=cycle.today,
        units=[UnitCompleteness.of(unit_year, through) for unit_year in cycle.units],
    )


def compute_completeness_many(districts, year: int, through: int, *, today: date | None = None) -> dict[int, Completeness]:
    """Many districts' completeness from one reading of the cycle (the province's document)."""
    districts = list(districts)
    units = list(
        Unit.objects.filter(district__in=districts).in_year(year).order_by("district_id", "kind", "sort_order", "code")
    )
    cycle = year_cycle(units, year, today=today or timezone.localdate())
    result = {district.pk: Completeness(year=year, through=through, district=district, today=cycle.today)
              for district in districts}
    for unit_year in cycle.units:
        result[unit_year.unit.district_id].units.append(UnitCompleteness.of(unit_year, through))
    return result


def last_due_month(district: District, year: int, *, today: date | None = None) -> int | None:
    """The last month of the year whose reports are due by now (None: none yet)."""
    return cycle_rules.last_due_month(year, district.report_due_day, today=today or timezone.localdate())
