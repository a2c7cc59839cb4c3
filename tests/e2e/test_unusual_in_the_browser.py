"""Issue 15 in the browser: a typo of 1.000 where the commune usually receives 15 birth
registrations is not saved until the person ticks, on the row and for the month, that it is right;
then the grid says who checked it."""

import pytest

from submissions.models import DossierCount, UnusualCheck

from .conftest import assert_no_overflow, log_in, path, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMUNE, PROCEDURE = "18229", "1.001193"  # Thị trấn Đức Thọ, birth registration: 15 in August 2020


def test_a_thousand_waits_for_the_tick_and_then_says_who_checked_it(new_page, demo):
    page = new_page()
    log_in(page, "demo.canbo")
    page.goto(path("submissions:entry_grid", COMMUNE, 2020, 9))
    row = page.locator("[data-row]").filter(has_text=PROCEDURE)
    row.locator("[data-total]").fill("1000")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu số liệu").click()

    row = page.locator("[data-row]").filter(has_text=PROCEDURE)
    assert "Bất thường: tháng trước 15, nay 1.000 — kiểm tra lại" in row.inner_text()
    assert "Chưa có số nào được ghi" in page.locator(".form-errors").inner_text()
    assert "hơn 5 lần mức thường" in page.locator(".month-warning").inner_text()
    assert DossierCount.objects.get(unit__code=COMMUNE, procedure__code=PROCEDURE, year=2020, month=9).total != 1000
    assert row.locator("[data-total]").input_value() == "1000"  # what was typed is kept
    assert_no_overflow(page, phone=True)
    shoot(page, "15-unusual-value", docs=False)

    row.get_by_label(f"Đã kiểm tra, số liệu đúng ({PROCEDURE})").check()
    page.get_by_label("Đã kiểm tra, số liệu cả tháng đúng").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu số liệu").click()
    assert "1 dòng thay đổi" in page.locator(".messages").inner_text()
    row = page.locator("[data-row]").filter(has_text=PROCEDURE)
    assert "Đã kiểm tra: Nguyễn Thị Hoa" in row.inner_text()
    assert UnusualCheck.objects.filter(unit__code=COMMUNE, confirmed_by__username="demo.canbo").count() == 2
