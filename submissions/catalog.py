"""Keeping locked figures fixed when the catalog changes.

Which dossiers count for a rule depends on each procedure's authority, online level, handling
department and the years it is offered, and on each unit's kind and years. Once a period is
locked, a change that would move its figures is refused: the catalog keeps its history by
retiring a procedure (its last year) and adding a new one instead.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from . import rules
from .models import CountLock, DossierCount

PROCEDURE_SCORING_FIELDS = ("authority", "online_level", "department_id")
UNIT_SCORING_FIELDS = ("kind", "district_id")


_offered = rules.is_offered


def locked_years_with_counts(counts) -> list[int]:
    """The years in which some of these counts fall in a locked period (two queries)."""
    periods = set(counts.values_list("unit__district_id", "year", "month").distinct())
    if not periods:
        return []
    locks = CountLock.objects.filter(
        Q(district_id__in={district for district, _y, _m in periods}), Q(year__in={year for _d, year, _m in periods})
    ).values_list("district_id", "year", "month")
    locked = set(locks)
    return sorted(
        {year for district, year, month in periods if (district, year, None) in locked or (district, year, month) in locked}
    )


def _changed_years(old, new, years) -> list[int]:
    return [year for year in years if _offered(old.first_year, old.last_year, year) != _offered(new.first_year, new.last_year, year)]


def procedure_change_error(old, new) -> str | None:
    """Why this edit of a procedure would change a locked period's figures, or None."""
    if old is None:
        return None
    locked_years = locked_years_with_counts(DossierCount.objects.filter(procedure_id=old.pk))
    if not locked_years:
        return None
    scoring_changed = any(getattr(old, field) != getattr(new, field) for field in PROCEDURE_SCORING_FIELDS)
    if scoring_changed or _changed_years(old, new, locked_years):
        return _(
            "Thủ tục này có số liệu trong kỳ đã khóa (năm %(years)s): không sửa thẩm quyền, mức độ, phòng giải quyết "
            "hay các năm áp dụng làm thay đổi kết quả đã chốt. Hãy ghi năm kết thúc cho thủ tục này và thêm một thủ "
            "tục mới (mã mới) cho các năm sau."
        ) % {"years": ", ".join(map(str, locked_years))}
    return None


class GuardsLockedFigures:
    """ModelForm mixin for the admin: refuse an edit that would change a locked period's figures.
    `change_error(old, new)` says why, or None."""

    change_error = None

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the edited values
        if self.instance.pk and not self.errors:
            old = type(self.instance)._default_manager.get(pk=self.instance.pk)
            message = type(self).change_error(old, self.instance)
            if message:
                self.add_error(None, message)


def unit_change_error(old, new) -> str | None:
    """Why this edit of a unit would change a locked period's figures, or None."""
    if old is None:
        return None
    locked_years = locked_years_with_counts(DossierCount.objects.filter(unit_id=old.pk))
    if not locked_years:
        return None
    scoring_changed = any(getattr(old, field) != getattr(new, field) for field in UNIT_SCORING_FIELDS)
    if scoring_changed or _changed_years(old, new, locked_years):
        return _(
            "Đơn vị này có số liệu trong kỳ đã khóa (năm %(years)s): không đổi loại đơn vị, huyện hay các năm hoạt động "
            "làm thay đổi kết quả đã chốt."
        ) % {"years": ", ".join(map(str, locked_years))}
    return None
