"""One unit's (or a few units') figures in detail, for the dashboard and the workbook's detail
sheet: Σ per procedure, and month by month. Each one query, through the engine's scopes."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from dvctt_portal.figures import rate_percent
from submissions.models import DossierCount, Procedure
from units.models import Unit

from .arithmetic import Measure, Outcome, evaluate
from .models import TargetPolicy
from .progress import handled_by_unit_expression, offered_in_year_q
from .results import ScopeKey, rule_covers


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
            offered_in_year_q(policy.year), unit_id__in=list(by_id), year=policy.year,
            month__gte=policy.first_month, month__lte=min(through, policy.last_month)
        )
        .annotate(handled_by_unit=handled_by_unit_expression())
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
    """For each rule on dossiers (a count or a rate) that applies to the unit, month by month:
    that month's online and total dossiers and the cumulative status (a share of procedures has
    no monthly series). Queries: the rules (1), the counts by month (1)."""
    rules = [rule for rule in policy.rules.all() if rule.applies_to(unit) and rule.measure in (Measure.COUNT, Measure.RATE)]
    rows = (
        DossierCount.objects.filter(offered_in_year_q(policy.year), unit=unit, year=policy.year,
                                    month__gte=policy.first_month, month__lte=min(through, policy.last_month))
        .annotate(handled_by_unit=handled_by_unit_expression())
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
        for month in range(policy.first_month, min(through, policy.last_month) + 1):
            online, total = per_rule_month[rule.code][month]
            cumulative_online += online
            cumulative_total += total
            outcome = evaluate(
                measure=rule.measure, target=rule.target, online=cumulative_online, total=cumulative_total, through=month,
                first_month=policy.first_month, last_month=policy.last_month,
            )
            points.append(MonthPoint(month, online, total, cumulative_online, cumulative_total, outcome))
        series[rule.code] = points
    return series
