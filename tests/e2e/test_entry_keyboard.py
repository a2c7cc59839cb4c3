"""The grid in a real browser: Tab walks the inputs, ↑/↓ and Enter move between rows in the same
column, Ctrl+Enter saves, the sums follow the typing, "1.000" is a thousand, and the filter
narrows the grid to the rows wanted (issue 16, point 5)."""

import pytest
from django.urls import reverse

from conftest import make_person
from submissions.models import DossierCount
from units.models import Unit
from units.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(new_page):
    """A page of the shared browser (tests/e2e/conftest.py), which CI requires to be there."""
    return new_page()


def log_in_as_staff(page, reference):
    make_person("nhap.lieu", Role.STAFF, district=reference["district"])
    page.goto(reverse("login"))
    page.fill("#id_username", "nhap.lieu")
    page.fill("#id_password", "Mat-khau-thu-nghiem-1")
    with page.expect_navigation():
        page.click("button[type=submit]")


def is_focused(page, locator) -> bool:
    return page.evaluate("el => el === document.activeElement", locator.element_handle())


def test_tab_walks_the_row_ctrl_enter_saves_and_the_rates_follow_the_typing(live_server, browser_page, reference):
    make_person("nhap.lieu", Role.STAFF, district=reference["district"])
    commune = Unit.objects.get(code="18229")
    page = browser_page
    page.goto(reverse("login"))
    page.fill("#id_username", "nhap.lieu")
    page.fill("#id_password", "Mat-khau-thu-nghiem-1")
    with page.expect_navigation():
        page.click("button[type=submit]")

    page.goto(reverse("submissions:entry_grid", args=[commune.code, 2020, 9]))
    first_row = page.locator("[data-row]").first
    first_row.locator("[data-total]").click()
    page.keyboard.type("8")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-online')")
    page.keyboard.type("2")
    assert first_row.locator("[data-rate]").inner_text() == "25,0 %"
    section = page.locator(".entry-section").first
    assert section.locator("[data-sum-total]").inner_text() == "8"
    assert section.locator("[data-run-rate]").inner_text() == "25,0 %"
    page.keyboard.press("Tab")
    second_total = page.locator("[data-row]").nth(1).locator("[data-total]")
    assert page.evaluate("el => el === document.activeElement", second_total.element_handle())

    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.type("4")  # more online than total
    assert "is-over" in page.locator("[data-row]").nth(1).get_attribute("class")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert "Số hồ sơ trực tuyến (4) không được lớn hơn tổng số hồ sơ (3)." in page.content()
    assert not DossierCount.objects.filter(unit=commune).exists()

    page.keyboard.type("1")  # the first wrong input has the focus, its number selected
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert "2 dòng thay đổi" in page.content()
    assert sorted(DossierCount.objects.filter(unit=commune).values_list("total", "online")) == [(3, 1), (8, 2)]


def test_arrows_and_enter_move_in_the_column_and_a_thousand_may_be_written_1_000(live_server, browser_page, reference):
    log_in_as_staff(browser_page, reference)
    page = browser_page
    commune = Unit.objects.get(code="18229")
    page.goto(reverse("submissions:entry_grid", args=[commune.code, 2020, 9]))
    rows = page.locator("[data-row]")
    rows.nth(0).locator("[data-online]").click()
    page.keyboard.press("ArrowDown")
    assert is_focused(page, rows.nth(1).locator("[data-online]"))  # the same column, one row down
    page.keyboard.press("Enter")
    assert is_focused(page, rows.nth(2).locator("[data-online]"))  # Enter moves down, it does not save
    page.keyboard.press("ArrowUp")
    assert is_focused(page, rows.nth(1).locator("[data-online]"))
    assert page.url.endswith(reverse("submissions:entry_grid", args=[commune.code, 2020, 9]))

    rows.nth(0).locator("[data-total]").fill("1.000")
    rows.nth(0).locator("[data-online]").fill("12 345")  # more than the total: marked, as the server says
    assert "is-over" in rows.nth(0).get_attribute("class")
    rows.nth(0).locator("[data-online]").fill("250")
    assert rows.nth(0).locator("[data-rate]").inner_text() == "25,0 %"
    rows.nth(1).locator("[data-total]").fill("2,5")  # two and a half: not a whole number
    assert rows.nth(1).locator("[data-rate]").inner_text() == "?"
    rows.nth(1).locator("[data-total]").fill("")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    if page.locator(".row-check input").count():  # a thousand is unusual for some procedures: tick it
        for box in page.locator(".row-check input").all():
            box.check()
        with page.expect_navigation():
            page.get_by_role("button", name="Lưu số liệu").click()
    first = DossierCount.objects.get(unit=commune, year=2020, month=9)
    assert (first.total, first.online) == (1000, 250)


def test_the_filter_finds_rows_without_diacritics_and_only_rows_with_figures(live_server, browser_page, reference):
    from submissions.models import Procedure

    log_in_as_staff(browser_page, reference)
    page = browser_page
    commune = Unit.objects.get(code="18229")
    birth = Procedure.objects.get(code="1.001193")
    DossierCount.objects.create(unit=commune, procedure=birth, year=2020, month=9, total=4, online=1)
    page.goto(reverse("submissions:entry_grid", args=[commune.code, 2020, 9]))
    visible = page.locator("[data-row]:visible")
    everything = visible.count()

    page.get_by_label("Lọc thủ tục").fill("dang ky khai sinh")
    names = visible.locator(".entry-row__name").all_inner_texts()
    assert names and all("khai sinh" in name.lower() for name in names)
    assert f"/{page.locator('[data-row]').count()} thủ tục" in page.locator("[data-shown]").inner_text()

    page.get_by_label("Lọc thủ tục").fill("")
    page.get_by_label("Chỉ dòng có số liệu").check()
    assert visible.count() == 1 and "1.001193" in visible.first.inner_text()
    page.get_by_label("Chỉ dòng có số liệu").uncheck()
    assert visible.count() == everything

    page.goto(reverse("submissions:entry_grid", args=[commune.code, 2020, 10]))  # nothing saved in October
    district_section = page.locator("[data-section]").filter(has=page.locator("#section-district"))
    assert district_section.locator("[data-row]:visible").count() == 0  # the 80 district procedures folded
    district_section.get_by_role("button", name="Mở ra").click()
    assert district_section.locator("[data-row]:visible").count() == 80
