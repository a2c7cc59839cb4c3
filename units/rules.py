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
