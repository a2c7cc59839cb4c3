"""The month-by-month chart and the sentences, without a database."""

from decimal import Decimal
from types import SimpleNamespace
from xml.etree import ElementTree

from targets.arithmetic import evaluate
from targets.breakdowns import MonthPoint
from reports.charts import monthly_chart, nice_ceiling, progress_bar

SVG = "{http://www.w3.org/2000/svg}"


def series(measure, target, months):
    points, online_sum, total_sum = [], 0, 0
    for month, (total, online) in enumerate(months, start=1):
        online_sum += online
        total_sum += total
        outcome = evaluate(measure=measure, target=Decimal(target), online=online_sum, total=total_sum, through=month)
        points.append(MonthPoint(month, online, total, online_sum, total_sum, outcome))
    return points


def rule(code, measure, target):
    return SimpleNamespace(code=code, measure=measure, target=Decimal(target), label=code)


def test_a_rate_chart_draws_bars_the_cumulative_line_and_the_target_with_words():
    svg = monthly_chart(series("rate", 25, [(40, 10), (60, 10)]), rule=rule("C2", "rate", 25), year=2020, through=2)
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "chart-c2-title chart-c2-desc"
    assert root.find(f"{SVG}title").text.startswith("C2 — số hồ sơ theo tháng")
    desc = root.find(f"{SVG}desc").text
    assert "Tháng 1: 40 hồ sơ, 10 trực tuyến, lũy kế 25,0 %." in desc
    assert "Tháng 2: 60 hồ sơ, 10 trực tuyến, lũy kế 20,0 %." in desc
    assert "Mục tiêu: 25 %." in desc
    assert len(root.findall(f"{SVG}rect")) >= 1 + 2 * 2  # background, two bars per month
    assert len(root.findall(f"{SVG}polyline")) == 1
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "Mục tiêu 25 %" in texts and "20,0 %" in texts and "T12" in texts
    assert "Tổng số hồ sơ trong tháng" in texts and "Hồ sơ trực tuyến trong tháng" in texts  # a legend in words


def test_a_count_chart_draws_the_cumulative_count_and_the_pace_during_the_year():
    svg = monthly_chart(series("count", 20, [(5, 5), (3, 2), (0, 0)]), rule=rule("C1", "count", 20), year=2020, through=3)
    root = ElementTree.fromstring(svg)
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "Mục tiêu 20 hồ sơ" in texts and "7" in texts and "Tiến độ cần đạt" in texts
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) >= 2  # the target and the pace


def test_text_in_the_chart_is_escaped():
    svg = monthly_chart(series("rate", 25, [(1, 1)]), rule=rule("<b>", "rate", 25), year=2020, through=1)
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    ElementTree.fromstring(svg)


def test_axis_maxima_are_round():
    assert [nice_ceiling(value) for value in (0, 9, 13, 75, 101, 1700)] == [4, 12, 20, 80, 200, 2000]


def test_the_progress_bar_is_full_at_the_target_and_labelled():
    root = ElementTree.fromstring(progress_bar(Decimal("20"), Decimal("25"), label="20,0 % / 25 %", status="at_risk"))
    fill = root.findall(f"{SVG}rect")[1]
    assert fill.get("width") == "80.0" and "meter__fill--at_risk" in fill.get("class")
    assert root.get("aria-label") == "20,0 % / 25 %"
    assert ElementTree.fromstring(progress_bar(30, Decimal("20"), label="x")).findall(f"{SVG}rect")[1].get("width") == "100.0"
