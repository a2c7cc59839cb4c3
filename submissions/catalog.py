"""Keeping locked figures fixed when the catalog changes.

Which dossiers count for a rule depends on each procedure's authority, online level, handling
department and the years it is offered, and on each unit's kind and years. Once a period is
locked, a change that would move its figures is refused: the catalog keeps its history by
retiring a procedure (its last year) and adding a new one instead.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from units.models import Unit

from . import rules
from .models import CountLock, DossierCount

PROCEDURE_SCORING_FIELDS = ("authority", "online_level", "department_id")
UNIT_SCORING_FIELDS = ("kind", "district_id")


_offered = rules.is_offered


def locked_years_with_counts(counts) -> list[int]:
    """The years in which some of these counts fall in a locked period (two queries)."""
    periods = set(counts.values_list("unit__district_id", "year", "month").distinct().order_by())
    if not periods:
        return []
    locks = CountLock.objects.filter(
        Q(district_id__in={district for district, _y, _m in periods}), Q(year__in={year for _d, year, _m in periods})
    ).values_list("district_id", "year", "month")
    locked = set(locks)
    return sorted(
        {year for district, year, month in periods if (district, year, None) in locked or (district, year, month) in locked}
    )


def locked_years(*, district_ids, first_year: int | None, last_year: int | None) -> list[int]:
    """The locked years (whole-year locks, which keep an official result) of these districts (None:
    every district) within first_year–last_year (None: open-ended). One query."""
    locks = CountLock.objects.filter(month__isnull=True)
    if district_ids is not None:
        locks = locks.filter(district_id__in=set(district_ids))
    if first_year is not None:
        locks = locks.filter(year__gte=first_year)
    if last_year is not None:
        locks = locks.filter(year__lte=last_year)
    return sorted(set(locks.values_list("year", flat=True)))


def _procedure_districts(procedure) -> set | None:
    """The districts whose results a procedure enters: its department's; every one for a commune procedure."""
    if not procedure.department_id:
        return None
    return set(Unit.objects.filter(pk=procedure.department_id).values_list("district_id", flat=True))


def _touched_locked_years(old, new, districts_of) -> list[int]:
    """Locked years whose results this new or edited catalog entry would move: for a new one every
    year it covers; for an edit, every year of either span when what it counts for changed, else
    the years whose coverage changed."""
    if old is None:
        return locked_years(district_ids=districts_of(new), first_year=new.first_year, last_year=new.last_year)
    fields = PROCEDURE_SCORING_FIELDS if hasattr(new, "online_level") else UNIT_SCORING_FIELDS
    districts = districts_of(old)
    new_districts = districts_of(new)
    districts = None if districts is None or new_districts is None else districts | new_districts
    years = set(locked_years(district_ids=districts, first_year=None, last_year=None))
    if any(getattr(old, field) != getattr(new, field) for field in fields):
        return sorted(year for year in years if _offered(old.first_year, old.last_year, year)
                      or _offered(new.first_year, new.last_year, year))
    return sorted(set(_changed_years(old, new, sorted(years))) | (_month_changed_years(old, new) & years))


def _month_changed_years(old, new) -> set:
    """A unit's first or last month decides which months of its first or last year it reports."""
    years = set()
    if getattr(old, "first_month", None) != getattr(new, "first_month", None):
        years |= {old.first_year, new.first_year}
    if getattr(old, "last_month", None) != getattr(new, "last_month", None):
        years |= {old.last_year, new.last_year}
    return years - {None}


def _changed_years(old, new, years) -> list[int]:
    return [year for year in years if _offered(old.first_year, old.last_year, year) != _offered(new.first_year, new.last_year, year)]


def procedure_change_error(old, new) -> str | None:
    """Why adding or editing this procedure would change a locked period's figures, or None."""
    if old is not None:
        locked_years = locked_years_with_counts(DossierCount.objects.filter(procedure_id=old.pk))
        scoring_changed = any(getattr(old, field) != getattr(new, field) for field in PROCEDURE_SCORING_FIELDS)
        if locked_years and (scoring_changed or _changed_years(old, new, locked_years)):
            return _(
                "Thủ tục này có số liệu trong kỳ đã khóa (năm %(years)s): không sửa thẩm quyền, mức độ, phòng giải quyết "
                "hay các năm áp dụng làm thay đổi kết quả đã chốt. Hãy ghi năm kết thúc cho thủ tục này và thêm một thủ "
                "tục mới (mã mới) cho các năm sau."
            ) % {"years": ", ".join(map(str, locked_years))}
    touched = _touched_locked_years(old, new, _procedure_districts)
    if touched:
        return _(
            "Năm %(years)s đã khóa: thủ tục này làm thay đổi kết quả chính thức của năm đó (danh mục quyết định "
            "đơn vị nào phải báo cáo và chỉ tiêu nào áp dụng). Hãy cho thủ tục áp dụng từ năm sau năm đã khóa."
        ) % {"years": ", ".join(map(str, touched))}
    return None


class GuardsLockedFigures:
    """ModelForm mixin for the admin: refuse an edit that would change a locked period's figures.
    `change_error(old, new)` says why, or None."""

    change_error = None

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the edited values
        if not self.errors:
            old = type(self.instance)._default_manager.get(pk=self.instance.pk) if self.instance.pk else None
            message = type(self).change_error(old, self.instance)
            if message:
                self.add_error(None, message)


def unit_change_error(old, new) -> str | None:
    """Why adding or editing this unit would change a locked period's figures, or None."""
    if old is not None:
        locked_years = locked_years_with_counts(DossierCount.objects.filter(unit_id=old.pk))
        scoring_changed = any(getattr(old, field) != getattr(new, field) for field in UNIT_SCORING_FIELDS)
        moved = set(_changed_years(old, new, locked_years)) | (_month_changed_years(old, new) & set(locked_years))
        if locked_years and (scoring_changed or moved):
            return _(
                "Đơn vị này có số liệu trong kỳ đã khóa (năm %(years)s): không đổi loại đơn vị, huyện hay các năm hoạt động "
                "làm thay đổi kết quả đã chốt."
            ) % {"years": ", ".join(map(str, locked_years))}
    touched = _touched_locked_years(old, new, lambda unit: {unit.district_id})
    if touched:
        return _(
            "Năm %(years)s đã khóa: thêm hay sửa đơn vị này làm thay đổi kết quả chính thức của năm đó. Hãy cho "
            "đơn vị hoạt động từ năm sau năm đã khóa, hoặc mở khóa năm trước."
        ) % {"years": ", ".join(map(str, touched))}
    return None
