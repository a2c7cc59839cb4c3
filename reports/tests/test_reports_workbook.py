"""The scoring workbook, read back with openpyxl: every figure, format, fill and print setting."""

import json
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from factories import commune_procedures, district_procedures, record
from reports.workbooks import HEADER_ROW
from units.models import Unit

pytestmark = pytest.mark.django_db

STATUS_WORDS = {"met": "đạt", "on_track": "đúng tiến độ", "at_risk": "có nguy cơ", "missed": "không đạt",
                "no_data": "chưa có số liệu"}
MISSED_FILL = "00F8C9C4"


@pytest.fixture
def year(commune_a, commune_b, department):
    record(commune_a, commune_procedures()[0], 3, 100, 20)
    record(commune_a, commune_procedures()[1], 7, 7, 1)
    record(commune_a, district_procedures()[0], 5, 12, 12)
    record(commune_b, commune_procedures()[0], 4, 3, 3)
    record(commune_b, district_procedures()[1], 4, 30, 21)
    record(department, district_procedures(department)[0], 2, 1000, 299)


def download(client, through=12):
    response = client.get(reverse("reports:year_end_xlsx", args=[2020]), {"through": through})
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content))


def table(sheet):
    """The header row and the data rows as dicts (the title block and notes left out)."""
    header = [cell.value for cell in sheet[HEADER_ROW]]
    rows = []
    for cells in sheet.iter_rows(min_row=HEADER_ROW + 1):
        if cells[0].value is None:
            break
        rows.append({name: cell for name, cell in zip(header, cells)})
    return header, rows


def progress_json(through=12):
    out = StringIO()
    call_command("progress", year=2020, through=through, format="json", stdout=out)
    return json.loads(out.getvalue())


def test_the_workbook_has_a_summary_a_sheet_per_kind_of_unit_and_the_procedure_detail(client_for, home_affairs, year):
    workbook = download(client_for(home_affairs))
    assert workbook.sheetnames == ["Tổng hợp", "Xã, thị trấn", "Phòng, ban cấp huyện", "Chi tiết thủ tục"]
    header, _rows = table(workbook["Xã, thị trấn"])
    assert header == [
        "STT", "Đơn vị", "Mã đơn vị", "Xếp hạng",
        "C1 · trực tuyến", "C1 · tổng số", "C1 · chỉ tiêu", "C1 · đánh giá", "C1 · còn thiếu",
        "C2 · trực tuyến", "C2 · tổng số", "C2 · tỷ lệ", "C2 · chỉ tiêu", "C2 · đánh giá", "C2 · còn thiếu",
        "Điểm trừ", "Bị trừ điểm",
    ]
    header, _rows = table(workbook["Phòng, ban cấp huyện"])
    assert [name for name in header if name.startswith(("C", "D"))] == [
        "D1 · trực tuyến", "D1 · tổng số", "D1 · tỷ lệ", "D1 · chỉ tiêu", "D1 · đánh giá", "D1 · còn thiếu",
    ]


@pytest.mark.parametrize("through", [9, 12])
def test_every_figure_equals_progress_format_json_for_every_unit(client_for, home_affairs, year, through):
    document = progress_json(through)
    workbook = download(client_for(home_affairs), through)
    found = {}
    for sheet_name in ("Xã, thị trấn", "Phòng, ban cấp huyện"):
        for row in table(workbook[sheet_name])[1]:
            found[row["Mã đơn vị"].value] = row
    assert set(found) == {unit["unit_code"] for unit in document["units"]}
    for unit in document["units"]:
        row = found[unit["unit_code"]]
        assert row["Đơn vị"].value == unit["unit_name"]
        assert row["Điểm trừ"].value == unit["points"]
        assert row["Bị trừ điểm"].value == ("Có" if unit["flagged"] else "Không")
        for rule in unit["rules"]:
            code = rule["rule"]
            assert row[f"{code} · trực tuyến"].value == rule["online"]
            assert row[f"{code} · tổng số"].value == rule["total"]
            assert row[f"{code} · đánh giá"].value == STATUS_WORDS[rule["status"]]
            assert row[f"{code} · còn thiếu"].value == rule["shortfall"]
            if rule["measure"] == "rate":
                rate = row[f"{code} · tỷ lệ"].value
                if rule["rate"] is None:
                    assert rate is None
                else:
                    assert Decimal(rate * 100).quantize(Decimal("0.01")) == Decimal(rule["rate"])
                assert row[f"{code} · chỉ tiêu"].value == pytest.approx(float(rule["target"]) / 100)
            else:
                assert row[f"{code} · chỉ tiêu"].value == int(rule["target"])


def test_numbers_are_real_numbers_with_formats(client_for, home_affairs, year):
    row = next(r for r in table(download(client_for(home_affairs))["Xã, thị trấn"])[1] if r["Mã đơn vị"].value == "18229")
    online, rate, target = row["C2 · trực tuyến"], row["C2 · tỷ lệ"], row["C2 · chỉ tiêu"]
    assert online.data_type == "n" and isinstance(online.value, int) and online.value == 21
    assert rate.data_type == "n" and rate.value == pytest.approx(21 / 107) and rate.number_format == "0.0%"
    assert target.value == pytest.approx(0.25) and target.number_format == "0%"
    assert row["C1 · chỉ tiêu"].value == 20 and isinstance(row["C1 · chỉ tiêu"].value, int)
    assert row["Điểm trừ"].value == 4 and isinstance(row["Điểm trừ"].value, int)


def test_missed_cells_are_filled_and_written_in_words(client_for, home_affairs, year):
    rows = table(download(client_for(home_affairs))["Xã, thị trấn"])[1]
    commune_a = next(r for r in rows if r["Mã đơn vị"].value == "18229")
    assert commune_a["C2 · đánh giá"].value == "không đạt"
    for name in ("C2 · trực tuyến", "C2 · tỷ lệ", "C2 · đánh giá", "C2 · còn thiếu", "Điểm trừ"):
        assert commune_a[name].fill.fgColor.rgb == MISSED_FILL, name
    commune_b = next(r for r in rows if r["Mã đơn vị"].value == "18259")
    assert commune_b["C1 · đánh giá"].value == "đạt"
    assert commune_b["C1 · đánh giá"].fill.fgColor.rgb != MISSED_FILL
    assert commune_b["C2 · đánh giá"].value == "đạt"


def test_every_sheet_freezes_filters_and_prints_on_a4_landscape_never_under_9_pt(client_for, home_affairs, year):
    workbook = download(client_for(home_affairs))
    for sheet in workbook:
        last_row = HEADER_ROW + len(table(sheet)[1])
        assert sheet.freeze_panes in ("C10", "D10"), sheet.title  # STT and the unit (or rule) stay in view
        assert sheet.auto_filter.ref == f"A{HEADER_ROW}:{sheet.cell(HEADER_ROW, sheet.max_column).column_letter}{last_row}"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9  # A4
        assert 75 <= sheet.page_setup.scale <= 100  # 12-pt text printed at 9 pt or more
        assert not sheet.sheet_properties.pageSetUpPr.fitToPage  # never shrunk to fit
        assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
        assert sheet.oddFooter.center.text == "Trang &P/&N"
        assert all(sheet.column_dimensions[letter].width for letter in "ABC")
        assert all(cell.font.b for cell in sheet[HEADER_ROW] if cell.value)


def test_every_cell_is_times_new_roman_and_every_row_as_tall_as_its_text(client_for, home_affairs, year):
    workbook = download(client_for(home_affairs))
    for sheet in workbook:
        fonts = {cell.font.name for row in sheet.iter_rows() for cell in row if cell.value is not None}
        assert fonts == {"Times New Roman"}, (sheet.title, fonts)
        header, rows = table(sheet)
        assert [row["STT"].value for row in rows] == list(range(1, len(rows) + 1))
        for number in range(HEADER_ROW, HEADER_ROW + len(rows) + 1):
            assert sheet.row_dimensions[number].height, (sheet.title, number)
    detail = workbook["Chi tiết thủ tục"]
    header, rows = table(detail)
    wrapped = next(row for row in rows if len(row["Mức độ"].value) > detail.column_dimensions["H"].width)
    assert wrapped["Mức độ"].alignment.wrap_text
    assert detail.row_dimensions[wrapped["Mức độ"].row].height >= 2 * 15  # "Mức độ 3 (một phần)" on two lines


def test_a_unit_sheet_lists_the_units_in_ranking_order(client_for, home_affairs, year):
    header, rows = table(download(client_for(home_affairs))["Xã, thị trấn"])
    ranks = [row["Xếp hạng"].value for row in rows]
    numbers = [int(rank.split("/")[0]) for rank in ranks if rank]
    assert numbers == sorted(numbers) and numbers[0] == 1


def test_the_title_block_and_the_closing_read_like_an_official_report(client_for, home_affairs, year):
    from units.models import District

    District.objects.filter(code="440").update(preparer_name="Nguyễn Thị Hoa", signer_name="Lê Văn Phó")
    sheet = download(client_for(home_affairs))["Tổng hợp"]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    texts = [cell.value for row in sheet.iter_rows(max_row=HEADER_ROW - 1) for cell in row if cell.value]
    assert texts[:2] == ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert texts[2:4] == ["HUYỆN ĐỨC THỌ", "Độc lập - Tự do - Hạnh phúc"]
    for ruled in ("HUYỆN ĐỨC THỌ", "Độc lập - Tự do - Hạnh phúc"):  # each block with its rule under it
        assert cells[ruled].font.u == "single" and cells[ruled].font.b
    assert texts[4].startswith("Số:") and texts[4].endswith("/BC-UBND")
    today = timezone.localdate()  # in Asia/Ho_Chi_Minh
    month = f"{today.month:02d}" if today.month < 3 else str(today.month)
    assert texts[5] == f"Đức Thọ, ngày {today.day:02d} tháng {month} năm {today.year}" and cells[texts[5]].font.i
    title = "BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU DVCTT MỨC ĐỘ 3, 4 NĂM 2020"
    assert title in texts and cells[title].font.sz == 14
    line = next(text for text in texts if text.startswith("Theo Công văn"))
    assert "Theo Công văn số 2440/UBND-VH ngày 30/9/2020" in line and "Số liệu năm 2020 chưa khóa" in line
    # Under the table: Nơi nhận, the preparer and the signer, with room to sign between title and name.
    assert cells["Nơi nhận:"].font.b and cells["Nơi nhận:"].font.i
    assert "- Như trên;" in cells and "- Lưu: VT." in cells
    for signer_line in ("NGƯỜI LẬP BIỂU", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"):
        assert cells[signer_line].font.b, signer_line
    assert cells["Lê Văn Phó"].row - cells["PHÓ CHỦ TỊCH"].row >= 4
    assert cells["Nguyễn Thị Hoa"].row == cells["Lê Văn Phó"].row
    assert cells["Nơi nhận:"].column < cells["NGƯỜI LẬP BIỂU"].column < cells["TM. ỦY BAN NHÂN DÂN"].column
    annex = download(client_for(home_affairs))["Xã, thị trấn"]
    annex_texts = {cell.value for row in annex.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert "PHÓ CHỦ TỊCH" in annex_texts and "Nơi nhận:" not in annex_texts  # an annex is signed, not sent


def test_the_summary_sheet_gives_each_rule_across_the_district(client_for, home_affairs, year):
    header, rows = table(download(client_for(home_affairs))["Tổng hợp"])
    c2 = next(row for row in rows if row["Mã chỉ tiêu"].value == "C2")
    assert c2["Trực tuyến"].value == 24 and c2["Tổng số"].value == 110
    assert c2["Tỷ lệ toàn huyện"].value == pytest.approx(24 / 110)  # Σ online ÷ Σ total
    assert c2["Tỷ lệ toàn huyện"].number_format == "0.0%"
    assert c2["Không đạt"].value == 1 and c2["Đạt"].value == 1 and c2["Chưa có số liệu"].value == 14


def test_the_detail_sheet_lists_each_units_procedures(client_for, home_affairs, year):
    header, rows = table(download(client_for(home_affairs))["Chi tiết thủ tục"])
    mine = [row for row in rows if row["Mã đơn vị"].value == "18229"]
    assert [(row["Mã thủ tục"].value, row["Tổng số hồ sơ"].value, row["Trực tuyến"].value) for row in mine] == [
        (commune_procedures()[0].code, 100, 20),
        (district_procedures()[0].code, 12, 12),
        (commune_procedures()[1].code, 7, 1),
    ]
    assert mine[0]["Tỷ lệ trực tuyến"].value == pytest.approx(0.2)
    assert mine[0]["Tính cho chỉ tiêu"].value == "C2"


def test_text_that_looks_like_a_formula_stays_text(client_for, home_affairs, commune_a):
    names = ['=HYPERLINK("http://evil.example","Bấm")', "+1+2", "-2", "@SUM(A1)"]
    Unit.objects.filter(pk=commune_a.pk).update(name=names[0])
    Unit.objects.filter(code="18259").update(name=names[1])
    Unit.objects.filter(code="18235").update(name=names[2])
    Unit.objects.filter(code="18241").update(name=names[3])
    workbook = download(client_for(home_affairs))
    cells = {row["Đơn vị"].value: row["Đơn vị"] for row in table(workbook["Xã, thị trấn"])[1]}
    for name in names:
        cell = cells[name]
        assert cell.data_type == "s" and cell.value == name
        assert cell.quotePrefix
    overview = client_for(home_affairs).get(reverse("reports:overview_xlsx"), {"year": 2020, "through": 12})
    sheet = load_workbook(BytesIO(overview.content)).active
    assert sheet[f"B{HEADER_ROW + 1}"].value == names[0] and sheet[f"B{HEADER_ROW + 1}"].data_type == "s"


def test_the_command_writes_the_same_workbook(tmp_path, client_for, home_affairs, year):
    path = tmp_path / "cham-diem.xlsx"
    out = StringIO()
    call_command("export_scoring", year=2020, output=str(path), stdout=out)
    assert "Đã ghi" in out.getvalue()
    from_command = load_workbook(path)
    from_page = download(client_for(home_affairs))
    assert from_command.sheetnames == from_page.sheetnames
    for name in from_page.sheetnames:
        page_rows = list(from_page[name].iter_rows(min_row=HEADER_ROW, values_only=True))
        assert list(from_command[name].iter_rows(min_row=HEADER_ROW, values_only=True)) == page_rows


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--year", "2019"], "Chưa có chỉ tiêu"),
        (["--year", "2020", "--through", "13"], "Tháng phải từ 1 đến 12"),
        (["--year", "2020", "--district", "999"], "Không có huyện mã 999"),
    ],
)
def test_the_command_refuses_a_year_without_policy_a_bad_month_or_an_unknown_district(tmp_path, reference, arguments, message):
    with pytest.raises(CommandError) as error:
        call_command("export_scoring", *arguments, "-o", str(tmp_path / "x.xlsx"))
    assert error.value.returncode == 2
    assert message in str(error.value)
    assert not (tmp_path / "x.xlsx").exists()


def test_the_page_shows_the_rate_the_spreadsheet_shows_rounded_once(client_for, home_affairs, commune_a):
    record(commune_a, commune_procedures()[0], 3, 518, 108)  # 20.849… %: the engine's 20.85 would show "20,9 %"
    client = client_for(home_affairs)
    row = next(r for r in table(download(client)["Xã, thị trấn"])[1] if r["Mã đơn vị"].value == "18229")
    assert row["C2 · tỷ lệ"].value == pytest.approx(108 / 518) and row["C2 · tỷ lệ"].number_format == "0.0%"
    for url in (reverse("reports:year_end", args=[2020]), reverse("reports:unit_dashboard", args=["18229"]) + "?through=12",
                reverse("reports:overview") + "?through=12"):
        html = client.get(url).content.decode()
        assert "20,8 %" in html and "20,9 %" not in html, url
