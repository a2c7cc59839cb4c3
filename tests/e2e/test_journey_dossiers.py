"""Journey 5 — district office staff import the one-stop system's dossier list of August 2020,
see its preview, confirm it, find the month read only in the grid and open its dossiers."""

from pathlib import Path

import pytest

from .conftest import assert_accessible_basics, assert_no_overflow, log_in, path, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).parents[2] / "submissions" / "tests" / "data" / "danh-sach-ho-so-2020-08.xlsx"


def test_staff_import_a_dossier_list_and_trace_a_month_to_its_dossiers(new_page, demo):
    page = new_page()
    log_in(page, "demo.canbo")
    page.goto(path("submissions:entry_index"))
    page.get_by_role("link", name="Nhập danh sách hồ sơ (hệ thống một cửa)").click()
    assert_accessible_basics(page, tabs=3)
    page.get_by_label("Danh sách hồ sơ (.xlsx hoặc .csv)").set_input_files(str(SAMPLE))
    page.get_by_label("Hệ thống nguồn").fill("Một cửa huyện Đức Thọ")
    page.get_by_label("Chuyển các tháng đang nhập tay sang lấy số liệu từ danh sách này").check()
    page.get_by_role("button", name="Xem trước").click()
    assert page.get_by_text("60 hồ sơ: 60 mới, 0 thay đổi, 0 không đổi").is_visible()
    assert page.get_by_text("tháng đang nhập tay sẽ chuyển sang lấy số liệu từ danh sách").is_visible()
    assert_no_overflow(page, phone=True)
    shoot(page, "22-dossier-preview")
    page.get_by_role("button", name="Xác nhận nhập danh sách").click()
    assert page.get_by_text("60 hồ sơ mới, 0 hồ sơ thay đổi").is_visible()
    assert page.get_by_text("tháng đang nhập tay đã chuyển sang lấy số liệu từ danh sách").is_visible()
    shoot(page, "22b-dossier-imported")
    page.get_by_role("link", name="Về trang nhập số liệu").click()
    page.goto(path("submissions:entry_grid", "18247", 2020, 8))
    assert page.get_by_text("được tính từ danh sách hồ sơ (Một cửa huyện Đức Thọ").is_visible()
    page.get_by_role("link", name="Xem các hồ sơ").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Hồ sơ làm nên số liệu: Xã Liên Minh, tháng 8/2020"
    assert page.get_by_text("Trang 1/1 · 4 hồ sơ").is_visible()
    assert_accessible_basics(page, tabs=3)
    assert_no_overflow(page, phone=True)
    shoot(page, "23-month-dossiers")
