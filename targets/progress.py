"""Every unit's progress against every rule of a policy, from one aggregated query.

`compute_progress(policy, through)` is the single entry point that the dashboards, the
overview, the year-end report, the exports, the JSON API and the `progress` command call.
The arithmetic itself lives in `targets.arithmetic`; this module only gathers the sums.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, Case, F, Q, Sum, Value, When, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from submissions.models import DossierCount, Procedure
from units.models import District, Unit

from .arithmetic import Outcome, Status, combined_rate, evaluate, rate_percent
from .models import TargetPolicy, TargetRule

STATUS_LABELS = {
    Status.MET: _("đạt"),
    Status.ON_TRACK: _("đúng tiến độ"),
    Status.AT_RISK: _("có nguy cơ"),
    Status.MISSED: _("không đạt"),
    Status.NO_DATA: _("chưa có số liệu"),
}


class PolicyNotFound(LookupError):
    pass


@dataclass(frozen=True)
class ScopeKey:
    """The part of a dossier count that decides which rules it counts for."""

    authority: str
    online_level: int
    handled_by_unit: bool


def rule_covers(rule: TargetRule, scope: ScopeKey) -> bool:
    """Whether dossiers of this scope count for the rule (the year is filtered in the query)."""
    return (
        scope.authority == rule.authority
        and scope.online_level >= rule.min_online_level
        and (scope.handled_by_unit or not rule.own_procedures_only)
    )


@dataclass(frozen=True)
class RuleProgress:
    rule: TargetRule
    online: int
    total: int
    outcome: Outcome

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def measure(self) -> str:
        return self.rule.measure

    @property
    def target(self) -> Decimal:
        return self.rule.target

    @property
    def status(self) -> Status:
        return self.outcome.status

    @property
    def status_label(self):
        return STATUS_LABELS[self.outcome.status]

    @property
    def shortfall(self) -> int | None:
        return self.outcome.shortfall

    @property
    def rate(self) -> Decimal | None:
        return self.outcome.rate

    @property
    def is_missed(self) -> bool:
        return self.outcome.status == Status.MISSED

    @property
    def points_lost(self) -> Decimal:
        return self.rule.points if self.is_missed else Decimal("0")


@dataclass
class UnitProgress:
    unit: Unit
    rules: list[RuleProgress] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return sum((rule.points_lost for rule in self.rules), Decimal("0"))

    @property
    def flagged(self) -> bool:
        return any(rule.is_missed for rule in self.rules)

    @property
    def has_no_data(self) -> bool:
        return any(rule.status == Status.NO_DATA for rule in self.rules)

    @property
    def missed_rules(self) -> list[RuleProgress]:
        return [rule for rule in self.rules if rule.is_missed]

    def rule(self, code: str) -> RuleProgress | None:
        return next((rule for rule in self.rules if rule.code == code), None)


@dataclass
class Progress:
    policy: TargetPolicy
    through: int
    rules: list[TargetRule]
    units: list[UnitProgress]

    @property
    def year(self) -> int:
        return self.policy.year

    def for_unit(self, unit_id: int) -> UnitProgress | None:
        return next((entry for entry in self.units if entry.unit.pk == unit_id), None)

    def rule_summary(self, rule: TargetRule) -> dict:
        """Units meeting the rule, counted by status, and the district-wide rate (Σ online ÷ Σ total)."""
        entries = [entry.rule(rule.code) for entry in self.units]
        entries = [entry for entry in entries if entry is not None]
        by_status = {status: 0 for status in Status}
        for entry in entries:
            by_status[entry.status] += 1
        return {
            "rule": rule,
            "units": len(entries),
            "by_status": by_status,
            "meeting": by_status[Status.MET] + by_status[Status.ON_TRACK],
            "online": sum(entry.online for entry in entries),
            "total": sum(entry.total for entry in entries),
            "rate": combined_rate((entry.online, entry.total) for entry in entries),
        }

    def summaries(self) -> list[dict]:
        return [self.rule_summary(rule) for rule in self.rules]

    def ranking(self, kind: str) -> list[UnitProgress]:
        """Units of one kind, best first: fewest points lost, most rules met, highest rate."""
        same_kind = [entry for entry in self.units if entry.unit.kind == kind]
        return sorted(same_kind, key=_rank_key)

    def rank_of(self, unit: Unit) -> tuple[int, int] | None:
        """(position, out of) of the unit among units of its kind; 1 is best."""
        ranking = self.ranking(unit.kind)
        for position, entry in enumerate(ranking, start=1):
            if entry.unit.pk == unit.pk:
                return position, len(ranking)
        return None


def _rank_key(entry: UnitProgress):
    met = sum(1 for rule in entry.rules if rule.status in (Status.MET, Status.ON_TRACK))
    rates = [rule.rate for rule in entry.rules if rule.rate is not None]
    online = sum(rule.online for rule in entry.rules)
    return (entry.points, -met, -(rates[0] if rates else Decimal("-1")), -online, entry.unit.sort_order, entry.unit.code)


def offered_in_year_q(year: int, prefix: str = "procedure__") -> Q:
    return Q(**{f"{prefix}first_year__lte": year}) & (
        Q(**{f"{prefix}last_year__isnull": True}) | Q(**{f"{prefix}last_year__gte": year})
    )


def _handled_by_unit():
    return Case(
        When(procedure__department_id=F("unit_id"), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def scoped_sums(*, district_ids, year: int, through: int, unit_ids=None):
    """THE aggregated query: Σ online and Σ total per unit and scope, January → `through`, for
    the units of the districts `district_ids` (one district or a whole province: one query).

    Returns {unit_id: {ScopeKey: (online, total)}}.
    """
    district_ids = list(district_ids)
    district_filter = (
        Q(unit__district_id=district_ids[0]) if len(district_ids) == 1 else Q(unit__district_id__in=district_ids)
    )
    counts = DossierCount.objects.filter(
        offered_in_year_q(year),
        Q(unit__first_year__isnull=True) | Q(unit__first_year__lte=year),
        Q(unit__is_active=True, unit__last_year__isnull=True) | Q(unit__last_year__gte=year),
        district_filter,
        year=year,
        month__gte=1,
        month__lte=through,
    )
    if unit_ids is not None:
        counts = counts.filter(unit_id__in=unit_ids)
    rows = (
        counts.annotate(handled_by_unit=_handled_by_unit())
        .values("unit_id", "procedure__authority", "procedure__online_level", "handled_by_unit")
        .annotate(online_sum=Sum("online"), total_sum=Sum("total"))
        .order_by()
    )
    sums: dict[int, dict[ScopeKey, tuple[int, int]]] = defaultdict(dict)
    for row in rows:
        key = ScopeKey(row["procedure__authority"], row["procedure__online_level"], bool(row["handled_by_unit"]))
        sums[row["unit_id"]][key] = (row["online_sum"] or 0, row["total_sum"] or 0)
    return sums


def sum_for_rule(rule: TargetRule, unit_sums: dict[ScopeKey, tuple[int, int]]) -> tuple[int, int]:
    online = total = 0
    for scope, (scope_online, scope_total) in unit_sums.items():
        if rule_covers(rule, scope):
            online += scope_online
            total += scope_total
    return online, total


def get_policy(*, year: int, district: District | None = None) -> TargetPolicy:
    """The policy of that year (for that district); PolicyNotFound with a Vietnamese message."""
    policies = TargetPolicy.objects.select_related("district").filter(year=year)
    if district is not None:
        policies = policies.filter(district=district)
    found = list(policies[:2])
    if not found:
        raise PolicyNotFound(_("Chưa có chỉ tiêu (chính sách) nào cho năm %(year)s.") % {"year": year})
    if len(found) > 1:
        raise PolicyNotFound(_("Năm %(year)s có chỉ tiêu của nhiều huyện: hãy chọn một huyện.") % {"year": year})
    return found[0]


def _checked_month(through) -> int:
    if not 1 <= int(through) <= 12:
        raise ValueError(_("Tháng phải từ 1 đến 12."))
    return int(through)


def _assemble(policy: TargetPolicy, through: int, rules, unit_list, sums) -> Progress:
    """Every rule applied to every unit: pure arithmetic on sums already read."""
    results = []
    for unit in unit_list:
        entry = UnitProgress(unit=unit)
        for rule in rules:
            if not rule.applies_to(unit):
                continue
            online, total = sum_for_rule(rule, sums.get(unit.pk, {}))
            outcome = evaluate(measure=rule.measure, target=rule.target, online=online, total=total, through=through)
            entry.rules.append(RuleProgress(rule=rule, online=online, total=total, outcome=outcome))
        results.append(entry)
    return Progress(policy=policy, through=through, rules=rules, units=results)


UNIT_ORDER = ("kind", "sort_order", "code")


def compute_progress(policy: TargetPolicy, through: int, *, units=None) -> Progress:
    """Progress of every active unit of the policy's district (or of `units`) through that month.

    Queries: the rules (1), the units (1), the aggregated counts (1) — whatever the number of
    units, procedures or months.
    """
    through = _checked_month(through)
    rules = list(policy.rules.all())
    unit_queryset = units if units is not None else Unit.objects.all()
    unit_list = list(unit_queryset.in_year(policy.year).filter(district_id=policy.district_id).order_by(*UNIT_ORDER))
    sums = scoped_sums(
        district_ids=[policy.district_id],
        year=policy.year,
        through=through,
        unit_ids=[unit.pk for unit in unit_list] if units is not None else None,
    )
    return _assemble(policy, through, rules, unit_list, sums)


def compute_progress_many(policies, through: int) -> list[Progress]:
    """`compute_progress` for many districts at once — a province, or the nation — in the order
    of `policies`.

    Queries: the policies' rules (1), then per distinct year of the policies the units of its
    districts (1) and the aggregated counts (1): 3 for one year's policies, whatever the number
    of districts, units, procedures or months.
    """
    through = _checked_month(through)
    policies = list(policies)
    if not policies:
        return []
    prefetch_related_objects(policies, "rules")
    progress_by_policy = {}
    for year in sorted({policy.year for policy in policies}):
        of_year = [policy for policy in policies if policy.year == year]
        district_ids = {policy.district_id for policy in of_year}
        units_by_district = defaultdict(list)
        for unit in Unit.objects.in_year(year).filter(district_id__in=district_ids).order_by(*UNIT_ORDER):
            units_by_district[unit.district_id].append(unit)
        sums = scoped_sums(district_ids=district_ids, year=year, through=through)
        for policy in of_year:
            progress_by_policy[policy.pk] = _assemble(
                policy, through, list(policy.rules.all()), units_by_district[policy.district_id], sums
            )
    return [progress_by_policy[policy.pk] for policy in policies]


# ---------------------------------------------------------------------------------------------
# Breakdowns for one unit's dashboard and the workbook's detail sheet (each one query).


@dataclass(frozen=True)
class ProcedureLine:
    unit_id: int
    procedure: Procedure
    online: int
    total: int
    rule_codes: tuple[str, ...]

    @property
    def rate(self) -> Decimal | None:
        return rate_percent(self.online, self.total)


# The procedure's columns read with the counts (`Procedure.from_db` fills them in this order, as
# `.only()` would; the others are deferred).
PROCEDURE_FIELDS = ("id", "code", "name", "field", "authority", "online_level")


def procedure_breakdown(policy: TargetPolicy, through: int, *, units, rules=None,
                        chunk_size: int = 100) -> Iterator[ProcedureLine]:
    """Σ online and Σ total per unit and procedure counted by any rule: by unit, then biggest
    volume first (Σ total, Σ online, procedure code), as the database orders them.

    A generator: the rows are read in chunks of `chunk_size` and each line is yielded as it is
    read, so a whole district's detail is never held in memory (`list()` it to keep it). A row
    carries its procedure's name and field (a few hundred bytes): 100 rows keep under 0.1 MiB
    in hand, and on PostgreSQL a district of 5,500 lines is about 55 fetches of its cursor.
    `units` is a list of Unit; `rules` the policy's rules when they are already read. Queries:
    the rules (1, none when given), the aggregated counts with their procedures' columns (1).
    """
    rules = list(policy.rules.all()) if rules is None else list(rules)
    by_id = {unit.pk: unit for unit in units}
    rows = (
        DossierCount.objects.filter(
            offered_in_year_q(policy.year), unit_id__in=list(by_id), year=policy.year, month__lte=through
        )
        .annotate(handled_by_unit=_handled_by_unit())
        .values_list("unit_id", "handled_by_unit", *(f"procedure__{name}" for name in PROCEDURE_FIELDS))
        .annotate(online_sum=Sum("online"), total_sum=Sum("total"))
        .order_by("unit_id", "-total_sum", "-online_sum", "procedure__code")
    )
    return _procedure_lines(rows.iterator(chunk_size=chunk_size), rows.db, by_id, rules)


def _procedure_lines(rows, db, by_id, rules) -> Iterator[ProcedureLine]:
    procedures = {}  # one instance per procedure: bounded by the district's catalog, not its units
    unit_id_now, codes_of = None, {}  # the current unit's rule codes by scope
    for unit_id, handled_by_unit, *procedure_values, online_sum, total_sum in rows:
        procedure = procedures.get(procedure_values[0])
        if procedure is None:
            procedure = procedures[procedure_values[0]] = Procedure.from_db(db, PROCEDURE_FIELDS, procedure_values)
        if unit_id != unit_id_now:
            unit, unit_id_now, codes_of = by_id[unit_id], unit_id, {}
        scope = ScopeKey(procedure.authority, procedure.online_level, bool(handled_by_unit))
        codes = codes_of.get(scope)
        if codes is None:
            codes = codes_of[scope] = tuple(
                rule.code for rule in rules if rule.applies_to(unit) and rule_covers(rule, scope)
            )
        if codes:
            yield ProcedureLine(unit_id, procedure, online_sum or 0, total_sum or 0, codes)


@dataclass(frozen=True)
class MonthPoint:
    month: int
    online: int
    total: int
    cumulative_online: int
    cumulative_total: int
    outcome: Outcome


def monthly_series(policy: TargetPolicy, unit: Unit, through: int) -> dict[str, list[MonthPoint]]:
    """For each rule that applies to the unit, month by month: that month's online and total
    dossiers and the cumulative status. Queries: the rules (1), the counts by month (1)."""
    rules = [rule for rule in policy.rules.all() if rule.applies_to(unit)]
    rows = (
        DossierCount.objects.filter(offered_in_year_q(policy.year), unit=unit, year=policy.year, month__lte=through)
        .annotate(handled_by_unit=_handled_by_unit())
        .values("month", "procedure__authority", "procedure__online_level", "handled_by_unit")
        .annotate(online_sum=Sum("online"), total_sum=Sum("total"))
        .order_by()
    )
    per_rule_month = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in rows:
        scope = ScopeKey(row["procedure__authority"], row["procedure__online_level"], bool(row["handled_by_unit"]))
        for rule in rules:
            if rule_covers(rule, scope):
                per_rule_month[rule.code][row["month"]][0] += row["online_sum"] or 0
                per_rule_month[rule.code][row["month"]][1] += row["total_sum"] or 0
    series = {}
    for rule in rules:
        points = []
        cumulative_online = cumulative_total = 0
        for month in range(1, through + 1):
            online, total = per_rule_month[rule.code][month]
            cumulative_online += online
            cumulative_total += total
            outcome = evaluate(
                measure=rule.measure, target=rule.target, online=cumulative_online, total=cumulative_total, through=month
            )
            points.append(MonthPoint(month, online, total, cumulative_online, cumulative_total, outcome))
        series[rule.code] = points
    return series


# ---------------------------------------------------------------------------------------------
# The published document: `progress --format json` and `/api/progress` return exactly this.


def decimal_string(value: Decimal) -> str:
    """20.00 → "20", 27.50 → "27.5": a plain decimal string without exponent."""
    normalized = value.normalize()
    return format(normalized, "f")


def progress_document(progress: Progress) -> dict:
    return {
        "year": progress.year,
        "through": progress.through,
        "policy": progress.policy.document_number,
        "units": [
            {
                "unit_code": entry.unit.code,
                "unit_name": entry.unit.name,
                "kind": entry.unit.kind,
                "flagged": entry.flagged,
                "points": _number(entry.points),
                "rules": [
                    {
                        "rule": rule.code,
                        "measure": rule.measure,
                        "target": decimal_string(rule.target),
                        "online": rule.online,
                        "total": rule.total,
                        "rate": None if rule.rate is None else f"{rule.rate:.2f}",
                        "status": rule.status.value,
                        "shortfall": rule.shortfall,
                    }
                    for rule in entry.rules
                ],
            }
            for entry in progress.units
        ],
    }


def province_document(progresses: list[Progress], *, year: int, through: int) -> dict:
    """Many districts' documents in one: `progress --all-districts --format json`."""
    return {
        "year": year,
        "through": through,
        "districts": [
            {"district_code": progress.policy.district.code, "district_name": progress.policy.district.name,
             **progress_document(progress)}
            for progress in progresses
        ],
    }


def _number(value: Decimal):
    """Points as a JSON number: an int when whole (2), else a float of the exact decimal (1.5)."""
    return int(value) if value == value.to_integral_value() else float(value)


CSV_COLUMNS = [
    "unit_code", "unit_name", "kind", "rule", "measure", "target", "online", "total", "rate", "status",
    "shortfall", "points", "flagged",
]


def progress_rows(progress: Progress):
    """One flat row per unit and rule (for CSV)."""
    for entry in progress.units:
        for rule in entry.rules:
            yield {
                "unit_code": entry.unit.code,
                "unit_name": entry.unit.name,
                "kind": entry.unit.kind,
                "rule": rule.code,
                "measure": rule.measure,
                "target": decimal_string(rule.target),
                "online": rule.online,
                "total": rule.total,
                "rate": "" if rule.rate is None else f"{rule.rate:.2f}",
                "status": rule.status.value,
                "shortfall": "" if rule.shortfall is None else rule.shortfall,
                "points": decimal_string(rule.points_lost),
                "flagged": "yes" if rule.is_missed else "no",
            }


# ---------------------------------------------------------------------------------------------
# Small look-ups for the reports' default period.


def last_entered_month(district: District, year: int) -> int | None:
    """The latest month of that year for which any count of the district's units is entered
    (None when nothing is entered yet). One query."""
    from django.db.models import Max

    return DossierCount.objects.filter(unit__district=district, year=year).aggregate(last=Max("month"))["last"]
