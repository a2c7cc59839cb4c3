"""One row generator per report, rendered both to the page (django-tables2) and to xlsx.

A report is a list of `Column`s and an iterable of rows; a row is a dict from column key to a
plain value taken from the engine's results (`targets.progress`):

    text      str                     counts    int or None
    rate      Rate (online, total and the engine's percentage) or None
    target    the rule's target (Decimal), measured as the column's rule says
    status    targets.arithmetic.Status or None (the rule does not apply to the unit)
    points    Decimal

Nothing here adds dossiers or divides them: every figure is read from the engine.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from targets.arithmetic import Measure, Scoring, Status
from targets.models import TargetRule
from targets.breakdowns import ProcedureLine
from targets.results import Progress, RuleProgress, earns_points
from units.models import PROVINCE_KIND_LABELS

from .wording import overall_status, status_order


@dataclass(frozen=True)
class Rate:
    """A rate as the engine reported it: the sums it is made of and its percentage."""

    online: int
    total: int
    percent: Decimal | None

    def _key(self):
        return (self.percent is not None, self.percent or Decimal(0), self.total)

    def __lt__(self, other):
        return self._key() < other._key() if isinstance(other, Rate) else NotImplemented


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # text | count | rate | value | target | status | points | score
    rule: TargetRule | None = None
    width: int = 12
    order: str = ""

    @property
    def order_key(self) -> str:
        """The row key that sorts this column (statuses sort worst first, not alphabetically)."""
        if self.order:
            return self.order
        return f"{self.key}_order" if self.kind == "status" else self.key


def _rule_key(index: int, aspect: str) -> str:
    return f"r{index}_{aspect}"


def rules_shown(progress: Progress, entries=None, *, rule_code: str = "") -> list[TargetRule]:
    """The rules that apply to at least one of the entries (or the one rule asked for)."""
    entries = progress.units if entries is None else entries
    applied = {rule.code for entry in entries for rule in entry.rules}
    return [rule for rule in progress.rules if rule.code in applied and (not rule_code or rule.code == rule_code)]


def rule_header(rule: TargetRule, aspect: str) -> str:
    return f"{rule.code} · {ASPECT_LABELS[aspect]}"


ASPECT_LABELS = {
    "online": _("trực tuyến"),
    "total": _("tổng số"),
    "rate": _("tỷ lệ"),
    "value": _("kết quả"),
    "target": _("chỉ tiêu"),
    "status": _("đánh giá"),
    "shortfall": _("còn thiếu"),
    "earned": _("điểm"),
    "forecast": _("dự báo điểm"),
    "counted": _("thủ tục được tính"),
    "of": _("thủ tục trong phạm vi"),
}

ASPECT_KINDS = {
    "online": "count", "total": "count", "rate": "rate", "value": "value", "target": "target",
    "status": "status", "shortfall": "count", "earned": "score", "forecast": "score",
    "counted": "count", "of": "count",
}


def _unit_columns(with_kind: bool):
    columns = [
        Column("name", _("Đơn vị"), "text", width=20),
        Column("code", _("Mã đơn vị"), "text", width=11),
    ]
    if with_kind:
        columns.append(Column("kind", _("Loại đơn vị"), "text", width=18))
    columns.append(Column("position", _("Xếp hạng"), "text", width=8, order="position_order"))
    return columns


def _rule_columns(rules, aspects_for):
    columns = []
    for index, rule in enumerate(rules):
        for aspect in aspects_for(rule):
            width = {"status": 10, "value": 10, "rate": 9, "shortfall": 8}.get(aspect, 9)
            columns.append(Column(_rule_key(index, aspect), rule_header(rule, aspect), ASPECT_KINDS[aspect], rule, width))
    return columns


def overview_columns(rules) -> list[Column]:
    """The district overview: per rule its value, target, status and shortfall; the points."""
    # The points come right after the unit, so they stay in view on a 1366-px screen; the kind
    # is a filter (and shows in which rule columns a unit has figures).
    # Narrow enough that three rules print on one A4 landscape page at 9 pt (reports.workbooks).
    # A policy that earns points (a proportional rule, Decision 766) shows each unit's score and,
    # per proportional rule, the points earned; the 2020 letter's overview stays as it was.
    unit_name, unit_code, position = _unit_columns(with_kind=False)
    narrow = {"value": 9, "target": 8, "status": 9, "shortfall": 7, "earned": 7}
    scored = earns_points(rules)
    return [
        replace(unit_name, width=15),
        replace(unit_code, width=11),
        *([Column("score", _("Điểm"), "score", width=7)] if scored else []),
        Column("points", _("Điểm trừ"), "points", width=7),
        replace(position, width=7),
        *[replace(column, width=narrow[column.key.split("_", 1)[1]])
          for column in _rule_columns(rules, lambda rule: ["value", "target", "status", "shortfall",
                                                           *(["earned"] if rule.scoring == Scoring.PROPORTIONAL else [])])],
        Column("reported", _("Số liệu"), "text", width=12),
    ]



def scoring_columns(rules) -> list[Column]:
    """A sheet of the scoring workbook: per rule online, total, rate, target, status, shortfall."""

    def aspects(rule):
        earned = ["earned", "forecast"] if rule.scoring == Scoring.PROPORTIONAL else []
        if rule.measure in (Measure.COVERAGE, Measure.CATALOG_SHARE):  # procedures, not dossiers
            return ["counted", "of", "rate", "target", "status", "shortfall", *earned]
        if rule.measure == Measure.RATE:
            return ["online", "total", "rate", "target", "status", "shortfall", *earned]
        return ["online", "total", "target", "status", "shortfall", *earned]

    return [
        *_unit_columns(with_kind=False),
        *_rule_columns(rules, aspects),
        Column("points", _("Điểm trừ"), "points", width=7),
        Column("flagged", _("Bị trừ điểm"), "text", width=8),
        *([Column("score", _("Điểm"), "score", width=7)] if earns_points(rules) else []),
    ]


def _rate_of(rule: RuleProgress) -> Rate:
    """A rate's sums; for a share of procedures, the procedures counted of those in scope."""
    if rule.of is not None:
        return Rate(rule.counted, rule.of, rule.rate)
    return Rate(rule.online, rule.total, rule.rate)


def _rule_cells(index: int, rule: TargetRule, progress: RuleProgress | None) -> dict:
    key = lambda aspect: _rule_key(index, aspect)  # noqa: E731
    if progress is None:
        cells = {key(aspect): None for aspect in ASPECT_KINDS}
        cells[key("status") + "_order"] = status_order(None)
        return cells
    rate = _rate_of(progress) if progress.measure != Measure.COUNT else None
    return {
        key("earned"): progress.earned,
        key("counted"): progress.counted,
        key("of"): progress.of,
        key("forecast"): None if progress.forecast is None else progress.forecast.points,
        key("online"): progress.online,
        key("total"): progress.total,
        key("rate"): rate,
        key("value"): rate if rate is not None else progress.online,
        key("target"): progress.target,
        key("status"): progress.status,
        key("status") + "_order": status_order(progress.status),
        key("shortfall"): progress.shortfall,
        f"r{index}": progress,
    }


def positions(progress: Progress) -> dict[int, str]:
    """Each unit's rank among units of its kind, as "3/16"."""
    result = {}
    for kind in {entry.unit.kind for entry in progress.units}:
        ranking = progress.ranking(kind)
        for position, entry in enumerate(ranking, start=1):
            result[entry.unit.pk] = f"{position}/{len(ranking)}"
    return result


def unit_rows(progress: Progress, rules, *, unit_ids=None, status: str = "", kind: str = ""):
    """One row per unit of the progress (only `unit_ids`, of `kind`), with the rules' cells.

    `status` keeps the units where one of the `rules` is in that status; when only some rules
    are shown, units none of them applies to are left out.
    """
    ranks = positions(progress)
    shown_codes = {rule.code for rule in rules}
    in_province = progress.policy.district.is_province
    for entry in progress.units:
        unit = entry.unit
        if unit_ids is not None and unit.pk not in unit_ids:
            continue
        if kind and unit.kind != kind:
            continue
        own = [rule for rule in entry.rules if rule.code in shown_codes]
        # a unit that no rule applies to is listed ("không áp dụng") where rules of its kind are shown
        no_rule_applies = not entry.rules and any(rule.unit_kind == unit.kind for rule in rules)
        if not own and len(shown_codes) < len(progress.rules) and not no_rule_applies:
            continue
        if status and not any(rule.status == status for rule in own):
            continue
        row = {
            "unit": unit,
            "code": unit.code,
            "name": unit.name,
            "kind": str(PROVINCE_KIND_LABELS[unit.kind] if in_province else unit.get_kind_display()),
            "position": ranks.get(unit.pk, ""),
            "position_order": int(ranks.get(unit.pk, "0/0").split("/")[0]),
            "points": entry.points,
            "score": entry.score,
            "flagged": str(_("Có") if entry.flagged else _("Không")),
            "entry": entry,
        }
        for index, rule in enumerate(rules):
            row.update(_rule_cells(index, rule, entry.rule(rule.code)))
        yield row


def ranking_rows(progress: Progress, kind: str):
    """The ranking summary a unit head may see: position, name and one word — no figures."""
    for position, entry in enumerate(progress.ranking(kind), start=1):
        yield {"position": position, "unit": entry.unit, "name": entry.unit.name, "status": overall_status(entry)}


# ---------------------------------------------------------------------------------------------
# The district summary, one row per rule.


def summary_columns(*, province: bool = False) -> list[Column]:
    """The summary's columns; a province's rate is the province's, not a district's."""
    return [
        Column("rule", _("Mã chỉ tiêu"), "text", width=10),
        Column("label", _("Nội dung chỉ tiêu"), "text", width=34),
        Column("target", _("Chỉ tiêu"), "target", width=9),
        Column("units", _("Số đơn vị"), "count", width=8),
        *[
            Column(f"status_{status.value}", STATUS_COLUMN_LABELS[status], "count", width=9)
            for status in Status
        ],
        Column("online", _("Trực tuyến"), "count", width=10),
        Column("total", _("Tổng số"), "count", width=10),
        Column("rate", _("Tỷ lệ toàn tỉnh") if province else _("Tỷ lệ toàn huyện"), "rate", width=9),
        Column("points", _("Điểm trừ nếu không đạt"), "points", width=9),
    ]


STATUS_COLUMN_LABELS = {
    Status.MET: _("Đạt"),
    Status.ON_TRACK: _("Đúng tiến độ"),
    Status.AT_RISK: _("Có nguy cơ"),
    Status.MISSED: _("Không đạt"),
    Status.NO_DATA: _("Chưa có số liệu"),
}


def summary_rows(progress: Progress):
    for summary in progress.summaries():
        rule = summary["rule"]
        row = {
            "rule": rule.code,
            "label": rule.label,
            "target": rule.target,
            "measure": rule.measure,
            "units": summary["units"],
            "meeting": summary["meeting"],
            "online": summary["online"],
            "total": summary["total"],
            "rate": Rate(summary["online"], summary["total"], summary["rate"]),
            "points": rule.points,
            "summary": summary,
        }
        for status, count in summary["by_status"].items():
            row[f"status_{status.value}"] = count
        yield row


# ---------------------------------------------------------------------------------------------
# Procedures: one row per unit and procedure counted by a rule, biggest volume first.


def procedure_columns(*, with_unit: bool) -> list[Column]:
    columns = []
    if with_unit:
        columns += [Column("unit_code", _("Mã đơn vị"), "text", width=10), Column("unit_name", _("Đơn vị"), "text", width=22)]
    columns += [
        Column("procedure_code", _("Mã thủ tục"), "text", width=11),
        Column("procedure_name", _("Tên thủ tục"), "text", width=42),
        Column("field", _("Lĩnh vực"), "text", width=16),
        Column("level", _("Mức độ"), "text", width=10),
        Column("rules", _("Tính cho chỉ tiêu"), "text", width=9),
        Column("total", _("Tổng số hồ sơ"), "count", width=9),
        Column("online", _("Trực tuyến"), "count", width=9),
        Column("rate", _("Tỷ lệ trực tuyến"), "rate", width=9),
    ]
    return columns


def procedure_rows(lines: Iterable[ProcedureLine], units_by_id: dict):
    """One row per line, as the lines come (a generator of lines is never held in memory)."""
    levels = {}  # each level's name, translated once per report rather than once per line
    for line in lines:
        unit = units_by_id[line.unit_id]
        procedure = line.procedure
        level = levels.get(procedure.online_level)
        if level is None:
            level = levels[procedure.online_level] = str(procedure.get_online_level_display())
        yield {
            "unit_code": unit.code,
            "unit_name": unit.name,
            "procedure_code": procedure.code,
            "procedure_name": procedure.name,
            "field": procedure.field,
            "level": level,
            "rules": ", ".join(line.rule_codes),
            "total": line.total,
            "online": line.online,
            "rate": Rate(line.online, line.total, line.rate),
        }
