"""The grid in a real browser: Tab walks the inputs, the sums follow the typing, Enter saves."""

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


def test_tab_walks_the_row_enter_saves_and_the_rates_follow_the_typing(live_server, browser_page, reference):
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
        page.keyboard.press("Enter")
    assert "Số hồ sơ trực tuyến (4) không được lớn hơn tổng số hồ sơ (3)." in page.content()
    assert not DossierCount.objects.filter(unit=commune).exists()

    page.keyboard.type("1")  # the first wrong input has the focus, its number selected
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "2 dòng thay đổi" in page.content()
    assert sorted(DossierCount.objects.filter(unit=commune).values_list("total", "online")) == [(3, 1), (8, 2)]
