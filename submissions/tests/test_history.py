"""Every change to a count keeps who, when, old and new — whichever way it came."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from submissions.importing import COLUMNS
from submissions.models import DossierCount

from .helpers import admin_change, commune_procedures, save_grid
from .test_import import confirm, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def history_url(unit, year=2020, month=9):
    return reverse("submissions:entry_history", args=[unit.code, year, month])


@pytest.fixture
def hoa(staff):
    staff.first_name, staff.last_name = "Nguyễn Thị", "Hoa"
    staff.save()
    return staff


def test_the_history_shows_who_when_old_and_new_and_how_for_every_way_in(
    client_for, hoa, administrator, commune_a, tmp_path
):
    first, second, third, fourth = commune_procedures(4)
    client = client_for(hoa)
    save_grid(client, commune_a, {first.code: (5, 1)})
    save_grid(client, commune_a, {first.code: (6, 2)})
    confirm(client, upload(client, xlsx_bytes([[commune_a.code, "", second.code, "", 2020, 9, 4, 4]])))
    path = tmp_path / "so-lieu.csv"
    path.write_text(f"unit_code,unit_name,procedure_code,procedure_name,year,month,total,online\n{commune_a.code},,{third.code},,2020,9,3,0\n")
    call_command("import_counts", str(path), stdout=io.StringIO())
    count = DossierCount.objects.create(unit=commune_a, procedure=fourth, year=2020, month=9, total=1, online=0)
    admin_change(
        client_for(administrator), count,
        **{"unit": commune_a.pk, "procedure": fourth.pk, "year": 2020, "month": 9, "total": 2, "online": 1},
    )

    response = client_for(hoa).get(history_url(commune_a))
    assert response.status_code == 200
    html = response.content.decode()
    records = response.context["records"]
    by_reason = {}
    for record in records:
        by_reason.setdefault(record.history_change_reason, []).append(record)
    grid_edit = by_reason["grid"][0]  # newest first
    assert (grid_edit.previous.total, grid_edit.total, grid_edit.history_user) == (5, 6, hoa)
    assert by_reason["upload"][0].history_user == hoa and by_reason["command"][0].history_user is None
    assert by_reason["admin"][0].history_user == administrator
    assert "Nhập trên lưới" in html and "Tải tệp lên" in html and "Dòng lệnh" in html and "Trang quản trị" in html
    assert "Nguyễn Thị Hoa" in html
    assert "5 → <strong>6</strong>" in html and "1 → <strong>2</strong>" in html
    assert first.code in html and second.code in html and third.code in html


def test_the_history_page_is_linked_from_the_grid_and_reads_in_fixed_queries(client_for, staff, commune_a):
    client = client_for(staff)
    for total in range(1, 4):
        save_grid(client, commune_a, {code.code: (total, 0) for code in commune_procedures(5)})

    with CaptureQueriesContext(connection) as captured:
        response = client.get(history_url(commune_a))
    assert len(response.context["records"]) == 15
    # session, user, permissions ×2, person, the unit, the history (with people and procedures), the
    # month's notes, its confirmations of unusual values, menu
    assert len(captured) <= 11


def test_history_is_not_shown_to_outsiders(client_for, head_of_commune_b, head_of_commune_a, commune_a):
    assert client_for(head_of_commune_b).get(history_url(commune_a)).status_code == 404
    assert client_for(head_of_commune_a).get(history_url(commune_a)).status_code == 200


def test_an_anonymous_visitor_is_sent_to_log_in(client, commune_a):
    assert client.get(history_url(commune_a)).status_code == 302


def test_an_empty_month_says_nothing_changed(client_for, staff, commune_a):
    assert "Chưa có thay đổi nào" in client_for(staff).get(history_url(commune_a, month=2)).content.decode()


@pytest.mark.parametrize("way", ["upload", "command"])
def test_an_import_that_changes_saved_values_keeps_a_complete_history_record_of_every_row(
    client_for, hoa, commune_a, monkeypatch, tmp_path, way
):
    from submissions import services
    from submissions.models import ChangeReason
    from submissions.versions import month_version

    monkeypatch.setattr(services, "UPDATE_BATCH", 2)  # five updated rows: three UPDATE statements
    procedures = commune_procedures(7)
    saved = [DossierCount.objects.create(unit=commune_a, procedure=p, year=2020, month=9, total=8, online=3) for p in procedures[:6]]
    untouched = saved[5]
    version_before = month_version(commune_a.pk, 2020, 9)
    rows = [[commune_a.code, "", p.code, "", 2020, 9, 10 + n, n] for n, p in enumerate(procedures[:5])]
    rows.append([commune_a.code, "", procedures[6].code, "", 2020, 9, 4, 1])  # a new row in the same file
    if way == "upload":
        client = client_for(hoa)
        assert confirm(client, upload(client, xlsx_bytes(rows))).status_code == 200
        person, reason = hoa, ChangeReason.UPLOAD
    else:
        path = tmp_path / "so-lieu.csv"
        path.write_text("\n".join([",".join(COLUMNS), *(",".join(map(str, r)) for r in rows)]) + "\n")
        call_command("import_counts", str(path), stdout=io.StringIO())
        person, reason = None, ChangeReason.COMMAND

    for n, count in enumerate(saved[:5]):
        count.refresh_from_db()
        assert (count.total, count.online, count.updated_by) == (10 + n, n, person)
        records = list(DossierCount.history.filter(id=count.pk).order_by("history_id"))
        assert [record.history_type for record in records] == ["+", "~"]
        record = records[-1]
        assert (record.total, record.online) == (10 + n, n)
        assert (record.history_user, record.history_change_reason) == (person, reason)
        assert (record.updated_by, record.updated_at) == (person, count.updated_at)
        assert record.history_date == count.updated_at
        assert (record.unit_id, record.procedure_id, record.year, record.month) == (commune_a.pk, procedures[n].pk, 2020, 9)
        assert records[0].total == 8  # the value before is still there to compare with
    new = DossierCount.objects.get(unit=commune_a, procedure=procedures[6], year=2020, month=9)
    assert [(r.history_type, r.total, r.history_user, r.history_change_reason) for r in new.history.all()] == [
        ("+", 4, person, reason)
    ]
    assert new.history.get().history_date == record.history_date  # one moment for the whole file
    assert new.history.get().updated_at == new.updated_at
    untouched_before = untouched.updated_at
    untouched.refresh_from_db()
    assert (untouched.total, untouched.updated_at, untouched.history.count()) == (8, untouched_before, 1)
    assert month_version(commune_a.pk, 2020, 9) != version_before


def test_the_history_is_indexed_by_unit_month_so_the_grid_finds_its_version_and_last_change_in_one_step():
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "submissions_historicaldossiercount")
    index = constraints["submissions_histcount_unit_month"]
    assert index["index"] and index["columns"] == ["unit_id", "year", "month", "history_id"]
