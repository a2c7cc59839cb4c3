"""Reading a one-stop system's dossier list: the sample export as offices have it, and its variants."""

from datetime import date
from pathlib import Path

import pytest

from submissions.dossier_reading import (
    IN_PERSON, ONLINE, POSTAL, bare_place_name, commune_in_address, parse_channel, parse_date, read_dossiers,
)
from submissions.spreadsheets import FileRefused, XlsxLimits

# shared/samples' one-stop export, as an office has it (its applicant columns are placeholders).
SAMPLE = Path(__file__).parent / "data" / "danh-sach-ho-so-2020-08.xlsx"
LIMITS = XlsxLimits(max_rows=10_000, max_columns=40)
COMMUNES = ["Xã Liên Minh", "Xã Tùng Châu", "Xã Tùng Ảnh", "Thị trấn Đức Thọ", "Xã Đức Đồng", "Xã Đức Lạng"]


def test_the_sample_export_reads_sixty_dossiers_past_its_title_rows_and_total_row():
    reading = read_dossiers(SAMPLE.read_bytes(), SAMPLE.name, limits=LIMITS, communes=COMMUNES)
    assert reading.errors == []
    assert len(reading.lines) == 60
    first = reading.lines[0]
    assert (first.code, first.procedure_code, first.received_on, first.channel, first.unit_name) == (
        "000.00.56.H84-2000813-1950", "2.001019", date(2020, 8, 13), ONLINE, "UBND xã Liên Minh")
    assert first.commune_name == "Xã Liên Minh"  # from "Xóm 9, xã Liên Minh, Đức Thọ, Hà Tĩnh"
    assert {line.channel for line in reading.lines} == {ONLINE, IN_PERSON, POSTAL}
    assert not any("Nguyễn Văn A" in repr(line) or "000000000000" in repr(line) or "Xóm" in repr(line)
                   for line in reading.lines)


def csv_export(*rows, header="STT;Số hồ sơ;Tên thủ tục;Mã TTHC;Họ tên;Điện thoại;Địa chỉ;Ngày tiếp nhận;Hình thức nộp;Đơn vị tiếp nhận"):
    lines = ["UBND HUYỆN ĐỨC THỌ", "DANH SÁCH HỒ SƠ", "", header, *rows, ";Cộng: 2 hồ sơ"]
    return "\n".join(lines).encode("utf-8-sig")


def test_a_csv_with_a_bom_other_headers_and_text_dates_reads_the_same():
    data = csv_export(
        "1;HS-01;Đăng ký khai sinh;1.001193;Trần Thị B;0912345678;Thôn 2, X. Tùng Ảnh, Đức Thọ;13/08/2020 07:04;Trực tuyến;UBND xã Tùng Ảnh",
        "2;HS-02;Đăng ký khai tử;1.000656;Lê Văn C;0987654321;TT Đức Thọ;14/08/2020;Bưu chính công ích;UBND thị trấn Đức Thọ",
    )
    reading = read_dossiers(data, "export.csv", limits=LIMITS, communes=COMMUNES)
    assert reading.errors == [] and reading.skipped == 5  # three title rows, the header, the total
    assert [(line.code, line.received_on, line.channel, line.commune_name) for line in reading.lines] == [
        ("HS-01", date(2020, 8, 13), ONLINE, "Xã Tùng Ảnh"),
        ("HS-02", date(2020, 8, 14), POSTAL, "Thị trấn Đức Thọ"),
    ]
    assert "0912345678" not in repr(reading.lines) and "Trần Thị B" not in repr(reading.lines)


def test_a_row_without_a_readable_date_or_channel_is_refused_with_its_row_number():
    data = csv_export(
        "1;HS-01;Đăng ký khai sinh;1.001193;A;0;X. Tùng Ảnh;32/13/2020;Trực tuyến;UBND xã Tùng Ảnh",
        "2;HS-02;Đăng ký khai tử;1.000656;B;0;X. Tùng Ảnh;14/08/2020;Fax;UBND xã Tùng Ảnh",
        "3;;Đăng ký khai tử;1.000656;B;0;X. Tùng Ảnh;14/08/2020;Trực tiếp;UBND xã Tùng Ảnh",
    )
    reading = read_dossiers(data, "export.csv", limits=LIMITS, communes=COMMUNES)
    assert reading.errors == [
        "Dòng 5 (hồ sơ HS-01): ngày nộp “32/13/2020” không đọc được (dạng 13/08/2020).",
        "Dòng 6 (hồ sơ HS-02): không hiểu kênh nộp “Fax” (Trực tuyến, Trực tiếp, Bưu chính công ích).",
        "Dòng 7: thiếu mã hồ sơ.",
    ]


def test_a_file_without_the_header_is_refused_whole():
    with pytest.raises(FileRefused, match="Không tìm thấy dòng tiêu đề"):
        read_dossiers("a;b;c\n1;2;3\n".encode(), "x.csv", limits=LIMITS)


@pytest.mark.parametrize("value, channel", [
    ("Trực tuyến", ONLINE), ("TRUC TUYEN", ONLINE), (2, ONLINE), ("Trực tiếp", IN_PERSON), (None, IN_PERSON),
    ("", IN_PERSON), (1, IN_PERSON), ("Dịch vụ bưu chính", POSTAL), ("Bưu chính công ích", POSTAL), (3, POSTAL),
    ("Fax", None),
])
def test_the_channel_as_systems_write_it(value, channel):
    assert parse_channel(value) == channel


def test_dates_as_dates_or_as_text_and_nothing_else():
    assert parse_date("13/08/2020") == parse_date("13-08-2020 16:03") == parse_date("2020-08-13") == date(2020, 8, 13)
    assert parse_date("31/02/2020") is None and parse_date("hôm qua") is None and parse_date(44056) is None


def test_the_commune_is_found_in_an_address_only_when_exactly_one_is_named():
    assert commune_in_address("Xóm 1, xã Tùng Châu, Đức Thọ, Hà Tĩnh", COMMUNES) == "Xã Tùng Châu"
    assert commune_in_address("thon 3, xa tung chau", COMMUNES) == "Xã Tùng Châu"  # without marks
    assert commune_in_address("Xóm 1, Đức Thọ, Hà Tĩnh", COMMUNES) == ""  # "Đức Thọ" alone is not "TT Đức Thọ"
    assert commune_in_address("Xã Tùng Châu - Xã Đức Đồng", COMMUNES) == ""  # two: never guessed
    assert bare_place_name("UBND xã Liên Minh") == bare_place_name("Xã Liên Minh") == "lien minh"


def test_a_total_row_is_a_total_and_a_procedure_called_cong_nhan_is_not():
    from submissions.dossier_reading import is_total_row

    assert is_total_row({"code": "Tổng số: 60 hồ sơ", "received": None})
    assert is_total_row({"code": None, "procedure_name": "Cộng: 2 hồ sơ"})
    assert is_total_row({"code": "Tổng cộng 60"})
    assert not is_total_row({"code": None, "procedure_name": "Công nhận hộ nghèo", "received": None})
    assert not is_total_row({"code": "Tổng số: 1", "received": "13/08/2020"})
