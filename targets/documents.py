"""The published document: `progress --format json` and `/api/progress` return exactly this,
and `progress --format csv` its rows. The 2020 documents never move (shared/golden/check.py)."""

import hashlib
import json
from decimal import Decimal
from typing import TYPE_CHECKING

from units.models import Unit

from .arithmetic import Forecast, Outcome, Status
from .results import Progress, RuleProgress, UnitProgress

if TYPE_CHECKING:
    from .completeness import Completeness


def decimal_string(value: Decimal) -> str:
    """20.00 → "20", 27.50 → "27.5": a plain decimal string without exponent."""
    normalized = value.normalize()
    return format(normalized, "f")


def progress_document(progress: Progress, completeness: "Completeness | None" = None) -> dict:
    """The document; with `completeness`, each unit's `completeness` and the top-level `complete`
    (every expected unit-month through `through` reported)."""
    document = {
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
                        **_scoring_fields(rule),
                    }
                    for rule in entry.rules
                ],
                "score": decimal_string(entry.score),
                **_unit_completeness(completeness, entry.unit.pk),
            }
            for entry in progress.units
        ],
    }
    policy = progress.policy
    if policy.district.is_province or not policy.is_whole_year:
        # Beside the 2020 shape (whose documents never move): whose policy, and over which months.
        document["administration"] = {"code": policy.district.code, "name": policy.district.name,
                                      "level": policy.district.level}
        document["months"] = [policy.first_month, policy.last_month]
    if completeness is not None:
        document["complete"] = all(
            (entry := completeness.for_unit(unit.unit.pk)) is None or entry.complete for unit in progress.units
        )
    return document


def _optional_decimal(value: Decimal | None) -> str | None:
    return None if value is None else decimal_string(value)


def _scoring_fields(rule: RuleProgress) -> dict:
    """Issue 19's fields beside the 2020 ones: how the rule scores, the points a proportional rule
    earns (null for a deduct rule, or when its value has no denominator), the forecast (null once
    the policy's last month is counted) and, for a share of procedures, the procedures counted of
    those in scope."""
    fields = {
        "scoring": rule.scoring,
        "earned": _optional_decimal(rule.earned),
        "forecast": None if rule.forecast is None else {
            "value": _optional_decimal(rule.forecast.value), "points": _optional_decimal(rule.forecast.points)},
    }
    if rule.of is not None:
        fields["procedures"] = {"counted": rule.counted, "of": rule.of}
    return fields


# Fields a document locked before issue 19 does not have: verify_result leaves them out of the comparison.
FIELDS_SINCE_SCORING = frozenset({"scoring", "earned", "forecast", "procedures", "score"})


def as_recorded(recorded, now):
    """`now` without the fields the recorded document never had (FIELDS_SINCE_SCORING), so a year
    locked before they existed still verifies; any other difference still shows."""
    if isinstance(recorded, dict) and isinstance(now, dict):
        return {key: as_recorded(recorded.get(key), value) for key, value in now.items()
                if key in recorded or key not in FIELDS_SINCE_SCORING}
    if isinstance(recorded, list) and isinstance(now, list):
        key = _list_key(recorded + now)
        if key is not None:
            old = {item[key]: item for item in recorded}
            return [as_recorded(old.get(item[key], {}), item) if item[key] in old else item for item in now]
    return now


def _unit_completeness(completeness, unit_id: int) -> dict:
    if completeness is None:
        return {}
    entry = completeness.for_unit(unit_id)
    if entry is None:
        return {}
    return {"completeness": entry.as_document()}


def province_document(progresses: list[Progress], *, year: int, through: int, completeness: dict | None = None) -> dict:
    """Many districts' documents in one: `progress --all-districts --format json` (`completeness`:
    by district id, from completeness.compute_completeness_many)."""
    completeness = completeness or {}
    return {
        "year": year,
        "through": through,
        "districts": [
            {"district_code": progress.policy.district.code, "district_name": progress.policy.district.name,
             **progress_document(progress, completeness.get(progress.policy.district_id))}
            for progress in progresses
        ],
    }


def _number(value: Decimal):
    """Points as a JSON number: an int when whole (2), else a float of the exact decimal (1.5)."""
    return int(value) if value == value.to_integral_value() else float(value)


CSV_COLUMNS = [
    "unit_code", "unit_name", "kind", "rule", "measure", "target", "online", "total", "rate", "status",
    "shortfall", "points", "flagged", "scoring", "earned", "forecast_value", "forecast_points", "score",
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
                "flagged": "yes" if rule.costs_points else "no",
                "scoring": rule.scoring,
                "earned": _optional_decimal(rule.earned) or "",
                "forecast_value": "" if rule.forecast is None else _optional_decimal(rule.forecast.value) or "",
                "forecast_points": "" if rule.forecast is None else _optional_decimal(rule.forecast.points) or "",
                "score": decimal_string(entry.score),
            }


def canonical_json(document: dict) -> bytes:
    """The bytes a document's hash is taken of: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def document_hash(document: dict) -> str:
    return hashlib.sha256(canonical_json(document)).hexdigest()


def differences(recorded, now, path: str = "") -> list[str]:
    """Where two documents differ, one line each: "units[18229].rules[C1].online: 25 → 26"."""
    if isinstance(recorded, dict) and isinstance(now, dict):
        pairs = {str(key): (recorded.get(key, _ABSENT), now.get(key, _ABSENT)) for key in set(recorded) | set(now)}
        return _pair_differences(pairs, lambda key: f"{path}.{key}" if path else key)
    if isinstance(recorded, list) and isinstance(now, list):
        key = _list_key(recorded + now)
        if key is not None:
            old, new = {item[key]: item for item in recorded}, {item[key]: item for item in now}
            pairs = {str(k): (old.get(k, _ABSENT), new.get(k, _ABSENT)) for k in set(old) | set(new)}
            return _pair_differences(pairs, lambda k: f"{path}[{k}]")
    if recorded != now:
        return [f"{path}: {_shown(recorded)} → {_shown(now)}"]
    return []


_ABSENT = object()


def _shown(value) -> str:
    return "—" if value is _ABSENT else json.dumps(value, ensure_ascii=False)


def _pair_differences(pairs: dict, name) -> list[str]:
    lines = []
    for key in sorted(pairs):
        old, new = pairs[key]
        if old is _ABSENT or new is _ABSENT:
            lines.append(f"{name(key)}: {_shown(old)} → {_shown(new)}")
        else:
            lines += differences(old, new, name(key))
    return lines


def _list_key(items) -> str | None:
    """The field that names each item of a list of units, rules or districts; None for other lists."""
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    return next((key for key in ("district_code", "unit_code", "rule") if all(key in item for item in items)), None)


def _forecast_of(recorded: dict | None) -> Forecast | None:
    if recorded is None:
        return None
    return Forecast(*(None if recorded[key] is None else Decimal(recorded[key]) for key in ("value", "points")))


def progress_from_document(policy, document: dict, *, unit_ids=None) -> Progress:
    """The progress a stored document records (a locked year's official result), as the engine's
    results, so pages and workbooks show exactly what was locked. Two queries: the units, the rules
    (none when the policy's rules are prefetched). `unit_ids`: only these units (those a person sees)."""
    codes = [entry["unit_code"] for entry in document["units"]]
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
    rules = {rule.code: rule for rule in policy.rules.all()}
    entries = []
    for entry in document["units"]:
        unit = units.get(entry["unit_code"])
        if unit is None or (unit_ids is not None and unit.pk not in unit_ids):
            continue
        entries.append(UnitProgress(unit=unit, rules=[
            RuleProgress(
                rule=rules[line["rule"]], online=line["online"], total=line["total"],
                outcome=Outcome(Status(line["status"]), line["shortfall"], None if line["rate"] is None else Decimal(line["rate"])),
                counted=(line.get("procedures") or {}).get("counted"), of=(line.get("procedures") or {}).get("of"),
                earned=None if line.get("earned") is None else Decimal(line["earned"]),
                forecast=_forecast_of(line.get("forecast")),
            )
            for line in entry["rules"]
            if line["rule"] in rules
        ]))
    return Progress(policy=policy, through=document["through"], rules=list(rules.values()), units=entries)
