"""The monthly grid, as district staff fill it: one form per unit-month, one transaction per save."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from submissions.models import Authority, DossierCount, Procedure
from submissions.services import save_month
from submissions.versions import month_version

from .helpers import (
    MONTH,
    YEAR,
    commune_procedures,
    counts_of,
    database_state,
    district_procedures,
    fill,
    grid_url,
    open_grid,
    save_grid,
)

pytestmark = pytest.mark.django_db


def add_count(unit, procedure, total, online, year=YEAR, month=MONTH):
    return DossierCount.objects.create(unit=unit, procedure=procedure, year=year, month=month, total=total, online=online)


# What the grid shows ----------------------------------------------------------------------------


def test_a_commune_grid_has_its_40_commune_procedures_and_then_the_80_district_ones(staff_client, commune_a):
    response = staff_client.get(grid_url(commune_a))
    assert response.status_code == 200
    sections = response.context["grid"].sections
    assert [section.key for section in sections] == ["commune", "district"]
    assert len(sections[0].rows) == 40 and {row.procedure.authority for row in sections[0].rows} == {"commune"}
    assert len(sections[1].rows) == 80 and {row.procedure.authority for row in sections[1].rows} == {"district"}
    assert all(row.procedure.online_level >= 3 for section in sections for row in section.rows)
    html = response.content.decode()
    assert "Thủ tục thẩm quyền cấp xã" in html and "Thủ tục cấp huyện do người dân trong xã nộp" in html


def test_a_department_grid_has_only_its_own_procedures(staff_client, department):
    response = staff_client.get(grid_url(department))
    rows = response.context["grid"].rows
    expected = set(Procedure.objects.offered_in(YEAR).online().filter(department=department).values_list("code", flat=True))
    assert {row.procedure.code for row in rows} == expected and len(expected) == 9


def test_a_procedure_added_in_2020_is_not_in_the_2019_grid(staff_client, commune_a):
    new_in_2020 = Procedure.objects.filter(first_year=2020, online_level__gte=3).first()
    codes_2019 = {row.procedure.code for row in staff_client.get(grid_url(commune_a, 2019, 9)).context["grid"].rows}
    codes_2020 = {row.procedure.code for row in staff_client.get(grid_url(commune_a, 2020, 9)).context["grid"].rows}
    assert new_in_2020.code in codes_2020 and new_in_2020.code not in codes_2019


def test_the_grid_is_prefilled_with_what_is_saved_and_shows_last_month_and_the_rate(staff_client, commune_a):
    first, second = commune_procedures(2)
    add_count(commune_a, first, 8, 2)
    add_count(commune_a, first, 5, 1, month=8)
    add_count(commune_a, second, 3, 3, month=8)
    response = staff_client.get(grid_url(commune_a))
    html = response.content.decode()
    rows = {row.procedure.code: row for row in response.context["grid"].rows}
    assert response.context["form"][rows[first.code].total_name].value() == 8
    assert (rows[first.code].previous_total, rows[first.code].previous_online) == (5, 1)
    assert (rows[second.code].previous_total, rows[second.code].saved_total) == (3, None)
    assert rows[first.code].rate == 25
    assert 'value="8"' in html and "25,0 %" in html and "5 / 1" in html


def test_sums_and_the_running_rate_come_from_the_server_too(staff_client, commune_a):
    first, second = commune_procedures(2)
    add_count(commune_a, first, 10, 1, month=1)
    add_count(commune_a, first, 10, 4, month=8)
    add_count(commune_a, second, 20, 5)
    add_count(commune_a, first, 7, 7, month=10)  # after the month: not in the running sums
    section = staff_client.get(grid_url(commune_a)).context["grid"].sections[0]
    assert (section.month_total, section.month_online, section.month_rate) == (20, 5, 25)
    assert (section.running_total, section.running_online) == (40, 10)
    assert section.running_rate == 25


def test_every_input_has_a_label_and_the_page_has_no_inline_script_or_style(staff_client, commune_a):
    html = staff_client.get(grid_url(commune_a)).content.decode()
    inputs = re.findall(r'<input type="text"[^>]*id="([^"]+)"', html)
    assert len(inputs) == 240
    labels = set(re.findall(r'<label[^>]*for="([^"]+)"', html))
    assert set(inputs) <= labels
    assert "style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "/static/js/entry.js" in html and "/static/css/entry.css" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html


def test_the_inputs_come_in_row_order_so_tab_walks_total_then_online(staff_client, department):
    response = staff_client.get(grid_url(department))
    html = response.content.decode()
    names = re.findall(r'<input type="text"[^>]*name="([^"]+)"', html)
    expected = [name for row in response.context["grid"].rows for name in (row.total_name, row.online_name)]
    assert names == expected
    assert "tabindex" not in html
    assert html.count('type="submit"') >= 1  # Enter in any input submits the form


def test_the_grid_links_to_the_month_history_and_the_templates(staff_client, commune_a):
    html = staff_client.get(grid_url(commune_a)).content.decode()
    assert reverse("submissions:entry_history", args=[commune_a.code, YEAR, MONTH]) in html
    assert reverse("submissions:template_download", args=[YEAR, MONTH, "xlsx"]) + f"?unit={commune_a.code}" in html
    assert reverse("submissions:import_upload") in html


# Saving ---------------------------------------------------------------------------------------


def test_staff_save_a_month_and_see_what_changed(staff_client, commune_a, staff):
    first, second = commune_procedures(2)
    district_one = district_procedures(1)[0]
    add_count(commune_a, second, 4, 1)
    response = save_grid(staff_client, commune_a, {first.code: (12, 4), second.code: (6, 2), district_one.code: (3, 3)})
    assert response.status_code == 302
    assert counts_of(commune_a) == {first.code: (12, 4), second.code: (6, 2), district_one.code: (3, 3)}
    saved = DossierCount.objects.get(unit=commune_a, procedure=first, year=YEAR, month=MONTH)
    assert saved.updated_by == staff
    page = staff_client.get(response["Location"])
    html = page.content.decode()
    assert "3 dòng thay đổi" in html
    assert "Vừa lưu" in html and "4 → <strong>6</strong>" in html and "— → <strong>12</strong>" in html
    assert 'class="entry-row is-changed"' in html


def test_blank_inputs_create_no_rows_and_a_saved_row_set_to_zero_is_kept(staff_client, commune_a):
    first, second = commune_procedures(2)
    add_count(commune_a, first, 5, 2)
    response = save_grid(staff_client, commune_a, {first.code: ("0", ""), second.code: ("0", "0")})
    assert response.status_code == 302
    assert counts_of(commune_a) == {first.code: (0, 0)}


def test_saving_an_unchanged_grid_writes_nothing(staff_client, commune_a):
    add_count(commune_a, commune_procedures(1)[0], 5, 2)
    before = database_state()
    response = save_grid(staff_client, commune_a, {})
    assert response.status_code == 302
    assert database_state() == before
    assert "Không có số nào thay đổi" in staff_client.get(response["Location"]).content.decode()


def test_the_current_month_may_be_entered(staff_client, commune_a):
    today = timezone.localdate()
    code = Procedure.objects.offered_in(today.year).online().filter(authority=Authority.COMMUNE).first().code
    response = save_grid(staff_client, commune_a, {code: (2, 1)}, year=today.year, month=today.month)
    assert response.status_code == 302
    assert counts_of(commune_a, today.year, today.month) == {code: (2, 1)}


@pytest.mark.parametrize(
    "typed, message",
    [
        (("3", "4"), "Số hồ sơ trực tuyến (4) không được lớn hơn tổng số hồ sơ (3)."),
        (("", "1"), "Số hồ sơ trực tuyến (1) không được lớn hơn tổng số hồ sơ (0)."),
        (("-2", "0"), "Số hồ sơ không được âm."),
        (("5", "-1"), "Số hồ sơ không được âm."),
        (("2.5", "1"), "không phải số nguyên"),
        (("3,0", "1"), "không phải số nguyên"),
        (("năm", "1"), "không phải số nguyên"),
        (("1e3", "1"), "không phải số nguyên"),
        (("٣", "1"), "không phải số nguyên"),
        (("99999999", "1"), "Số quá lớn"),
    ],
)
def test_a_wrong_number_is_shown_on_its_row_in_vietnamese_and_nothing_is_saved(staff_client, commune_a, typed, message):
    first, second = commune_procedures(2)
    before = database_state()
    response = save_grid(staff_client, commune_a, {first.code: typed, second.code: (9, 3)})
    assert response.status_code == 200
    assert database_state() == before
    html = response.content.decode()
    row_html = html[html.index(f'id="row-{first.pk}"'):html.index(f'id="row-{second.pk}"')]
    assert "has-error" in html[html.index(f'id="row-{first.pk}"') - 80:html.index(f'id="row-{first.pk}"') + 80]
    assert message in row_html
    assert 'aria-invalid="true"' in row_html
    assert "chưa số nào được lưu" in html
    assert f'value="9"' in html  # what the person typed in the other rows is still there


def test_fixing_the_error_and_saving_again_works(staff_client, commune_a):
    first = commune_procedures(1)[0]
    data, rows = open_grid(staff_client, commune_a)
    response = staff_client.post(grid_url(commune_a), fill(data, rows, {first.code: (3, 5)}))
    assert "không được lớn hơn tổng số hồ sơ" in response.content.decode()
    response = staff_client.post(grid_url(commune_a), fill(data, rows, {first.code: (5, 3)}))
    assert response.status_code == 302
    assert counts_of(commune_a) == {first.code: (5, 3)}


def test_a_month_in_the_future_is_refused(staff_client, commune_a):
    today = timezone.localdate()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    code = Procedure.objects.offered_in(year).online().filter(authority=Authority.COMMUNE).first().code
    page = staff_client.get(grid_url(commune_a, year, month))
    assert "chưa đến nên chưa nhập được số liệu" in page.content.decode()
    assert 'name="p' not in page.content.decode()
    data = {"version": page.context["grid"].version}
    row = next(row for row in page.context["grid"].rows if row.procedure.code == code)
    data[row.total_name], data[row.online_name] = "4", "1"
    response = staff_client.post(grid_url(commune_a, year, month), data)
    assert response.status_code == 200
    assert f"Tháng {month}/{year} chưa đến nên chưa nhập được số liệu." in response.content.decode()
    assert not DossierCount.objects.filter(unit=commune_a, year=year).exists()


def test_a_month_outside_1_to_12_does_not_exist(staff_client, commune_a):
    assert staff_client.get(reverse("submissions:entry_grid", args=[commune_a.code, 2020, 13])).status_code == 404
    assert staff_client.get(reverse("submissions:entry_grid", args=[commune_a.code, 2020, 0])).status_code == 404


def test_a_post_without_the_version_is_refused(staff_client, commune_a):
    data, rows = open_grid(staff_client, commune_a)
    del data["version"]
    response = staff_client.post(grid_url(commune_a), fill(data, rows, {commune_procedures(1)[0].code: (2, 1)}))
    assert response.status_code == 200
    assert "thiếu thông tin phiên bản" in response.content.decode()
    assert counts_of(commune_a) == {}


# Query budgets ----------------------------------------------------------------------------------


def test_saving_a_full_commune_grid_of_120_rows_takes_a_bounded_number_of_queries(
    staff_client, commune_a, django_assert_max_num_queries
):
    data, rows = open_grid(staff_client, commune_a)
    assert len(rows) == 120
    existing = list(rows.values())[:60]
    for row in existing:  # half the rows are saved already and will be updated, half are new
        add_count(commune_a, row.procedure, 10, 1)
    data, rows = open_grid(staff_client, commune_a)
    for number, code in enumerate(rows):
        fill(data, rows, {code: (number + 20, number % 7)})
    # Queries of the request (25): session, user, person (who may see the unit), 2 × permissions,
    # the unit; the grid (procedures, this and last month, sums before, version, lock, last
    # change, the unit's counts and confirmations for the unusual values); then the save:
    # savepoint, lock the unit row, the lock, the version, the counts and confirmations for the
    # unusual values, the month's rows, insert + its history, update + its history, release; the
    # session (savepoint, the confirmation, release). Not one query per row.
    with django_assert_max_num_queries(31):
        response = staff_client.post(grid_url(commune_a), data)
    assert response.status_code == 302
    assert DossierCount.objects.filter(unit=commune_a, year=YEAR, month=MONTH).count() == 120
    assert DossierCount.history.filter(unit_id=commune_a.pk, year=YEAR, month=MONTH).count() == 60 + 120


def test_the_save_service_alone_takes_at_most_thirteen_queries(commune_a, staff, django_assert_max_num_queries):
    procedures = list(Procedure.objects.for_entry(commune_a, YEAR))
    for procedure in procedures[:60]:
        add_count(commune_a, procedure, 10, 1)
    values = {procedure: (30, 3) for procedure in procedures}
    version = month_version(commune_a.pk, YEAR, MONTH)
    # At most fourteen: lock the unit row; the month's lock; its approval; whether it comes from the
    # dossier list (then nothing is typed over it); the version; the unit's
    # counts and the confirmations the unusual-value checks need; the month's rows (locked);
    # insert; history of inserts; update; history of updates; a declaration "no dossiers" to take
    # back; its confirmation (to send a confirmed month back to "entered") — plus the savepoint and
    # its release that the test's own transaction turns BEGIN and COMMIT into.
    with django_assert_max_num_queries(15):
        changes = save_month(unit=commune_a, year=YEAR, month=MONTH, values=values, version=version, user=staff)
    assert len(changes) == 120


def test_opening_the_grid_takes_the_same_queries_empty_or_full(staff_client, commune_a, department):
    def queries_for(unit):
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(grid_url(unit)).status_code == 200
        return len(captured)

    empty = queries_for(commune_a)
    for procedure in Procedure.objects.for_entry(commune_a, YEAR):
        add_count(commune_a, procedure, 4, 1)
        add_count(commune_a, procedure, 4, 1, month=MONTH - 1)
    full = queries_for(commune_a)
    assert empty == full == queries_for(department)
    # + the month's place in the cycle (6), its confirmation record (1), its notes (1), its history for unusual
    # values (1), whether its counts come from the dossier list (1)
    assert full <= 23


# Who may ----------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, commune_a):
    for url in (reverse("submissions:entry_index"), grid_url(commune_a)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_unit_head_sees_only_their_own_grid_and_only_to_read(client_for, head_of_commune_a, commune_a, commune_b):
    client = client_for(head_of_commune_a)
    assert client.get(grid_url(commune_b)).status_code == 404
    response = client.get(grid_url(commune_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bạn chỉ được xem số liệu của đơn vị này." in html
    assert 'name="p' not in html and "Lưu số liệu" not in html
    data, rows = open_grid(client, commune_a)
    response = client.post(grid_url(commune_a), fill(data, rows, {commune_procedures(1)[0].code: (2, 1)}))
    assert response.status_code == 403
    assert counts_of(commune_a) == {}


def test_an_outsider_posting_to_another_units_grid_gets_404(client_for, head_of_commune_b, commune_a):
    response = client_for(head_of_commune_b).post(grid_url(commune_a), {"version": "0-0"})
    assert response.status_code == 404


def test_a_unit_head_may_enter_their_own_counts_when_the_setting_allows_it(client_for, head_of_commune_a, commune_a, commune_b, settings):
    settings.DVCTT_UNIT_HEADS_MAY_ENTER = True
    client = client_for(head_of_commune_a)
    response = save_grid(client, commune_a, {commune_procedures(1)[0].code: (2, 1)})
    assert response.status_code == 302
    assert client.get(grid_url(commune_b)).status_code == 404


def test_home_affairs_see_every_grid_but_do_not_enter(client_for, home_affairs, commune_a, department):
    client = client_for(home_affairs)
    assert client.get(grid_url(department)).status_code == 200
    assert client.post(grid_url(commune_a), {"version": "0-0"}).status_code == 403


# Hostile input ----------------------------------------------------------------------------------

hostile_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["-1", "1.5", "1e9", "0x10", "NaN", "∞", "<script>", "'; DROP TABLE x;--", "١٢", " 7 ", "9" * 40]),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(st.tuples(hostile_text, hostile_text), min_size=1, max_size=6),
    extra=st.dictionaries(st.text(max_size=12), st.text(max_size=12), max_size=4),
    version=st.one_of(st.none(), st.text(max_size=20)),
)
def test_hostile_values_never_break_the_grid_nor_change_the_database(staff_client, commune_a, values, extra, version):
    data, rows = open_grid(staff_client, commune_a)
    codes = list(rows)
    for (total, online), code in zip(values, codes):
        data[rows[code].total_name], data[rows[code].online_name] = total, online
    # at least one row is always wrong, so nothing may be saved
    data[rows[codes[-1]].total_name], data[rows[codes[-1]].online_name] = "1", "2"
    data.update({key: value for key, value in extra.items() if key not in data and "\x00" not in key + value})
    if version is None:
        data.pop("version")
    elif version:
        data["version"] = version
    before = database_state()
    response = staff_client.post(grid_url(commune_a), {k: v.replace("\x00", "") for k, v in data.items()})
    assert response.status_code in (200, 409)
    assert database_state() == before


def test_a_person_without_a_role_sees_no_units(client_for, commune_a):
    user = get_user_model().objects.create_user(username="nobody", password="x-Mat-khau-dai-123")
    client = client_for(user)
    assert client.get(grid_url(commune_a)).status_code == 404
    assert client.get(reverse("submissions:entry_index")).status_code == 200


def test_the_matrix_opens_on_the_latest_year_with_counts_when_this_year_has_none(client_for, staff, commune_a):
    from submissions.models import DossierCount, Procedure

    DossierCount.objects.create(unit=commune_a, procedure=Procedure.objects.for_entry(commune_a, 2020).first(),
                                year=2020, month=3, total=2, online=1)
    html = client_for(staff).get("/entry/").content.decode()
    assert "năm 2020" in html


def test_enter_on_an_unchanged_empty_grid_leaves_the_month_missing(client_for, staff, commune_a):
    from submissions.grid import build_grid
    from submissions.models import EmptyMonth

    client = client_for(staff)
    grid = build_grid(commune_a, 2020, 9)
    response = client.post(f"/entry/{commune_a.code}/2020/9/", {"version": grid.version}, follow=True)
    assert "Không có số nào thay đổi; không cần lưu." in response.content.decode()
    assert not EmptyMonth.objects.exists()
    html = client.get("/entry/?year=2020").content.decode()
    assert "Thị trấn Đức Thọ, tháng 9: Chưa nhập" in html


def test_a_month_without_dossiers_is_declared_with_its_own_button_and_a_confirmation(client_for, staff, commune_a):
    from submissions.models import EmptyMonth

    client = client_for(staff)
    grid_page = client.get(f"/entry/{commune_a.code}/2020/9/").content.decode()
    action = f"/entry/{commune_a.code}/2020/9/empty/"
    assert f'href="{action}"' in grid_page
    question = client.get(action)
    assert question.status_code == 200 and "không phát sinh hồ sơ" in question.content.decode()
    assert not EmptyMonth.objects.exists()  # asking changes nothing
    assert client.post(action).status_code == 302
    assert EmptyMonth.objects.filter(unit=commune_a, year=2020, month=9, confirmed_by=staff).exists()
    html = client.get("/entry/?year=2020").content.decode()
    assert "Thị trấn Đức Thọ, tháng 9: Không phát sinh hồ sơ" in html
    assert "Thị trấn Đức Thọ, tháng 8: Chưa nhập" in html

@pytest.mark.parametrize("value, attrs", [
    (None, {}),
    ("16", {"id": "id_p1_total", "aria-invalid": "true"}),
    ('"<b>&', {"aria-describedby": "err-5", "class": "count-input is-invalid", "hidden": False}),
])
def test_the_grids_inputs_are_written_exactly_as_djangos_templates_would_write_them(value, attrs):
    """The grid's 240 inputs are written in Python (issue 20); they must stay what Django's
    input.html and attrs.html give, escaping included."""
    from django import forms
    from django.forms.renderers import DjangoTemplates

    from submissions.forms import CountField, CountInput

    options = {"attrs": {**CountField.widget.attrs, "data-total": True}}
    django_own = forms.TextInput(**options).render("p1_total", value, attrs, renderer=DjangoTemplates())
    assert CountInput(**options).render("p1_total", value, attrs) == django_own
