"""The arithmetic of the quotas, exactly as DOMAIN.md states it: integers and fractions, no floats.

Pure functions over whole numbers and Decimal; nothing here touches the database. This is the
only place in the portal where a status or a shortfall is computed; the percentage itself is
dvctt_portal.figures.rate_percent, which the pages of every app also show.
"""

from dataclasses import dataclass
from decimal import Decimal
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


def combined_rate(pairs) -> Decimal | None:
    """The rate over several units: Σ online ÷ Σ total, weighted by volume (never an average)."""
    online = total = 0
    for unit_online, unit_total in pairs:
        online += unit_online
        total += unit_total
    return rate_percent(online, total)
