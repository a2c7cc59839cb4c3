"""Journey 1 — district office staff enter a commune's September 2020 counts in the browser.

Log in; open the completeness matrix; open the commune's September grid; type more online
dossiers than the total and see the row's Vietnamese error; fix it; save; see the confirmation
and the matrix cell turn to "entered"; open the history and see the change under their name.
"""

import pytest

from submissions.models import DossierCount
from units.models import Unit

from .conftest import assert_accessible_basics, assert_no_overflow, log_in, path, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMUNE = "18259"  # Xã Tùng Ảnh: in this journey it has not sent its September figures yet
STAFF_NAME = "Nguyễn Thị Hoa"  # demo.canbo


@pytest.fixture
def september_not_entered(demo):
    """The demo without Xã Tùng Ảnh's September 2020 counts (nor their history)."""
    commune = Unit.objects.get(code=COMMUNE)
    DossierCount.history.filter(unit_id=commune.pk, year=2020, month=9).delete()
    DossierCount.objects.filter(unit=commune, year=2020, month=9).delete()
    DossierCount.history.filter(unit_id=commune.pk, year=2020, month=9).delete()  # the deletions' own records
    return commune


def matrix_cell(page, unit_name, month):
    row = page.locator("table.matrix tbody tr").filter(has=page.get_by_role("rowheader", name=unit_name))
    return row.locator("td.matrix__cell").nth(month - 1)


def test_staff_enter_a_month_see_the_error_fix_it_and_find_it_in_the_history(new_page, september_not_entered):
    commune = september_not_entered
    page = new_page()

    # Log in: the portal sends district office staff to the completeness matrix.
    log_in(page, "demo.canbo", screenshot="01-login")
    assert page.url.endswith(path("submissions:entry_index"))
    page.get_by_role("combobox", name="Năm").select_option("2020")
    with page.expect_navigation():
        page.get_by_role("button", name="Xem", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Tình hình nhập số liệu năm 2020"

    cell = matrix_cell(page, commune.name, 9)
    assert "cell--missing" in cell.get_attribute("class")
    assert "Chưa nhập" in cell.text_content()  # in words, not only in red
    assert "cell--entered" in matrix_cell(page, commune.name, 8).get_attribute("class")
    assert_no_overflow(page)
    shoot(page, "02-matrix")
    assert_accessible_basics(page)

    # The commune's September grid.
    with page.expect_navigation():
        cell.locator("a").click()
    assert page.url.endswith(path("submissions:entry_grid", COMMUNE, 2020, 9))
    assert page.get_by_role("heading", level=1).inner_text().startswith(commune.name)
    assert "Chưa có số liệu tháng này" in page.locator(".entry-state").inner_text()

    row = page.locator("[data-row]").first
    code = row.locator("td.code").inner_text().strip()
    total = row.locator("[data-total]")
    online = row.locator("[data-online]")
    total.fill("5")
    online.fill("7")  # more online dossiers than dossiers
    online.press("Tab")
    assert "is-over" in row.get_attribute("class"), "the row is not marked while typing"
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu số liệu").click()

    row = page.locator("[data-row]").first
    error = "Số hồ sơ trực tuyến (7) không được lớn hơn tổng số hồ sơ (5)."
    assert row.locator(".errorlist").inner_text().strip() == error
    assert row.locator("[data-online]").get_attribute("aria-invalid") == "true"
    assert "chưa số nào được lưu" in page.locator("#error-summary").inner_text()
    assert not DossierCount.objects.filter(unit=commune, year=2020, month=9).exists()
    assert_no_overflow(page)
    assert_no_overflow(page, phone=True)
    shoot(page, "03-grid-error")
    shoot(page, "03-grid-error-390px", phone=True)
    assert_accessible_basics(page)

    # Fix it and save.
    row.locator("[data-online]").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu số liệu").click()
    confirmation = page.locator(".messages").inner_text()
    assert f"Đã lưu số liệu tháng 9/2020 của {commune.name}: 1 dòng thay đổi." in confirmation
    assert page.locator(".errorlist").count() == 0
    assert "Đã lưu 1 dòng" in page.locator(".entry-state").inner_text()
    assert list(
        DossierCount.objects.filter(unit=commune, year=2020, month=9).values_list("procedure__code", "total", "online")
    ) == [(code, 5, 2)]
    shoot(page, "04-grid-saved", docs=False)

    # Back to the matrix: the cell now says "entered".
    with page.expect_navigation():
        page.get_by_role("link", name="Nhập số liệu năm 2020").click()
    cell = matrix_cell(page, commune.name, 9)
    assert "cell--entered" in cell.get_attribute("class")
    assert "Đã nhập" in cell.text_content()

    # The history of the month: the change, by the person who made it.
    page.goto(path("submissions:entry_grid", COMMUNE, 2020, 9))
    with page.expect_navigation():
        page.get_by_role("link", name="Lịch sử thay đổi của tháng này").click()
    rows = page.locator("table.history-table tbody tr")
    assert rows.count() == 1
    cells = [text.strip() for text in rows.first.locator("td").all_inner_texts()]
    assert cells[1] == STAFF_NAME
    assert cells[3].startswith(code)
    assert cells[5] == "— → 5" and cells[6] == "— → 2"
    assert_no_overflow(page)
    shoot(page, "05-history")
