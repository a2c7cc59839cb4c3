"""Year-end scoring for Home Affairs: who loses points, who needs review, whether the year is locked."""

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import commune_procedures, district_procedures, record

pytestmark = pytest.mark.django_db

YEAR_END = reverse("reports:year_end", args=[2020])


@pytest.fixture
def year(commune_a, commune_b, department):
    record(commune_a, commune_procedures()[0], 11, 100, 20)  # C2 missed (7 short), C1 missed (20 short)
    record(commune_b, district_procedures()[0], 11, 20, 20)  # C1 met; C2 no data
    record(department, district_procedures(department)[0], 11, 10, 4)  # D1 met


def test_home_affairs_sees_the_flagged_units_with_the_rules_missed_and_the_points(client_for, home_affairs, year):
    response = client_for(home_affairs).get(YEAR_END)
    html = response.content.decode()
    assert response.status_code == 200
    flagged = html.split('id="flagged-heading"', 1)[1].split('id="nodata-heading"', 1)[0]
    assert "Thị trấn Đức Thọ" in flagged
    assert "20,0 %" in flagged and "cần thêm 7 hồ sơ trực tuyến để đạt 25 %" in flagged
    assert "cần thêm 20 hồ sơ trực tuyến để đạt 20 hồ sơ" in flagged
    assert "<strong>4</strong>" in flagged
    assert "Phòng Tài chính - Kế hoạch" not in flagged


def test_units_without_data_are_listed_apart_for_review(client_for, home_affairs, year):
    html = client_for(home_affairs).get(YEAR_END).content.decode()
    review = html.split('id="nodata-heading"', 1)[1]
    assert "Xã Tùng Ảnh" in review.split("</section>", 1)[0]
    flagged = html.split('id="flagged-heading"', 1)[1].split('id="nodata-heading"', 1)[0]
    assert "Xã Tùng Ảnh" not in flagged  # C1 met, C2 without data: reviewed, never silently scored
    assert "Xã Tùng Châu" in flagged  # no dossier at all: C1 missed (0 of 20), C2 without data
    assert "Phòng Tài chính - Kế hoạch" not in review.split("</section>", 1)[0]


def test_the_page_says_whether_the_year_is_locked(client_for, home_affairs, reference):
    from submissions.models import CountLock

    client = client_for(home_affairs)
    assert "Năm 2020 chưa khóa" in client.get(YEAR_END).content.decode()
    CountLock.objects.create(district=reference["district"], year=2020, locked_at=timezone.now(), locked_by=home_affairs)
    html = client.get(YEAR_END).content.decode()
    assert "Năm 2020 đã khóa" in html and "đã bị khóa bởi" in html


def test_before_december_nobody_is_flagged_and_the_page_says_why(client_for, home_affairs, year):
    html = client_for(home_affairs).get(YEAR_END, {"through": 9}).content.decode()
    assert "Chưa tính đủ 12 tháng nên chưa có đơn vị nào bị trừ điểm." in html


def test_the_button_downloads_the_scoring_workbook(client_for, home_affairs):
    client = client_for(home_affairs)
    html = client.get(YEAR_END).content.decode()
    assert reverse("reports:year_end_xlsx", args=[2020]) + "?through=12" in html
    response = client.get(reverse("reports:year_end_xlsx", args=[2020]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="cham-diem-dvctt-2020.xlsx"'


def test_the_index_opens_the_current_policy_year(client_for, home_affairs):
    response = client_for(home_affairs).get(reverse("reports:year_end_index"))
    assert response.status_code == 302 and response["Location"] == YEAR_END


def test_a_year_without_a_policy_says_so(client_for, home_affairs):
    response = client_for(home_affairs).get(reverse("reports:year_end", args=[2019]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Năm 2019 chưa có chỉ tiêu (chính sách) của huyện." in html
    assert reverse("reports:year_end", args=[2020]) in html


def test_a_bad_month_is_explained(client_for, home_affairs):
    response = client_for(home_affairs).get(YEAR_END, {"through": 13})
    assert response.status_code == 400
    assert "Tháng phải từ 1 đến 12" in response.content.decode()


@pytest.mark.parametrize("person", ["staff", "head_of_commune_a"])
@pytest.mark.parametrize("name", ["year_end_index", "year_end", "year_end_xlsx"])
def test_only_home_affairs_and_administrators_score_the_year(request, client_for, person, name, administrator):
    url = reverse(f"reports:{name}", args=[] if name == "year_end_index" else [2020])
    assert client_for(request.getfixturevalue(person)).get(url).status_code == 403
    assert client_for(administrator).get(url).status_code in (200, 302)


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(YEAR_END)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
