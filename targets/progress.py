"""Every unit's progress against every rule of a policy, from one aggregated query.

`compute_progress(policy, through)` is the single entry point that the dashboards, the
overview, the year-end report, the exports, the JSON API and the `progress` command call.
The arithmetic itself lives in `targets.arithmetic`; the results' types in `targets.results`;
one unit's breakdowns in `targets.breakdowns`; the published document in `targets.documents`.
This module only gathers the sums.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import BooleanField, Case, Count, F, Max, Q, Sum, Value, When, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from submissions import rules as count_rules
from submissions.models import TARGET_MIN_LEVEL, DossierCount, Procedure
from units import rules as unit_rules
from units.models import District, Unit, UnitKind

from .arithmetic import Measure, Scoring, evaluate, evaluate_share, forecast, measured_value, rule_points
from .models import TargetPolicy, TargetRule
from .results import PolicyNotFound, Progress, RuleProgress, ScopeKey, UnitProgress, rule_covers


def offered_in_year_q(year: int, prefix: str = "procedure__") -> Q:
    """The counts of procedures offered that year (submissions.rules.offered_q, from the counts)."""
    return count_rules.offered_q(year, prefix)


def handled_by_unit_expression():
    """Whether a count's procedure is handled by the unit itself (a department's own dossiers)."""
    return Case(
        When(procedure__department_id=F("unit_id"), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


class ScopeSums(NamedTuple):
    """A unit's sums over one scope: dossiers online and in all, the procedures that received at
    least one online dossier, and the dossiers of the last (up to) three months counted."""

    online: int = 0
    total: int = 0
    covered: int = 0
    recent_online: int = 0
    recent_total: int = 0

    def __add__(self, other):
        return ScopeSums(*(mine + theirs for mine, theirs in zip(self, other)))


RECENT_MONTHS = 3  # a forecast extrapolates the last three months counted


def recent_from(*, first_month: int, through: int) -> int:
    """The first of the (up to) three last months counted, never before the policy's first."""
    return max(first_month, through - RECENT_MONTHS + 1)


def scoped_sums(*, district_ids, year: int, through: int, unit_ids=None, first_month: int = 1):
    """THE aggregated query: Σ online and Σ total per unit and scope, `first_month` (January) →
    `through`, for the units of the administrations `district_ids` (one district, a province's
    districts, a province's communes: one query) — with, in the same query, the procedures that
    received an online dossier (coverage) and the sums of the last three months (forecast).

    Returns {unit_id: {ScopeKey: ScopeSums}}.
    """
    district_ids = list(district_ids)
    district_filter = (
        Q(unit__district_id=district_ids[0]) if len(district_ids) == 1 else Q(unit__district_id__in=district_ids)
    )
    counts = DossierCount.objects.filter(
        offered_in_year_q(year),
        unit_rules.in_year_q(year, "unit__"),
        district_filter,
        year=year,
        month__gte=first_month,
        month__lte=through,
    )
    if unit_ids is not None:
        counts = counts.filter(unit_id__in=unit_ids)
    recent = Q(month__gte=recent_from(first_month=first_month, through=through))
    rows = (
        counts.annotate(handled_by_unit=handled_by_unit_expression())
        .values("unit_id", "procedure__authority", "procedure__online_level", "handled_by_unit")
        .annotate(online_sum=Sum("online"), total_sum=Sum("total"),
                  covered=Count("procedure_id", filter=Q(online__gt=0), distinct=True),
                  recent_online=Sum("online", filter=recent), recent_total=Sum("total", filter=recent))
        .order_by()
    )
    sums: dict[int, dict[ScopeKey, ScopeSums]] = defaultdict(dict)
    for row in rows:
        key = ScopeKey(row["procedure__authority"], row["procedure__online_level"], bool(row["handled_by_unit"]))
        sums[row["unit_id"]][key] = ScopeSums(row["online_sum"] or 0, row["total_sum"] or 0, row["covered"] or 0,
                                              row["recent_online"] or 0, row["recent_total"] or 0)
    return sums


@dataclass
class Reportable:
    """What each unit can report on in a year (the catalog's scopes): a rule with nothing in
    scope for a unit, and no dossiers under it, does not apply to that unit ("không áp dụng")."""

    # {scope: procedures offered that year}, every level (a share of the catalog counts level 2 too)
    communes: dict[int, dict[ScopeKey, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))  # by district id
    departments: dict[int, dict[ScopeKey, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))  # by department id

    def scopes_of(self, unit: Unit) -> dict[ScopeKey, int]:
        if unit.kind == UnitKind.DEPARTMENT:
            return self.departments.get(unit.pk, {})
        return self.communes.get(unit.district_id, {})

    def applies(self, rule: TargetRule, unit: Unit) -> bool:
        """Some online procedure (level 3/4) of the rule's scope is one the unit reports on."""
        return any(scope.online_level >= TARGET_MIN_LEVEL and rule_covers(rule, scope) for scope in self.scopes_of(unit))

    def procedures(self, rule: TargetRule, unit: Unit, *, any_level: bool = False) -> int:
        """The procedures offered that year in the rule's scope that the unit reports on: at the
        rule's level (coverage's denominator, catalog share's numerator) or at any level."""
        return sum(count for scope, count in self.scopes_of(unit).items() if rule_covers(rule, scope, any_level=any_level))


def reportable_scopes(*, district_ids, year: int) -> Reportable:
    """The level 3/4 procedures offered that year that the districts' units report on, as scopes
    (one query): commune procedures and a district's own procedures for its communes; for each
    department, the procedures it handles."""
    district_ids = set(district_ids)
    reportable = Reportable()
    procedures = (
        Procedure.objects.offered_in(year)
        .filter(count_rules.communes_report_q(district_ids))
        .values_list("authority", "online_level", "department_id", "department__district_id")
        .annotate(procedures=Count("id"))
        .order_by()
    )
    for authority, level, department_id, department_district_id, count in procedures:
        if department_id is None:
            for district_id in district_ids:
                reportable.communes[district_id][ScopeKey(authority, level, False)] += count
        else:
            reportable.communes[department_district_id][ScopeKey(authority, level, False)] += count
            reportable.departments[department_id][ScopeKey(authority, level, True)] += count
    return reportable


def sum_for_rule(rule: TargetRule, unit_sums: dict[ScopeKey, ScopeSums]) -> ScopeSums:
    summed = ScopeSums()
    for scope, scope_sums in unit_sums.items():
        if rule_covers(rule, scope):
            summed += scope_sums
    return summed


def get_policy(*, year: int, district: District | None = None) -> TargetPolicy:
    """The policy of that year (for that district); PolicyNotFound with a Vietnamese message."""
    policies = TargetPolicy.objects.select_related("district").filter(year=year)
    if district is not None:
        policies = policies.filter(district=district)
    found = list(policies[:2])
    if not found:
        raise PolicyNotFound(_("Chưa có chỉ tiêu (chính sách) nào cho năm %(year)s.") % {"year": year})
    if len(found) > 1:
        raise PolicyNotFound(_("Năm %(year)s có chỉ tiêu của nhiều nơi (tỉnh, huyện): hãy chọn một nơi (--administration MÃ).") % {"year": year})
    return found[0]


def _checked_month(through) -> int:
    if not 1 <= int(through) <= 12:
        raise ValueError(_("Tháng phải từ 1 đến 12."))
    return int(through)


def _assemble(policy: TargetPolicy, through: int, rules, unit_list, sums, reportable: Reportable) -> Progress:
    """Every rule applied to every unit it concerns: pure arithmetic on sums already read. A rule
    does not apply to a unit with nothing to report under it (no procedure in its scope, no
    dossier): not ranked, not "no data", not flagged ("không áp dụng")."""
    results = []
    for unit in unit_list:
        entry = UnitProgress(unit=unit)
        for rule in rules:
            if not rule.applies_to(unit):
                continue
            summed = sum_for_rule(rule, sums.get(unit.pk, {}))
            if summed.total == 0 and not reportable.applies(rule, unit):
                continue
            entry.rules.append(rule_progress(policy, through, rule, summed, reportable, unit))
        results.append(entry)
    return Progress(policy=policy, through=through, rules=rules, units=results)


def rule_progress(policy: TargetPolicy, through: int, rule: TargetRule, summed: ScopeSums, reportable: Reportable,
                  unit: Unit) -> RuleProgress:
    """One unit under one rule, from its sums: status, shortfall, the points a proportional rule
    earns and, before the policy's last month, the forecast."""
    counted = of = None
    if rule.measure == Measure.COVERAGE:
        # procedures it reports on; one it had dossiers under without reporting on it (a
        # department's counts under another's procedure) never lifts the share past 100 %
        of = reportable.procedures(rule, unit)
        counted = min(summed.covered, of)
    elif rule.measure == Measure.CATALOG_SHARE:
        counted, of = reportable.procedures(rule, unit), reportable.procedures(rule, unit, any_level=True)
    final = through >= policy.last_month
    if counted is None:
        outcome = evaluate(measure=rule.measure, target=rule.target, online=summed.online, total=summed.total,
                           through=through, first_month=policy.first_month, last_month=policy.last_month)
    else:
        outcome = evaluate_share(target=rule.target, counted=counted, of=of, final=final)
    value = measured_value(measure=rule.measure, online=summed.online, total=summed.total, counted=counted or 0, of=of or 0)
    earned = None
    if rule.scoring == Scoring.PROPORTIONAL:
        earned = rule_points(scoring=rule.scoring, points=rule.points, value=value, target=rule.target, met=False)
    coming, last_counted = None, policy_through(policy, through)
    if not final and last_counted >= policy.first_month:
        coming = forecast(measure=rule.measure, scoring=rule.scoring, target=rule.target, points=rule.points,
                          online=summed.online, total=summed.total, recent_online=summed.recent_online,
                          recent_total=summed.recent_total,
                          recent_months=last_counted - recent_from(first_month=policy.first_month, through=last_counted) + 1,
                          months_left=policy.last_month - last_counted, counted=counted or 0, of=of or 0)
    return RuleProgress(rule=rule, online=summed.online, total=summed.total, outcome=outcome, counted=counted, of=of,
                        earned=earned, forecast=coming)


UNIT_ORDER = ("kind", "sort_order", "code")


def policy_through(policy: TargetPolicy, through: int) -> int:
    """The last month counted: `through`, but never past the policy's last month."""
    return min(through, policy.last_month)


def in_policy_months(policy: TargetPolicy, units) -> list[Unit]:
    """The units that existed in some month of the policy's months (a commune formed on 1 July is
    not under the January–June policy; one merged away on 30 June is not under July–December)."""
    if policy.is_whole_year:
        return list(units)
    return [unit for unit in units
            if unit_rules.months_overlap(first_month=policy.first_month, last_month=policy.last_month,
                                         year=policy.year, start=unit_rules.period_of(unit)[0],
                                         end=unit_rules.period_of(unit)[1])]


def compute_progress(policy: TargetPolicy, through: int, *, units=None) -> Progress:
    """Progress of every active unit of the policy's district (or of `units`) through that month.

    Queries: the rules (1), the units (1), the aggregated counts (1), what the units can report on
    (1) — whatever the number of units, procedures or months.
    """
    through = _checked_month(through)
    rules = list(policy.rules.all())
    unit_queryset = units if units is not None else Unit.objects.all()
    unit_list = in_policy_months(
        policy, unit_queryset.in_year(policy.year).filter(district_id=policy.district_id).order_by(*UNIT_ORDER))
    sums = scoped_sums(
        district_ids=[policy.district_id],
        year=policy.year,
        through=policy_through(policy, through),
        first_month=policy.first_month,
        unit_ids=[unit.pk for unit in unit_list] if units is not None else None,
    )
    reportable = reportable_scopes(district_ids=[policy.district_id], year=policy.year)
    return _assemble(policy, through, rules, unit_list, sums, reportable)


def compute_progress_many(policies, through: int) -> list[Progress]:
    """`compute_progress` for many districts at once — a province, or the nation — in the order
    of `policies`.

    Queries: the policies' rules (1), then per distinct year (and months) of the policies the units
    of their administrations (1), the aggregated counts (1) and what they can report on (1): 4 for
    one year's policies, whatever the number of districts, units, procedures or months.
    """
    through = _checked_month(through)
    policies = list(policies)
    if not policies:
        return []
    prefetch_related_objects(policies, "rules")
    progress_by_policy = {}
    # Policies of one year and the same months share their queries (a whole province's districts).
    groups = sorted({(policy.year, policy.first_month, policy_through(policy, through)) for policy in policies})
    for year, first_month, last_counted in groups:
        of_group = [policy for policy in policies
                    if (policy.year, policy.first_month, policy_through(policy, through)) == (year, first_month, last_counted)]
        district_ids = {policy.district_id for policy in of_group}
        units_by_district = defaultdict(list)
        for unit in Unit.objects.in_year(year).filter(district_id__in=district_ids).order_by(*UNIT_ORDER):
            units_by_district[unit.district_id].append(unit)
        sums = scoped_sums(district_ids=district_ids, year=year, through=last_counted, first_month=first_month)
        reportable = reportable_scopes(district_ids=district_ids, year=year)
        for policy in of_group:
            progress_by_policy[policy.pk] = _assemble(
                policy, through, list(policy.rules.all()),
                in_policy_months(policy, units_by_district[policy.district_id]), sums, reportable,
            )
    return [progress_by_policy[policy.pk] for policy in policies]


def last_entered_month(district: District, year: int) -> int | None:
    """The latest month of that year for which any count of the district's units is entered
    (None when nothing is entered yet). One query."""
    return DossierCount.objects.filter(unit__district=district, year=year).aggregate(last=Max("month"))["last"]
