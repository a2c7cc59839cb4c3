"""No typo becomes a deduction (issue 15, points 2–3): a value far above the unit's own history, or
a month that breaks a run of active months, is flagged on the grid, in the import preview, in the
admin and by the review; it is saved only once a person ticks that it is right, and who did is
kept with the value; the year-end gate lists those nobody confirmed."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from submissions.models import ChangeReason, DossierCount, UnusualCheck
from submissions.plausibility import ALL_ONLINE, DROP, JUMP, expected_max, find_unusual, unusual, unusual_month
from submissions.services import UnusualNotConfirmed, save_month
from submissions.tests.helpers import admin_change, commune_procedures, fill, grid_url, open_grid
from submissions.tests.test_import import confirm, row, upload, xlsx_bytes
from submissions.versions import month_version


def test_a_thousand_where_the_history_is_around_three_is_unusual():
    found = unusual("total", 1000, [3, 2, 4, 3, 3])
    assert found is not None and found.expected_max == 10 and found.previous == 3
    assert found.reason == "Bất thường: tháng trước 3, nay 1.000 — kiểm tra lại"


def test_ordinary_values_and_values_without_history_are_not_flagged():
    assert unusual("total", 10, [3, 2, 4]) is None  # the floor: nothing up to 10 is unusual
    assert expected_max([8, 10, 9]) == 27  # 3 × the median of 9
    assert unusual("total", 27, [8, 10, 9]) is None and unusual("online", 28, [8, 10, 9]) is not None
    assert unusual("total", 500, []) is None  # no history, nothing to compare with
    assert unusual("total", 500, [0, 0, 0]) is None  # only empty months: no history either


def test_the_history_is_the_last_twelve_non_empty_months():
    history = [100] * 5 + [0, 0] + [2] * 12  # the old busy months no longer count
    assert expected_max(history) == 10


@pytest.mark.django_db
def test_the_data_quality_review_lists_a_typo_in_the_command_and_on_the_page(client_for, home_affairs, head_of_commune_a, commune_a):
    procedure = commune_procedures(1)[0]
    for month, total in ((1, 3), (2, 2), (3, 4), (4, 1000)):
        DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=month, total=total, online=0)
    out = io.StringIO()
    call_command("data_quality", "--year", "2020", "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    assert document["year"] == 2020
    month_item, item = document["items"]  # the month as a whole (its total jumped), then the value
    assert month_item["procedure_code"] is None and month_item["field"] == "total" and month_item["value"] == 1000
    assert "hơn 5 lần" in month_item["reason"] and month_item["confirmed_by"] is None
    assert item == {"unit_code": commune_a.code, "procedure_code": procedure.code, "month": 4, "field": "total",
                    "value": 1000, "expected_max": 10, "reason": "Bất thường: tháng trước 4, nay 1.000 — kiểm tra lại",
                    "confirmed_by": None}
    page = client_for(home_affairs).get(reverse("reports:quality", args=[2020]))
    assert page.status_code == 200 and "tháng trước 4, nay 1.000" in page.content.decode()
    assert "2 chưa được xác nhận" in page.content.decode()
    assert client_for(head_of_commune_a).get(reverse("reports:quality", args=[2020])).status_code == 403


@pytest.mark.django_db
def test_the_demo_has_few_flagged_values():
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("data_quality", "--year", "2020", "--format", "json", stdout=out)
    flagged = len(json.loads(out.getvalue())["items"])
    values = 2 * DossierCount.objects.filter(year=2020).count()
    assert flagged / values <= 0.01  # README: 2 of 5,362 values on the demo


@pytest.mark.django_db
def test_the_grid_flags_a_saved_thousand_on_its_row(client_for, staff, commune_a):
    from submissions.tests.helpers import grid_url

    procedure = commune_procedures(1)[0]
    for month, total in ((6, 3), (7, 2), (8, 4), (9, 1000)):
        DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=month, total=total, online=0)
    html = client_for(staff).get(grid_url(commune_a, 2020, 9)).content.decode()
    assert "Bất thường: tháng trước 4, nay 1.000 — kiểm tra lại · chưa ai xác nhận" in html
    assert "Bất thường" not in client_for(staff).get(grid_url(commune_a, 2020, 8)).content.decode()


def ticks(response) -> dict:
    """The "Đã kiểm tra, số liệu đúng" boxes of a grid page, each with what it vouches for, as
    the browser sends them when ticked."""
    return dict(re.findall(r'<input type="checkbox" name="((?:p\d+|month)_checked)" value="([^"]*)"', response.content.decode()))


def history(unit, procedure, months=((6, 3), (7, 2), (8, 4)), online=0):
    for month, total in months:
        DossierCount.objects.create(unit=unit, procedure=procedure, year=2020, month=month, total=total, online=online)


# The month as a whole, pure ------------------------------------------------------------------------


def test_a_month_total_more_than_five_times_the_run_is_a_jump():
    run = [(3, 0), (2, 0), (4, 0)]  # three months with dossiers: 3 on average
    assert unusual_month(15, 0, run) is None  # 5 × 3 is not "more than 5×"
    found = unusual_month(16, 0, run)
    assert found.rule == JUMP and found.expected_max == 15 and found.previous == 4
    assert found.reason == "Bất thường: tổng hồ sơ tháng trước 4, nay 16 (hơn 5 lần mức thường) — kiểm tra lại"
    assert unusual_month(10, 0, [(1, 0), (1, 0), (1, 0)]) is None  # nothing up to 10 is unusual


def test_a_month_at_zero_after_a_run_of_active_months_is_a_drop():
    found = unusual_month(0, 0, [(5, 1), (6, 2), (4, 1)])
    assert found.rule == DROP and found.value == 0
    assert found.reason == "Bất thường: tháng trước 4 hồ sơ, nay 0 sau 3 tháng liên tiếp có hồ sơ — kiểm tra lại"
    assert unusual_month(0, 0, [(5, 1), None, (4, 1)]) is None  # a month not reported breaks the run
    assert unusual_month(0, 0, [(5, 1), (0, 0), (4, 1)]) is None  # so does a month without dossiers
    assert unusual_month(0, 0, [(5, 1), (4, 1)]) is None  # and too short a history


def test_online_from_none_to_every_dossier_is_flagged_for_a_unit_with_history():
    found = unusual_month(6, 6, [(5, 0), (6, 0), (4, 0)])
    assert found.rule == ALL_ONLINE and found.field == "online"
    assert found.reason == "Bất thường: trực tuyến từ 0 % lên 100 % (6/6 hồ sơ) — kiểm tra lại"
    assert unusual_month(6, 5, [(5, 0), (6, 0), (4, 0)]) is None  # not every dossier
    assert unusual_month(6, 6, [(5, 0), (6, 1), (4, 0)]) is None  # some online before
    assert unusual_month(6, 6, [None, (6, 0), (4, 0)]) is None  # no run: no history to speak of


def test_the_run_before_january_is_last_autumn():
    counts = {(1, 7, 2019, 10): (4, 0), (1, 7, 2019, 11): (5, 0), (1, 8, 2019, 12): (3, 0), (1, 7, 2020, 1): (0, 0)}
    (found,) = find_unusual(counts, months=[(1, 2020, 1)])
    assert found.procedure_id is None and found.unusual.rule == DROP


# The grid ---------------------------------------------------------------------------------------------


def test_a_thousand_typed_in_the_grid_waits_for_the_tick_then_keeps_who_confirmed(client_for, staff, commune_a):
    procedure = commune_procedures(1)[0]
    history(commune_a, procedure)
    client = client_for(staff)
    data, rows = open_grid(client, commune_a)
    response = client.post(grid_url(commune_a), fill(data, rows, {procedure.code: (1000, 0)}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bất thường: tháng trước 4, nay 1.000 — kiểm tra lại" in html and "Chưa có số nào được ghi" in html
    assert "Đã kiểm tra, số liệu đúng" in html and "Đã kiểm tra, số liệu cả tháng đúng" in html  # the row, and the month's jump
    assert not DossierCount.objects.filter(unit=commune_a, month=9).exists()

    boxes = ticks(response)
    assert boxes == {rows[procedure.code].checked_name: "total:1000", "month_checked": "total:1000"}
    ticked = {**data, rows[procedure.code].checked_name: boxes[rows[procedure.code].checked_name]}
    response = client.post(grid_url(commune_a), ticked)
    assert response.status_code == 200 and not DossierCount.objects.filter(unit=commune_a, month=9).exists()  # the month still waits

    # A tick vouches for the number it was shown with: another number typed after it is refused.
    other = {**ticked, "month_checked": boxes["month_checked"], rows[procedure.code].total_name: "900000"}
    assert client.post(grid_url(commune_a), other).status_code == 200
    assert not DossierCount.objects.filter(unit=commune_a, month=9).exists()

    response = client.post(grid_url(commune_a), {**ticked, "month_checked": boxes["month_checked"]})
    assert response.status_code == 302
    assert DossierCount.objects.get(unit=commune_a, month=9).total == 1000
    checks = UnusualCheck.objects.filter(unit=commune_a, year=2020, month=9)
    assert {(check.procedure_id, check.field, check.value) for check in checks} == {
        (procedure.pk, "total", 1000), (None, "total", 1000)}
    assert {check.confirmed_by for check in checks} == {staff} and {check.how for check in checks} == {ChangeReason.GRID}
    html = client.get(grid_url(commune_a)).content.decode()
    assert "nay 1.000 — kiểm tra lại · Đã kiểm tra: " in html and "chưa ai xác nhận" not in html
    history_page = client.get(reverse("submissions:entry_history", args=[commune_a.code, 2020, 9])).content.decode()
    assert "Xác nhận số liệu bất thường" in history_page and f"{procedure.code}\n      tổng số = 1000" in history_page


def test_ordinary_values_save_without_a_tick(client_for, staff, commune_a):
    procedure = commune_procedures(1)[0]
    history(commune_a, procedure)
    data, rows = open_grid(client_for(staff), commune_a)
    response = client_for(staff).post(grid_url(commune_a), fill(data, rows, {procedure.code: (5, 1)}))
    assert response.status_code == 302 and not UnusualCheck.objects.exists()


def test_a_month_dropping_to_zero_after_a_run_asks_for_the_months_tick(client_for, staff, commune_a):
    procedure = commune_procedures(1)[0]
    history(commune_a, procedure)
    client = client_for(staff)
    data, rows = open_grid(client, commune_a)
    response = client.post(grid_url(commune_a), fill(data, rows, {procedure.code: ("0", "0")}))
    # a row written as 0 over nothing saves nothing, so the month is not a drop: it stays missing
    assert response.status_code == 302 and not DossierCount.objects.filter(unit=commune_a, month=9).exists()
    DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=9, total=5, online=0)
    data, rows = open_grid(client, commune_a)
    response = client.post(grid_url(commune_a), fill(data, rows, {procedure.code: ("0", "0")}))
    assert "nay 0 sau 3 tháng liên tiếp có hồ sơ" in response.content.decode()
    assert DossierCount.objects.get(unit=commune_a, month=9).total == 5
    assert ticks(response) == {"month_checked": "total:0"}
    assert client.post(grid_url(commune_a), {**data, **ticks(response)}).status_code == 302
    assert DossierCount.objects.get(unit=commune_a, month=9).total == 0
    assert UnusualCheck.objects.get().procedure is None


def test_a_saved_value_nobody_confirmed_is_confirmed_by_ticking_its_row(client_for, staff, commune_a):
    procedure = commune_procedures(1)[0]
    history(commune_a, procedure, months=((6, 3), (7, 2), (8, 4), (9, 1000)))  # loaded without any check
    client = client_for(staff)
    data, rows = open_grid(client, commune_a)
    boxes = ticks(client.get(grid_url(commune_a)))
    assert set(boxes) == {rows[procedure.code].checked_name, "month_checked"}
    response = client.post(grid_url(commune_a), {**data, **boxes}, follow=True)
    assert "đã ghi nhận bạn xác nhận các số liệu bất thường" in response.content.decode()
    assert UnusualCheck.objects.filter(confirmed_by=staff).count() == 2
    assert DossierCount.history.filter(unit_id=commune_a.pk, month=9).count() == 1  # the value itself unchanged


def test_the_service_refuses_an_unconfirmed_value_whatever_calls_it(commune_a, staff):
    procedure = commune_procedures(1)[0]
    history(commune_a, procedure)
    version = month_version(commune_a.pk, 2020, 9)
    with pytest.raises(UnusualNotConfirmed) as refused:
        save_month(unit=commune_a, year=2020, month=9, values={procedure: (1000, 0)}, version=version, user=staff)
    assert {finding.procedure_id for finding in refused.value.findings} == {procedure.pk, None}
    assert not DossierCount.objects.filter(month=9).exists() and not UnusualCheck.objects.exists()


# The import ---------------------------------------------------------------------------------------------


def test_the_import_preview_lists_a_thousand_and_saves_it_only_once_ticked(client_for, staff, commune_a):
    procedure = commune_procedures(1)[0]
    history(commune_a, procedure)
    client = client_for(staff)
    response = upload(client, xlsx_bytes([row(commune_a, procedure, 1000, 0)]))
    html = response.content.decode()
    assert "2 số bất thường" in html and "Dòng 2" in html and "Bất thường: tháng trước 4, nay 1.000 — kiểm tra lại" in html
    assert response.context["preview"].ok and 'name="confirm_unusual"' in html  # warnings, never errors
    refused = confirm(client, response)
    assert refused.status_code == 200 and "chưa được xác nhận" in refused.content.decode()
    assert not DossierCount.objects.filter(month=9).exists()
    digest = response.context["preview"].warnings_digest
    assert f'name="confirm_unusual" value="{digest}"' in html
    done = client.post(reverse("submissions:import_confirm"), {"sha256": response.context["sha256"], "confirm_unusual": "1"})
    assert done.status_code == 200 and not DossierCount.objects.filter(month=9).exists()  # a tick for other values
    done = client.post(reverse("submissions:import_confirm"), {"sha256": response.context["sha256"], "confirm_unusual": digest})
    assert done.status_code == 200 and DossierCount.objects.get(month=9).total == 1000  # the file waited for the tick
    assert {(check.how, check.confirmed_by) for check in UnusualCheck.objects.all()} == {(ChangeReason.UPLOAD, staff)}


def test_the_import_command_needs_confirm_unusual(tmp_path, commune_a):
    from django.core.management.base import CommandError

    procedure = commune_procedures(1)[0]
    history(commune_a, procedure)
    path = tmp_path / "so-lieu.xlsx"
    path.write_bytes(xlsx_bytes([row(commune_a, procedure, 1000, 0)]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="--confirm-unusual"):
        call_command("import_counts", str(path), stdout=out)
    assert "Dòng 2: " in out.getvalue() and not DossierCount.objects.filter(month=9).exists()
    call_command("import_counts", str(path), "--confirm-unusual", stdout=io.StringIO())
    assert DossierCount.objects.get(month=9).total == 1000
    out = io.StringIO()
    call_command("data_quality", "--year", "2020", "--format", "json", stdout=out)
    assert {item["confirmed_by"] for item in json.loads(out.getvalue())["items"]} == {"dòng lệnh"}


# The admin -----------------------------------------------------------------------------------------------


def test_the_admin_asks_for_the_tick_too(client_for, administrator, commune_a):
    procedure = commune_procedures(1)[0]
    history(commune_a, procedure)
    count = DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=9, total=5, online=0)
    values = {"unit": commune_a.pk, "procedure": procedure.pk, "year": 2020, "month": 9, "total": 1000, "online": 0}
    client = client_for(administrator)
    response = admin_change(client, count, **values)
    assert response.status_code == 200 and "nay 1.000 — kiểm tra lại" in response.content.decode()
    count.refresh_from_db()
    assert count.total == 5
    response = admin_change(client, count, **values, confirm_unusual="on")
    assert response.status_code == 302
    count.refresh_from_db()
    assert count.total == 1000 and UnusualCheck.objects.filter(how=ChangeReason.ADMIN, confirmed_by=administrator).count() == 2


# The review and the gate -------------------------------------------------------------------------------


def test_data_quality_says_who_confirmed(client_for, staff, commune_a):
    procedure = commune_procedures(1)[0]
    history(commune_a, procedure)
    data, rows = open_grid(client_for(staff), commune_a)
    typed = fill(data, rows, {procedure.code: (1000, 0)})
    refused = client_for(staff).post(grid_url(commune_a), typed)
    client_for(staff).post(grid_url(commune_a), {**typed, **ticks(refused)})
    out = io.StringIO()
    call_command("data_quality", "--year", "2020", "--format", "json", stdout=out)
    name = staff.get_full_name() or staff.get_username()
    assert [item["confirmed_by"] for item in json.loads(out.getvalue())["items"]] == [name, name]
    table = io.StringIO()
    call_command("data_quality", "--year", "2020", stdout=table)
    assert "2 giá trị bất thường trong năm 2020, 0 chưa được xác nhận." in table.getvalue()


def test_the_year_end_gate_lists_unusual_values_nobody_confirmed(client_for, home_affairs):
    from django.core.management.base import CommandError

    call_command("load_demo", stdout=io.StringIO())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("lock", "--year", "2020", stdout=io.StringIO(), stderr=err)
    assert "Số liệu bất thường chưa được xác nhận: " in err.getvalue()
    assert "(18298) — 2.001406 T3: Bất thường: tháng trước 4, nay 11 — kiểm tra lại" in err.getvalue()
    from django.contrib.auth.models import User

    page = client_for(User.objects.get(username="demo.noivu")).get(reverse("reports:year_end_lock", args=[2020]))
    html = page.content.decode()
    assert "Xem lại 2 số liệu bất thường chưa được xác nhận" in html and "(18298) — 2.001406 T3" in html


def test_a_value_is_judged_against_the_same_months_whatever_else_is_loaded():
    # 2019 was busy, 2020 quiet: 200 in January 2021 is unusual against 2020, as the 2021 review says,
    # even when an import of several years brings 2019 along.
    counts = {(1, 7, 2019, month): (100, 0) for month in range(1, 13)}
    counts.update({(1, 7, 2020, month): (2, 0) for month in range(1, 4)})
    counts[(1, 7, 2021, 1)] = (200, 0)
    (found,) = [finding for finding in find_unusual(counts, values=[(1, 7, 2021, 1)]) if finding.procedure_id]
    assert found.unusual.value == 200 and found.unusual.expected_max == 10


def test_the_admin_asks_for_the_tick_for_a_zero_row_after_a_run_and_for_the_month_a_count_leaves(
    client_for, administrator, commune_a
):
    procedure, other = commune_procedures(2)
    history(commune_a, procedure)
    client = client_for(administrator)
    add = {"unit": commune_a.pk, "procedure": procedure.pk, "year": 2020, "month": 9, "total": 0, "online": 0}
    response = client.post(reverse("admin:submissions_dossiercount_add"), add)
    assert response.status_code == 200 and "nay 0 sau 3 tháng liên tiếp có hồ sơ" in response.content.decode()
    assert not DossierCount.objects.filter(month=9).exists()

    moved = DossierCount.objects.create(unit=commune_a, procedure=other, year=2020, month=9, total=4, online=0)
    DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=9, total=0, online=0)
    UnusualCheck.objects.create(unit=commune_a, procedure=None, year=2020, month=9, field="total", value=4, reason="x",
                                confirmed_at=moved.updated_at, how=ChangeReason.ADMIN)
    values = {"unit": commune_a.pk, "procedure": other.pk, "year": 2020, "month": 10, "total": 4, "online": 0}
    response = admin_change(client, moved, **values)  # September would be left at 0 after a run
    assert response.status_code == 200 and "nay 0 sau 3 tháng liên tiếp có hồ sơ" in response.content.decode()
    moved.refresh_from_db()
    assert moved.month == 9
