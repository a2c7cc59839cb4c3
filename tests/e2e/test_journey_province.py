"""Journey 4 — after the 2025 reform: the province's staff rank its districts and its new
communes, open one, and the head of the new Xã Đức Thọ reads its years back to 2020.

Hà Tĩnh is loaded over the 2020 demo (targets.reference_data.load_reform: the 16 → 5 communes
of Resolution 1665/NQ-UBTVQH15), with two counts of our own: one of Xã Tùng Ảnh in 2020 (now
part of Xã Đức Thọ) and one of the new Xã Đức Thọ in 2026.
"""

import pytest

from submissions.models import Authority, DossierCount, Procedure
from targets.reference_data import load_demo_logins, load_reform
from units.models import Unit

from .conftest import assert_accessible_basics, assert_no_overflow, log_in, path, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def province(demo):
    load_reform()
    load_demo_logins()  # the province's logins, now that the province is there
    procedure = Procedure.objects.filter(authority=Authority.COMMUNE).order_by("code").first()
    new_commune = Unit.objects.get(code="18229", district__code="42")
    DossierCount.objects.create(unit=new_commune, procedure=procedure, year=2026, month=3, total=40, online=30)
    return new_commune


def test_province_staff_rank_the_district_then_the_communes_and_open_one(new_page, province):
    page = new_page()
    log_in(page, "demo.tinh")
    page.get_by_role("link", name="Toàn tỉnh").click()
    page.get_by_label("Năm", exact=True).select_option("2025")
    page.get_by_label("Số liệu đến hết").select_option("12")
    page.get_by_role("button", name="Xem").click()
    assert page.get_by_role("heading", name="Xếp hạng các huyện (1 huyện)").is_visible()
    assert page.get_by_role("heading", name="Xếp hạng các xã, phường").is_visible()
    assert_accessible_basics(page)
    assert_no_overflow(page, phone=True)
    shoot(page, "20-province")
    shoot(page, "20-province-390px", phone=True)
    page.get_by_role("link", name="Huyện Đức Thọ").click()
    assert page.get_by_role("heading", name="Tổng hợp: Huyện Đức Thọ").is_visible()
    assert page.get_by_role("link", name="Thị trấn Đức Thọ").is_visible()  # the 2020 unit, in 2025's first half
    page.get_by_role("link", name="Thị trấn Đức Thọ").click()
    assert "Thị trấn Đức Thọ" in page.get_by_role("heading", level=1).inner_text()


def test_the_head_of_xa_duc_tho_reads_its_years_since_2020_and_is_refused_the_province(new_page, province):
    page = new_page()
    log_in(page, "demo.xaductho")
    page.get_by_role("link", name="Đơn vị của tôi").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Xã Đức Thọ"
    trend = page.locator("section[aria-labelledby=trend-heading]")
    assert "2020–6/2025: tổng của Thị trấn Đức Thọ, Xã Tùng Ảnh, Xã Hòa Lạc, Xã Tân Dân" in trend.inner_text()
    cells = trend.get_by_role("row").filter(has_text="2026").get_by_role("cell")
    assert [cells.nth(index).inner_text() for index in range(3)] == ["30", "40", "75,0 %"]
    assert_no_overflow(page, phone=True)
    shoot(page, "21-commune-years")
    response = page.goto(path("reports:province"))
    assert response.status == 403
