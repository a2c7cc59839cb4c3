"""The reporting cycle Home Affairs can sign (issue 14): unit-month states, confirmation and
approval, due dates and timeliness, completeness wherever results appear, the year-end gate, the
official result a lock keeps, and `verify_locked`."""

import io
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from factories import make_district
from submissions import rules
from submissions.cycle import year_cycle
from submissions.models import CountLock, DossierCount, MonthReport, MonthTransition
from submissions.services import (
    CountsRefused, InvalidCounts, approve_month, confirm_month, record_empty_month, unapprove_month,
)
from targets.completeness import compute_completeness
from targets.models import OfficialResult, TargetRule
from units.models import Unit

from submissions.tests.helpers import commune_procedures, fill, grid_url, open_grid

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    return Unit.objects.get(code="18229", district__code="440").district


def action_url(unit, action, month=9, year=2020):
    return reverse("submissions:month_action", args=[unit.code, year, month, action])


# The rules, pure -----------------------------------------------------------------------------------


def test_a_month_is_due_by_the_fifth_of_the_next_month_and_december_by_january():
    assert rules.due_date(2020, 9, 5) == date(2020, 10, 5)
    assert rules.due_date(2020, 12, 5) == date(2021, 1, 5)
    assert not rules.is_past_due(2020, 9, 5, today=date(2020, 10, 5))
    assert rules.is_past_due(2020, 9, 5, today=date(2020, 10, 6))
    assert rules.last_due_month(2020, 5, today=date(2020, 10, 6)) == 9
    assert rules.last_due_month(2020, 5, today=date(2020, 2, 1)) is None


def test_confirmed_by_the_due_date_is_on_time_and_after_it_late():
    due = date(2020, 10, 5)
    assert rules.is_on_time(confirmed_on=date(2020, 10, 5), due=due)
    assert not rules.is_on_time(confirmed_on=date(2020, 10, 6), due=due)
    assert rules.is_late(confirmed_on=date(2020, 10, 6), due=due, today=date(2020, 12, 1))
    assert rules.is_late(confirmed_on=None, due=due, today=date(2020, 10, 6))
    assert not rules.is_late(confirmed_on=None, due=due, today=date(2020, 10, 5))


def test_the_month_states_from_what_is_recorded():
    state = lambda **kw: rules.month_state(**{"expected": True, "has_counts": False, "declared_empty": False,  # noqa: E731
                                              "confirmed": False, "approved": False, "past_due": True, **kw})
    assert state() == rules.MonthState.MISSING
    assert state(past_due=False) == rules.MonthState.NOT_DUE
    assert state(has_counts=True) == rules.MonthState.ENTERED
    assert state(declared_empty=True) == rules.MonthState.EMPTY
    assert state(has_counts=True, confirmed=True) == rules.MonthState.CONFIRMED
    assert state(has_counts=True, confirmed=True, approved=True) == rules.MonthState.APPROVED
    assert state(expected=False) == rules.MonthState.NONE
    assert rules.month_range_label([10, 11, 12]) == "T10–T12"
    assert rules.month_range_label([3, 5, 6]) == "T3, T5–T6"


# Confirm, approve, unapprove -----------------------------------------------------------------------


def test_a_unit_head_confirms_september_and_home_affairs_approves_it(client_for, head_of_commune_a, home_affairs, staff, commune_a):
    code = commune_procedures(1)[0].code
    client = client_for(staff)
    data, rows = open_grid(client, commune_a)
    assert client.post(grid_url(commune_a), fill(data, rows, {code: (5, 2)})).status_code == 302

    head = client_for(head_of_commune_a)
    assert "Xác nhận số liệu tháng…" in head.get(grid_url(commune_a)).content.decode()
    assert head.get(action_url(commune_a, "confirm")).status_code == 200
    assert not MonthReport.objects.exists()  # the question page changes nothing
    assert head.post(action_url(commune_a, "confirm")).status_code == 302
    report = MonthReport.objects.get(unit=commune_a, year=2020, month=9)
    assert report.confirmed_by == head_of_commune_a and not report.confirmed_on_behalf

    approver = client_for(home_affairs)
    assert approver.post(action_url(commune_a, "approve")).status_code == 302
    report.refresh_from_db()
    assert report.approved_by == home_affairs
    html = approver.get(reverse("submissions:entry_index"), {"year": 2020}).content.decode()
    assert "Thị trấn Đức Thọ, tháng 9: Đã phê duyệt" in html
    transitions = list(report.history.order_by("history_id").values_list("history_change_reason", "history_user"))
    assert transitions == [(MonthTransition.CONFIRM, head_of_commune_a.pk), (MonthTransition.APPROVE, home_affairs.pk)]


def test_staff_confirm_on_the_units_behalf_and_it_is_recorded_so(client_for, staff, commune_a):
    record_empty_month(unit=commune_a, year=2020, month=9, user=staff)
    page = client_for(staff).get(action_url(commune_a, "confirm")).content.decode()
    assert "xác nhận thay" in page
    client_for(staff).post(action_url(commune_a, "confirm"))
    assert MonthReport.objects.get().confirmed_on_behalf


def test_a_month_without_figures_cannot_be_confirmed_nor_an_unconfirmed_one_approved(commune_a, staff, home_affairs):
    with pytest.raises(InvalidCounts, match="chưa có số liệu"):
        confirm_month(unit=commune_a, year=2020, month=9, user=staff, on_behalf=True)
    record_empty_month(unit=commune_a, year=2020, month=9, user=staff)
    with pytest.raises(InvalidCounts, match="chưa được đơn vị xác nhận"):
        approve_month(unit=commune_a, year=2020, month=9, user=home_affairs)


def test_a_month_not_over_cannot_be_confirmed(commune_a, staff):
    from django.utils import timezone

    today = timezone.localdate()
    with pytest.raises(InvalidCounts, match="chưa kết thúc"):
        confirm_month(unit=commune_a, year=today.year, month=today.month, user=staff, on_behalf=True)


def test_changing_a_confirmed_month_sends_it_back_to_entered_with_who_and_how(client_for, staff, commune_a):
    code = commune_procedures(1)[0].code
    client = client_for(staff)
    data, rows = open_grid(client, commune_a)
    client.post(grid_url(commune_a), fill(data, rows, {code: (5, 2)}))
    confirm_month(unit=commune_a, year=2020, month=9, user=staff, on_behalf=True)
    data, rows = open_grid(client, commune_a)
    assert client.post(grid_url(commune_a), fill(data, rows, {code: (6, 2)})).status_code == 302
    report = MonthReport.objects.get()
    assert not report.is_confirmed and report.note == "grid"
    last = report.history.order_by("-history_id").first()
    assert (last.history_change_reason, last.history_user) == (MonthTransition.REOPEN, staff)


def test_an_approved_month_refuses_changes_until_unapproved_with_a_reason(client_for, staff, home_affairs, commune_a):
    code = commune_procedures(1)[0].code
    client = client_for(staff)
    data, rows = open_grid(client, commune_a)
    client.post(grid_url(commune_a), fill(data, rows, {code: (5, 2)}))
    confirm_month(unit=commune_a, year=2020, month=9, user=staff, on_behalf=True)
    approve_month(unit=commune_a, year=2020, month=9, user=home_affairs)

    data, rows = open_grid(client, commune_a)
    response = client.post(grid_url(commune_a), fill(data, rows, {code: (9, 9)}))
    assert "đã được" in response.content.decode() and "phê duyệt" in response.content.decode()
    assert DossierCount.objects.get().total == 5

    approver = client_for(home_affairs)
    refused = approver.post(action_url(commune_a, "unapprove"), {"reason": "  "})
    assert refused.status_code == 400 and MonthReport.objects.get().is_approved
    with pytest.raises(InvalidCounts):
        unapprove_month(unit=commune_a, year=2020, month=9, user=home_affairs, reason="")
    assert approver.post(action_url(commune_a, "unapprove"), {"reason": "Phòng báo sai số tháng 9"}).status_code == 302
    report = MonthReport.objects.get()
    assert report.is_confirmed and not report.is_approved and report.note == "Phòng báo sai số tháng 9"
    client = client_for(staff)
    data, rows = open_grid(client, commune_a)
    assert client.post(grid_url(commune_a), fill(data, rows, {code: (9, 9)})).status_code == 302


def test_a_locked_month_cannot_be_confirmed_or_approved(commune_a, staff, home_affairs):
    record_empty_month(unit=commune_a, year=2020, month=9, user=staff)
    call_command("lock", "--year", "2020", "--month", "9", stdout=io.StringIO())
    with pytest.raises(CountsRefused, match="khóa"):
        confirm_month(unit=commune_a, year=2020, month=9, user=staff, on_behalf=True)


def test_who_may_confirm_and_approve(client_for, head_of_commune_b, head_of_commune_a, commune_a, staff):
    record_empty_month(unit=commune_a, year=2020, month=9, user=staff)
    assert client_for(head_of_commune_b).get(action_url(commune_a, "confirm")).status_code == 404
    assert client_for(head_of_commune_a).get(action_url(commune_a, "approve")).status_code == 403
    assert client_for(staff).get(action_url(commune_a, "approve")).status_code == 403
    assert client_for(head_of_commune_a).get(action_url(commune_a, "empty")).status_code == 403


# Completeness -----------------------------------------------------------------------------------


def test_rates_never_exceed_100_percent_with_units_added_or_retired(reference, commune_a, staff):
    district = reference["district"]
    retired = Unit.objects.get(code="18235", district__code="440")
    retired.is_active, retired.last_year = False, 2019
    retired.save()
    added = Unit.objects.get(code="18241", district__code="440")
    added.first_year = 2021
    added.save()
    code = commune_procedures(1)[0]
    DossierCount.objects.create(unit=retired, procedure=code, year=2020, month=3, total=1, online=1)  # left behind
    DossierCount.objects.create(unit=commune_a, procedure=code, year=2020, month=3, total=1, online=1)
    completeness = compute_completeness(district, 2020, 12, today=date(2026, 1, 1))
    codes = {entry.unit.code for entry in completeness.units}
    assert "18235" not in codes and "18241" not in codes
    assert completeness.expected == (26 - 2) * 12 and completeness.reported == 1  # 26 units with procedures, 2 not in 2020
    assert completeness.rate <= 100 and completeness.timeliness_rate <= 100


def test_a_month_reported_before_it_is_due_counts_once_and_never_past_100_percent(commune_a, staff):
    DossierCount.objects.create(unit=commune_a, procedure=commune_procedures(1)[0], year=2020, month=10, total=2, online=1)
    completeness = compute_completeness(commune_a.district, 2020, 10, units=[commune_a], today=date(2020, 10, 20))
    unit = completeness.units[0]
    assert (unit.months_expected, unit.months_reported, unit.months_missing) == (10, 1, list(range(1, 10)))
    assert completeness.rate == 10


def test_timeliness_counts_months_confirmed_by_their_due_date(commune_a, staff):
    record_empty_month(unit=commune_a, year=2020, month=8, user=staff)
    record_empty_month(unit=commune_a, year=2020, month=9, user=staff)
    MonthReport.objects.create(unit=commune_a, year=2020, month=8, confirmed_at=datetime(2020, 9, 5, 23, 0, tzinfo=HANOI))
    MonthReport.objects.create(unit=commune_a, year=2020, month=9, confirmed_at=datetime(2020, 10, 6, 8, 0, tzinfo=HANOI))
    unit = compute_completeness(commune_a.district, 2020, 9, units=[commune_a], today=date(2020, 11, 1)).units[0]
    assert unit.months_on_time == 1 and unit.months_late == [9]


def test_the_completeness_command_prints_the_published_json(demo):
    out = io.StringIO()
    call_command("completeness", "--year", "2020", "--through", "12", "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    assert set(document) == {"year", "through", "district", "expected", "reported", "on_time", "rate",
                             "timeliness_rate", "units"}
    assert (document["expected"], document["reported"]) == (26 * 12, 233)
    assert document["rate"] == "74.68" and document["timeliness_rate"] == "0.00"
    unit = next(unit for unit in document["units"] if unit["unit_code"] == "18229")
    assert set(unit) == {"unit_code", "months_expected", "months_reported", "months_missing", "months_confirmed",
                         "months_approved", "months_late"}
    assert unit["months_missing"] == [10, 11, 12]
    office = next(unit for unit in document["units"] if unit["unit_code"] == "440.VP")
    assert office["months_expected"] == 0  # nothing to report: not expected, not missing


def test_the_published_document_says_what_it_rests_on(demo):
    out = io.StringIO()
    call_command("progress", "--year", "2020", "--through", "12", "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    assert document["complete"] is False
    unit = next(unit for unit in document["units"] if unit["unit_code"] == "18229")
    assert unit["completeness"] == {"months_expected": 12, "months_reported": 9, "months_missing": [10, 11, 12],
                                    "months_approved": 0}


def test_the_year_end_page_says_first_that_october_to_december_are_missing(demo, client_for):
    noivu = Unit.objects.none()  # the demo's Home Affairs login
    from django.contrib.auth.models import User

    noivu = User.objects.get(username="demo.noivu")
    html = client_for(noivu).get(reverse("reports:year_end", args=[2020])).content.decode()
    statement = "Dựa trên số liệu 9/12 tháng; còn thiếu T6 của 1 đơn vị; T10–T12 của 26 đơn vị"
    assert statement in html
    assert html.index(statement) < html.index("đơn vị bị trừ điểm")
    assert "Kết quả của các đơn vị còn thiếu là tạm tính" in html
    page = client_for(noivu).get(reverse("reports:completeness", args=[2020]), {"through": 12})
    assert page.status_code == 200 and "74,7 %" in page.content.decode()
    workbook = client_for(noivu).get(reverse("reports:completeness_xlsx", args=[2020]), {"through": 12})
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    from reports.workbooks import HEADER_ROW

    assert [cell.value for cell in sheet[HEADER_ROW]][:3] == ["STT", "Mã", "Đơn vị"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)}
    assert rows["18229"][3:9] == (12, 9, 0, 0, "T1–T9", "T10–T12")  # reported, never confirmed: late
    assert rows["18229"][9] == pytest.approx(0.75)  # 9 of the 12 months expected
    texts = {cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)}
    assert "ỦY BAN NHÂN DÂN" in texts and "Nơi nhận:" in texts and "PHÓ CHỦ TỊCH" in texts


# The year-end gate and the official result ---------------------------------------------------------


def test_lock_without_a_reason_prints_what_is_not_ready_and_locks_nothing(demo):
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("lock", "--year", "2020", stdout=io.StringIO(), stderr=err)
    assert refused.value.returncode == 1
    assert "Chưa nhập: Thị trấn Đức Thọ (18229) — T10–T12" in err.getvalue()
    assert "Chưa được đơn vị xác nhận: Thị trấn Đức Thọ (18229) — T1–T9" in err.getvalue()
    assert "Chưa có số liệu để chấm: Xã Tân Hương" in err.getvalue()
    assert not CountLock.objects.exists() and not OfficialResult.objects.exists()


def test_lock_with_a_reason_keeps_the_result_the_reason_and_the_gaps(demo, client_for):
    from django.contrib.auth.models import User

    out = io.StringIO()
    call_command("lock", "--year", "2020", "--reason", "Hết hạn chấm thi đua năm 2020", "--by", "demo.noivu", stdout=out)
    result = OfficialResult.objects.get()
    assert result.sha256 in out.getvalue() and len(result.sha256) == 64
    assert result.issued_by.username == "demo.noivu" and result.reason == "Hết hạn chấm thi đua năm 2020"
    assert "Chưa nhập: Thị trấn Đức Thọ (18229) — T10–T12" in result.gaps
    progress = io.StringIO()
    call_command("progress", "--year", "2020", "--through", "12", "--format", "json", stdout=progress)
    assert json.loads(result.document)["units"] == json.loads(progress.getvalue())["units"]

    client = client_for(User.objects.get(username="demo.noivu"))
    html = client.get(reverse("reports:year_end", args=[2020])).content.decode()
    assert "Hết hạn chấm thi đua năm 2020" in html and result.sha256 in html
    workbook = client.get(reverse("reports:year_end_xlsx", args=[2020]))
    notes = [cell for row in load_workbook(io.BytesIO(workbook.content))["Tổng hợp"].iter_rows(values_only=True)
             for cell in row if isinstance(cell, str)]
    assert any("Hết hạn chấm thi đua năm 2020" in note for note in notes)
    assert any(result.sha256 in note for note in notes)


def test_the_year_end_page_of_a_locked_year_is_made_from_its_record(demo, client_for):
    from django.contrib.auth.models import User

    call_command("lock", "--year", "2020", "--reason", "Hết hạn", stdout=io.StringIO())
    result = OfficialResult.objects.get()
    document = json.loads(result.document)
    unit = next(unit for unit in document["units"] if unit["unit_code"] == "18229")
    unit["points"], unit["flagged"] = 99, True
    unit["rules"][0]["status"] = "missed"
    OfficialResult.objects.filter(pk=result.pk).update(document=json.dumps(document, ensure_ascii=False))
    html = client_for(User.objects.get(username="demo.noivu")).get(reverse("reports:year_end", args=[2020])).content.decode()
    flagged = html.split('id="flagged-heading"')[1].split('id="nodata-heading"')[0]
    assert "Thị trấn Đức Thọ" in flagged  # flagged as the record says, though recomputing would not flag it


def test_locking_from_the_browser_goes_through_a_confirmation_with_a_reason(demo, client_for):
    from django.contrib.auth.models import User

    client = client_for(User.objects.get(username="demo.noivu"))
    url = reverse("reports:year_end_lock", args=[2020])
    page = client.get(url).content.decode()
    assert "Chưa nhập: Thị trấn Đức Thọ (18229) — T10–T12" in page and not CountLock.objects.exists()
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and not CountLock.objects.exists()
    assert client.post(url, {"reason": "Hết hạn"}).status_code == 302
    assert OfficialResult.objects.get().reason == "Hết hạn"
    unlock = reverse("reports:year_end_unlock", args=[2020])
    assert client.get(unlock).status_code == 200 and CountLock.objects.exists()
    assert client.post(unlock).status_code == 302
    assert not CountLock.objects.exists()
    assert OfficialResult.objects.get().withdrawn_at is not None  # kept, withdrawn


def test_after_the_lock_c1_points_cannot_change(demo):
    from targets.services import PolicyLocked, save_rule

    call_command("lock", "--year", "2020", "--reason", "Hết hạn", stdout=io.StringIO())
    rule = TargetRule.objects.get(code="C1", policy__year=2020)
    rule.points = 5
    with pytest.raises(PolicyLocked, match="khóa"):
        save_rule(rule=rule)


def test_verify_locked_catches_a_count_changed_directly_in_the_database(demo):
    call_command("lock", "--year", "2020", "--reason", "Hết hạn", stdout=io.StringIO())
    out = io.StringIO()
    call_command("verify_locked", "--year", "2020", stdout=out)
    assert "khớp" in out.getvalue()
    count = DossierCount.objects.filter(unit__code="18229", year=2020).order_by("pk").first()
    DossierCount.objects.filter(pk=count.pk).update(online=count.online + 1, total=count.total + 1)  # behind the portal's back
    err = io.StringIO()
    with pytest.raises(CommandError) as changed:
        call_command("verify_locked", "--year", "2020", stdout=io.StringIO(), stderr=err)
    assert changed.value.returncode == 1
    assert "units[18229].rules[" in err.getvalue()


def test_verify_locked_of_a_year_not_locked_says_so(demo):
    with pytest.raises(CommandError) as refused:
        call_command("verify_locked", "--year", "2020", stdout=io.StringIO())
    assert refused.value.returncode == 2


def test_the_cycle_reads_a_fixed_number_of_queries_for_10_or_300_units(django_assert_num_queries):
    for size in (10, 300):
        district, units = make_district(f"C{size}", size, departments=3)
        units = list(Unit.objects.filter(district=district))
        with django_assert_num_queries(5):  # catalog, counts, declared empty, confirmations, due days
            cycle = year_cycle(units, 2020, today=date(2021, 2, 1))
        assert len(cycle.units) == len(units)


def test_the_transitions_from_the_command_line_go_through_the_same_services(demo):
    out = io.StringIO()
    call_command("report_month", "confirm", "--unit", "18229", "--year", "2020", "--month", "9", "--by", "demo.thitran",
                 stdout=out)
    call_command("report_month", "approve", "--unit", "18229", "--year", "2020", "--month", "9", "--by", "demo.noivu",
                 stdout=out)
    report = MonthReport.objects.get(unit__code="18229", month=9)
    assert report.is_approved and report.confirmed_by.username == "demo.thitran" and not report.confirmed_on_behalf
    with pytest.raises(CommandError, match="lý do"):
        call_command("report_month", "unapprove", "--unit", "18229", "--year", "2020", "--month", "9", "--by", "demo.noivu")
    with pytest.raises(CommandError, match="quyền"):
        call_command("report_month", "approve", "--unit", "18229", "--year", "2020", "--month", "8", "--by", "demo.canbo")
    call_command("report_month", "unapprove", "--unit", "18229", "--year", "2020", "--month", "9", "--by", "demo.noivu",
                 "--reason", "Sai số liệu", stdout=out)
    assert not MonthReport.objects.get(unit__code="18229", month=9).is_approved


def test_home_affairs_approve_confirmed_months_from_the_admin_through_the_service(demo, client_for):
    from django.contrib.auth.models import User

    head = User.objects.get(username="demo.thitran")
    unit = Unit.objects.get(code="18229", district__code="440")
    confirm_month(unit=unit, year=2020, month=8, user=head, on_behalf=False)
    admin = User.objects.get(username="demo.quantri")
    client = client_for(admin)
    changelist = reverse("admin:submissions_monthreport_changelist")
    assert client.get(changelist).status_code == 200
    report = MonthReport.objects.get()
    client.post(changelist, {"action": "approve_selected", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert report.is_approved and report.approved_by == admin


# Lock exceptions ---------------------------------------------------------------------------------------


@pytest.fixture
def locked_demo(demo):
    call_command("lock", "--year", "2020", "--reason", "Hết hạn", "--by", "demo.noivu", stdout=io.StringIO())
    return demo


def grant(client, **data):
    from django.utils import timezone

    body = {"month": 9, "reason": "Phòng báo sót hồ sơ tháng 9", "expires_on": (timezone.localdate()).isoformat(), **data}
    return client.post(reverse("reports:lock_exceptions", args=[2020]), body)


def test_an_exception_reopens_one_units_month_and_closing_it_reissues_the_result(locked_demo, client_for):
    from django.contrib.auth.models import User

    from submissions.models import LockException

    noivu, canbo = User.objects.get(username="demo.noivu"), User.objects.get(username="demo.canbo")
    town, other = Unit.objects.get(code="18229", district__code="440"), Unit.objects.get(code="18235", district__code="440")
    first = OfficialResult.objects.get()
    assert grant(client_for(noivu), unit=town.pk).status_code == 302
    exception = LockException.objects.get()
    assert exception.granted_by == noivu and exception.reason == "Phòng báo sót hồ sơ tháng 9"

    staff = client_for(canbo)
    data, rows = open_grid(staff, town)
    code = next(iter(rows))
    assert staff.post(grid_url(town), fill(data, rows, {code: (50, 50)})).status_code == 302  # reopened for the town
    data, rows = open_grid(staff, other)
    refused = staff.post(grid_url(other), fill(data, rows, {next(iter(rows)): (50, 50)}))
    assert "đã bị khóa" in refused.content.decode()  # still locked for everybody else

    page = client_for(noivu).get(reverse("reports:lock_exceptions", args=[2020])).content.decode()
    assert "đang mở" in page and "Phòng báo sót hồ sơ tháng 9" in page
    revoke = reverse("reports:lock_exception_revoke", args=[exception.pk])
    assert client_for(noivu).get(revoke).status_code == 200
    assert client_for(noivu).post(revoke).status_code == 302
    exception.refresh_from_db()
    assert exception.revoked_by == noivu and exception.closed_at is not None

    first.refresh_from_db()
    second = OfficialResult.objects.get(withdrawn_at__isnull=True)
    assert first.withdrawn_at is not None and second.replaces == first and second.sha256 != first.sha256
    assert any("Lập lại sau ngoại lệ khóa: Thị trấn Đức Thọ" in gap for gap in second.gaps)
    out = io.StringIO()
    call_command("verify_locked", "--year", "2020", stdout=out)  # the re-issued result holds the change
    assert "khớp" in out.getvalue()
    staff = client_for(canbo)
    data, rows = open_grid(staff, town)
    assert "đã bị khóa" in staff.post(grid_url(town), fill(data, rows, {code: (60, 60)})).content.decode()


def test_an_exception_expires_by_itself_and_the_cron_command_reissues_the_result(locked_demo, staff, client_for):
    from datetime import timedelta

    from django.utils import timezone

    from submissions.locks import lock_for_unit
    from submissions.models import LockException
    from targets.services import grant_lock_exceptions

    town = Unit.objects.get(code="18229", district__code="440")
    (exception,) = grant_lock_exceptions(district=town.district, year=2020, month=9, units=[town], reason="Bổ sung",
                                         expires_on=timezone.localdate(), user=staff)
    assert lock_for_unit(town, 2020, 9) is None
    client = client_for(staff)
    data, rows = open_grid(client, town)
    assert client.post(grid_url(town), fill(data, rows, {next(iter(rows)): (40, 40)})).status_code == 302
    LockException.objects.filter(pk=exception.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    assert lock_for_unit(town, 2020, 9) is not None  # expired: locked again, without anybody doing anything
    out = io.StringIO()
    call_command("close_lock_exceptions", stdout=out)
    assert "Đã lập lại kết quả chính thức năm 2020" in out.getvalue()
    assert LockException.objects.get().closed_at is not None
    assert OfficialResult.objects.count() == 2 and OfficialResult.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_every_late_unit_at_once(locked_demo, client_for):
    from django.contrib.auth.models import User

    from submissions.models import LockException

    assert grant(client_for(User.objects.get(username="demo.noivu")), all_late="on", month=10).status_code == 302
    assert LockException.objects.count() == 26  # every unit with something to report is missing October


@pytest.mark.parametrize("data, message", [
    ({"reason": ""}, "bắt buộc"),
    ({"expires_on": "2020-01-01"}, "Ngày hết hạn đã qua."),
    ({"expires_on": "2099-01-01"}, "tối đa"),
    ({}, "một trong hai"),
])
def test_an_exception_is_refused_without_reason_in_the_past_too_long_or_without_a_unit(locked_demo, client_for, data, message):
    from django.contrib.auth.models import User

    from submissions.models import LockException

    client = client_for(User.objects.get(username="demo.noivu"))
    body = {"unit": Unit.objects.get(code="18229", district__code="440").pk, **data} if data else {}
    response = grant(client, **body)
    assert response.status_code == 400 and not LockException.objects.exists()
    assert message in response.content.decode()


def test_an_exception_needs_a_locked_month_and_only_one_at_a_time(demo, staff):
    from django.utils import timezone

    from targets.services import grant_lock_exceptions

    town = Unit.objects.get(code="18229", district__code="440")
    with pytest.raises(CountsRefused, match="không bị khóa"):
        grant_lock_exceptions(district=town.district, year=2020, month=9, units=[town], reason="x",
                              expires_on=timezone.localdate(), user=staff)
    call_command("lock", "--year", "2020", "--month", "9", stdout=io.StringIO())
    grant_lock_exceptions(district=town.district, year=2020, month=9, units=[town], reason="x",
                          expires_on=timezone.localdate(), user=staff)
    with pytest.raises(CountsRefused, match="chưa đóng"):
        grant_lock_exceptions(district=town.district, year=2020, month=9, units=[town], reason="x",
                              expires_on=timezone.localdate(), user=staff)


def test_the_scoring_command_writes_the_locked_result_with_its_hash_and_reason(locked_demo, tmp_path):
    result = OfficialResult.objects.get()
    target = tmp_path / "cham-diem.xlsx"
    call_command("export_scoring", "--year", "2020", "-o", str(target), stdout=io.StringIO())
    cells = [cell for row in load_workbook(target)["Tổng hợp"].iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    assert any(result.sha256 in cell for cell in cells) and any("lý do: Hết hạn" in cell for cell in cells)


def test_one_units_early_entry_never_moves_the_default_period(reference, commune_a, monkeypatch):
    from reports.periods import default_through
    from targets.completeness import last_due_month

    today = date(2026, 6, 15)  # May is due (5 June has passed), June is not
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: today)
    district = reference["district"]
    due = last_due_month(district, today.year)
    assert due == 5
    procedure = commune_procedures(1)[0]
    DossierCount.objects.create(unit=commune_a, procedure=procedure, year=today.year, month=due, total=1, online=1)
    assert default_through(district, today.year) == due
    DossierCount.objects.create(unit=commune_a, procedure=procedure, year=today.year, month=today.month, total=1, online=1)
    assert default_through(district, today.year) == due  # this month is not due yet: nobody's period moves


def test_an_upload_is_refused_on_the_rows_that_would_change_an_approved_month(client_for, staff, home_affairs, commune_a):
    from submissions.tests.test_import import assert_rejected, row, upload, xlsx_bytes

    first, second = commune_procedures(2)
    DossierCount.objects.create(unit=commune_a, procedure=first, year=2020, month=9, total=4, online=1)
    confirm_month(unit=commune_a, year=2020, month=9, user=staff, on_behalf=True)
    approve_month(unit=commune_a, year=2020, month=9, user=home_affairs)
    client = client_for(staff)
    unchanged = upload(client, xlsx_bytes([row(commune_a, first, 4, 1), row(commune_a, second, None, None)]))
    assert "phê duyệt" not in unchanged.content.decode()  # nothing would change: nothing to refuse
    assert_rejected(client, xlsx_bytes([row(commune_a, first, 5, 1)]), 2, "Tháng 9/2020 của Thị trấn Đức Thọ đã được")
    assert DossierCount.objects.get(procedure=first).total == 4


# What the review found ------------------------------------------------------------------------------


def test_a_month_not_over_cannot_be_declared_empty(client_for, staff, commune_a):
    from django.utils import timezone

    from submissions.models import EmptyMonth

    today = timezone.localdate()
    with pytest.raises(InvalidCounts, match="chưa kết thúc"):
        record_empty_month(unit=commune_a, year=today.year, month=today.month, user=staff)
    response = client_for(staff).post(action_url(commune_a, "empty", month=today.month, year=today.year))
    assert response.status_code == 409 and not EmptyMonth.objects.exists()


def test_a_month_reported_early_is_not_counted_late(commune_a, staff):
    DossierCount.objects.create(unit=commune_a, procedure=commune_procedures(1)[0], year=2020, month=10, total=2, online=1)
    completeness = compute_completeness(commune_a.district, 2020, 10, units=[commune_a], today=date(2020, 11, 2))
    unit = completeness.units[0]
    assert unit.months_missing == list(range(1, 10)) and unit.months_late == []  # missing is missing, not late
    assert completeness.timed == 9 and completeness.timeliness_rate == 0  # October: reported early, not yet due


def test_figures_entered_after_a_declaration_take_it_back(client_for, staff, commune_a):
    from submissions.models import EmptyMonth
    from submissions.services import delete_count

    record_empty_month(unit=commune_a, year=2020, month=9, user=staff)
    client = client_for(staff)
    data, rows = open_grid(client, commune_a)
    client.post(grid_url(commune_a), fill(data, rows, {next(iter(rows)): (3, 1)}))
    assert not EmptyMonth.objects.exists()
    delete_count(count=DossierCount.objects.get(), user=staff)
    html = client.get(reverse("submissions:entry_index"), {"year": 2020}).content.decode()
    assert "Thị trấn Đức Thọ, tháng 9: Chưa nhập" in html  # missing again, not "no dossiers"


def test_the_admin_answers_a_refused_delete_with_its_reason_not_an_error(client_for, administrator, staff, home_affairs, commune_a):
    count = DossierCount.objects.create(unit=commune_a, procedure=commune_procedures(1)[0], year=2020, month=9, total=2, online=1)
    confirm_month(unit=commune_a, year=2020, month=9, user=staff, on_behalf=True)
    approve_month(unit=commune_a, year=2020, month=9, user=home_affairs)
    response = client_for(administrator).post(reverse("admin:submissions_dossiercount_delete", args=[count.pk]), {"post": "yes"})
    assert response.status_code == 403 and DossierCount.objects.filter(pk=count.pk).exists()


def test_a_catalog_entry_that_would_move_a_locked_years_result_is_refused(locked_demo, client_for):
    from django.contrib.auth.models import User

    from submissions.models import Procedure

    client = client_for(User.objects.get(username="demo.quantri"))
    office = Unit.objects.get(code="440.VP", district__code="440")
    response = client.post(reverse("admin:submissions_procedure_add"), {
        "code": "DT.NEW.01", "name": "Thủ tục mới", "field": "Khác", "authority": "district", "online_level": 3,
        "department": office.pk, "first_year": 2020,
    })
    assert response.status_code == 200 and "Năm 2020 đã khóa" in response.content.decode()
    assert not Procedure.objects.filter(code="DT.NEW.01").exists()
    out = io.StringIO()
    call_command("verify_locked", "--year", "2020", stdout=out)
    assert "khớp" in out.getvalue()


def test_every_late_unit_leaves_out_those_that_already_have_an_exception(locked_demo, client_for):
    from django.contrib.auth.models import User

    from submissions.models import LockException

    client = client_for(User.objects.get(username="demo.noivu"))
    assert grant(client, unit=Unit.objects.get(code="18229", district__code="440").pk, month=10).status_code == 302
    assert grant(client, all_late="on", month=10).status_code == 302
    assert LockException.objects.count() == 26


def test_unlocking_closes_the_exceptions_so_locking_again_holds_for_everybody(locked_demo, client_for):
    from django.contrib.auth.models import User

    from submissions.locks import lock_for_unit
    from submissions.models import LockException

    client = client_for(User.objects.get(username="demo.noivu"))
    town = Unit.objects.get(code="18229", district__code="440")
    grant(client, unit=town.pk, month=3)
    call_command("unlock", "--year", "2020", stdout=io.StringIO())
    assert LockException.objects.get().closed_at is not None
    call_command("lock", "--year", "2020", "--reason", "Khóa lại", stdout=io.StringIO())
    assert lock_for_unit(town, 2020, 3) is not None


def test_an_exception_that_changed_nothing_leaves_the_result_as_it_was(locked_demo, client_for):
    from django.contrib.auth.models import User

    from submissions.models import LockException

    client = client_for(User.objects.get(username="demo.noivu"))
    grant(client, unit=Unit.objects.get(code="18229", district__code="440").pk)
    client.post(reverse("reports:lock_exception_revoke", args=[LockException.objects.get().pk]))
    assert OfficialResult.objects.count() == 1 and OfficialResult.objects.get().withdrawn_at is None


def test_a_unit_merged_in_july_and_one_opened_in_march_are_expected_only_while_they_exist(reference, commune_a, staff):
    merged, opened = Unit.objects.get(code="18235", district__code="440"), Unit.objects.get(code="18241", district__code="440")
    merged.is_active, merged.last_year, merged.last_month = False, 2020, 6
    merged.full_clean()
    merged.save()
    opened.first_year, opened.first_month = 2020, 3
    opened.full_clean()
    opened.save()
    procedure = commune_procedures(1)[0]
    for month in range(1, 7):
        DossierCount.objects.create(unit=merged, procedure=procedure, year=2020, month=month, total=1, online=1)
    completeness = compute_completeness(reference["district"], 2020, 12, today=date(2021, 2, 1))
    assert completeness.for_unit(merged.pk).months_expected == 6 and completeness.for_unit(merged.pk).complete
    assert completeness.for_unit(opened.pk).months_expected == 10
    assert completeness.rate <= 100 and completeness.timeliness_rate <= 100
    # and July of the merged commune takes no figures, from any path
    from submissions.services import Entry, entry_error

    assert "không hoạt động trong tháng 7/2020" in entry_error(Entry(merged, procedure, 2020, 7, 1, 1))
    assert entry_error(Entry(merged, procedure, 2020, 6, 1, 1)) is None


def test_a_unit_cannot_end_before_it_starts_within_one_year(reference):
    from django.core.exceptions import ValidationError

    unit = Unit.objects.get(code="18235", district__code="440")
    unit.first_year = unit.last_year = 2020
    unit.first_month, unit.last_month, unit.is_active = 7, 6, False
    with pytest.raises(ValidationError, match="Tháng kết thúc"):
        unit.full_clean()


# Notes on a unit-month (issue 15, point 4) ----------------------------------------------------------


def test_a_note_on_a_month_shows_on_the_grid_the_completeness_page_and_in_the_history(client_for, head_of_commune_a, staff, commune_a):
    from submissions.models import MonthComment

    head = client_for(head_of_commune_a)
    response = head.post(reverse("submissions:comment_add", args=[commune_a.code, 2020, 6]),
                         {"text": "Tháng 6 bộ phận một cửa tạm dừng do sáp nhập"})
    assert response.status_code == 302
    comment = MonthComment.objects.get()
    assert comment.author == head_of_commune_a
    assert "Tháng 6 bộ phận một cửa tạm dừng do sáp nhập" in head.get(grid_url(commune_a, 2020, 6)).content.decode()
    page = head.get(reverse("reports:completeness", args=[2020]), {"through": 12}).content.decode()
    assert "T6: Tháng 6 bộ phận một cửa tạm dừng do sáp nhập" in page
    other = client_for(staff)
    assert other.post(reverse("submissions:comment_delete", args=[comment.pk])).status_code == 403  # not theirs
    head = client_for(head_of_commune_a)
    assert head.post(reverse("submissions:comment_delete", args=[comment.pk])).status_code == 302
    history = head.get(reverse("submissions:entry_history", args=[commune_a.code, 2020, 6])).content.decode()
    assert "xóa ghi chú" in history and "Tháng 6 bộ phận một cửa tạm dừng do sáp nhập" in history


def test_an_empty_or_too_long_note_is_refused_and_nothing_saved(client_for, staff, commune_a):
    from submissions.models import MonthComment

    client = client_for(staff)
    url = reverse("submissions:comment_add", args=[commune_a.code, 2020, 6])
    assert "Hãy viết nội dung ghi chú." in client.post(url, {"text": "   "}, follow=True).content.decode()
    assert "Ghi chú dài quá 1000 ký tự." in client.post(url, {"text": "x" * 1001}, follow=True).content.decode()
    assert not MonthComment.objects.exists()


def test_only_people_working_on_the_unit_write_notes(client_for, head_of_commune_b, commune_a):
    response = client_for(head_of_commune_b).post(reverse("submissions:comment_add", args=[commune_a.code, 2020, 6]),
                                                  {"text": "x"})
    assert response.status_code == 404


def test_a_note_with_a_nul_byte_is_refused_not_an_error(client_for, staff, commune_a):
    from submissions.models import MonthComment

    response = client_for(staff).post(reverse("submissions:comment_add", args=[commune_a.code, 2020, 6]),
                                      {"text": "x\x00y"}, follow=True)
    assert "Ghi chú có ký tự không hợp lệ." in response.content.decode() and not MonthComment.objects.exists()


@pytest.mark.parametrize("command", ["completeness", "data_quality"])
@pytest.mark.parametrize("arguments", [("--year", "1999"), ("--year", "2020", "--district", "KHONG-CO")])
def test_the_review_commands_refuse_a_bad_year_or_district_with_status_2(reference, command, arguments):
    with pytest.raises(CommandError) as refused:
        call_command(command, *arguments, stdout=io.StringIO())
    assert refused.value.returncode == 2
