"""Which months are locked, and how to say so. Every writer asks `lock_for` (or `LockIndex`)."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import District

from . import rules
from .models import CountLock, LockException


def person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def period_label(year: int, month: int | None) -> str:
    if month is None:
        return _("Năm %(year)s") % {"year": year}
    return _("Tháng %(month)s/%(year)s") % {"month": month, "year": year}


def format_moment(moment) -> str:
    """"14:05 ngày 02/12/2020" in the district's time zone."""
    local = timezone.localtime(moment)
    return _("%(time)s ngày %(date)s") % {"time": local.strftime("%H:%M"), "date": local.strftime("%d/%m/%Y")}


def lock_message(lock: CountLock, *, month: int | None = None) -> str:
    """Why a month refuses changes: what is locked, by whom and when."""
    period = period_label(lock.year, lock.month)
    if lock.month is None and month is not None:
        period = _("Tháng %(month)s/%(year)s (cả năm %(year)s)") % {"month": month, "year": lock.year}
    values = {"period": period, "moment": format_moment(lock.locked_at)}
    if lock.locked_by_id is None:
        return _("%(period)s đã bị khóa từ dòng lệnh lúc %(moment)s.") % values
    return _("%(period)s đã bị khóa bởi %(person)s lúc %(moment)s.") % {**values, "person": person_name(lock.locked_by)}


def open_exceptions_q(today: date | None = None) -> Q:
    """Lock exceptions still open: neither revoked nor closed, and not past their last day."""
    return Q(revoked_at__isnull=True, closed_at__isnull=True, expires_on__gte=today or timezone.localdate())


class LockIndex:
    """The locks of some districts and years (and the open exceptions of some units), read in one
    query each, answered from memory."""

    def __init__(self, locks: Iterable[CountLock], exceptions: Iterable[LockException] = ()):
        self._locks = {(lock.district_id, lock.year, lock.month): lock for lock in locks}
        self._reopened = {(exception.unit_id, exception.year, exception.month) for exception in exceptions}

    @classmethod
    def load(cls, *, district_ids: Iterable[int], years: Iterable[int], unit_ids: Iterable[int] = ()) -> "LockIndex":
        years, unit_ids = set(years), set(unit_ids)
        exceptions = LockException.objects.filter(open_exceptions_q(), unit_id__in=unit_ids, year__in=years) if unit_ids else ()
        return cls(
            CountLock.objects.filter(district_id__in=set(district_ids), year__in=years).select_related("locked_by"),
            exceptions,
        )

    def for_unit(self, unit, year: int, month: int) -> CountLock | None:
        """The lock that holds this unit's month, unless an open exception reopened it for the unit."""
        lock = self.get(unit.district_id, year, month)
        if lock is not None and (unit.pk, year, month) in self._reopened:
            return None
        return lock

    def get(self, district_id: int, year: int, month: int) -> CountLock | None:
        """The lock that holds this month: the year's lock first, else the month's own."""
        return self._locks.get((district_id, year, None)) or self._locks.get((district_id, year, month))

    def year_lock(self, district_id: int, year: int) -> CountLock | None:
        return self._locks.get((district_id, year, None))

    def month_lock(self, district_id: int, year: int, month: int) -> CountLock | None:
        return self._locks.get((district_id, year, month))


def lock_for(district: District | int, year: int, month: int) -> CountLock | None:
    """The lock that refuses changes to this district's counts of that month, or None (one query)."""
    district_id = district if isinstance(district, int) else district.pk
    locks = CountLock.objects.filter(
        Q(month__isnull=True) | Q(month=month), district_id=district_id, year=year
    ).select_related("locked_by")
    return LockIndex(locks).get(district_id, year, month)


def open_exception(unit, year: int, month: int) -> LockException | None:
    """The open exception that reopens this unit's month, or None (one query)."""
    return LockException.objects.filter(open_exceptions_q(), unit_id=unit.pk, year=year, month=month).first()


def lock_for_unit(unit, year: int, month: int) -> CountLock | None:
    """The lock that refuses changes to this unit's counts of that month — none while an open
    exception reopens it for the unit (one query, two when locked)."""
    lock = lock_for(unit.district_id, year, month)
    if lock is not None and open_exception(unit, year, month) is not None:
        return None
    return lock


def is_future(year: int, month: int, *, today: date | None = None) -> bool:
    """A month after the current one in the district's time zone (rules.is_future)."""
    return rules.is_future(year, month, today=today or timezone.localdate())


def future_message(year: int, month: int) -> str:
    return _("Tháng %(month)s/%(year)s chưa đến nên chưa nhập được số liệu.") % {"month": month, "year": year}
