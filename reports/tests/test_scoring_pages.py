"""Issue 19 as people see it: a unit head reads the points earned, the score and the forecast on
the dashboard; Home Affairs reads every unit's score on the overview, the year-end page and the
scoring workbook. The 2020 letter's pages show none of it (they only deduct)."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from targets.tests.test_scoring import YEAR, commune_procedures, filed, policy_766  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed_2021(policy_766, commune_a, commune_b):  # noqa: F811
    procedures = commune_procedures()
    for month in (7, 8, 9):
        filed(commune_a, procedures[0], month=month, online=2, total=4)  # 50 %: the full 2 points of P33
        filed(commune_b, procedures[0], month=month, online=1, total=4)  # 25 %: 1 point of 2
    filed(commune_a, procedures[1], month=9, online=1, total=1)


def test_a_unit_head_sees_the_points_earned_the_score_and_the_forecast(filed_2021, head_of_commune_a, client_for):
    page = client_for(head_of_commune_a).get(
        reverse("reports:unit_dashboard", args=["18229"]) + f"?year={YEAR}&through=9").content.decode()
    assert "Điểm đạt được: 2/2 điểm" in page  # P33 at 50 %
    assert "Điểm hiện tại:" in page and "dự báo cả năm:" in page
    # P33: 7 of 13 so far, and as many again: 14/26 = 53.85 % on the page rounded once (53,8 %), never 53,9
    assert "Dự báo cả năm (nếu các tháng còn lại như 3 tháng gần nhất): 53,8 % — 2/2 điểm" in page
    assert "Cần thêm hồ sơ trực tuyến ở" in page and "thủ tục nữa để đạt 50 %" in page  # coverage, and what it would earn
    assert "2/40 thủ tục có hồ sơ trực tuyến" in page


def test_the_2020_dashboard_shows_no_score_and_no_points_earned(reference, head_of_commune_a, client_for):
    page = client_for(head_of_commune_a).get(
        reverse("reports:unit_dashboard", args=["18229"]) + "?year=2020&through=9").content.decode()
    assert "Điểm hiện tại:" not in page and "Điểm đạt được" not in page
    assert "Dự báo cả năm" in page  # a forecast is still given before December, labelled as one


def test_the_overview_and_its_workbook_show_each_units_score(filed_2021, staff, client_for):
    client = client_for(staff)
    page = client.get(reverse("reports:overview") + f"?year={YEAR}&through=9").content.decode()
    assert "P33 · điểm" in page and ">Điểm<" in page
    sheet = load_workbook(BytesIO(client.get(reverse("reports:overview_xlsx") + f"?year={YEAR}&through=9").content)).active
    headers = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "Điểm" in headers and "P33 · điểm" in headers


def test_home_affairs_reads_the_scores_by_rank_on_the_year_end_page_and_in_the_scoring_workbook(
        filed_2021, home_affairs, client_for, commune_a, commune_b):
    client = client_for(home_affairs)
    page = client.get(reverse("reports:year_end", args=[YEAR]) + "?through=12").content.decode()
    assert "Điểm của từng đơn vị — tính theo tỷ lệ đạt được" in page
    assert page.index(commune_a.name) < page.index(commune_b.name)  # the higher score ranks first
    workbook = load_workbook(BytesIO(client.get(reverse("reports:year_end_xlsx", args=[YEAR]) + "?through=12").content))
    values = [cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert "P33 · điểm" in values and "Điểm" in values
    assert 1 in values or 1.0 in values  # commune B's P33: 2 × 25/50


def test_the_2020_year_end_page_keeps_its_deductions_only(reference, home_affairs, client_for):
    page = client_for(home_affairs).get(reverse("reports:year_end", args=[2020]) + "?through=12").content.decode()
    assert "Điểm của từng đơn vị — tính theo tỷ lệ đạt được" not in page


def test_a_year_end_dashboard_with_only_proportional_rules_missed_says_the_points_earned_not_a_deduction(
        filed_2021, commune_b, head_of_commune_b, client_for):
    from decimal import Decimal

    from targets.models import TargetRule

    TargetRule.objects.filter(code="C1").update(target=Decimal("0"))  # the deducted rule is met: only 766's are missed
    page = client_for(head_of_commune_b).get(
        reverse("reports:unit_dashboard", args=[commune_b.code]) + f"?year={YEAR}&through=12").content.decode()
    headline = page.split('class="verdict__headline">')[1].split("</h2>")[0]
    assert "chưa đạt mức" in headline and "được" in headline and "bị trừ" not in headline
