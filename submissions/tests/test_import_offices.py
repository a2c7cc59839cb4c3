"""Files as offices have them (issue 16, points 3–4): the template speaks Vietnamese and prints
on A4; a CSV saved by Excel on Vietnamese or Western Windows, as "Unicode Text", with or without
a byte-order mark, is read without asking; numeric-looking codes get a hint; .ods and .xls are
told to be saved as .xlsx."""

import io
import unicodedata

import pytest
from openpyxl import load_workbook

from submissions.import_reading import decode_csv, header_labels
from submissions.importing import preview_import
from submissions.models import DossierCount
from submissions.tests.helpers import commune_procedures
from submissions.tests.test_import import confirm, template_url, upload

pytestmark = pytest.mark.django_db

VIETNAMESE_HEADER = "Mã đơn vị,Tên đơn vị,Mã thủ tục,Tên thủ tục,Năm,Tháng,Tổng số hồ sơ,Trong đó trực tuyến"
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258(text: str) -> bytes:
    """As Excel's "CSV (Comma delimited)" writes on Vietnamese Windows: Ă Â Ê Ô Ơ Ư Đ as letters,
    the five tone marks as combining characters after them."""
    letters = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(part for part in parts if part not in TONE_MARKS))
        letters.append(base + "".join(part for part in parts if part in TONE_MARKS))
    return "".join(letters).encode("cp1258")


def csv_lines(commune, procedure, total=7, online=2, header=VIETNAMESE_HEADER, separator=","):
    return [header.replace(",", separator),
            separator.join([commune.code, commune.name, procedure.code, procedure.name, "2020", "9", str(total), str(online)])]


def imported(commune, procedure):
    return DossierCount.objects.filter(unit=commune, procedure=procedure, year=2020, month=9).values_list("total", "online").first()


def test_the_downloaded_template_has_vietnamese_headers_and_prints_on_a4(staff_client, commune_a):
    response = staff_client.get(template_url() + f"?unit={commune_a.code}")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == header_labels() == VIETNAMESE_HEADER.split(",")
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$1:$1" and "&P" in sheet.oddFooter.center.text
    long_name = max(range(2, sheet.max_row + 1), key=lambda row: len(sheet.cell(row, 4).value or ""))
    assert sheet.row_dimensions[long_name].height >= 30  # a long procedure name gets the lines it needs


def test_the_vietnamese_template_filled_in_imports(staff_client, commune_a):
    procedure = commune_procedures(1)[0]
    response = staff_client.get(template_url() + f"?unit={commune_a.code}")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    row = next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 3).value == procedure.code)
    sheet.cell(row, 7).value, sheet.cell(row, 8).value = 12, 5
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = upload(staff_client, buffer.getvalue())
    assert preview.context["preview"].ok, preview.context["preview"].errors
    assert confirm(staff_client, preview).status_code == 200
    assert imported(commune_a, procedure) == (12, 5)


@pytest.mark.parametrize("header", [VIETNAMESE_HEADER, VIETNAMESE_HEADER.upper(),
                                    "Ma don vi,Ten don vi,Ma thu tuc,Ten thu tuc,Nam,Thang,Tong so ho so,Trong do truc tuyen",
                                    "unit_code,unit_name,procedure_code,procedure_name,year,month,total,online"])
def test_headers_in_vietnamese_with_or_without_marks_or_the_old_english_ones(commune_a, header):
    procedure = commune_procedures(1)[0]
    data = ("\n".join(csv_lines(commune_a, procedure, header=header)) + "\n").encode("utf-8")
    preview = preview_import(data=data, filename="so-lieu.csv")
    assert preview.ok and len(preview.changes) == 1, preview.errors


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "windows-1258", "utf-16"])
def test_a_csv_in_each_encoding_offices_save_imports_with_its_names_intact(staff_client, commune_a, encoding):
    procedure = commune_procedures(1)[0]
    separator = "\t" if encoding == "utf-16" else ","  # Excel's "Unicode Text" is tab-separated
    text = "\r\n".join(csv_lines(commune_a, procedure, separator=separator)) + "\r\n"
    data = windows_1258(text) if encoding == "windows-1258" else text.encode(encoding)
    assert decode_csv(data).text.replace("\ufeff", "") == text
    preview = upload(staff_client, data, name="so-lieu.csv")
    assert preview.context["preview"].ok and not preview.context["preview"].notices
    confirm(staff_client, preview)
    assert imported(commune_a, procedure) == (7, 2)


def test_a_western_windows_csv_imports_by_its_codes_with_a_note_on_the_lost_letters(staff_client, commune_a):
    procedure = commune_procedures(1)[0]
    text = "\r\n".join(csv_lines(commune_a, procedure, header="Ma don vi,Ten don vi,Ma thu tuc,Ten thu tuc,Nam,Thang,Tong so ho so,Trong do truc tuyen"))
    data = (text.replace(commune_a.name, "Thị trấn Đức Thọ Café") + "\r\n").encode("cp1252", errors="replace")
    preview = upload(staff_client, data, name="so-lieu.csv")
    result = preview.context["preview"]
    assert result.ok and len(result.changes) == 1
    assert any("Tên đơn vị" in notice.message and "Windows-1252" in notice.message for notice in result.notices)
    assert "ghi chú khi đọc tệp" in preview.content.decode()
    confirm(staff_client, preview)
    assert imported(commune_a, procedure) == (7, 2)


def test_a_procedure_code_a_spreadsheet_turned_into_a_number_gets_a_hint_in_csv_too(commune_a):
    data = ("\n".join([VIETNAMESE_HEADER, f"{commune_a.code},,2.00093,,2020,9,3,1"]) + "\n").encode("utf-8")
    (error,) = preview_import(data=data, filename="so-lieu.csv").errors
    assert error.row == 2 and "không có thủ tục mã “2.00093”" in error.message
    assert "đã bị Excel đổi thành số" in error.message and "Mã thủ tục" in error.message


@pytest.mark.parametrize("name", ["so-lieu.ods", "so-lieu.xls"])
def test_ods_and_xls_are_asked_to_be_saved_as_xlsx(name):
    (error,) = preview_import(data=b"PK\x03\x04 whatever", filename=name).errors
    assert "lưu lại dưới dạng .xlsx" in error.message


def test_the_portals_own_template_saved_on_western_windows_imports(staff_client, commune_a):
    procedure = commune_procedures(1)[0]
    text = "\r\n".join(csv_lines(commune_a, procedure)) + "\r\n"  # the Vietnamese headers lose their letters
    data = text.encode("cp1252", errors="replace")
    assert b"M\xe3 ??n v?" in data
    preview = upload(staff_client, data, name="so-lieu.csv")
    assert preview.context["preview"].ok, preview.context["preview"].errors
    confirm(staff_client, preview)
    assert imported(commune_a, procedure) == (7, 2)


def test_a_vietnamese_windows_csv_with_a_question_mark_in_a_word_is_still_read_as_windows_1258(commune_a):
    procedure = commune_procedures(1)[0]
    lines = csv_lines(commune_a, procedure)
    lines[0] += ",Liên kết"
    lines[1] += ",https://dichvucong.gov.vn/chi-tiet.html?ma_thu_tuc=1.000419"
    preview = preview_import(data=windows_1258("\r\n".join(lines) + "\r\n"), filename="so-lieu.csv")
    assert preview.ok and len(preview.changes) == 1 and not preview.notices, preview.errors
