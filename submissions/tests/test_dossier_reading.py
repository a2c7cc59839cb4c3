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


ROW = "{n};HS-{n:06d};Đăng ký khai sinh;1.001193;Trần Thị B;0912345678;Thôn 2, X. Tùng Ảnh, Đức Thọ;13/08/2020;Trực tuyến;UBND xã Tùng Ảnh"


def test_a_province_sized_csv_is_read_one_row_at_a_time_as_a_small_one_is_read_whole():
    from submissions.dossier_reading import CSV_HEAD_BYTES, stream_dossiers

    rows = [ROW.format(n=n) for n in range(1, 12_001)]  # ~1.6 MB: past the head that decides the encoding
    small = read_dossiers(csv_export(*rows[:50]), "export.csv", limits=LIMITS, communes=COMMUNES)
    from submissions.tests.test_import_offices import windows_1258

    text = "\n".join(["DANH SÁCH HỒ SƠ", "", csv_export().decode("utf-8-sig").splitlines()[3], *rows])
    for data in (text.encode("utf-8-sig"), windows_1258(text)):  # Excel's CSV on Vietnamese Windows
        assert len(data) > CSV_HEAD_BYTES
        stream = stream_dossiers(data, "export.csv", limits=XlsxLimits(max_rows=20_000, max_columns=40),
                                 communes=COMMUNES)
        lines = list(stream)
        assert stream.errors.all() == [] and len(lines) == 12_000
        assert stream.total_rows == 12_002 and stream.row == 12_003  # counted for the progress bar; all read
        assert [(line.code, line.commune_name, line.channel) for line in lines[:50]] == [
            (line.code, line.commune_name, line.channel) for line in small.lines]


def test_a_large_csv_whose_later_bytes_are_not_utf8_is_refused_not_half_read():
    rows = [ROW.format(n=n) for n in range(1, 9_001)]
    data = csv_export(*rows) + b"\n9001;HS-X;Dang ky khai sinh;1.001193;Tr\xe2n\n"  # "Trân" in Windows-1258
    with pytest.raises(FileRefused, match="không đọc được theo mã UTF-8"):
        read_dossiers(data, "export.csv", limits=XlsxLimits(max_rows=20_000, max_columns=40), communes=COMMUNES)


def test_a_csv_cell_longer_than_the_csv_module_reads_is_refused():
    data = csv_export('1;"HS-01' + "x" * 140_000)
    with pytest.raises(FileRefused, match="có ô dài quá"):
        read_dossiers(data, "export.csv", limits=LIMITS, communes=COMMUNES)


def test_a_list_refused_row_by_row_says_the_first_thousand_rows_and_how_many_more():
    rows = [ROW.format(n=n).replace("13/08/2020", "32/13/2020") for n in range(1, 1_251)]
    reading = read_dossiers(csv_export(*rows), "export.csv", limits=LIMITS, communes=COMMUNES)
    assert len(reading.errors) == 1_000
    from submissions.dossier_reading import stream_dossiers

    stream = stream_dossiers(csv_export(*rows), "export.csv", limits=LIMITS, communes=COMMUNES)
    assert list(stream) == [] and stream.errors.all()[-1] == "… và 250 dòng khác cũng bị từ chối."


def test_a_large_csv_file_can_be_read_twice_from_the_same_open_file(tmp_path):
    from submissions.dossier_reading import stream_dossiers

    path = tmp_path / "export.csv"
    path.write_bytes(csv_export(*[ROW.format(n=n) for n in range(1, 9_001)]))  # past the head read whole
    with open(path, "rb") as stored:
        for _ in range(2):  # the job's preview reads it again when unusual values stop the first reading
            lines = list(stream_dossiers(stored, path.name, limits=XlsxLimits(max_rows=20_000, max_columns=40),
                                         communes=COMMUNES))
            assert len(lines) == 9_000


def _sheet(rows) -> bytes:
    from io import BytesIO

    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER = ["Mã hồ sơ", "Mã thủ tục", "Ngày tiếp nhận", "Hình thức nộp", "Đơn vị tiếp nhận"]
STREAMED = XlsxLimits(max_rows=200, max_columns=40, max_row_bytes=4096)


def test_a_streamed_sheet_reads_like_a_checked_one():
    data = _sheet([["DANH SÁCH"], HEADER, *[[f"HS-{n}", "1.001193", "13/08/2020", "Trực tuyến", "UBND xã Tùng Ảnh"]
                                            for n in range(150)]])
    assert read_dossiers(data, "ds.xlsx", limits=STREAMED, communes=COMMUNES).lines == read_dossiers(
        data, "ds.xlsx", limits=XlsxLimits(max_rows=200, max_columns=40), communes=COMMUNES).lines


def test_a_streamed_sheet_with_a_row_of_a_thousand_cells_is_refused_before_it_is_read():
    rows = [[f"HS-{n}", "1.001193", "13/08/2020", "Trực tuyến", "UBND xã Tùng Ảnh"] for n in range(1000)]
    rows[900] = [*rows[900], *range(1000)]  # far past the part's first 64 KB, which expat reads
    with pytest.raises(FileRefused, match="Một dòng của bảng tính quá lớn"):
        read_dossiers(_sheet([HEADER, *rows]), "ds.xlsx", communes=COMMUNES,
                      limits=XlsxLimits(max_rows=2000, max_columns=2000, max_row_bytes=4096))


def test_a_streamed_sheet_with_a_value_past_the_last_row_allowed_is_refused():
    import re
    import zipfile
    from io import BytesIO

    rows = [[f"HS-{n}", "1.001193", "13/08/2020", "Trực tuyến", "UBND xã Tùng Ảnh"] for n in range(1000)]
    written, data = zipfile.ZipFile(BytesIO(_sheet([HEADER, *rows]))), BytesIO()
    with zipfile.ZipFile(data, "w") as rewritten:  # a sheet that declares two rows and has 1,001
        for info in written.infolist():
            part = written.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:E2"', part)
            rewritten.writestr(info, part)
    data = data.getvalue()
    with pytest.raises(FileRefused, match="Tệp có hơn 800 dòng"):  # row 801 is past the first 64 KB expat reads
        read_dossiers(data, "ds.xlsx", limits=XlsxLimits(max_rows=800, max_columns=40, max_row_bytes=4096),
                      communes=COMMUNES)


def test_a_stream_stopped_after_some_rows_refuses_the_row_past_them_when_the_file_did_not_say_its_length():
    from submissions.dossier_reading import stream_dossiers

    stream = stream_dossiers(csv_export(*[ROW.format(n=n) for n in range(1, 10)]), "export.csv", limits=LIMITS,
                             communes=COMMUNES)
    assert stream.total_rows is None  # a small CSV is read whole, its lines not counted
    stream.stop_after(8, "quá dài")
    with pytest.raises(FileRefused, match="quá dài"):
        list(stream)
