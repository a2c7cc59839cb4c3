"""How the engine's results are said to people, in one place for every page."""


from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import functools

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from targets.arithmetic import Measure, Status
from dvctt_portal.figures import format_number, format_rate, format_rate_of
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
# Decision 766: a proportional rule whose value has no denominator scores "N/A", not 0.
NOT_SCORED = gettext_lazy("N/A")


def status_label(status) -> str:
    return _status_labels(get_language())[status]


@functools.lru_cache(maxsize=8)
def _status_labels(language: str | None) -> dict:
    """Each status's word in one language, translated once per process (an overview asks for it
    on every cell)."""
    labels = {Status(status): str(label) for status, label in STATUS_LABELS.items()}
    return {**labels, **{status.value: label for status, label in labels.items()}}


def target_text(rule) -> str:
    """The target as people say it: "25 %" for a rate (or a share of procedures), "20 hồ sơ" for a count."""
    if rule.measure != Measure.COUNT:
        return _("%(target)s %%") % {"target": format_number(rule.target)}
    target = format_number(rule.target)
    return ngettext("%(target)s hồ sơ", "%(target)s hồ sơ", int(rule.target)) % {"target": target}


def shortfall_sentence(progress: RuleProgress) -> str:
    """What is still missing, in a sentence: "Cần thêm 7 hồ sơ trực tuyến để đạt 25 %"."""
    if progress.status == Status.NO_DATA:
        return _("Chưa có hồ sơ nào phát sinh — Cơ quan Tổ chức - Nội vụ xem xét")
    if progress.shortfall == 0 and progress.measure != Measure.COUNT and progress.status == Status.ON_TRACK:
        # a rate is only decided in December: before, it is where the unit stands now
        return _("Đang đạt mức %(rate)s (chưa chốt)") % {"rate": value_text(progress)}
    if progress.shortfall == 0:
        return _("Đã đạt chỉ tiêu")
    if progress.shortfall is None:
        return _("Không thể đạt %(target)s vì đã có hồ sơ nộp trực tiếp") % {"target": target_text(progress.rule)}
    values = {"n": format_number(progress.shortfall), "target": target_text(progress.rule)}
    sentence = _shortfall_words(progress, values)
    if progress.points_to_gain:
        sentence = _("%(sentence)s — thêm %(points)s điểm") % {"sentence": sentence,
                                                               "points": format_number(progress.points_to_gain)}
    return sentence


def _shortfall_words(progress: RuleProgress, values: dict) -> str:
    if progress.measure == Measure.COVERAGE:
        return ngettext(
            "Cần thêm hồ sơ trực tuyến ở %(n)s thủ tục nữa để đạt %(target)s",
            "Cần thêm hồ sơ trực tuyến ở %(n)s thủ tục nữa để đạt %(target)s",
            progress.shortfall,
        ) % values
    if progress.measure == Measure.CATALOG_SHARE:
        return ngettext(
            "Cần cung cấp trực tuyến thêm %(n)s thủ tục nữa để đạt %(target)s",
            "Cần cung cấp trực tuyến thêm %(n)s thủ tục nữa để đạt %(target)s",
            progress.shortfall,
        ) % values
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


def value_text(progress: RuleProgress) -> str:
    """A rule's value as people read it: "20,8 %" (a rate, or procedures counted of those in
    scope), "25" (online dossiers)."""
    if progress.measure == Measure.RATE:
        return rate_text(progress.online, progress.total)
    if progress.of is not None:
        return rate_text(progress.counted, progress.of)
    return format_number(progress.online)


def procedures_text(progress: RuleProgress) -> str:
    """What a share of procedures is made of: "7/9 thủ tục có hồ sơ trực tuyến"."""
    values = {"counted": format_number(progress.counted), "of": format_number(progress.of)}
    if progress.measure == Measure.COVERAGE:
        return ngettext("%(counted)s/%(of)s thủ tục có hồ sơ trực tuyến", "%(counted)s/%(of)s thủ tục có hồ sơ trực tuyến",
                        progress.of) % values
    return ngettext("%(counted)s/%(of)s thủ tục cung cấp dịch vụ công trực tuyến",
                    "%(counted)s/%(of)s thủ tục cung cấp dịch vụ công trực tuyến", progress.of) % values


def earned_text(progress: RuleProgress) -> str:
    """A proportional rule's points: "3,75/5 điểm", or "N/A" when its value has no denominator."""
    if progress.earned is None:
        return _("N/A (chưa có hồ sơ để tính)")
    return _("%(earned)s/%(points)s điểm") % {"earned": format_number(progress.earned),
                                             "points": format_number(progress.rule.points)}


def forecast_text(progress: RuleProgress) -> str:
    """The forecast in words, always called a forecast: "Dự báo cả năm: 31 hồ sơ — đạt, 5/5 điểm"."""
    coming = progress.forecast
    if coming is None:
        return ""
    if coming.value is None:
        return _("Dự báo cả năm: chưa đủ số liệu để dự báo")
    if progress.measure == Measure.COUNT:
        value = _("khoảng %(n)s hồ sơ") % {"n": format_number(coming.value.quantize(Decimal(1), rounding=ROUND_HALF_UP))}
    else:  # rounded once, from the exact forecast
        exact = coming.exact if coming.exact is not None else Fraction(coming.value)
        value = format_rate(Decimal(exact.numerator) / Decimal(exact.denominator))
    if progress.is_proportional:
        points = _("%(earned)s/%(points)s điểm") % {"earned": format_number(coming.points),
                                                   "points": format_number(progress.rule.points)}
    elif coming.points:
        points = _("bị trừ %(points)s điểm") % {"points": format_number(-coming.points)}
    else:
        points = _("không bị trừ điểm")
    return _("Dự báo cả năm (nếu các tháng còn lại như 3 tháng gần nhất): %(value)s — %(points)s") % {
        "value": value, "points": points}


def overall_status(entry: UnitProgress) -> Status | None:
    """A unit's situation in one word: the worst status among its rules (None without rules)."""
    statuses = {rule.status for rule in entry.rules}
    return next((status for status in STATUS_SEVERITY if status in statuses), None)


def status_order(status) -> int:
    """For sorting: worst first."""
    return STATUS_SEVERITY.index(Status(status)) if status else len(STATUS_SEVERITY)
