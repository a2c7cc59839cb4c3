"""How the engine's results are said to people, in one place for every page."""


from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from targets.arithmetic import Measure, Status
from dvctt_portal.figures import format_number, format_rate_of
from targets.results import RuleProgress, STATUS_LABELS, UnitProgress

# Worst first: the order in which a unit's situation is summed up in one word.
STATUS_SEVERITY = [Status.MISSED, Status.AT_RISK, Status.NO_DATA, Status.ON_TRACK, Status.MET]


def rate_text(online: int, total: int) -> str:
    """online ÷ total as people read it ("20,8 %"), rounded once from the engine's exact
    fraction — the figure a spreadsheet shows for the same cell with the format 0.0%.

    (Formatting the engine's two-decimal percentage would round twice: 108/518 = 20.849… →
    20.85 → "20,9 %" on the page but 20.8% in the workbook.)
    """
    return format_rate_of(online, total)


# One word for a rule that does not concern a unit (another kind's rule, or nothing to report under it).
NOT_APPLICABLE = gettext_lazy("không áp dụng")


def status_label(status) -> str:
    return str(STATUS_LABELS[Status(status)])


def target_text(rule) -> str:
    """The target as people say it: "25 %" for a rate rule, "20 hồ sơ" for a count rule."""
    if rule.measure == Measure.RATE:
        return _("%(target)s %%") % {"target": format_number(rule.target)}
    target = format_number(rule.target)
    return ngettext("%(target)s hồ sơ", "%(target)s hồ sơ", int(rule.target)) % {"target": target}


def shortfall_sentence(progress: RuleProgress) -> str:
    """What is still missing, in a sentence: "Cần thêm 7 hồ sơ trực tuyến để đạt 25 %"."""
    if progress.status == Status.NO_DATA:
        return _("Chưa có hồ sơ nào phát sinh — Cơ quan Tổ chức - Nội vụ xem xét")
    if progress.shortfall == 0 and progress.measure == Measure.RATE and progress.status == Status.ON_TRACK:
        # a rate is only decided in December: before, it is where the unit stands now
        return _("Đang đạt mức %(rate)s (chưa chốt)") % {"rate": rate_text(progress.online, progress.total)}
    if progress.shortfall == 0:
        return _("Đã đạt chỉ tiêu")
    if progress.shortfall is None:
        return _("Không thể đạt %(target)s vì đã có hồ sơ nộp trực tiếp") % {"target": target_text(progress.rule)}
    values = {"n": format_number(progress.shortfall), "target": target_text(progress.rule)}
    if progress.measure == Measure.RATE:
        return ngettext(
            "Cần thêm %(n)s hồ sơ trực tuyến để đạt %(target)s",
            "Cần thêm %(n)s hồ sơ trực tuyến để đạt %(target)s",
            progress.shortfall,
        ) % values
    return ngettext(
        "Cần thêm %(n)s hồ sơ trực tuyến để đạt %(target)s hồ sơ",
        "Cần thêm %(n)s hồ sơ trực tuyến để đạt %(target)s hồ sơ",
        progress.shortfall,
    ) % {**values, "target": format_number(progress.target)}


def overall_status(entry: UnitProgress) -> Status | None:
    """A unit's situation in one word: the worst status among its rules (None without rules)."""
    statuses = {rule.status for rule in entry.rules}
    return next((status for status in STATUS_SEVERITY if status in statuses), None)


def status_order(status) -> int:
    """For sorting: worst first."""
    return STATUS_SEVERITY.index(Status(status)) if status else len(STATUS_SEVERITY)
