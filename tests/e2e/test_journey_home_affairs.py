"""Journey 3 — Home Affairs watch the district, download the scoring workbook and lock the year.

Open the overview, filter to communes at risk, download the filtered table and the year-end
scoring workbook; both files, opened with openpyxl, hold the units and points the pages show.
Lock 2020; a member of the district office who had the September grid open cannot save it any
more, and is told why.
"""

import re

import pytest
from openpyxl import load_workbook

from submissions.models import CountLock, DossierCount
from targets.documents import progress_document
from targets.progress import compute_progress, get_policy

from .conftest import assert_accessible_basics, assert_no_overflow, log_in, path, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

from reports.workbooks import HEADER_ROW  # the workbooks' header row, under the official title block
COMMUNE = "18229"


def page_table(table):
    """[{header: cell text}] of an HTML table (headers without the sort arrows)."""
    # the column headers (under the rules' group row), each with its full name ("C1 · kết quả")
    headers = [" ".join((th.get_attribute("title") or th.inner_text()).split())
               for th in table.locator("thead tr:last-child th").all()]
    rows = []
    for row in table.locator("tbody tr").all():
        cells = [" ".join(text.split()) for text in row.locator("td").all_inner_texts()]
        rows.append(dict(zip(headers, cells, strict=True)))
    return rows


def sheet_table(sheet):
    """[{header: value}] of a workbook sheet, from its header row down to the first empty row."""
    rows = sheet.iter_rows(min_row=HEADER_ROW, values_only=True)
    headers = next(rows)
    table = []
    for values in rows:
        if not any(value is not None for value in values):
            break
        table.append(dict(zip(headers, values)))
    return table


def download(page, link_name, tmp_path):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def as_page_number(value) -> str:
    """A workbook number as the page writes it (1.234, 0, 1,5)."""
    if value is None:
        return "—"
    if value != int(value):
        return str(value).replace(".", ",")
    return f"{int(value):,}".replace(",", ".")


def as_page_rate(value) -> str:
    """A workbook rate (a fraction) as the page writes it (13,2 %); no dossiers at all: 0/0."""
    return "0/0" if value is None else f"{value * 100:.1f}".replace(".", ",") + " %"


def september_counts():
    return sorted(
        DossierCount.objects.filter(unit__code=COMMUNE, year=2020, month=9).values_list("procedure_id", "total", "online")
    )


def test_home_affairs_filter_download_check_the_files_and_lock_the_year(new_page, demo, tmp_path):
    district = demo["district"]
    policy = get_policy(year=2020, district=district)

    # A member of the district office has September's grid of Thị trấn Đức Thọ open.
    staff = new_page()
    log_in(staff, "demo.canbo")
    staff.goto(path("submissions:entry_grid", COMMUNE, 2020, 9))
    assert staff.get_by_role("button", name="Lưu số liệu").is_visible()

    page = new_page()
    log_in(page, "demo.noivu")
    assert page.url.split("?")[0].endswith(path("reports:overview"))
    assert "đến hết tháng 9/2020" in page.locator(".report-head").inner_text()

    # The overview, filtered to communes at risk.
    page.get_by_label("Loại đơn vị").select_option(label="Xã, thị trấn")
    page.get_by_label("Đánh giá").select_option(label="có nguy cơ")
    with page.expect_navigation():
        page.get_by_role("button", name="Lọc", exact=True).click()
    shown = page_table(page.locator("table.data-table--overview"))
    document = progress_document(compute_progress(policy, 9))
    at_risk = [
        unit["unit_code"]
        for unit in document["units"]
        if unit["kind"] == "commune" and any(rule["status"] == "at_risk" for rule in unit["rules"])
    ]
    assert at_risk and len(at_risk) < 16
    assert [row["Mã đơn vị"] for row in shown] == at_risk
    assert all("có nguy cơ" in (row["C1 · đánh giá"], row["C2 · đánh giá"]) for row in shown)
    assert f"Bảng đơn vị ({len(at_risk)} đơn vị)" in page.locator("#units-heading").inner_text()
    assert_no_overflow(page)
    shoot(page, "08-overview-at-risk")
    assert_accessible_basics(page)

    # The filtered table as a spreadsheet: the same units, statuses, shortfalls and points.
    workbook = load_workbook(download(page, "Tải bảng này (.xlsx)", tmp_path), read_only=True)
    rows = sheet_table(workbook.worksheets[0])
    assert [row["Mã đơn vị"] for row in rows] == at_risk
    for on_page, in_file in zip(shown, rows, strict=True):
        assert in_file["Đơn vị"] == on_page["Đơn vị"]
        assert as_page_number(in_file["Điểm trừ"]) == on_page["Điểm trừ"]
        for rule in ("C1", "C2"):
            assert in_file[f"{rule} · đánh giá"] == on_page[f"{rule} · đánh giá"]
            assert as_page_number(in_file[f"{rule} · còn thiếu"]) == on_page[f"{rule} · còn thiếu"]
        assert as_page_number(in_file["C1 · kết quả"]) == on_page["C1 · kết quả"]
        assert on_page["C2 · kết quả"].startswith(as_page_rate(in_file["C2 · kết quả"]))

    # The year-end scoring page (through December) and its workbook.
    with page.expect_navigation():
        page.get_by_role("link", name="Chấm điểm cuối năm").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Chấm điểm thi đua năm 2020"
    assert "Năm 2020 chưa khóa" in page.locator(".lock-state").inner_text()
    flagged_table = page.locator("section[aria-labelledby=flagged-heading] table")
    flagged_on_page = {row["Mã"]: row["Điểm trừ"] for row in page_table(flagged_table)}
    facts = {}
    for fact in page.locator(".facts .fact").all():
        facts[fact.locator(".fact__label").inner_text().strip()] = fact.locator(".fact__value").inner_text().strip()
    assert int(facts["đơn vị bị trừ điểm"]) == len(flagged_on_page) > 0
    year_end = progress_document(compute_progress(policy, 12))
    assert flagged_on_page == {  # the published document agrees with the page
        unit["unit_code"]: as_page_number(unit["points"]) for unit in year_end["units"] if unit["flagged"]
    }
    assert_no_overflow(page)
    shoot(page, "09-year-end")
    assert_accessible_basics(page)

    workbook = load_workbook(download(page, "Tải bảng chấm điểm (.xlsx)", tmp_path), read_only=True)
    flagged_in_file = {}
    for sheet in workbook.worksheets:
        table = sheet_table(sheet)
        if table and "Bị trừ điểm" in table[0]:
            flagged_in_file |= {
                row["Mã đơn vị"]: as_page_number(row["Điểm trừ"]) for row in table if row["Bị trừ điểm"] == "Có"
            }
    assert flagged_in_file == flagged_on_page
    notes = {row[0]: row[3] for row in workbook["Tổng hợp"].iter_rows(values_only=True) if len(row) > 3 and row[0]}
    assert notes["Số đơn vị không đạt chỉ tiêu (bị trừ điểm)"] == len(flagged_on_page)
    assert as_page_number(notes["Tổng số điểm trừ"]) == facts["tổng số điểm trừ"]

    # What the results rest on: every unit's months, late and missing, and the district's rates.
    with page.expect_navigation():
        page.get_by_role("link", name="Xem tình hình báo cáo từng đơn vị").click()
    assert "Dựa trên số liệu 9/12 tháng; còn thiếu T6 của 1 đơn vị; T10–T12 của 26 đơn vị." in page.content()
    assert_no_overflow(page)
    shoot(page, "13-completeness")
    assert_accessible_basics(page)

    # Lock 2020, from the entry page.
    with page.expect_navigation():
        page.get_by_role("link", name="Nhập số liệu").click()
    page.get_by_role("combobox", name="Năm").select_option("2020")
    with page.expect_navigation():
        page.get_by_role("button", name="Xem", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name="Khóa cả năm 2020…").click()
    # The gate: what is not ready, and the lock only with a reason, after a confirmation.
    assert "Chưa nhập: Thị trấn Đức Thọ (18229) — T10–T12" in page.locator(".gap-list").inner_text()
    assert_no_overflow(page)
    shoot(page, "11-year-lock-gate", docs=False)
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận khóa năm 2020").click()
    assert "phải ghi lý do" in page.content() and not CountLock.objects.exists()
    page.get_by_label("Lý do khóa khi số liệu chưa sẵn sàng").fill("Hết hạn chấm điểm thi đua năm 2020")
    with page.expect_navigation():
        page.get_by_role("button", name="Xác nhận khóa năm 2020").click()
    assert "Đã khóa năm 2020 và lưu kết quả chính thức." in page.locator(".messages").inner_text()
    assert CountLock.objects.filter(district=district, year=2020, month__isnull=True).exists()
    assert "Năm 2020 đã khóa" in page.locator(".lock-state").inner_text()
    assert "Hết hạn chấm điểm thi đua năm 2020" in page.locator(".official-result").inner_text()

    # The staff member saves the grid they had open: refused, with the lock message, nothing written.
    before = september_counts()
    first = staff.locator("[data-row]").first
    first.locator("[data-total]").fill("99")
    first.locator("[data-online]").fill("1")
    with staff.expect_navigation():
        staff.get_by_role("button", name="Lưu số liệu").click()
    refusal = re.compile(
        r"Tháng 9/2020 \(cả năm 2020\) đã bị khóa bởi Trần Văn Nam lúc \d\d:\d\d ngày \d\d/\d\d/\d{4}\."
    )
    errors = [text.strip() for text in staff.locator(".form-errors").all_inner_texts()]
    assert any(refusal.fullmatch(text) for text in errors), (
        f"the save was not refused with the lock message; errors {errors}, messages "
        f"{staff.locator('.messages').all_inner_texts()}"
    )
    assert staff.get_by_role("button", name="Lưu số liệu").count() == 0
    assert staff.locator("input[data-total]").count() == 0
    assert "đã bị khóa" in staff.locator(".message--warning").inner_text()
    assert september_counts() == before
    assert_no_overflow(staff)
    shoot(staff, "10-grid-locked", docs=False)
