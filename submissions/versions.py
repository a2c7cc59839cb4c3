"""The version of a unit-month's counts, so a save made from a stale page is refused.

The version is read from the audit trail: the newest history id and the number of history records
of that unit, year and month. Every change (grid, upload, command, admin, deletion) adds a history
record, so any change between reading a page and saving it changes the version. Writers of a
unit lock its row first, so its history ids are handed out in commit order.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from .locks import format_moment, person_name
from .models import ChangeReason, DossierCount

MonthKey = tuple[int, int, int]  # (unit id, year, month)

EMPTY_VERSION = "0-0"


def _version(last: int | None, count: int) -> str:
    return f"{last or 0}-{count}"


def month_version(unit_id: int, year: int, month: int) -> str:
    """One query."""
    values = DossierCount.history.filter(unit_id=unit_id, year=year, month=month).aggregate(
        last=Max("history_id"), count=Count("history_id")
    )
    return _version(values["last"], values["count"])


def month_versions(keys: Iterable[MonthKey]) -> dict[MonthKey, str]:
    """The versions of many unit-months, in one query."""
    keys = set(keys)
    if not keys:
        return {}
    rows = (
        DossierCount.history.filter(
            unit_id__in={key[0] for key in keys},
            year__in={key[1] for key in keys},
            month__in={key[2] for key in keys},
        )
        .values("unit_id", "year", "month")
        .annotate(last=Max("history_id"), count=Count("history_id"))
        .order_by()
    )
    found = {(row["unit_id"], row["year"], row["month"]): _version(row["last"], row["count"]) for row in rows}
    return {key: found.get(key, EMPTY_VERSION) for key in keys}


@dataclass(frozen=True)
class LastChange:
    who: str
    when: datetime
    reason: str

    @property
    def when_text(self) -> str:
        return format_moment(self.when)


def last_change(unit_id: int, year: int, month: int) -> LastChange | None:
    """Who last changed this unit-month and when (one query), or None when nothing was ever saved."""
    record = (
        DossierCount.history.filter(unit_id=unit_id, year=year, month=month)
        .select_related("history_user")
        .order_by("-history_id")
        .first()
    )
    if record is None:
        return None
    who = person_name(record.history_user)
    if not who:
        who = _("dòng lệnh") if record.history_change_reason == ChangeReason.COMMAND else _("hệ thống")
    return LastChange(
        who=who,
        when=record.history_date,
        reason=record.history_change_reason or "",
    )


def values_as_of(unit_id: int, year: int, month: int, version: str) -> dict[int, tuple[int, int]] | None:
    """{procedure id: (total, online)} of a unit-month as it was at `version` (one query), or None
    when the version cannot be read. Lets a refused save keep what the other person changed."""
    try:
        last = int(str(version).split("-", 1)[0])
    except ValueError:
        return None
    values = {}
    records = (
        DossierCount.history.filter(unit_id=unit_id, year=year, month=month, history_id__lte=last)
        .order_by("history_id")
        .values_list("procedure_id", "total", "online", "history_type")
    )
    for procedure_id, total, online, history_type in records:
        if history_type == "-":
            values.pop(procedure_id, None)
        else:
            values[procedure_id] = (total, online)
    return values
