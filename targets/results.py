"""What the engine returns: each unit's progress against each rule of a policy, and the
labels of the statuses. Plain data, built by targets.progress; read by the reports."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from units.models import Unit

from .arithmetic import Forecast, Outcome, Scoring, Status, combined_rate
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


def rule_covers(rule: TargetRule, scope: ScopeKey, *, any_level: bool = False) -> bool:
    """Whether dossiers of this scope count for the rule (the year is filtered in the query);
    `any_level`: whether its procedures are in the rule's scope whatever their online level."""
    return (
        scope.authority == rule.authority
        and (any_level or scope.online_level >= rule.min_online_level)
        and (scope.handled_by_unit or not rule.own_procedures_only)
    )


@dataclass(frozen=True)
class RuleProgress:
    """One unit under one rule. `counted` of `of`: for a share of procedures (coverage, catalog
    share), the procedures counted and those in scope. `earned`: a proportional rule's points
    (None for a deduct rule, or "N/A" when its value has no denominator). `forecast`: the
    year-end value and points if the rest of the year goes as the last three months (None once
    the policy's last month is counted)."""

    rule: TargetRule
    online: int
    total: int
    outcome: Outcome
    counted: int | None = None
    of: int | None = None
    earned: Decimal | None = None
    forecast: Forecast | None = None

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
    def scoring(self) -> str:
        return self.rule.scoring

    @property
    def is_proportional(self) -> bool:
        return self.rule.scoring == Scoring.PROPORTIONAL

    @property
    def costs_points(self) -> bool:
        """A deduct rule missed (a proportional rule earns, it never deducts)."""
        return self.is_missed and not self.is_proportional

    @property
    def points_lost(self) -> Decimal:
        return self.rule.points if self.costs_points else Decimal("0")

    @property
    def points_to_gain(self) -> Decimal | None:
        """What closing the shortfall would add: a proportional rule's points not yet earned."""
        if not self.is_proportional or self.earned is None:
            return None
        return self.rule.points - self.earned


def earns_points(rules) -> bool:
    """Whether some rule earns points (proportional, Decision 766): then a score is worth showing."""
    return any(rule.scoring == Scoring.PROPORTIONAL for rule in rules)


@dataclass
class UnitProgress:
    unit: Unit
    rules: list[RuleProgress] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return sum((rule.points_lost for rule in self.rules), Decimal("0"))

    @property
    def earned(self) -> Decimal:
        return sum((rule.earned for rule in self.rules if rule.earned is not None), Decimal("0"))

    @property
    def score(self) -> Decimal:
        """The unit's score under the policy: Σ points earned (proportional rules) − Σ points lost
        (deduct rules). Under the 2020 letter, only deductions: 0, −1, −2 …"""
        return self.earned - self.points

    @property
    def forecast_score(self) -> Decimal | None:
        """The score if every rule goes as its forecast says; None at the policy's last month or
        when a rule cannot be forecast."""
        coming = [rule.forecast for rule in self.rules]
        if not coming or any(forecast is None or forecast.points is None for forecast in coming):
            return None
        return sum((forecast.points for forecast in coming), Decimal(0))

    @property
    def flagged(self) -> bool:
        """Loses points by deduction: a deduct rule missed."""
        return any(rule.costs_points for rule in self.rules)

    @property
    def has_no_data(self) -> bool:
        return any(rule.status == Status.NO_DATA for rule in self.rules)

    @property
    def missed_rules(self) -> list[RuleProgress]:
        """The deduct rules missed: those that cost points."""
        return [rule for rule in self.rules if rule.costs_points]

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
        earned = [entry.earned for entry in entries if entry.earned is not None]
        return {
            "rule": rule,
            "on_dossiers": rule.measure in ("count", "rate"),  # a share of procedures has no district-wide rate
            "earned_average": (sum(earned, Decimal(0)) / len(earned)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if earned else None,
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
        """Units of one kind that a rule applies to, best first: highest score (under the 2020
        letter: fewest points lost), most rules met, highest rate (a unit no rule applies to is
        not ranked)."""
        same_kind = [entry for entry in self.units if entry.unit.kind == kind and entry.rules]
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
    return (-entry.score, -met, -(rates[0] if rates else Decimal("-1")), -online, entry.unit.sort_order, entry.unit.code)
