"""Every rule about which dossier counts are valid, as small pure functions over values: no
database, no request, no clock (today is passed in). As targets/arithmetic.py is for the quotas.

Model `clean()`, the grid's form, the importer, the services and the catalog's query builders
call these; nothing else restates them. The grid's script mirrors `online_exceeds_total` for
live feedback (tests/e2e/test_rules_in_the_browser.py checks that both agree).

| rule | function |
|---|---|
| the years the portal holds | `FIRST_YEAR`, `LAST_YEAR`, `is_valid_year` |
| a month is 1–12 | `is_valid_month` |
| a month not yet begun cannot be entered | `is_future` |
| a procedure is offered from its first to its last year | `is_offered`, `offered_q` |
| only level 3 and 4 procedures are counted | `TARGET_MIN_LEVEL`, `counts_toward_targets` |
| which unit reports which procedure | `reporting_error`, `reporting_q` |
| a count is a whole number from 0 to MAX_COUNT | `MAX_COUNT`, `count_error` |
| online dossiers are some of all the dossiers | `online_exceeds_total` |
| a month's report is due by a day of the next month | `DEFAULT_DUE_DAY`, `due_date`, `is_past_due`, `has_ended` |
| where a unit-month stands (missing … approved) | `MonthState`, `month_state` |
| a month confirmed after its due date is late | `is_on_time`, `is_late` |
"""

import calendar
import functools
import re
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_COUNT = 1_000_000  # more dossiers than this in one month for one procedure is a typing error
TARGET_MIN_LEVEL = 3  # online levels 3 (partly) and 4 (wholly online) count toward the targets

# The values of submissions.models.Authority and units.models.UnitKind (kept as text here so that
# the rules need no model).
DISTRICT_AUTHORITY, COMMUNE_AUTHORITY = "district", "commune"
DEPARTMENT = "department"


def is_valid_year(year) -> bool:
    return isinstance(year, int) and not isinstance(year, bool) and FIRST_YEAR <= year <= LAST_YEAR


def is_valid_month(month) -> bool:
    return isinstance(month, int) and not isinstance(month, bool) and 1 <= month <= 12


def is_future(year: int, month: int, *, today: date) -> bool:
    """A month after the current one (the current month may be entered as it goes)."""
    return (year, month) > (today.year, today.month)


def is_offered(first_year: int | None, last_year: int | None, year: int) -> bool:
    """A procedure is in the catalog from its first year (none: always) to its last (none: still)."""
    return (first_year is None or first_year <= year) and (last_year is None or year <= last_year)


def offered_q(year: int, prefix: str = "") -> Q:
    """`is_offered` as a query condition on procedures (`prefix` "procedure__" from counts)."""
    return Q(**{f"{prefix}first_year__lte": year}) & (
        Q(**{f"{prefix}last_year__isnull": True}) | Q(**{f"{prefix}last_year__gte": year})
    )


def counts_toward_targets(online_level: int) -> bool:
    return online_level >= TARGET_MIN_LEVEL


def reporting_error(
    *, unit_kind: str, unit_id: int, unit_name: str, unit_district_id: int,
    procedure_code: str, procedure_authority: str, procedure_department_id: int | None,
    department_district_id: int | None,
) -> str | None:
    """Why this unit may not report dossiers of this procedure, or None when it may.

    A department reports only the procedures it handles; a commune reports commune procedures
    (dossiers it received) and the procedures of its own administration — its district's before
    July 2025, its province's after (dossiers its people filed, C1).
    """
    if unit_kind == DEPARTMENT:
        if procedure_authority == COMMUNE_AUTHORITY or procedure_department_id != unit_id:
            return _("Thủ tục %(procedure)s không do %(unit)s giải quyết nên đơn vị này không nhập số liệu cho thủ tục đó.") % {
                "procedure": procedure_code,
                "unit": unit_name,
            }
    elif procedure_authority != COMMUNE_AUTHORITY and department_district_id != unit_district_id:
        return _("Thủ tục %(procedure)s thuộc danh mục của huyện khác, không phải của %(unit)s.") % {
            "procedure": procedure_code,
            "unit": unit_name,
        }
    return None


def reporting_q(*, unit_kind: str, unit_id: int, unit_district_id: int) -> Q:
    """`reporting_error` as a query condition: the procedures this unit reports on."""
    if unit_kind == DEPARTMENT:
        return Q(department_id=unit_id) & ~Q(authority=COMMUNE_AUTHORITY)
    return communes_report_q([unit_district_id])


def communes_report_q(district_ids) -> Q:
    """The procedures the communes of these districts report on: the commune procedures and
    their districts' own. A commune procedure has no department (the table's constraint
    procedure_department_matches_authority), so both halves are read from the index on the
    department: a country's catalog is not scanned for one district's procedures
    (`department__of_districts`, submissions.models)."""
    return Q(authority=COMMUNE_AUTHORITY, department__isnull=True) | Q(department__of_districts=list(district_ids))


DIGITS = re.compile(r"[0-9]+")
# Thousands grouped as people write them, as the portal writes numbers: 1.000 in Vietnamese
# (a dot), 1,000 in English (`comma_groups`: there a dot is a decimal point), and 12 345 (a
# space, a no-break or thin space) in both. "2,5" groups nothing: it is two and a half, not a
# whole number; "0.500" is not how anybody writes five hundred.
SPACES = " \u00a0\u202f"


def typed_whole_number(text: str, *, comma_groups: bool = False) -> int | None:
    """The whole number a person typed ("7", "1.000", "12 345"), or None when it is not one."""
    text = text.strip()
    if DIGITS.fullmatch(text):
        return int(text)
    separators = re.escape(SPACES + ("," if comma_groups else "."))
    grouped = re.fullmatch(rf"[1-9][0-9]{{0,2}}(?:[{separators}][0-9]{{3}})+", text)
    if grouped and len(set(re.sub("[0-9]", "", text))) == 1:
        return int(re.sub("[^0-9]", "", text))
    return None


def count_error(total, online) -> str | None:
    """Why these two numbers cannot be a month's dossiers of one procedure, or None."""
    for value in (total, online):
        if not isinstance(value, int) or isinstance(value, bool):
            return _("Số hồ sơ phải là số nguyên.")
    if total < 0 or online < 0:
        return _("Số hồ sơ không được âm.")
    if total > MAX_COUNT or online > MAX_COUNT:
        return _("Số hồ sơ quá lớn.")
    if online_exceeds_total(total, online):
        return online_over_total_message(total, online)
    return None


def online_exceeds_total(total: int, online: int) -> bool:
    """Online dossiers are counted among all the dossiers, so never more than them."""
    return online > total


def online_over_total_message(total: int, online: int) -> str:
    return _("Số hồ sơ trực tuyến (%(online)s) không được lớn hơn tổng số hồ sơ (%(total)s).") % {
        "online": online,
        "total": total,
    }


# The reporting cycle -------------------------------------------------------------------------------

DEFAULT_DUE_DAY = 5  # a month's report is due by the 5th of the next month, unless the district says otherwise
MAX_DUE_DAY = 28  # every month has that day


@functools.lru_cache(maxsize=4096)
def due_date(year: int, month: int, due_day: int) -> date:
    """The last day on which a unit's report of that month is on time: `due_day` of the next month.
    Remembered: a district's cycle asks it for every unit and month (dates are immutable)."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(next_year, next_month, min(due_day, calendar.monthrange(next_year, next_month)[1]))


def is_past_due(year: int, month: int, due_day: int, *, today: date) -> bool:
    """Whether a month's report is now overdue when missing (today is after its due date)."""
    return today > due_date(year, month, due_day)


def has_ended(year: int, month: int, *, today: date) -> bool:
    """Whether the month is over, so its figures can be vouched for."""
    last_day = date(year, month, calendar.monthrange(year, month)[1])
    return today > last_day


def last_due_month(year: int, due_day: int, *, today: date) -> int | None:
    """The last month of `year` whose report is due by now (0 months: None)."""
    due = [month for month in range(1, 13) if is_past_due(year, month, due_day, today=today)]
    return due[-1] if due else None


class MonthState:
    """Where one unit-month stands. Locked is told apart (a lock holds every state)."""

    NOT_DUE = "not_due"  # nothing yet, and not overdue
    MISSING = "missing"  # nothing, and past its due date
    ENTERED = "entered"  # figures saved
    EMPTY = "empty"  # declared "no dossier" (không phát sinh hồ sơ)
    CONFIRMED = "confirmed"  # vouched for by the unit (its head, or staff on its behalf)
    APPROVED = "approved"  # accepted by the district (Home Affairs)
    NONE = "none"  # the unit has nothing to report that month: no report expected

    REPORTED = frozenset({ENTERED, EMPTY, CONFIRMED, APPROVED})


def month_state(*, expected: bool, has_counts: bool, declared_empty: bool, confirmed: bool, approved: bool,
                past_due: bool) -> str:
    """The state of a unit-month from what is recorded of it."""
    if approved:
        return MonthState.APPROVED
    if confirmed:
        return MonthState.CONFIRMED
    if has_counts:
        return MonthState.ENTERED
    if declared_empty:
        return MonthState.EMPTY
    if not expected:
        return MonthState.NONE
    return MonthState.MISSING if past_due else MonthState.NOT_DUE


def is_on_time(*, confirmed_on: date | None, due: date) -> bool:
    """On time means confirmed by the due date."""
    return confirmed_on is not None and confirmed_on <= due


def is_late(*, confirmed_on: date | None, due: date, today: date) -> bool:
    """Late: confirmed after the due date, or still not confirmed once it has passed."""
    if confirmed_on is None:
        return today > due
    return confirmed_on > due


def month_range_label(months) -> str:
    """[10, 11, 12] → "T10–T12"; [3, 5, 6] → "T3, T5–T6": months as a reader scans them."""
    months = sorted(set(months))
    parts, start = [], None
    for index, month in enumerate(months):
        if start is None:
            start = month
        if index + 1 == len(months) or months[index + 1] != month + 1:
            parts.append(f"T{start}" if start == month else f"T{start}–T{month}")
            start = None
    return ", ".join(parts)
