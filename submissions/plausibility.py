"""Soft checks of counts against the unit's own history (issue 15): pure functions, no database.

Two kinds of check, both only asking a person to look again (a correct number is saved once
somebody confirms it; submissions.services keeps who did):

- a value (one procedure's total or online in a month) far above what the unit usually reports
  for it: more than max(10, 3 × the median of its last 12 non-empty months);
- a unit-month as a whole, after a run of RUN_MONTHS months with dossiers: its total jumps more
  than 5× over the run's average (and past 10), or drops to 0; or its online share goes from 0 %
  in every month of the run to 100 %.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import mean, median

from django.utils.translation import gettext as _

from dvctt_portal.figures import format_number

MIN_THRESHOLD = 10  # below this nothing is unusual, whatever the history
FACTOR = 3  # times the usual (median) month of one procedure
HISTORY_MONTHS = 12  # the last non-empty months looked at
RUN_MONTHS = 3  # the months with dossiers, one after another, that make "a run of active months"
JUMP_FACTOR = 5  # times the run's average month, for a unit-month's total

# Rules (Unusual.rule)
VALUE = "value"  # one procedure's value far above its history
JUMP = "jump"  # the month's total far above the run
DROP = "drop"  # the month's total 0 after the run
ALL_ONLINE = "all_online"  # every dossier online after a run with none online

Counts = Mapping[tuple[int, int, int, int], tuple[int, int]]  # (unit, procedure, year, month) → (total, online)


@dataclass(frozen=True)
class Unusual:
    field: str  # "total" or "online"
    value: int
    expected_max: int | None  # the largest value not flagged, where the rule has one
    previous: int | None  # the last non-empty month before (VALUE), the month before (month rules)
    rule: str = VALUE

    @property
    def reason(self) -> str:
        """Why, for people: "Bất thường: tháng trước 3, nay 1.000 — kiểm tra lại"."""
        figures = {"previous": format_number(self.previous), "value": format_number(self.value),
                   "max": format_number(self.expected_max), "factor": JUMP_FACTOR, "months": RUN_MONTHS}
        if self.rule == JUMP:
            return _("Bất thường: tổng hồ sơ tháng trước %(previous)s, nay %(value)s (hơn %(factor)s lần mức thường) "
                     "— kiểm tra lại") % figures
        if self.rule == DROP:
            return _("Bất thường: tháng trước %(previous)s hồ sơ, nay 0 sau %(months)s tháng liên tiếp có hồ sơ "
                     "— kiểm tra lại") % figures
        if self.rule == ALL_ONLINE:
            return _("Bất thường: trực tuyến từ 0 %% lên 100 %% (%(value)s/%(value)s hồ sơ) — kiểm tra lại") % figures
        if self.previous is None:
            return _("Bất thường: nay %(value)s, thường không quá %(max)s — kiểm tra lại") % figures
        return _("Bất thường: tháng trước %(previous)s, nay %(value)s — kiểm tra lại") % figures


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


def unusual_month(total: int, online: int, run: list[tuple[int, int] | None]) -> Unusual | None:
    """Whether a unit-month (its total and online over every procedure) breaks the run before it:
    `run` holds the RUN_MONTHS months just before, oldest first, each (total, online) or None when
    nothing was reported. Without a full run of months with dossiers nothing is flagged."""
    if len(run) < RUN_MONTHS or any(month is None or month[0] <= 0 for month in run[-RUN_MONTHS:]):
        return None
    run = run[-RUN_MONTHS:]
    previous = run[-1][0]
    usual = mean(month_total for month_total, _online in run)
    if total == 0:
        return Unusual(field="total", value=0, expected_max=None, previous=previous, rule=DROP)
    if total > max(MIN_THRESHOLD, JUMP_FACTOR * usual):
        return Unusual(field="total", value=total, expected_max=max(MIN_THRESHOLD, int(JUMP_FACTOR * usual)),
                       previous=previous, rule=JUMP)
    if online == total and all(month_online == 0 for _total, month_online in run):
        return Unusual(field="online", value=online, expected_max=0, previous=previous, rule=ALL_ONLINE)
    return None


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


@dataclass(frozen=True)
class Finding:
    """An unusual value found in the counts: of one procedure, or (procedure None) of the unit-month."""

    unit_id: int
    procedure_id: int | None
    year: int
    month: int
    unusual: Unusual

    @property
    def key(self) -> tuple[int, int | None, int, int, str, int]:
        """What a confirmation is kept against: the place, the field and the value confirmed."""
        return (self.unit_id, self.procedure_id, self.year, self.month, self.unusual.field, self.unusual.value)

    @property
    def reason(self) -> str:
        return self.unusual.reason


def find_unusual(counts: Counts, *, values: Iterable[tuple[int, int, int, int]] = (),
                 months: Iterable[tuple[int, int, int]] = ()) -> list[Finding]:
    """The unusual values among `values` (keys of `counts`) and the unusual unit-months among
    `months` ((unit, year, month)), judged against the other months of `counts` before each.

    `counts` holds every saved (or about to be saved) row the judgement may need: for a value,
    its procedure's earlier months (the caller loads from January of the year before); for a
    unit-month, all of the unit's rows of the RUN_MONTHS months before it and of the month.
    Long because the two kinds of check share one pass over the counts.
    """
    series: dict[tuple[int, int], list[tuple[int, int, int, int]]] = defaultdict(list)
    month_sums: dict[tuple[int, int, int], list[int]] = {}
    for (unit_id, procedure_id, year, month), (total, online) in counts.items():
        series[(unit_id, procedure_id)].append((year, month, total, online))
        sums = month_sums.setdefault((unit_id, year, month), [0, 0])
        sums[0] += total
        sums[1] += online
    for rows in series.values():
        rows.sort()
    found = []
    for unit_id, procedure_id, year, month in sorted(set(values)):
        if (unit_id, procedure_id, year, month) not in counts:
            continue
        total, online = counts[(unit_id, procedure_id, year, month)]
        # From January of the year before, whatever else `counts` holds: the grid, an import of
        # several years and the year's review judge a value against the same months.
        before = [row for row in series[(unit_id, procedure_id)] if year - 1 <= row[0] and (row[0], row[1]) < (year, month)]
        for field, value, history in (("total", total, [row[2] for row in before]),
                                      ("online", online, [row[3] for row in before])):
            flagged = unusual(field, value, history)
            if flagged is not None:
                found.append(Finding(unit_id, procedure_id, year, month, flagged))
    for unit_id, year, month in sorted(set(months)):
        if (unit_id, year, month) not in month_sums:
            continue  # nothing reported: missing, not a drop
        run, at = [], (year, month)
        for _step in range(RUN_MONTHS):
            at = previous_month(*at)
            sums = month_sums.get((unit_id, *at))
            run.insert(0, tuple(sums) if sums is not None else None)
        flagged = unusual_month(*month_sums[(unit_id, year, month)], run)
        if flagged is not None:
            found.append(Finding(unit_id, None, year, month, flagged))
    return found
