"""Home Affairs lock a year or a month; locked counts refuse every way of changing them."""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from submissions.locks import lock_for, lock_message
from submissions.models import CountLock, DossierCount
from submissions.services import lock_period

from .helpers import admin_change, commune_procedures, counts_of, database_state, grid_url, open_grid, fill

pytestmark = pytest.mark.django_db

LOCK = reverse("submissions:lock")
UNLOCK = reverse("submissions:unlock")
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def nam(home_affairs):
    home_affairs.first_name, home_affairs.last_name = "Trần Văn", "Nam"
    home_affairs.save()
    return home_affairs


def test_the_lock_message_says_who_locked_the_month_and_when(reference, nam):
    lock = CountLock.objects.create(
        district=reference["district"], year=2020, month=9, locked_by=nam,
        locked_at=datetime.datetime(2020, 12, 2, 14, 5, tzinfo=HCM),
    )
    assert lock_message(lock) == "Tháng 9/2020 đã bị khóa bởi Trần Văn Nam lúc 14:05 ngày 02/12/2020."
    year_lock = CountLock(district=reference["district"], year=2020, month=None, locked_by=nam, locked_at=lock.locked_at)
    assert lock_message(year_lock, month=9) == (
        "Tháng 9/2020 (cả năm 2020) đã bị khóa bởi Trần Văn Nam lúc 14:05 ngày 02/12/2020."
    )


def test_lock_for_finds_the_year_lock_or_the_months_own(reference, nam):
    district = reference["district"]
    assert lock_for(district, 2020, 9) is None
    lock_period(district=district, year=2020, month=9, user=nam)
    assert lock_for(district, 2020, 9).month == 9
    assert lock_for(district, 2020, 8) is None
    lock_period(district=district, year=2020, user=nam)
    assert lock_for(district, 2020, 8).month is None
    assert lock_for(district, 2021, 8) is None


def test_home_affairs_lock_a_year_from_the_browser_and_the_grid_refuses_changes(client_for, nam, staff, commune_a):
    response = client_for(nam).post(reverse("reports:year_end_lock", args=[2020]), {"reason": "Hết hạn chấm điểm"})
    assert response.status_code == 302
    lock = CountLock.objects.get(year=2020, month__isnull=True)
    assert lock.locked_by == nam

    client = client_for(staff)
    page = client.get(grid_url(commune_a))
    html = page.content.decode()
    assert "đã bị khóa bởi Trần Văn Nam lúc" in html
    assert 'name="p' not in html and "Lưu số liệu" not in html

    data = {"version": page.context["grid"].version}
    row = page.context["grid"].rows[0]
    data[row.total_name], data[row.online_name] = "5", "1"
    response = client.post(grid_url(commune_a), data)
    assert response.status_code == 200
    assert "Tháng 9/2020 (cả năm 2020) đã bị khóa bởi Trần Văn Nam lúc" in response.content.decode()
    assert counts_of(commune_a) == {}


def test_a_locked_month_leaves_the_other_months_open(client_for, nam, staff, commune_a):
    client_for(nam).post(LOCK, {"year": 2020, "month": 9, "confirmed": "yes"})
    client = client_for(staff)
    code = commune_procedures(1)[0].code
    data, rows = open_grid(client, commune_a, month=8)
    assert client.post(grid_url(commune_a, month=8), fill(data, rows, {code: (3, 1)})).status_code == 302
    assert counts_of(commune_a, month=8) == {code: (3, 1)}
    page = client.get(grid_url(commune_a, month=9))
    assert "Tháng 9/2020 đã bị khóa bởi Trần Văn Nam" in page.content.decode()


def test_a_month_locked_while_the_page_was_open_refuses_the_save(client_for, nam, staff, commune_a):
    client = client_for(staff)
    data, rows = open_grid(client, commune_a)
    client_for(nam).post(LOCK, {"year": 2020, "month": 9, "confirmed": "yes"})
    client = client_for(staff)
    response = client.post(grid_url(commune_a), fill(data, rows, {commune_procedures(1)[0].code: (3, 1)}))
    assert "đã bị khóa bởi Trần Văn Nam" in response.content.decode()
    assert counts_of(commune_a) == {}


def test_unlocking_opens_the_month_again_and_both_are_recorded(client_for, nam, staff, commune_a):
    client = client_for(nam)
    client.post(LOCK, {"year": 2020, "month": 9, "confirmed": "yes"})
    assert client.post(UNLOCK, {"year": 2020, "month": 9, "confirmed": "yes"}).status_code == 302
    assert not CountLock.objects.exists()
    records = list(CountLock.history.order_by("history_id").values_list("history_type", "month", "history_user_id"))
    assert records == [("+", 9, nam.pk), ("-", 9, nam.pk)]
    html = client.get(reverse("submissions:entry_index"), {"year": 2020}).content.decode()
    assert "Nhật ký khóa, mở khóa" in html and "mở khóa" in html


def test_the_completeness_page_has_the_lock_buttons_for_home_affairs_only(client_for, nam, staff):
    html = client_for(nam).get(reverse("submissions:entry_index"), {"year": 2020}).content.decode()
    assert "Khóa cả năm 2020" in html and f'action="{LOCK}"' in html
    assert reverse("reports:year_end_lock", args=[2020]) in html  # the year goes through the year-end gate
    html = client_for(staff).get(reverse("submissions:entry_index"), {"year": 2020}).content.decode()
    assert f'action="{LOCK}"' not in html


def test_locking_twice_says_it_is_already_locked(client_for, nam):
    client = client_for(nam)
    client.post(reverse("reports:year_end_lock", args=[2020]), {"reason": "Hết hạn chấm điểm"})
    response = client.post(LOCK, {"year": 2020, "month": 3, "confirmed": "yes"}, follow=True)
    assert "đã bị khóa bởi Trần Văn Nam" in response.content.decode()
    assert CountLock.objects.count() == 1


def test_unlocking_what_is_not_locked_says_so(client_for, nam):
    response = client_for(nam).post(UNLOCK, {"year": 2020, "month": 4, "confirmed": "yes"}, follow=True)
    assert "Tháng 4/2020 không bị khóa." in response.content.decode()


@pytest.mark.parametrize("url", [LOCK, UNLOCK])
def test_only_home_affairs_may_lock_and_unlock(client_for, client, staff, head_of_commune_a, url):
    assert client_for(staff).post(url, {"year": 2020}).status_code == 403
    assert client_for(head_of_commune_a).post(url, {"year": 2020}).status_code == 403
    assert not CountLock.objects.exists()


@pytest.mark.parametrize("url", [LOCK, UNLOCK])
def test_locking_takes_a_post_with_a_csrf_token(nam, url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(nam)
    assert client.get(url).status_code == 405
    assert client.post(url, {"year": 2020}).status_code == 403
    assert not CountLock.objects.exists()


def test_an_anonymous_visitor_cannot_lock(client):
    response = client.post(LOCK, {"year": 2020})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_bad_year_locks_nothing(client_for, nam):
    client_for(nam).post(LOCK, {"year": "twenty", "month": 13})
    assert not CountLock.objects.exists()


def test_the_lock_and_unlock_commands(reference, commune_a):
    out = io.StringIO()
    call_command("lock", "--year", "2020", "--month", "12", stdout=out)
    assert "Đã khóa tháng 12/2020" in out.getvalue()
    lock = CountLock.objects.get()
    assert (lock.year, lock.month, lock.locked_by) == (2020, 12, None)
    assert "đã bị khóa từ dòng lệnh lúc" in lock_message(lock)
    call_command("lock", "--year", "2020", "--reason", "Hết hạn chấm điểm", stdout=out)
    assert CountLock.objects.filter(month__isnull=True).exists()
    with pytest.raises(CommandError) as error:
        call_command("lock", "--year", "2020", "--month", "5", stdout=out)
    assert "đã bị khóa" in str(error.value)
    call_command("unlock", "--year", "2020", stdout=out)
    call_command("unlock", "--year", "2020", "--month", "12", stdout=out)
    assert not CountLock.objects.exists()
    assert CountLock.history.filter(history_type="-").count() == 2
    assert set(CountLock.history.values_list("history_change_reason", flat=True)) == {"command"}


def test_the_lock_command_records_who_when_asked(reference, nam):
    call_command("lock", "--year", "2020", "--by", nam.username, "--reason", "Hết hạn", stdout=io.StringIO())
    assert CountLock.objects.get().locked_by == nam
    assert CountLock.history.get().history_user == nam
    with pytest.raises(CommandError):
        call_command("lock", "--year", "2021", "--by", "nobody-here", stdout=io.StringIO())


def test_the_admin_refuses_to_change_a_locked_count(client_for, administrator, nam, commune_a):
    procedure = commune_procedures(1)[0]
    count = DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=9, total=5, online=1)
    lock_period(district=commune_a.district, year=2020, month=9, user=nam)
    client = client_for(administrator)
    response = admin_change(client, count, **{
        "unit": commune_a.pk, "procedure": procedure.pk, "year": 2020, "month": 9, "total": 9, "online": 2,
    })
    assert response.status_code == 200
    assert "Tháng 9/2020 đã bị khóa bởi Trần Văn Nam lúc" in response.content.decode()
    count.refresh_from_db()
    assert (count.total, count.online) == (5, 1)
    # nor may a new count be added to the locked month, nor the locked one deleted
    add = client.post(reverse("admin:submissions_dossiercount_add"), {
        "unit": commune_a.pk, "procedure": commune_procedures(2)[1].pk, "year": 2020, "month": 9, "total": 9, "online": 2,
    })
    assert "đã bị khóa bởi Trần Văn Nam" in add.content.decode()
    assert client.post(reverse("admin:submissions_dossiercount_delete", args=[count.pk]), {"post": "yes"}).status_code == 403
    assert DossierCount.objects.count() == 1


def test_the_admin_may_change_an_open_month_and_it_is_recorded(client_for, administrator, commune_a):
    procedure = commune_procedures(1)[0]
    count = DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=9, total=5, online=1)
    response = admin_change(
        client_for(administrator), count,
        **{"unit": commune_a.pk, "procedure": procedure.pk, "year": 2020, "month": 9, "total": 9, "online": 2},
    )
    assert response.status_code == 302
    record = DossierCount.history.filter(id=count.pk).latest("history_id")
    assert (record.total, record.history_user, record.history_change_reason) == (9, administrator, "admin")


def test_a_locked_month_refuses_the_whole_upload(client_for, staff, nam, commune_a):
    # (the upload path is covered in detail in test_import; here: the lock message reaches the preview)
    from .test_import import upload, xlsx_bytes

    lock_period(district=commune_a.district, year=2020, month=9, user=nam)
    code = commune_procedures(1)[0].code
    before = database_state()
    response = upload(client_for(staff), xlsx_bytes([[commune_a.code, "", code, "", 2020, 9, 4, 1]]))
    assert "đã bị khóa bởi Trần Văn Nam" in response.content.decode()
    assert database_state() == before


def test_the_admin_checks_the_lock_while_holding_the_units_row(client_for, administrator, commune_a):
    """Locking a month holds every unit row of the district; the admin's check and save happen
    under the unit's row lock, so no lock can slip in between them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    procedure = commune_procedures(1)[0]
    count = DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=9, total=5, online=1)
    client = client_for(administrator)
    url = reverse("admin:submissions_dossiercount_change", args=[count.pk])
    version = client.get(url).context["adminform"].form["version"].value()
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            url,
            {"unit": commune_a.pk, "procedure": procedure.pk, "year": 2020, "month": 9, "total": 9, "online": 2,
             "version": version},
        )
    assert response.status_code == 302
    statements = [query["sql"] for query in captured.captured_queries]
    held = next(index for index, sql in enumerate(statements)
                if sql.startswith('SELECT "units_unit"."id"') and '"units_unit"."id" IN' in sql
                and ("FOR UPDATE" in sql or connection.vendor != "postgresql"))
    checked = next(index for index, sql in enumerate(statements) if '"submissions_countlock"' in sql)
    saved = next(index for index, sql in enumerate(statements) if sql.startswith('UPDATE "submissions_dossiercount"'))
    assert held < checked < saved
