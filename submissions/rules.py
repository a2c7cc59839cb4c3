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
"""

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

    A department reports only its own district procedures; a commune reports commune procedures
    (dossiers it received) and its own district's procedures (dossiers its people filed, C1).
    """
    if unit_kind == DEPARTMENT:
        if procedure_authority != DISTRICT_AUTHORITY or procedure_department_id != unit_id:
            return _("Thủ tục %(procedure)s không do %(unit)s giải quyết nên đơn vị này không nhập số liệu cho thủ tục đó.") % {
                "procedure": procedure_code,
                "unit": unit_name,
            }
    elif procedure_authority == DISTRICT_AUTHORITY and department_district_id != unit_district_id:
        return _("Thủ tục %(procedure)s thuộc danh mục của huyện khác, không phải của %(unit)s.") % {
            "procedure": procedure_code,
            "unit": unit_name,
        }
    return None


def reporting_q(*, unit_kind: str, unit_id: int, unit_district_id: int) -> Q:
    """`reporting_error` as a query condition: the procedures this unit reports on."""
    if unit_kind == DEPARTMENT:
        return Q(authority=DISTRICT_AUTHORITY, department_id=unit_id)
    return Q(authority=COMMUNE_AUTHORITY) | Q(department__district_id=unit_district_id)


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
