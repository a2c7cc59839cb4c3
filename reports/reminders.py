"""Who is reminded of what, and in which words: each unit's months due and not confirmed (its
heads and the district staff who enter for it), and on Mondays a digest of the district for Home
Affairs. Reads only; `reports.services.send_reminders` sends and keeps the log.

The months are those of this year and last year, in a year the unit's district has targets, that
are expected (the reporting cycle), past their due date, not confirmed and not locked (a locked
month can no longer be confirmed).
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from submissions import rules as cycle_rules
from submissions.cycle import year_cycle
from submissions.locks import LockIndex
from submissions.rules import month_range_label
from targets.completeness import compute_completeness, last_due_month
from targets.models import TargetPolicy
from units.access import enterers_of, lockers_of, unit_heads_of
from units.models import District, Unit
from units.rules import in_year_q

from .models import ReminderKind


@dataclass(frozen=True)
class Pending:
    """A month due and not confirmed: missing (nothing reported) or waiting for confirmation."""

    year: int
    month: int
    due: date
    missing: bool

    @property
    def label(self) -> str:
        return f"T{self.month}/{self.year}"


def pending_months(units, *, today: date) -> dict[int, list[Pending]]:
    """{unit id: its months due and not confirmed}, oldest first. Per year (this and last): the
    cycle's queries and the locks (a few queries, whatever the number of units)."""
    units = list(units)
    found: dict[int, list[Pending]] = {}
    if not units:
        return found
    years = [year for year in (today.year - 1, today.year) if cycle_rules.is_valid_year(year)]
    locks = LockIndex.load(district_ids={unit.district_id for unit in units}, years=years,
                           unit_ids={unit.pk for unit in units})
    by_id = {unit.pk: unit for unit in units}
    # Reporting is owed in the years a district has targets (a portal set up in 2020 asks nothing of 2019).
    with_targets = set(TargetPolicy.objects.filter(year__in=years, district_id__in={unit.district_id for unit in units})
                       .values_list("district_id", "year"))
    for year in years:
        of_year = [unit for unit in units if (unit.district_id, year) in with_targets]
        for unit_year in year_cycle(of_year, year, today=today).units:
            unit = by_id[unit_year.unit.pk]
            for month in unit_year.months:
                if not (month.expected and month.past_due) or month.confirmed:
                    continue
                if locks.for_unit(unit, year, month.month) is not None:
                    continue
                found.setdefault(unit.pk, []).append(Pending(year, month.month, month.due, not month.reported))
    return found


def pending_sentence(pending: list[Pending]) -> str:
    """"Còn thiếu số liệu T9/2020 (hạn 05/10/2020); chưa xác nhận T7–T8/2020." — for a page banner."""
    parts = []
    for missing, words in ((True, _("Còn thiếu số liệu")), (False, _("Chưa xác nhận"))):
        months = [item for item in pending if item.missing == missing]
        if not months:
            continue
        by_year = {}
        for item in months:
            by_year.setdefault(item.year, []).append(item.month)
        ranges = "; ".join(f"{month_range_label(months_of)}/{year}" for year, months_of in sorted(by_year.items()))
        parts.append(_("%(words)s %(months)s (hạn gần nhất %(due)s)") % {
            "words": words, "months": ranges, "due": months[-1].due.strftime("%d/%m/%Y")})
    return "; ".join(parts) + "." if parts else ""


@dataclass
class Reminder:
    kind: str  # ReminderKind
    recipient: object  # a user
    district: District
    unit: Unit | None
    months: str  # what the log keeps and --dry-run prints: "T8/2020, T9/2020"
    subject: str
    body: str = field(repr=False)


def _link(name: str, *args) -> str:
    return settings.DVCTT_PORTAL_URL + reverse(name, args=args)


def _unit_message(recipient, unit: Unit, pending: list[Pending]) -> tuple[str, str]:
    first = pending[0]
    subject = _("[DVCTT] %(unit)s: %(count)s tháng chưa hoàn thành báo cáo") % {"unit": unit.name, "count": len(pending)}
    lines = [
        _("Kính gửi %(name)s,") % {"name": recipient.get_full_name() or recipient.get_username()},
        "",
        ngettext(
            "%(unit)s còn %(count)s tháng chưa hoàn thành báo cáo số liệu dịch vụ công trực tuyến:",
            "%(unit)s còn %(count)s tháng chưa hoàn thành báo cáo số liệu dịch vụ công trực tuyến:",
            len(pending),
        ) % {"unit": unit.name, "count": len(pending)},
    ]
    for item in pending:
        state = _("chưa nhập số liệu") if item.missing else _("đã nhập, chưa xác nhận")
        lines.append(_("- Tháng %(month)s/%(year)s: %(state)s (hạn %(due)s)") % {
            "month": item.month, "year": item.year, "state": state, "due": item.due.strftime("%d/%m/%Y")})
    lines += [
        "",
        _("Nhập và xác nhận số liệu tại: %(link)s") % {"link": _link("submissions:entry_grid", unit.code, first.year, first.month)},
        "",
        _("Thư do Cổng theo dõi DVCTT gửi tự động, mỗi ngày nhiều nhất một lần."),
    ]
    return subject, "\n".join(lines)


def unit_reminders(*, today: date) -> list[Reminder]:
    """One reminder per unit with months due and not confirmed, to each of its heads and to each
    member of district staff who enters its counts."""
    units = list(
        Unit.objects.filter(in_year_q(today.year) | in_year_q(today.year - 1)).select_related("district")
        .order_by("district__code", "kind", "sort_order", "code")
    )
    pending = pending_months(units, today=today)
    units = [unit for unit in units if unit.pk in pending]
    heads = unit_heads_of(units)
    staff = enterers_of({unit.district_id for unit in units})
    reminders = []
    for unit in units:
        months = ", ".join(item.label for item in pending[unit.pk])
        for recipient in heads.get(unit.pk, []) + staff.get(unit.district_id, []):
            subject, body = _unit_message(recipient, unit, pending[unit.pk])
            reminders.append(Reminder(ReminderKind.UNIT, recipient, unit.district, unit, months, subject, body))
    return reminders


def digests(*, today: date) -> list[Reminder]:
    """On Mondays, to Home Affairs of each district with targets that year: its completeness through
    the last month due, and the units behind."""
    if today.weekday() != 0:
        return []
    districts = list(District.objects.order_by("code"))
    lockers = lockers_of({district.pk for district in districts})
    with_targets = set(TargetPolicy.objects.filter(year__in=(today.year - 1, today.year)).values_list("district_id", "year"))
    reminders = []
    for district in districts:
        if not lockers.get(district.pk):
            continue
        through = last_due_month(district, today.year, today=today)
        year = today.year if through else today.year - 1
        if (district.pk, year) not in with_targets:
            continue  # no targets that year: nothing owed, nothing to report on
        completeness = compute_completeness(district, year, through or 12, today=today)
        behind = completeness.behind
        rate = "—" if completeness.rate is None else f"{completeness.rate:.2f} %".replace(".", ",")
        timeliness = "—" if completeness.timeliness_rate is None else f"{completeness.timeliness_rate:.2f} %".replace(".", ",")
        subject = _("[DVCTT] Tình hình báo cáo %(district)s, năm %(year)s") % {"district": district.name, "year": year}
        body_lines = [
            completeness.statement(),
            _("Đầy đủ: %(rate)s; đúng hạn: %(timeliness)s.") % {"rate": rate, "timeliness": timeliness},
            "",
        ]
        body_lines += [f"- {entry.unit.name} ({entry.unit.code}): {entry.missing_label}" for entry in behind]
        body_lines += ["", _("Chi tiết: %(link)s") % {"link": _link("reports:completeness", year)}]
        months = ", ".join(f"{entry.unit.code}:{entry.missing_label}" for entry in behind)[:200]
        for recipient in lockers[district.pk]:
            reminders.append(Reminder(ReminderKind.DIGEST, recipient, district, None, months, subject, "\n".join(body_lines)))
    return reminders
