"""The unit head's dashboard: where the unit stands and what is missing, in ten seconds."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import commune_procedures, district_procedures, record

pytestmark = pytest.mark.django_db


def dashboard(unit, **query):
    url = reverse("reports:unit_dashboard", args=[unit.code])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def test_the_unit_head_of_commune_a_lands_on_their_dashboard_and_sees_what_is_missing(client_for, head_of_commune_a, commune_a):
    record(commune_a, commune_procedures()[0], 6, 100, 20)
    client = client_for(head_of_commune_a)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:unit_dashboard", args=["18229"])
    html = response.content.decode()
    assert "Thị trấn Đức Thọ" in html
    assert "20,0 %" in html
    assert "Cần thêm 7 hồ sơ trực tuyến để đạt 25 %" in html
    assert "có nguy cơ" in html
    assert "Số liệu từ tháng 1 đến hết tháng 6/2020" in html  # the last month with counts


def test_a_count_rule_says_how_many_dossiers_are_missing_and_the_pace(client_for, head_of_commune_a, commune_a):
    record(commune_a, district_procedures()[0], 2, 20, 12)
    html = client_for(head_of_commune_a).get(dashboard(commune_a, year=2020, through=9)).content.decode()
    assert "Cần thêm 8 hồ sơ trực tuyến để đạt 20 hồ sơ" in html
    assert "đúng tiến độ khi có từ 15 hồ sơ đến hết tháng 9" in html  # ⌈20 × 9 / 12⌉


def test_a_met_rule_says_so_and_no_data_is_sent_for_review(client_for, head_of_commune_a, commune_a):
    record(commune_a, district_procedures()[0], 2, 25, 25)
    html = client_for(head_of_commune_a).get(dashboard(commune_a, year=2020, through=12)).content.decode()
    assert "Đã đạt chỉ tiêu" in html
    assert "Chưa có hồ sơ nào phát sinh — Cơ quan Tổ chức - Nội vụ xem xét" in html
    assert "chưa có số liệu" in html


def test_at_year_end_the_headline_gives_the_points_lost(client_for, head_of_commune_a, commune_a):
    record(commune_a, commune_procedures()[0], 3, 10, 1)
    html = client_for(head_of_commune_a).get(dashboard(commune_a, year=2020, through=12)).content.decode()
    assert "Đơn vị không đạt 2/2 chỉ tiêu năm 2020 — bị trừ 4 điểm thi đua." in html
    assert "Bị trừ 2 điểm thi đua" in html


def test_the_dashboard_gives_the_rank_among_units_of_the_same_kind(client_for, head_of_commune_a, commune_a, commune_b):
    record(commune_a, commune_procedures()[0], 1, 10, 5)
    record(commune_b, commune_procedures()[0], 1, 10, 1)
    html = client_for(head_of_commune_a).get(dashboard(commune_a, year=2020, through=3)).content.decode()
    assert re.search(r"Xếp thứ <strong>1/16</strong> trong các xã, thị trấn", html)


def test_the_chart_is_inline_svg_with_a_title_and_a_description(client_for, head_of_commune_a, commune_a):
    record(commune_a, commune_procedures()[0], 1, 40, 10)
    record(commune_a, commune_procedures()[0], 2, 60, 20)
    html = client_for(head_of_commune_a).get(dashboard(commune_a, year=2020, through=2)).content.decode()
    assert html.count('role="img" aria-labelledby="chart-') == 2  # C1 and C2
    assert '<title id="chart-c2-title">' in html and '<desc id="chart-c2-desc">' in html
    assert "Tháng 2: 60 hồ sơ, 20 trực tuyến, lũy kế 30,0 %." in html  # 30 / 100 so far
    # nothing the strict CSP would block: scripts only from the portal's own files, no inline style
    assert not re.search(r"<script(?![^>]*\ssrc=\"/static/)", html) and ' style="' not in html


def test_the_procedures_come_biggest_volume_first_and_sort_by_any_column(client_for, head_of_commune_a, commune_a):
    first, second = commune_procedures()[:2]
    record(commune_a, first, 1, 5, 5)
    record(commune_a, second, 1, 50, 1)
    client = client_for(head_of_commune_a)
    html = client.get(dashboard(commune_a, year=2020, through=1)).content.decode()
    assert html.index(second.name) < html.index(first.name)
    assert 'aria-sort="descending"' in html
    html = client.get(dashboard(commune_a, year=2020, through=1, sort="-online")).content.decode()
    assert html.index(first.name) < html.index(second.name)


def test_my_dashboard_takes_a_unit_head_to_their_own_unit(client_for, head_of_department):
    response = client_for(head_of_department).get(reverse("reports:my_dashboard") + "?through=3")
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:unit_dashboard", args=["440.TCKH"]) + "?through=3"


def test_a_unit_head_cannot_open_commune_b(client_for, head_of_commune_a, commune_b):
    assert client_for(head_of_commune_a).get(dashboard(commune_b)).status_code == 404


def test_a_unit_that_does_not_exist_answers_the_same_404(client_for, head_of_commune_a):
    assert client_for(head_of_commune_a).get(reverse("reports:unit_dashboard", args=["nope"])).status_code == 404


@pytest.mark.parametrize("person", ["staff", "home_affairs", "administrator"])
def test_district_people_open_any_units_dashboard(request, client_for, person, commune_b):
    response = client_for(request.getfixturevalue(person)).get(dashboard(commune_b))
    assert response.status_code == 200
    assert "Xã Tùng Ảnh" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_login(client, commune_a):
    response = client.get(dashboard(commune_a))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "query, message",
    [
        ({"through": 13}, "Tháng phải từ 1 đến 12"),
        ({"through": "abc"}, "Tháng phải từ 1 đến 12"),
        ({"year": "abc"}, "chưa có chỉ tiêu của huyện"),
        ({"year": 2019}, "Năm 2019 chưa có chỉ tiêu của huyện"),
    ],
)
def test_a_bad_year_or_month_is_explained_never_a_500(client_for, head_of_commune_a, commune_a, query, message):
    response = client_for(head_of_commune_a).get(dashboard(commune_a, **query))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_without_counts_the_dashboard_opens_on_january(client_for, head_of_commune_a, commune_a):
    html = client_for(head_of_commune_a).get(dashboard(commune_a)).content.decode()
    assert "Số liệu từ tháng 1 đến hết tháng 1/2020" in html


def test_a_locked_year_opens_on_december(client_for, head_of_commune_a, commune_a, reference):
    from submissions.models import CountLock

    record(commune_a, commune_procedures()[0], 4, 10, 5)
    CountLock.objects.create(district=reference["district"], year=2020, locked_at=timezone.now())
    html = client_for(head_of_commune_a).get(dashboard(commune_a)).content.decode()
    assert "Số liệu từ tháng 1 đến hết tháng 12/2020" in html


def test_the_period_form_is_labelled_and_shows_the_period_shown(client_for, head_of_commune_a, commune_a):
    record(commune_a, commune_procedures()[0], 4, 10, 5)
    html = client_for(head_of_commune_a).get(dashboard(commune_a)).content.decode()
    assert '<label for="id_year">' in html and '<label for="id_through">' in html
    assert '<option value="4" selected>' in html


def test_an_inactive_unit_says_it_is_not_scored(client_for, staff, commune_b):
    type(commune_b).objects.filter(pk=commune_b.pk).update(is_active=False)
    html = client_for(staff).get(dashboard(commune_b)).content.decode()
    assert "Đơn vị đã ngừng hoạt động nên không được tính chỉ tiêu." in html
