"""Soft checks of a count against the unit's own history (issue 15): pure functions, no database.

A value is unusual when it is far above what the unit usually reports for that procedure: more
than max(10, 3 × the median of its last 12 non-empty months). The check never refuses a number;
it asks a person to look again.
"""

from dataclasses import dataclass
from statistics import median

from django.utils.translation import gettext as _

MIN_THRESHOLD = 10  # below this nothing is unusual, whatever the history
FACTOR = 3  # times the usual (median) month
HISTORY_MONTHS = 12  # the last non-empty months looked at


@dataclass(frozen=True)
class Unusual:
    field: str  # "total" or "online"
    value: int
    expected_max: int
    previous: int | None  # the last non-empty month before

    @property
    def reason(self) -> str:
        if self.previous is None:
            return _("Bất thường: nay %(value)s, thường không quá %(max)s — kiểm tra lại") % {
                "value": self.value, "max": self.expected_max}
        return _("Bất thường: tháng trước %(previous)s, nay %(value)s — kiểm tra lại") % {
            "previous": self.previous, "value": self.value}


def expected_max(history: list[int]) -> int | None:
    """The largest value that is not unusual after these months (oldest first), or None without history."""
    recent = [value for value in history if value > 0][-HISTORY_MONTHS:]
    if not recent:
        return None
    return max(MIN_THRESHOLD, int(FACTOR * median(recent)))


def unusual(field: str, value: int, history: list[int]) -> Unusual | None:
    """Whether `value` is far above the unit's own history for that procedure (oldest first)."""
    limit = expected_max(history)
    if limit is None or value <= limit:
        return None
    previous = next((item for item in reversed(history) if item > 0), None)
    return Unusual(field=field, value=value, expected_max=limit, previous=previous)
