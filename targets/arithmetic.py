"""The arithmetic of the quotas, exactly as DOMAIN.md states it: integers and fractions, no floats.

Pure functions over whole numbers and Decimal; nothing here touches the database. This is the
only place in the portal where a status or a shortfall is computed; the percentage itself is
dvctt_portal.figures.rate_percent, which the pages of every app also show.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from math import ceil

from dvctt_portal.figures import rate_percent  # noqa: F401 (the percentage every app shows; used below)


class Status(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    MISSED = "missed"
    NO_DATA = "no_data"


class Measure(StrEnum):
    COUNT = "count"
    RATE = "rate"
    COVERAGE = "coverage"  # 766's 3.2: share of the online procedures in scope that received an online dossier
    CATALOG_SHARE = "catalog_share"  # 766's 3.1: share of the procedures in scope offered at the rule's level


PERCENT_MEASURES = (Measure.RATE, Measure.COVERAGE, Measure.CATALOG_SHARE)  # targets are percentages (≤ 100)


class Scoring(StrEnum):
    DEDUCT = "deduct"  # the 2020 letter: the rule's points are lost when it is missed
    PROPORTIONAL = "proportional"  # Decision 766: points × min(1, value ÷ target) are earned


def rate_fraction(online: int, total: int) -> Fraction | None:
    """online ÷ total exactly (for spreadsheets, which format it as a percentage)."""
    if total == 0:
        return None
    return Fraction(online, total)


def meets_rate(online: int, total: int, percent: Decimal) -> bool:
    """online × 100 ≥ p × total, compared exactly."""
    return Fraction(online * 100) >= Fraction(percent) * total


def rate_shortfall(online: int, total: int, percent: Decimal) -> int | None:
    """Further dossiers, all filed online, still needed: the smallest whole x ≥ 0 with
    (online + x) × 100 ≥ p × (total + x). None when no number of dossiers can reach it
    (a 100 % target with some dossiers already filed in person)."""
    p = Fraction(percent)
    if Fraction(online * 100) >= p * total:
        return 0
    if p >= 100:
        return None
    return ceil((p * total - online * 100) / (100 - p))


def count_threshold_by(target: Decimal, through: int, *, first_month: int = 1, last_month: int = 12) -> int:
    """Online dossiers needed by the end of month `through` to be on track: ⌈N × through / 12⌉ —
    for a policy of part of a year (July–December), ⌈N × months elapsed / months of the policy⌉."""
    elapsed = min(max(through - first_month + 1, 0), last_month - first_month + 1)
    return ceil(Fraction(target) * elapsed / (last_month - first_month + 1))


def count_shortfall(online: int, target: Decimal) -> int:
    return max(0, ceil(Fraction(target) - online))


@dataclass(frozen=True)
class Outcome:
    status: Status
    shortfall: int | None
    rate: Decimal | None  # percentage with two decimals, for rate rules only


def evaluate(*, measure: str, target: Decimal, online: int, total: int, through: int,
             first_month: int = 1, last_month: int = 12) -> Outcome:
    """Status and shortfall of one unit under one rule, from its sums over the policy's months
    (January–December, or part of the year) up to `through`; final once `through` reaches the
    policy's last month."""
    if not 1 <= through <= 12:
        raise ValueError(f"through must be a month 1–12, got {through}")
    final = through >= last_month
    if measure == Measure.COUNT:
        shortfall = count_shortfall(online, target)
        if shortfall == 0:
            status = Status.MET
        elif final:
            status = Status.MISSED
        elif online >= count_threshold_by(target, through, first_month=first_month, last_month=last_month):
            status = Status.ON_TRACK
        else:
            status = Status.AT_RISK
        return Outcome(status=status, shortfall=shortfall, rate=None)
    if measure == Measure.RATE:
        if total == 0:
            return Outcome(status=Status.NO_DATA, shortfall=None, rate=None)
        met = meets_rate(online, total, target)
        if final:
            status = Status.MET if met else Status.MISSED
        else:
            status = Status.ON_TRACK if met else Status.AT_RISK
        return Outcome(status=status, shortfall=rate_shortfall(online, total, target), rate=rate_percent(online, total))
    raise ValueError(f"unknown measure {measure!r}")


def share_shortfall(counted: int, of: int, percent: Decimal) -> int:
    """Procedures still to add to `counted` (of `of`) to reach p %: the smallest whole x ≥ 0 with
    (counted + x) × 100 ≥ p × of. The catalog is fixed, so with p ≤ 100 it is at most of − counted."""
    return max(0, ceil(Fraction(percent) * of / 100 - counted))


def evaluate_share(*, target: Decimal, counted: int, of: int, final: bool) -> Outcome:
    """Status and shortfall (in procedures) of a share of procedures — coverage or catalog share —
    against a target in percent: as a rate, but what is short is procedures, not dossiers."""
    if of == 0:
        return Outcome(status=Status.NO_DATA, shortfall=None, rate=None)
    met = Fraction(counted * 100) >= Fraction(target) * of
    if final:
        status = Status.MET if met else Status.MISSED
    else:
        status = Status.ON_TRACK if met else Status.AT_RISK
    return Outcome(status=status, shortfall=share_shortfall(counted, of, target), rate=rate_percent(counted, of))


POINTS_QUANTUM = Decimal("0.01")


def _points(value: Fraction) -> Decimal:
    """Points to two decimals, half-up, from the exact fraction (once, never from a rounded value)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(POINTS_QUANTUM, rounding=ROUND_HALF_UP)


def earned_points(*, points: Decimal, value: Fraction | None, target: Decimal) -> Decimal | None:
    """Decision 766's proportional score: the rule's full points at or above the target, else
    value × points ÷ target, to two decimals. None ("N/A", not 0) when the value has no
    denominator; a target of 0 is always reached."""
    if value is None:
        return None
    target_fraction = Fraction(target)
    if target_fraction == 0 or value >= target_fraction:
        return _points(Fraction(points))
    return _points(Fraction(points) * max(value, Fraction(0)) / target_fraction)


def measured_value(*, measure: str, online: int, total: int, counted: int = 0, of: int = 0) -> Fraction | None:
    """A rule's value exactly, in its own unit: dossiers for a count, percent for the others
    (None when a percentage has no denominator)."""
    if measure == Measure.COUNT:
        return Fraction(online)
    if measure == Measure.RATE:
        return None if total == 0 else Fraction(online * 100, total)
    return None if of == 0 else Fraction(counted * 100, of)


def rule_points(*, scoring: str, points: Decimal, value: Fraction | None, target: Decimal, met: bool) -> Decimal | None:
    """What a rule adds to a unit's score: its earned points (proportional), or minus its points
    when missed (deduct; 0 when met). None when a proportional rule has no value ("N/A")."""
    if scoring == Scoring.PROPORTIONAL:
        return earned_points(points=points, value=value, target=target)
    return Decimal("0") if met else -Decimal(points)


@dataclass(frozen=True)
class Forecast:
    """The year-end value if the rest of the policy's months go as the last three did: always a
    forecast, never a result. `value`: dossiers (count) or percent, two decimals; None when it
    has no denominator. `points`: what the rule would add to the score (rule_points)."""

    value: Decimal | None
    points: Decimal | None
    exact: Fraction | None = field(default=None, compare=False)  # before rounding, for a page to round once


def forecast(*, measure: str, scoring: str, target: Decimal, points: Decimal, online: int, total: int,
             recent_online: int, recent_total: int, recent_months: int, months_left: int,
             counted: int = 0, of: int = 0) -> Forecast:
    """Extrapolate the last `recent_months` months (three, or fewer early in the year) over the
    `months_left`. Dossiers: so far + the recent monthly average × the months left. A share of
    procedures does not grow by extrapolation: a procedure that received online dossiers in the
    last months is already counted, and the catalog is the year's — its forecast is its value."""
    if measure in (Measure.COUNT, Measure.RATE):
        factor = Fraction(months_left, recent_months) if recent_months else Fraction(0)
        year_online = online + recent_online * factor
        year_total = total + recent_total * factor
        if measure == Measure.COUNT:
            value = year_online
        else:
            value = None if year_total == 0 else year_online * 100 / year_total
    else:
        value = None if of == 0 else Fraction(counted * 100, of)
    met = value is not None and value >= Fraction(target)
    return Forecast(value=None if value is None else _points(value), exact=value,
                    points=None if value is None else rule_points(scoring=scoring, points=points, value=value,
                                                                  target=target, met=met))


def combined_rate(pairs) -> Decimal | None:
    """The rate over several units: Σ online ÷ Σ total, weighted by volume (never an average)."""
    online = total = 0
    for unit_online, unit_total in pairs:
        online += unit_online
        total += unit_total
    return rate_percent(online, total)
