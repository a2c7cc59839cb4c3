"""Spreadsheet round trip in the browser: download the month, fill it, upload, preview, confirm."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from submissions import importing
from submissions.import_reading import header_labels
from submissions.importing import COLUMNS, preview_import
from submissions.models import Authority, DossierCount, Procedure
from submissions.services import InvalidCounts

from .helpers import commune_procedures, counts_of, database_state, read_xlsx, save_grid

pytestmark = pytest.mark.django_db

UPLOAD = reverse("submissions:import_upload")
CONFIRM = reverse("submissions:import_confirm")


def template_url(year=2020, month=9, extension="xlsx"):
    return reverse("submissions:template_download", args=[year, month, extension])


def xlsx_bytes(rows, header=COLUMNS, formulas=()):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "SoLieu"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for coordinate, formula in formulas:
        sheet[coordinate] = formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(lines):
    return ("\n".join([",".join(COLUMNS), *lines]) + "\n").encode("utf-8")


def upload(client, content, name="so-lieu.xlsx"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def confirm(client, preview_response):
    return client.post(CONFIRM, {"sha256": preview_response.context["sha256"]})


def row(unit, procedure, total, online, year=2020, month=9):
    return [unit.code, unit.name, procedure.code, procedure.name, year, month, total, online]


# The template -----------------------------------------------------------------------------------


def test_the_template_of_one_unit_has_the_columns_the_saved_values_and_locked_names(staff_client, commune_a):
    first, second = commune_procedures(2)
    DossierCount.objects.create(unit=commune_a, procedure=first, year=2020, month=9, total=8, online=3)
    response = staff_client.get(template_url() + f"?unit={commune_a.code}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "so-lieu-2020-09-18229.xlsx" in response["Content-Disposition"]
    workbook, sheet = read_xlsx(response.content)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == header_labels()
    assert len(rows) == 1 + 120
    by_code = {r[2]: r for r in rows[1:]}
    assert by_code[first.code] == (commune_a.code, commune_a.name, first.code, first.name, 2020, 9, 8, 3)
    assert by_code[second.code][6:] == (None, None)
    assert sheet.protection.sheet is True
    assert sheet["A2"].protection.locked and sheet["D2"].protection.locked
    assert not sheet["G2"].protection.locked and not sheet["H2"].protection.locked


def test_the_template_of_all_units_has_every_unit_the_person_sees(staff_client, client_for, head_of_commune_a, commune_a):
    _workbook, sheet = read_xlsx(staff_client.get(template_url()).content)
    units = {r[0] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(units) == 26  # the 28 units but two departments without level 3/4 procedures
    _workbook, sheet = read_xlsx(client_for(head_of_commune_a).get(template_url()).content)
    assert {r[0] for r in sheet.iter_rows(min_row=2, values_only=True)} == {commune_a.code}


def test_the_template_of_a_unit_one_may_not_see_is_not_found(client_for, head_of_commune_b, commune_a):
    assert client_for(head_of_commune_b).get(template_url() + f"?unit={commune_a.code}").status_code == 404


def test_the_template_as_csv(staff_client, department):
    response = staff_client.get(template_url(extension="csv") + f"?unit={department.code}")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == ",".join(header_labels()) and len(lines) == 1 + 9


def test_text_that_looks_like_a_formula_stays_text_in_the_template(staff_client, commune_a):
    procedure = commune_procedures(1)[0]
    procedure.name = '=HYPERLINK("http://example.invalid","bấm")'
    procedure.save()
    workbook, sheet = read_xlsx(staff_client.get(template_url() + f"?unit={commune_a.code}").content)
    cell = next(r[3] for r in sheet.iter_rows(min_row=2) if r[2].value == procedure.code)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    text = staff_client.get(template_url(extension="csv") + f"?unit={commune_a.code}").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_the_download_form_leads_to_the_template(staff_client, commune_a):
    response = staff_client.get(reverse("submissions:template_choose"), {"year": 2020, "month": 9, "format": "csv", "unit": commune_a.code})
    assert response.status_code == 302 and response["Location"] == template_url(extension="csv") + f"?unit={commune_a.code}"
    assert staff_client.get(reverse("submissions:template_choose"), {"year": "x", "month": 9}).status_code == 400
    assert "Tải mẫu số liệu của một tháng" in staff_client.get(reverse("submissions:template_choose")).content.decode()


# The round trip -------------------------------------------------------------------------------


def test_download_change_three_numbers_upload_preview_confirm(staff_client, staff, commune_a):
    first, second, third = commune_procedures(3)
    DossierCount.objects.create(unit=commune_a, procedure=first, year=2020, month=9, total=8, online=3)
    workbook, sheet = read_xlsx(staff_client.get(template_url() + f"?unit={commune_a.code}").content)
    for cells in sheet.iter_rows(min_row=2):
        code = cells[2].value
        if code == first.code:
            cells[6].value, cells[7].value = 10, 4
        elif code == second.code:
            cells[6].value, cells[7].value = 5, 0
        elif code == third.code:
            cells[6].value, cells[7].value = 2, 2
    buffer = io.BytesIO()
    workbook.save(buffer)

    preview = upload(staff_client, buffer.getvalue())
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "3 thay đổi" in html and "0 lỗi" in html
    assert "8 → <strong>10</strong>" in html and "3 → <strong>4</strong>" in html and "— → <strong>5</strong>" in html
    assert counts_of(commune_a) == {first.code: (8, 3)}  # nothing written by the preview

    done = confirm(staff_client, preview)
    assert done.status_code == 200
    assert "Đã ghi 3 thay đổi" in done.content.decode()
    assert counts_of(commune_a) == {first.code: (10, 4), second.code: (5, 0), third.code: (2, 2)}
    record = DossierCount.history.filter(procedure_id=first.pk).latest("history_id")
    assert (record.history_user, record.history_change_reason) == (staff, "upload")


def test_uploading_the_same_file_again_changes_nothing(staff_client, commune_a):
    procedure = commune_procedures(1)[0]
    content = xlsx_bytes([row(commune_a, procedure, 6, 2)])
    confirm(staff_client, upload(staff_client, content))
    before = database_state()
    again = upload(staff_client, content)
    assert "0 thay đổi" in again.content.decode()
    assert "Tệp không làm thay đổi số nào" in again.content.decode()
    assert staff_client.post(CONFIRM, {"sha256": again.context["sha256"]}).status_code == 302
    assert database_state() == before


def test_a_csv_file_may_be_uploaded_too(staff_client, commune_a):
    procedure = commune_procedures(1)[0]
    content = csv_bytes([f"{commune_a.code},,{procedure.code},,2020,9,7,1"])
    preview = upload(staff_client, content, "so-lieu.csv")
    assert "1 thay đổi" in preview.content.decode()
    confirm(staff_client, preview)
    assert counts_of(commune_a) == {procedure.code: (7, 1)}


def test_one_wrong_row_rejects_the_whole_file(staff_client, commune_a):
    first, second = commune_procedures(2)
    before = database_state()
    preview = upload(staff_client, xlsx_bytes([row(commune_a, first, 6, 2), row(commune_a, second, 2, 5)]))
    html = preview.content.decode()
    assert "1 lỗi" in html and "Xác nhận ghi" not in html
    assert "tệp bị từ chối, không số nào được ghi" in html
    assert staff_client.post(CONFIRM, {"sha256": preview.context["sha256"]}).status_code == 302
    assert database_state() == before
    result = preview_import(data=xlsx_bytes([row(commune_a, first, 6, 2), row(commune_a, second, 2, 5)]), filename="x.xlsx")
    with pytest.raises(InvalidCounts):
        importing.apply_import(result, user=None, reason="upload")
    assert database_state() == before


# Every rejection ------------------------------------------------------------------------------


def errors_of(content, name="so-lieu.xlsx", user=None):
    result = preview_import(data=content, filename=name, user=user)
    return [(error.row, error.message) for error in result.errors]


def assert_rejected(client, content, expected_row, expected_text, name="so-lieu.xlsx"):
    before = database_state()
    response = upload(client, content, name)
    assert response.status_code == 200
    errors = [(error.row, error.message) for error in response.context["preview"].errors]
    assert any(row_number == expected_row and expected_text in message for row_number, message in errors), errors
    html = response.content.decode()
    assert expected_text.split("“")[0] in html
    assert "Xác nhận ghi" not in html
    assert database_state() == before


def test_an_unknown_unit_code_is_rejected(staff_client):
    procedure = commune_procedures(1)[0]
    assert_rejected(staff_client, xlsx_bytes([["99999", "", procedure.code, "", 2020, 9, 1, 0]]), 2, "không có đơn vị mã “99999”")


def test_an_unknown_procedure_code_is_rejected(staff_client, commune_a):
    assert_rejected(staff_client, xlsx_bytes([[commune_a.code, "", "9.999999", "", 2020, 9, 1, 0]]), 2, "không có thủ tục mã “9.999999”")


def test_a_procedure_code_excel_turned_into_a_number_is_rejected(staff_client, commune_a):
    assert_rejected(staff_client, xlsx_bytes([[commune_a.code, "", 1.001612, "", 2020, 9, 1, 0]]), 2, "đã bị Excel đổi thành số")


def test_a_pair_not_valid_for_the_unit_is_rejected(staff_client, department):
    other = Procedure.objects.filter(authority=Authority.DISTRICT, online_level__gte=3).exclude(department=department).first()
    assert_rejected(staff_client, xlsx_bytes([row(department, other, 3, 1)]), 2, "không do Phòng Tài chính - Kế hoạch giải quyết")
    commune_one = commune_procedures(1)[0]
    assert_rejected(staff_client, xlsx_bytes([row(department, commune_one, 3, 1)]), 2, "không do Phòng Tài chính - Kế hoạch")


def test_a_level_2_or_retired_procedure_is_rejected(staff_client, commune_a):
    level_2 = Procedure.objects.filter(authority=Authority.COMMUNE, online_level=2).first()
    assert_rejected(staff_client, xlsx_bytes([row(commune_a, level_2, 3, 1)]), 2, "chỉ ở mức độ 2")
    new_in_2020 = Procedure.objects.filter(first_year=2020, online_level__gte=3).first()
    assert_rejected(staff_client, xlsx_bytes([row(commune_a, new_in_2020, 3, 1, year=2019)]), 2, "không được cung cấp trong năm 2019")


def test_duplicate_rows_are_rejected(staff_client, commune_a):
    procedure = commune_procedures(1)[0]
    content = xlsx_bytes([row(commune_a, procedure, 3, 1), row(commune_a, procedure, 4, 1)])
    assert_rejected(staff_client, content, 3, "trùng với dòng 2")


@pytest.mark.parametrize(
    "total, expected",
    [
        ("12", "chứa văn bản"),
        ("mười", "chứa văn bản"),
        (2.5, "không phải số nguyên (2,5)"),
        (-3, "là số âm"),
        (True, "đúng/sai"),
        (datetime.datetime(2020, 9, 1), "ngày tháng"),
        (10**9, "quá lớn"),
    ],
)
def test_a_number_cell_holding_something_else_is_rejected(staff_client, commune_a, total, expected):
    procedure = commune_procedures(1)[0]
    assert_rejected(staff_client, xlsx_bytes([row(commune_a, procedure, total, 0)]), 2, expected)


def test_a_formula_in_a_number_cell_is_rejected(staff_client, commune_a):
    procedure = commune_procedures(1)[0]
    content = xlsx_bytes([row(commune_a, procedure, None, 1)], formulas=[("G2", "=1+2")])
    assert_rejected(staff_client, content, 2, "ô Tổng số hồ sơ chứa công thức")


def test_online_above_total_is_rejected(staff_client, commune_a):
    procedure = commune_procedures(1)[0]
    assert_rejected(staff_client, xlsx_bytes([row(commune_a, procedure, 2, 3)]), 2, "số hồ sơ trực tuyến (3) lớn hơn tổng số hồ sơ (2)")


def test_a_future_month_is_rejected(staff_client, commune_a):
    today = timezone.localdate()
    procedure = commune_procedures(1, year=today.year)[0]
    assert_rejected(staff_client, xlsx_bytes([row(commune_a, procedure, 2, 1, year=today.year + 1, month=1)]), 2, "chưa đến")


def test_a_bad_month_or_year_is_rejected(staff_client, commune_a):
    procedure = commune_procedures(1)[0]
    assert_rejected(staff_client, xlsx_bytes([row(commune_a, procedure, 2, 1, month=13)]), 2, "tháng phải từ 1 đến 12")
    assert_rejected(staff_client, xlsx_bytes([row(commune_a, procedure, 2, 1, year=1999)]), 2, "năm không hợp lệ")


def test_a_locked_month_is_rejected(staff_client, home_affairs, commune_a):
    from submissions.services import lock_period

    lock_period(district=commune_a.district, year=2020, month=9, user=home_affairs)
    procedure = commune_procedures(1)[0]
    assert_rejected(staff_client, xlsx_bytes([row(commune_a, procedure, 2, 1)]), 2, "Tháng 9/2020 đã bị khóa bởi")


@pytest.mark.parametrize(
    "content, name",
    [
        (b"%PDF-1.4 not a spreadsheet", "so-lieu.xlsx"),
        (b"PK\x03\x04 broken zip", "so-lieu.xlsx"),
        (b"hello", "so-lieu.txt"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "so-lieu.csv"),
        (b"\xff\xfe\x00b\x00a\x00d", "so-lieu.csv"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_rejected(staff_client, content, name):
    before = database_state()
    response = upload(staff_client, content, name)
    assert response.status_code == 200
    errors = response.context["preview"].errors
    assert len(errors) == 1 and errors[0].row is None
    assert any(word in errors[0].message for word in ("không phải bảng tính", "dòng tiêu đề", "nhị phân"))
    assert database_state() == before


def test_a_zip_that_is_not_a_workbook_is_rejected(staff_client):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert errors_of(buffer.getvalue()) == [(None, "Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")]


def test_a_workbook_damaged_inside_is_rejected(staff_client, commune_a):
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([row(commune_a, commune_procedures(1)[0], 2, 1)])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as damaged:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]  # cut off in the middle of the rows
            damaged.writestr(item, content)
    assert errors_of(buffer.getvalue()) == [(None, "Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")]


def test_a_file_over_the_size_limit_is_rejected_before_it_is_read(staff_client, settings, commune_a):
    settings.DVCTT_MAX_UPLOAD_BYTES = 1024
    procedure = commune_procedures(1)[0]
    response = upload(staff_client, xlsx_bytes([row(commune_a, procedure, 2, 1)] * 50))
    assert response.status_code == 200
    assert "Tệp quá lớn" in response.content.decode()
    assert "preview" not in response.context


def test_a_missing_header_column_is_rejected(staff_client, commune_a):
    content = xlsx_bytes([[commune_a.code, "", "1.1", "", 2020, 9, 1]], header=COLUMNS[:-1])
    assert_rejected(staff_client, content, None, "thiếu cột: Trong đó trực tuyến")


def test_too_many_columns_or_rows_are_rejected(staff_client, commune_a, monkeypatch):
    procedure = commune_procedures(1)[0]
    wide = [*row(commune_a, procedure, 2, 1), *(["x"] * 30)]
    assert_rejected(staff_client, xlsx_bytes([wide]), None, "quá nhiều cột")
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    procedures = commune_procedures(5)
    assert_rejected(staff_client, xlsx_bytes([row(commune_a, p, 2, 1) for p in procedures]), None, "quá nhiều dòng")


def test_an_empty_file_is_rejected(staff_client):
    assert_rejected(staff_client, xlsx_bytes([]), None, "không có dòng số liệu nào")


def test_csv_numbers_must_be_whole_numbers_and_formulas_are_refused(commune_a):
    procedure = commune_procedures(1)[0]
    lines = [
        f"{commune_a.code},,{procedure.code},,2020,9,1.5,0",
        f"{commune_a.code},,{procedure.code},,2020,8,=2+3,0",
        f"{commune_a.code},,{procedure.code},,2020,7,-4,0",
    ]
    errors = errors_of(csv_bytes(lines), "x.csv")
    assert (2, "ô Tổng số hồ sơ không phải số nguyên: “1.5”.") in errors
    assert (3, "ô Tổng số hồ sơ chứa công thức; chỉ nhận giá trị.") in errors
    assert (4, "ô Tổng số hồ sơ là số âm (-4).") in errors


def test_every_error_comes_with_its_row_number(staff_client, commune_a):
    first, second, third = commune_procedures(3)
    content = xlsx_bytes([row(commune_a, first, 2, 1), row(commune_a, second, "x", 1), row(commune_a, third, 1, 9)])
    assert [number for number, _message in errors_of(content)] == [3, 4]


# Concurrency and who may ------------------------------------------------------------------------


def test_a_confirmation_after_somebody_else_saved_is_refused_and_nothing_is_lost(staff_client, commune_a, reference):
    from conftest import make_person
    from units.roles import Role

    first, second = commune_procedures(2)
    preview = upload(staff_client, xlsx_bytes([row(commune_a, first, 6, 2)]))
    colleague = make_person("dong.nghiep", Role.STAFF, district=reference["district"])
    colleague.first_name, colleague.last_name = "Lê Thị", "Mai"
    colleague.save()
    other = Client()
    other.force_login(colleague)
    assert save_grid(other, commune_a, {second.code: (9, 9)}).status_code == 302

    response = confirm(staff_client, preview)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Số liệu đã được Lê Thị Mai thay đổi lúc" in html and "hãy tải lại trang" in html
    assert counts_of(commune_a) == {second.code: (9, 9)}
    # uploading the same file again shows it against the new numbers, and may then be confirmed
    again = upload(staff_client, xlsx_bytes([row(commune_a, first, 6, 2)]))
    confirm(staff_client, again)
    assert counts_of(commune_a) == {first.code: (6, 2), second.code: (9, 9)}


def test_the_import_page_is_for_people_who_enter_counts(client_for, home_affairs, head_of_commune_a):
    for person in (home_affairs, head_of_commune_a):
        client = client_for(person)
        assert client.get(UPLOAD).status_code == 403
        assert client.post(CONFIRM, {"sha256": "x"}).status_code == 403


def test_a_unit_head_allowed_to_enter_may_import_only_their_own_unit(client_for, head_of_commune_a, commune_a, commune_b, settings):
    settings.DVCTT_UNIT_HEADS_MAY_ENTER = True
    procedure = commune_procedures(1)[0]
    client = client_for(head_of_commune_a)
    assert client.get(UPLOAD).status_code == 200
    assert_rejected(client, xlsx_bytes([row(commune_b, procedure, 2, 1)]), 2, f"không có đơn vị mã “{commune_b.code}”")
    preview = upload(client, xlsx_bytes([row(commune_a, procedure, 2, 1)]))
    confirm(client, preview)
    assert counts_of(commune_a) == {procedure.code: (2, 1)}


def test_the_import_preview_counts_queries_not_rows(commune_a, department, django_assert_max_num_queries):
    rows = [row(commune_a, p, 3, 1) for p in Procedure.objects.for_entry(commune_a, 2020)]
    rows += [row(department, p, 3, 1) for p in Procedure.objects.for_entry(department, 2020)]
    content = xlsx_bytes(rows)
    # units, procedures, saved counts, approvals, locks, lock exceptions, versions, history for unusual values
    with django_assert_max_num_queries(8):
        result = preview_import(data=content, filename="x.xlsx")
    assert result.ok and len(result.changes) == 129


def test_the_download_form_is_for_people_who_see_units_and_stays_within_them(client, client_for, head_of_commune_b, commune_a):
    chooser = reverse("submissions:template_choose")
    assert client.get(chooser)["Location"].startswith(reverse("login"))
    head = client_for(head_of_commune_b)
    assert head.get(chooser).status_code == 200
    assert head.get(chooser, {"year": 2020, "month": 9, "unit": commune_a.code}).status_code == 404


def test_a_workbook_whose_first_sheet_is_something_else_is_rejected(staff_client, commune_a):
    workbook = Workbook()
    notes = workbook.active
    notes.title = "Ghi chú"
    notes.append(["Báo cáo tháng 9", "gửi Trung tâm HCC"])
    data = workbook.create_sheet("Dữ liệu")
    data.append(list(COLUMNS))
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert_rejected(staff_client, buffer.getvalue(), None, "thiếu cột")


# A province's month: counts and the first rows, not every change ----------------------------------


def test_the_preview_and_the_done_page_list_the_first_changes_and_say_how_many_more(staff_client, commune_a, monkeypatch):
    monkeypatch.setattr(importing, "CHANGES_SHOWN", 2)
    procedures = commune_procedures(6)
    DossierCount.objects.create(unit=commune_a, procedure=procedures[0], year=2020, month=9, total=8, online=3)
    DossierCount.objects.create(unit=commune_a, procedure=procedures[5], year=2020, month=9, total=1, online=1)
    rows = [row(commune_a, p, 10 + n, 1) for n, p in enumerate(procedures[:5])] + [row(commune_a, procedures[5], 1, 1)]

    preview = upload(staff_client, xlsx_bytes(rows))
    html = preview.content.decode()
    assert "5 thay đổi" in html and "Xác nhận ghi 5 thay đổi" in html
    assert "4 dòng mới (chưa có số đã lưu)" in html and "1 dòng sửa số đã lưu" in html and "1 dòng không đổi" in html
    assert html.count('<td class="num">', html.index("changes-title")) == 2 * 4  # two rows of four number cells
    assert "8 → <strong>10</strong>" in html and procedures[1].code in html and procedures[2].code not in html
    assert "… và 3 dòng thay đổi khác không liệt kê ở đây." in html

    done = confirm(staff_client, preview)
    html = done.content.decode()
    assert "Đã ghi 5 thay đổi" in html and "4 dòng mới (chưa có số đã lưu)" in html
    assert html.count("Xem lịch sử") == 2 and procedures[2].code not in html
    assert "… và 3 dòng thay đổi khác không liệt kê ở đây." in html
    assert counts_of(commune_a) == {p.code: (10 + n, 1) for n, p in enumerate(procedures[:5])} | {procedures[5].code: (1, 1)}


def test_a_short_list_of_changes_is_shown_whole_without_the_sentence(staff_client, commune_a):
    procedure = commune_procedures(1)[0]
    html = upload(staff_client, xlsx_bytes([row(commune_a, procedure, 2, 1)])).content.decode()
    assert "— → <strong>2</strong>" in html and "không liệt kê ở đây" not in html


def test_the_number_of_changes_not_listed_is_written_the_vietnamese_way_and_in_english():
    from django.template.loader import render_to_string
    from django.utils import translation

    listed = importing.ChangeList(inserted=0, updated=4888, shown=[], hidden=4688)
    assert "… và 4.688 dòng thay đổi khác không liệt kê ở đây." in render_to_string("submissions/_import_more.html", {"listed": listed})
    with translation.override("en"):
        english = render_to_string("submissions/_import_more.html", {"listed": listed})
        one = render_to_string("submissions/_import_more.html", {"listed": importing.ChangeList(0, 201, [], 1)})
    assert "… and 4,688 more changed rows are not listed here." in english
    assert "… and 1 more changed row is not listed here." in one


# A month with nothing but zeros ----------------------------------------------------------------


def test_an_all_zero_month_uploaded_from_a_spreadsheet_counts_as_entered(client_for, staff, commune_a, commune_b):
    from submissions.models import EmptyMonth

    client = client_for(staff)
    first, second, third = commune_procedures(3)
    content = xlsx_bytes([
        row(commune_a, first, 0, 0), row(commune_a, second, 0, 0), row(commune_a, third, None, None),
        row(commune_b, first, 4, 1),
    ])
    assert "Thị trấn Đức Thọ, tháng 9: Chưa nhập" in client.get("/entry/?year=2020").content.decode()

    preview = upload(client, content)
    html = preview.content.decode()
    assert "1 thay đổi" in html and "1 tháng của đơn vị chỉ có số 0 được ghi nhận là đã nhập" in html
    assert not EmptyMonth.objects.exists()  # the preview writes nothing

    assert confirm(client, preview).status_code == 200
    assert EmptyMonth.objects.filter(unit=commune_a, year=2020, month=9, confirmed_by=staff).exists()
    assert not EmptyMonth.objects.filter(unit=commune_b).exists()  # it has a count
    assert counts_of(commune_a) == {} and counts_of(commune_b) == {first.code: (4, 1)}
    assert not DossierCount.history.filter(unit_id=commune_a.pk).exists()
    assert "Thị trấn Đức Thọ, tháng 9: Không phát sinh hồ sơ" in client.get("/entry/?year=2020").content.decode()

    again = upload(client, content)
    assert "Tệp không làm thay đổi số nào" in again.content.decode()
    assert "được ghi nhận là đã nhập" not in again.content.decode()


def test_a_file_of_zeros_only_may_be_confirmed_to_record_the_month(staff_client, staff, commune_a):
    from submissions.models import EmptyMonth

    content = xlsx_bytes([row(commune_a, p, 0, 0) for p in commune_procedures(3)])
    preview = upload(staff_client, content)
    html = preview.content.decode()
    assert "0 thay đổi" in html and "Xác nhận ghi nhận 1 tháng không phát sinh hồ sơ" in html
    done = confirm(staff_client, preview)
    assert done.status_code == 200 and "1 tháng của đơn vị chỉ có số 0 được ghi nhận là đã nhập" in done.content.decode()
    assert EmptyMonth.objects.filter(unit=commune_a, year=2020, month=9, confirmed_by=staff).count() == 1


def test_zeros_for_a_month_already_entered_record_nothing_more(staff_client, commune_a):
    from submissions.models import EmptyMonth

    first, second = commune_procedures(2)
    DossierCount.objects.create(unit=commune_a, procedure=first, year=2020, month=9, total=3, online=1)
    preview = upload(staff_client, xlsx_bytes([row(commune_a, second, 0, 0)]))
    assert "Tệp không làm thay đổi số nào" in preview.content.decode()
    assert not EmptyMonth.objects.exists()


def test_a_month_of_zeros_locked_after_the_preview_is_refused_and_not_recorded(staff_client, home_affairs, commune_a):
    from submissions.models import EmptyMonth
    from submissions.services import lock_period

    preview = upload(staff_client, xlsx_bytes([row(commune_a, p, 0, 0) for p in commune_procedures(2)]))
    lock_period(district=commune_a.district, year=2020, month=9, user=home_affairs)
    response = confirm(staff_client, preview)
    assert response.status_code == 409 and "đã bị khóa" in response.content.decode()
    assert not EmptyMonth.objects.exists()


def test_the_command_records_a_month_of_zeros_too(commune_a, tmp_path):
    from django.core.management import call_command

    from submissions.models import EmptyMonth

    path = tmp_path / "so-lieu.csv"
    path.write_bytes(csv_bytes([f"{commune_a.code},,{p.code},,2020,9,0,0" for p in commune_procedures(2)]))
    out = io.StringIO()
    call_command("import_counts", str(path), stdout=out)
    assert "1 tháng của đơn vị chỉ có số 0 được ghi nhận là đã nhập" in out.getvalue()
    assert EmptyMonth.objects.filter(unit=commune_a, year=2020, month=9, confirmed_by=None).exists()
