"""Figures for every app: the exact percentage of online dossiers, and how figures are written
for people (Vietnamese style, one decimal for rates: 25,0 %).

Imports no app of the portal, so every app may use it (tests/test_architecture.py); the quota
arithmetic itself stays in targets/arithmetic.py, which takes its percentage from here.
"""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import get_language


def rate_percent(online: int, total: int, *, places: int = 2) -> Decimal | None:
    """online ÷ total as a percentage rounded half-up, once, from the exact fraction, to `places`
    decimals (2 in the published JSON, 1 on pages); None when total is 0."""
    if total == 0:
        return None
    exact = Fraction(online * 100, total)
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


def format_rate(rate: Decimal | None, *, empty: str = "—") -> str:
    """A percentage with one decimal: "25,0 %" in Vietnamese, "25.0 %" in English."""
    if rate is None:
        return empty
    text = f"{rate.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):.1f}"
    if (get_language() or "vi").startswith("vi"):
        text = text.replace(".", ",")
    return f"{text} %"


def format_change(change: Decimal | None, *, empty: str = "—") -> str:
    """A change of rate in percentage points, signed: "+3,2 điểm" in Vietnamese, "+3.2 pts" in English."""
    if change is None:
        return empty
    value = change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{value:+.1f}".replace("-", "−")
    if (get_language() or "vi").startswith("vi"):
        return f"{text.replace('.', ',')} điểm"
    return f"{text} pts"


def format_rate_of(online: int, total: int, *, empty: str = "—") -> str:
    """online ÷ total written for people, rounded once from the exact fraction (never from the
    two-decimal JSON rate, which would round twice: 108/518 = 20.849… → 20.85 → "20,9 %")."""
    return format_rate(rate_percent(online, total, places=1), empty=empty)


def format_number(value: int | Decimal | None, *, empty: str = "—") -> str:
    """Whole numbers with a dot as thousands separator in Vietnamese (1.234), a comma in English."""
    if value is None:
        return empty
    if isinstance(value, Decimal):
        value = value.normalize()
        if value != value.to_integral_value():
            text = f"{value:f}"
            return text.replace(".", ",") if (get_language() or "vi").startswith("vi") else text
        value = int(value)
    text = f"{value:,}"
    return text.replace(",", ".") if (get_language() or "vi").startswith("vi") else text
