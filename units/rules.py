"""Rules about administrations and units, as pure functions (no database, no request)."""

import re

from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# A district's or unit's code: what the GSO codes (18229), the department codes (440.TCKH) and
# the synthetic ones (S1-001) are made of. A code appears in addresses (/units/18229/) and
# spreadsheets, so nothing that would change their meaning (a slash, a space, a NUL) is allowed.
CODE_CHARACTERS = "A-Za-z0-9._-"
CODE_PATTERN = re.compile(rf"[{CODE_CHARACTERS}]+")
MAX_CODE_LENGTH = 32


def is_code(text) -> bool:
    """Whether `text` can be a district's or unit's code (letters, digits, ".", "-", "_")."""
    return isinstance(text, str) and len(text) <= MAX_CODE_LENGTH and CODE_PATTERN.fullmatch(text) is not None


validate_code = RegexValidator(
    regex=rf"\A[{CODE_CHARACTERS}]+\Z",
    message=_("Mã chỉ gồm chữ cái không dấu, chữ số và các dấu “.”, “-”, “_” (không có dấu cách hay “/”)."),
    code="invalid_code",
)


def in_year_q(year: int, prefix: str = "") -> Q:
    """The units that existed in that year, as a query condition (`prefix` "unit__" from counts):
    active ones within their years, and units that stopped (merged, dissolved) up to their last
    year — so last year's report still adds up."""
    started = Q(**{f"{prefix}first_year__isnull": True}) | Q(**{f"{prefix}first_year__lte": year})
    not_ended = Q(**{f"{prefix}is_active": True, f"{prefix}last_year__isnull": True}) | Q(**{f"{prefix}last_year__gte": year})
    return started & not_ended


def exists_in(*, first_year: int | None, last_year: int | None, is_active: bool, year: int) -> bool:
    """`in_year_q` for one unit already read."""
    started = first_year is None or first_year <= year
    not_ended = (is_active and last_year is None) or (last_year is not None and last_year >= year)
    return started and not_ended


def exists_in_month(*, first_year: int | None, first_month: int | None, last_year: int | None,
                    last_month: int | None, is_active: bool, year: int, month: int) -> bool:
    """Whether a unit existed in that month: within its years, from its first month of its first
    year to its last month of its last year (a unit merged on 1 July has last month 6)."""
    if not exists_in(first_year=first_year, last_year=last_year, is_active=is_active, year=year):
        return False
    if first_year == year and first_month and month < first_month:
        return False
    if last_year == year and last_month and month > last_month:
        return False
    return True


def unit_exists_in_month(unit, year: int, month: int) -> bool:
    return exists_in_month(first_year=unit.first_year, first_month=unit.first_month, last_year=unit.last_year,
                           last_month=unit.last_month, is_active=unit.is_active, year=year, month=month)


# A unit's period: from (year, month) to (year, month), either end open --------------------------

Month = tuple[int, int]  # (year, month)
OPEN_START: Month = (0, 1)
OPEN_END: Month = (9999, 12)


def period_of(unit) -> tuple[Month, Month]:
    """(first month, last month) the unit existed: its first year from its first month (January
    when blank), to its last year's last month (December when blank); open ends stay open."""
    start = (unit.first_year, unit.first_month or 1) if unit.first_year else OPEN_START
    if unit.last_year:
        end = (unit.last_year, unit.last_month or 12)
    else:
        end = OPEN_END if unit.is_active else OPEN_START
    return start, end


def periods_overlap(first: tuple[Month, Month], second: tuple[Month, Month]) -> bool:
    return first[0] <= second[1] and second[0] <= first[1]


def month_before(year: int, month: int) -> Month:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def period_label(period: tuple[Month, Month]) -> str:
    """"từ 7/2025", "đến 6/2025", "7/2025–12/2026", or "" when both ends are open."""
    start, end = period
    start_text = "" if start == OPEN_START else f"{start[1]}/{start[0]}"
    end_text = "" if end in (OPEN_END, OPEN_START) else f"{end[1]}/{end[0]}"
    if start_text and end_text:
        return f"{start_text}–{end_text}"
    if start_text:
        return _("từ %(start)s") % {"start": start_text}
    if end_text:
        return _("đến %(end)s") % {"end": end_text}
    return ""


def months_overlap(*, first_month: int, last_month: int, start: Month, end: Month, year: int) -> bool:
    """Whether months first_month–last_month of `year` meet a unit's period."""
    return periods_overlap(((year, first_month), (year, last_month)), (start, end))


def month_after(year: int, month: int) -> Month:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def month_of(day) -> Month:
    return (day.year, day.month)
