"""Unusual values in what is saved, or about to be, and who confirmed them: reads only.

The rules are submissions.plausibility's; this module loads what they judge (the units' counts
from January of the year before, one query) and the confirmations kept with the values
(UnusualCheck, one query). The writers (services) and every page and review call these, so the
grid, the import, the admin, `data_quality` and the year-end gate flag the same values.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .locks import format_moment, person_name
from .models import DossierCount, UnusualCheck
from .plausibility import Counts, Finding, find_unusual

Key = tuple[int, int, int, int]  # (unit, procedure, year, month)


def saved_counts(unit_ids: Iterable[int], first_year: int, last_year: int, *, procedure_ids=None) -> dict[Key, tuple[int, int]]:
    """The counts of these units from January of the year before `first_year` to `last_year` (one query)."""
    rows = DossierCount.objects.filter(unit_id__in=set(unit_ids), year__gte=first_year - 1, year__lte=last_year)
    if procedure_ids is not None:
        rows = rows.filter(procedure_id__in=set(procedure_ids))
    return {
        (unit_id, procedure_id, year, month): (total, online)
        for unit_id, procedure_id, year, month, total, online in rows.order_by().values_list(
            "unit_id", "procedure_id", "year", "month", "total", "online")
    }


def proposed_findings(proposed: Mapping[Key, tuple[int, int]], *, every_value: bool = False, removed: Iterable[Key] = (),
                      zeros_written: bool = False) -> tuple[list[Finding], set]:
    """The unusual values that saving `proposed` would bring: of the values that change, and of
    the unit-months whose figures change (with `every_value`, of every proposed value and
    unit-month, changed or not), judged with the proposal in place of what is saved.
    Returns them and the keys (Key) of the values that change. One query (none when nothing is
    proposed)."""
    removed = set(removed) - set(proposed)
    if not proposed and not removed:
        return [], set()
    years = {key[2] for key in [*proposed, *removed]}
    counts: dict = saved_counts({key[0] for key in [*proposed, *removed]}, min(years), max(years))
    changed = set()
    for key, values in proposed.items():
        if counts.get(key) == values or (key not in counts and values == (0, 0) and not zeros_written):
            continue  # unchanged; a blank row over nothing is not written by the grid or an import
        counts[key] = values
        changed.add(key)
    gone = {key for key in removed if counts.pop(key, None) is not None}  # a count moved away (admin)
    judged = set(proposed) if every_value else changed
    months = {(unit_id, year, month) for unit_id, _procedure, year, month in judged | gone}
    return find_unusual(counts, values=judged, months=months), changed | gone


def checks_of(findings: Iterable[Finding]) -> dict[tuple, UnusualCheck]:
    """The confirmation kept for each finding's value (the newest), by Finding.key (one query, none
    without findings)."""
    findings = list(findings)
    if not findings:
        return {}
    wanted = {finding.key for finding in findings}
    checks = {}
    for check in UnusualCheck.objects.select_related("confirmed_by").filter(
        unit_id__in={f.unit_id for f in findings}, year__in={f.year for f in findings}, month__in={f.month for f in findings},
    ).order_by("confirmed_at", "pk"):
        key = (check.unit_id, check.procedure_id, check.year, check.month, check.field, check.value)
        if key in wanted:
            checks[key] = check  # the newest last
    return checks


@dataclass(frozen=True)
class Flagged:
    """A finding as pages and reviews show it, with its confirmation (None: not confirmed)."""

    finding: Finding
    check: UnusualCheck | None

    @property
    def confirmed(self) -> bool:
        return self.check is not None

    @property
    def confirmed_text(self) -> str:
        """"Đã kiểm tra: <who>, <when>", or "" when nobody confirmed it."""
        if self.check is None:
            return ""
        return _("Đã kiểm tra: %(person)s, %(moment)s") % {
            "person": person_name(self.check.confirmed_by) or _("dòng lệnh"), "moment": format_moment(self.check.confirmed_at)}


def flagged(findings: list[Finding]) -> list[Flagged]:
    checks = checks_of(findings)
    return [Flagged(finding, checks.get(finding.key)) for finding in findings]


def saved_findings(counts: Counts, *, year: int, unit_ids=None, months=None) -> list[Finding]:
    """Every unusual value and unit-month of `year` (of `months` when given) among `counts`."""
    values = [key for key in counts if key[2] == year and (months is None or key[3] in months)
              and (unit_ids is None or key[0] in unit_ids)]
    unit_months = {(unit_id, year, month) for unit_id, _procedure, _year, month in values}
    return find_unusual(counts, values=values, months=unit_months)
