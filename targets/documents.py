"""The published document: `progress --format json` and `/api/progress` return exactly this,
and `progress --format csv` its rows. The 2020 documents never move (shared/golden/check.py)."""

from decimal import Decimal

from .results import Progress


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
