"""The district overview: every unit per rule for district staff; the ranking only for unit heads."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from factories import commune_procedures, district_procedures, record
from reports.workbooks import HEADER_ROW

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("reports:overview")
XLSX = reverse("reports:overview_xlsx")


@pytest.fixture
def figures(commune_a, commune_b, department):
    record(commune_a, commune_procedures()[0], 3, 100, 20)  # C2 20 % — at risk, 7 short
    record(commune_a, district_procedures()[0], 3, 30, 25)  # C1 25 — met
    record(commune_b, commune_procedures()[0], 3, 10, 5)  # C2 50 %
    record(department, district_procedures(department)[0], 3, 10, 4)  # D1 40 %


def rows_of(html):
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr")


def test_staff_see_every_unit_with_value_target_status_shortfall_and_points(client_for, staff, figures):
    response = client_for(staff).get(OVERVIEW, {"year": 2020, "through": 9})
    html = response.content.decode()
    assert response.status_code == 200
    assert rows_of(html) == 28
    for header in ("C1 · kết quả", "C2 · chỉ tiêu", "C2 · đánh giá", "D1 · còn thiếu", "Điểm trừ"):
        assert header in html
    assert "20,0 %" in html and "20/100" in html


def test_the_summary_gives_units_meeting_each_rule_and_the_volume_weighted_district_rate(client_for, staff, figures):
    html = client_for(staff).get(OVERVIEW, {"year": 2020, "through": 9}).content.decode()
    assert "22,7 %" in html  # C2: (20 + 5) / (100 + 10), never the mean of 20 % and 50 %
    assert "(25/110)" in html
    assert "1/16 đơn vị" in html  # C1: only commune A is on track


def test_filters_narrow_the_units_and_the_rules(client_for, staff, figures):
    client = client_for(staff)
    html = client.get(OVERVIEW, {"kind": "department", "year": 2020, "through": 9}).content.decode()
    assert rows_of(html) == 12 and "D1 · kết quả" in html and "C1 · kết quả" not in html
    html = client.get(OVERVIEW, {"q": "tùng", "year": 2020, "through": 9}).content.decode()
    assert "Xã Tùng Ảnh" in html and "Xã Tùng Châu" in html and rows_of(html) == 2
    html = client.get(OVERVIEW, {"rule": "C2", "status": "at_risk", "year": 2020, "through": 9}).content.decode()
    assert "Thị trấn Đức Thọ" in html and "Xã Tùng Ảnh" not in html and "C1 · kết quả" not in html
    assert rows_of(html) == 1


def test_the_columns_sort(client_for, staff, figures):
    html = client_for(staff).get(OVERVIEW, {"year": 2020, "through": 9, "sort": "-r1_value"}).content.decode()
    assert html.index("Xã Tùng Ảnh") < html.index("Thị trấn Đức Thọ")  # 50 % before 20 %
    assert 'aria-sort="descending"' in html


def test_every_filter_is_labelled(client_for, staff):
    html = client_for(staff).get(OVERVIEW).content.decode()
    for name in ("year", "through", "kind", "rule", "status", "q"):
        assert f'<label for="id_{name}">' in html


def test_bad_filters_are_explained_never_a_500(client_for, staff):
    response = client_for(staff).get(OVERVIEW, {"year": "abc", "through": 13, "status": "great"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "chưa có chỉ tiêu của huyện" in html and "Tháng phải từ 1 đến 12" in html


def test_the_download_is_exactly_the_filtered_and_sorted_table(client_for, home_affairs, figures):
    client = client_for(home_affairs)
    query = {"year": 2020, "through": 9, "kind": "commune", "sort": "-r1_value"}
    html = client.get(OVERVIEW, query).content.decode()
    response = client.get(XLSX, query)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tong-hop-dvctt-2020-thang-09.xlsx"'
    sheet = load_workbook(BytesIO(response.content)).active
    header = [cell.value for cell in sheet[HEADER_ROW]]
    assert header[:5] == ["STT", "Đơn vị", "Mã đơn vị", "Điểm trừ", "Xếp hạng"]
    assert "D1 · kết quả" not in header and header[-2:] == ["C2 · còn thiếu", "Số liệu"]
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    rows = rows[:next((index for index, row in enumerate(rows) if row[0] is None), len(rows))]  # the table, not the signatures
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))  # STT
    names = [row[1] for row in rows]
    assert len(names) == 16 == rows_of(html)
    assert names == sorted(names, key=html.index)  # the page's order
    assert names[0] == "Xã Tùng Ảnh"
    c2 = header.index("C2 · kết quả")
    values = {row[1]: row[c2] for row in rows}
    assert values["Thị trấn Đức Thọ"] == pytest.approx(0.2) and values["Xã Tùng Ảnh"] == pytest.approx(0.5)
    assert "Loại đơn vị: Xã, thị trấn" in sheet["A6"].value


def test_a_unit_head_sees_the_ranking_but_no_other_units_figures(client_for, head_of_commune_a, figures):
    response = client_for(head_of_commune_a).get(OVERVIEW, {"year": 2020, "through": 9})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Xếp hạng: Xã, thị trấn" in html
    assert "Xã Tùng Ảnh" in html and "Phòng Tài chính - Kế hoạch" not in html
    assert "50,0 %" not in html and "5/10" not in html  # commune B's figures
    assert 'class="is-own"' in html and "đơn vị của bạn" in html
    assert "22,7 %" in html  # the district-wide summary is not another unit's detail


def test_a_unit_head_cannot_download_the_overview(client_for, head_of_commune_a):
    assert client_for(head_of_commune_a).get(XLSX).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    for url in (OVERVIEW, XLSX):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("year", ["²", "٢٠٢٠", "abc", "-1", "99999999999999999999"])
def test_a_strange_year_in_the_address_never_breaks_the_overview(client_for, staff, year):
    client = client_for(staff)
    assert client.get("/overview/", {"year": year, "through": "9"}).status_code in (200, 400)
    assert client.get("/overview/export.xlsx", {"year": year, "through": "9"}).status_code in (200, 400)
