"""Month-by-month charts as inline SVG, drawn on the server from `targets.progress.monthly_series`.

Pure: points in, markup out; no database, no JavaScript, no chart library. Every figure drawn
is one the engine reported (a month's sums, the cumulative rate or count); the only arithmetic
here turns figures into coordinates. The chart says the same things in words (<title>,
<desc>, a legend and labels), so it reads without colour and when printed in black and white.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from targets.arithmetic import Measure
from dvctt_portal.figures import format_number
from targets.breakdowns import MonthPoint

from .wording import rate_text

WIDTH, HEIGHT = 640, 330
LEFT, RIGHT, TOP, BOTTOM = 46, 590, 70, 288  # the plot area
MONTHS = 12

INK = "#1b2430"
MUTED = "#5b6675"
GRID = "#dfe4e9"
TOTAL_FILL, TOTAL_STROKE = "#d5dde6", "#5b6675"
ONLINE_FILL = "#0b5cad"
LINE = "#a3161a"
HALO = {"stroke": "#ffffff", "stroke_width": 4, "paint_order": "stroke", "stroke_linejoin": "round"}


def nice_step(value) -> int:
    """The smallest round step (1, 2, 3 or 5; 25 from tens up) with four steps ≥ value."""
    needed = max(float(value), 1.0) / 4
    magnitude = 1
    while magnitude * 10 <= needed:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10) if magnitude >= 10 else (1, 2, 3, 5, 10):
        if step * magnitude >= needed:
            return int(step * magnitude)
    return 10 * magnitude


def nice_ceiling(value) -> int:
    """An axis maximum of four round steps (4, 8, 20, 40, 200…) at or above value."""
    return 4 * nice_step(value)


def _attrs(**attributes) -> str:
    return " ".join(f'{name.rstrip("_").replace("_", "-")}="{escape(value)}"' for name, value in attributes.items())


def _el(tag, text=None, **attributes) -> str:
    opening = f"<{tag} {_attrs(**attributes)}" if attributes else f"<{tag}"
    if text is None:
        return opening + "/>"
    return f"{opening}>{escape(text)}</{tag}>"


@dataclass(frozen=True)
class Scale:
    maximum: float
    top: float = TOP
    bottom: float = BOTTOM

    def y(self, value) -> float:
        return self.bottom - (float(value) / self.maximum) * (self.bottom - self.top)


def slot_x(month: int) -> float:
    """Left edge of a month's slot."""
    return LEFT + (month - 1) * (RIGHT - LEFT) / MONTHS


SLOT = (RIGHT - LEFT) / MONTHS


def monthly_chart(points: list[MonthPoint], *, rule, year: int, through: int) -> SafeString:
    """Bars of each month's total and online dossiers; the cumulative rate (rate rules) or
    cumulative online count (count rules) as a line against the dashed target line.
    Long because the SVG is written element by element, in drawing order, where it can be checked."""
    chart_id = f"chart-{slugify(rule.code) or 'rule'}"
    is_rate = rule.measure == Measure.RATE
    target_label = (
        _("Mục tiêu %(target)s %%") % {"target": format_number(rule.target)}
        if is_rate
        else _("Mục tiêu %(target)s hồ sơ") % {"target": format_number(rule.target)}
    )
    bars = Scale(nice_ceiling(max([point.total for point in points] + [1])))
    if is_rate:
        line_points = [(point.month, point.outcome.rate) for point in points if point.outcome.rate is not None]
        highest = max([float(rule.target) * 1.6] + [float(value) for _month, value in line_points])
        line = Scale(min(100, nice_ceiling(highest)))
        line_name = _("Tỷ lệ trực tuyến lũy kế")
        right_title = _("Tỷ lệ lũy kế (%)")
    else:
        line_points = [(point.month, point.cumulative_online) for point in points]
        line = Scale(nice_ceiling(max([float(rule.target) * 1.1] + [value * 1.05 for _month, value in line_points])))
        line_name = _("Hồ sơ trực tuyến lũy kế")
        right_title = _("Lũy kế (hồ sơ)")

    title = _("%(code)s — số hồ sơ theo tháng và %(line)s, năm %(year)s") % {
        "code": rule.code, "line": line_name.lower(), "year": year,
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-size="13" font-family="inherit">',
        _el("title", title, id=f"{chart_id}-title"),
        _el("desc", describe(points, rule=rule, year=year, through=through), id=f"{chart_id}-desc"),
        _el("rect", x=0, y=0, width=WIDTH, height=HEIGHT, fill="#ffffff"),
    ]
    parts += _legend(line_name, target_label, with_pace=not is_rate and through < 12)
    parts += _axes(bars, line, is_rate=is_rate, right_title=right_title)
    if through < MONTHS:
        parts.append(_el("rect", x=f"{slot_x(through + 1):.1f}", y=TOP, width=f"{RIGHT - slot_x(through + 1):.1f}",
                         height=BOTTOM - TOP, fill="#f3f5f7"))
        parts.append(_el("text", _("chưa tính"), x=f"{(slot_x(through + 1) + RIGHT) / 2:.1f}", y=TOP + 16,
                         fill=MUTED, text_anchor="middle", font_style="italic"))
    for point in points:
        left = slot_x(point.month)
        for offset, value, fill, stroke in (
            (0.16, point.total, TOTAL_FILL, TOTAL_STROKE),
            (0.50, point.online, ONLINE_FILL, ONLINE_FILL),
        ):
            y = bars.y(value)
            parts.append(_el("rect", x=f"{left + SLOT * offset:.1f}", y=f"{y:.1f}", width=f"{SLOT * 0.32:.1f}",
                             height=f"{BOTTOM - y:.1f}", fill=fill, stroke=stroke, stroke_width=1))
    # The target (and, for a count during the year, the pace to be on track).
    target_y = line.y(rule.target)
    parts.append(_el("line", x1=LEFT, x2=RIGHT, y1=f"{target_y:.1f}", y2=f"{target_y:.1f}", stroke=INK,
                     stroke_width=1.5, stroke_dasharray="7 4"))
    parts.append(_el("text", target_label, x=RIGHT - 4, y=f"{target_y - 5:.1f}", text_anchor="end", fill=INK,
                     font_weight="bold", **HALO))
    if not is_rate and through < MONTHS:
        parts.append(_el("line", x1=LEFT, y1=BOTTOM, x2=RIGHT, y2=f"{target_y:.1f}", stroke=MUTED, stroke_width=1.2,
                         stroke_dasharray="2 3"))
    # The cumulative line, its markers and the latest value in words.
    coordinates = [(slot_x(month) + SLOT / 2, line.y(value)) for month, value in line_points]
    if coordinates:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        parts.append(_el("polyline", points=path, fill="none", stroke=LINE, stroke_width=2.5,
                         stroke_linejoin="round"))
        for x, y in coordinates:
            parts.append(_el("circle", cx=f"{x:.1f}", cy=f"{y:.1f}", r=3.5, fill="#ffffff", stroke=LINE,
                             stroke_width=2))
        last = [point for point in points if not is_rate or point.cumulative_total][-1]
        x, y = coordinates[-1]
        text = rate_text(last.cumulative_online, last.cumulative_total) if is_rate else format_number(last.cumulative_online)
        anchor = "end" if x > RIGHT - 40 else "middle"
        parts.append(_el("text", text, x=f"{x:.1f}", y=f"{y - 9:.1f}", text_anchor=anchor, fill=LINE,
                         font_weight="bold", **HALO))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _legend(line_name, target_label, *, with_pace):
    items = [
        ("box", TOTAL_FILL, TOTAL_STROKE, _("Tổng số hồ sơ trong tháng")),
        ("box", ONLINE_FILL, ONLINE_FILL, _("Hồ sơ trực tuyến trong tháng")),
        ("line", LINE, None, line_name),
        ("dash", INK, None, target_label),
    ]
    if with_pace:
        items.append(("dots", MUTED, None, _("Tiến độ cần đạt")))
    parts, x, y = [], 4, 16
    for shape, colour, stroke, label in items:
        width = 22 + len(label) * 6.6
        if x + width > WIDTH - 4:
            x, y = 4, y + 20
        if shape == "box":
            parts.append(_el("rect", x=x, y=y - 9, width=14, height=11, fill=colour, stroke=stroke))
        elif shape == "line":
            parts.append(_el("line", x1=x, x2=x + 16, y1=y - 4, y2=y - 4, stroke=colour, stroke_width=2.5))
            parts.append(_el("circle", cx=x + 8, cy=y - 4, r=3, fill="#ffffff", stroke=colour, stroke_width=2))
        else:
            parts.append(_el("line", x1=x, x2=x + 16, y1=y - 4, y2=y - 4, stroke=colour, stroke_width=1.5,
                             stroke_dasharray="5 3" if shape == "dash" else "2 3"))
        parts.append(_el("text", label, x=x + 20, y=y, fill=INK))
        x += width + 10
    return parts


def _axes(bars: Scale, line: Scale, *, is_rate: bool, right_title: str):
    parts = []
    for step in range(5):
        fraction = step / 4
        y = BOTTOM - fraction * (BOTTOM - TOP)
        parts.append(_el("line", x1=LEFT, x2=RIGHT, y1=f"{y:.1f}", y2=f"{y:.1f}", stroke=GRID, stroke_width=1))
        parts.append(_el("text", format_number(round(bars.maximum * fraction)), x=LEFT - 6, y=f"{y + 4:.1f}",
                         text_anchor="end", fill=MUTED))
        right_value = line.maximum * fraction
        right_text = f"{format_number(round(right_value))} %" if is_rate else format_number(round(right_value))
        parts.append(_el("text", right_text, x=RIGHT + 6, y=f"{y + 4:.1f}", fill=LINE))
    parts.append(_el("line", x1=LEFT, x2=RIGHT, y1=BOTTOM, y2=BOTTOM, stroke=INK, stroke_width=1))
    for month in range(1, MONTHS + 1):
        parts.append(_el("text", _("T%(month)s") % {"month": month}, x=f"{slot_x(month) + SLOT / 2:.1f}",
                         y=BOTTOM + 16, text_anchor="middle", fill=INK))
    parts.append(_el("text", _("Hồ sơ trong tháng"), x=4, y=TOP - 12, fill=MUTED, font_size=11))
    parts.append(_el("text", right_title, x=WIDTH - 4, y=TOP - 12, text_anchor="end", fill=LINE, font_size=11))
    parts.append(_el("text", _("Tháng"), x=(LEFT + RIGHT) / 2, y=BOTTOM + 34, text_anchor="middle", fill=MUTED,
                     font_size=11))
    return parts


def describe(points: list[MonthPoint], *, rule, year: int, through: int) -> str:
    """The chart in words, month by month (the <desc> that screen readers read)."""
    is_rate = rule.measure == Measure.RATE
    sentences = [
        _("Chỉ tiêu %(code)s, năm %(year)s, số liệu tháng 1 đến tháng %(through)s.") % {
            "code": rule.code, "year": year, "through": through,
        }
    ]
    for point in points:
        cumulative = rate_text(point.cumulative_online, point.cumulative_total) if is_rate else format_number(point.cumulative_online)
        sentences.append(
            _("Tháng %(month)s: %(total)s hồ sơ, %(online)s trực tuyến, lũy kế %(cumulative)s.") % {
                "month": point.month,
                "total": format_number(point.total),
                "online": format_number(point.online),
                "cumulative": cumulative,
            }
        )
    target = f"{format_number(rule.target)} %" if is_rate else format_number(rule.target)
    sentences.append(_("Mục tiêu: %(target)s.") % {"target": target})
    return " ".join(sentences)


def progress_bar(value: Decimal | int | None, target: Decimal, *, label: str, status: str = "") -> SafeString:
    """A bar filled in proportion to the way to the target (full = target reached)."""
    share = 0.0
    if value is not None and target > 0:
        share = min(1.0, float(value) / float(target))
    elif value is not None and target == 0:
        share = 1.0
    filled = f"{share * 100:.1f}"
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="meter" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{escape(label)}">'
        + _el("rect", x=0, y=0, width=100, height=10, rx=5, fill="#e3e7eb")
        + _el("rect", x=0, y=0, width=filled, height=10, rx=5, class_=f"meter__fill meter__fill--{status}")
        + "</svg>"
    )
