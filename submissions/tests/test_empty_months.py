"""Months declared without any dossier ("không phát sinh hồ sơ"): their own step, recorded only where
there is something to report, refused once locked on every path (grid, admin), and in the history."""

import pytest
from django.urls import reverse

from submissions.models import EmptyMonth
from submissions.services import lock_period
from units.models import Unit

from .helpers import grid_url, open_grid

pytestmark = pytest.mark.django_db

OFFICE = "440.VP"  # Văn phòng HĐND và UBND huyện: no level 3/4 procedure of its own


@pytest.fixture
def office(reference):
    return Unit.objects.get(code=OFFICE)


def test_a_month_declared_empty_is_recorded_in_the_history(staff_client, staff, commune_a):
    data, _rows = open_grid(staff_client, commune_a)
    assert staff_client.post(grid_url(commune_a), data).status_code == 302  # saving it declares nothing
    assert not EmptyMonth.objects.exists()
    assert staff_client.post(reverse("submissions:month_action", args=[commune_a.code, 2020, 9, "empty"])).status_code == 302
    month = EmptyMonth.objects.get(unit=commune_a, year=2020, month=9)
    record = month.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == ("+", staff, "grid")


def test_a_year_the_catalog_does_not_cover_cannot_be_saved_as_entered(staff_client, commune_a):
    response = staff_client.post(grid_url(commune_a, 2015, 3), {"version": "0-0"})
    assert response.status_code == 200
    assert "không có thủ tục mức độ 3, 4 nào để nhập số liệu trong năm 2015" in response.content.decode()
    assert not EmptyMonth.objects.exists()


def test_a_unit_without_procedures_cannot_be_saved_as_entered(client_for, administrator, office):
    client = client_for(administrator)
    response = client.post(grid_url(office), {"version": "0-0"})
    assert response.status_code == 200
    assert "Văn phòng HĐND và UBND huyện không có thủ tục mức độ 3, 4 nào" in response.content.decode()
    assert not EmptyMonth.objects.exists()


ADD = reverse("admin:submissions_emptymonth_add")


def test_the_admin_adds_and_takes_back_an_empty_month_and_both_are_in_the_history(client_for, administrator, commune_a):
    client = client_for(administrator)
    response = client.post(ADD, {"unit": commune_a.pk, "year": 2020, "month": 8})
    assert response.status_code == 302
    month = EmptyMonth.objects.get(unit=commune_a, year=2020, month=8)
    assert month.confirmed_by == administrator
    delete = reverse("admin:submissions_emptymonth_delete", args=[month.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not EmptyMonth.objects.exists()
    kinds = list(EmptyMonth.history.order_by("history_id").values_list("history_type", "history_user", "history_change_reason"))
    assert kinds == [("+", administrator.pk, "admin"), ("-", administrator.pk, "admin")]


def test_the_admin_cannot_add_or_take_back_an_empty_month_of_a_locked_month(client_for, administrator, home_affairs, commune_a):
    client = client_for(administrator)
    recorded = EmptyMonth.objects.create(unit=commune_a, year=2020, month=7, confirmed_at="2020-08-03T08:00+07:00")
    lock_period(district=commune_a.district, year=2020, month=7, user=home_affairs)
    lock_period(district=commune_a.district, year=2020, month=8, user=home_affairs)
    response = client.post(ADD, {"unit": commune_a.pk, "year": 2020, "month": 8})
    assert response.status_code == 200
    assert "Tháng 8/2020 đã bị khóa" in response.content.decode()
    delete = reverse("admin:submissions_emptymonth_delete", args=[recorded.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert list(EmptyMonth.objects.values_list("month", flat=True)) == [7]


def test_the_admin_refuses_an_empty_month_for_a_month_with_counts_or_a_unit_without_procedures(
    client_for, administrator, commune_a, office
):
    from .helpers import commune_procedures
    from submissions.models import DossierCount

    DossierCount.objects.create(unit=commune_a, procedure=commune_procedures(1)[0], year=2020, month=6, total=2, online=1)
    client = client_for(administrator)
    with_counts = client.post(ADD, {"unit": commune_a.pk, "year": 2020, "month": 6})
    assert "Tháng 6/2020 của Thị trấn Đức Thọ đã có số liệu" in with_counts.content.decode()
    nothing = client.post(ADD, {"unit": office.pk, "year": 2020, "month": 6})
    assert "không có thủ tục mức độ 3, 4 nào" in nothing.content.decode()
    assert not EmptyMonth.objects.exists()


def test_an_empty_month_cannot_be_moved_in_the_admin(client_for, administrator, commune_a):
    recorded = EmptyMonth.objects.create(unit=commune_a, year=2020, month=7, confirmed_at="2020-08-03T08:00+07:00")
    change = reverse("admin:submissions_emptymonth_change", args=[recorded.pk])
    client_for(administrator).post(change, {"unit": commune_a.pk, "year": 2020, "month": 3})
    recorded.refresh_from_db()
    assert recorded.month == 7
