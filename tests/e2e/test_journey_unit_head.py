"""Journey 2 — the chairman of Thị trấn Đức Thọ opens the commune's own dashboard.

Log in and land on the dashboard; the C1 and C2 cards show exactly the numbers that
`manage.py progress --format json` gives for the commune, and the shortfall sentence; change
the "through" month and see the numbers change; try another commune's address and be refused.
"""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from targets.documents import progress_document
from targets.progress import compute_progress, get_policy

from .conftest import assert_accessible_basics, assert_no_overflow, log_in, path, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMUNE = "18229"  # Thị trấn Đức Thọ, demo.thitran's commune
OTHER_COMMUNE = "18259"  # Xã Tùng Ảnh

# Said independently of the portal's own wording module, so that a wrong word fails here.
STATUS_WORDS = {
    "met": "đạt",
    "on_track": "đúng tiến độ",
    "at_risk": "có nguy cơ",
    "missed": "không đạt",
    "no_data": "chưa có số liệu",
}


def published(district, through):
    """The commune's entry of the document `progress --year 2020 --through N --format json` prints."""
    document = progress_document(compute_progress(get_policy(year=2020, district=district), through))
    return next(unit for unit in document["units"] if unit["unit_code"] == COMMUNE)


def vn_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def vn_rate(rate: str) -> str:
    return f"{Decimal(rate).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}".replace(".", ",") + " %"


def expected_card(rule: dict) -> dict:
    target = Decimal(rule["target"])
    if rule["measure"] == "rate":
        value = vn_rate(rule["rate"]) if rule["rate"] is not None else "—"
        target_text = f"{target:f} %"
        detail = f"{vn_number(rule['online'])} hồ sơ trực tuyến trên tổng số {vn_number(rule['total'])} hồ sơ"
        need = f"để đạt {target:f} %"
    else:
        value = vn_number(rule["online"])
        target_text = f"{target:f} hồ sơ"
        detail = f"{vn_number(rule['online'])} hồ sơ nộp trực tuyến từ đầu năm"
        need = f"để đạt {target:f} hồ sơ"
    if rule["status"] == "no_data":
        sentence = "Chưa có hồ sơ nào phát sinh — Cơ quan Tổ chức - Nội vụ xem xét"
    elif rule["shortfall"] == 0 and rule["measure"] == "rate" and rule["status"] == "on_track":
        sentence = f"Đang đạt mức {value} (chưa chốt)"  # a rate is decided only in December
    elif rule["shortfall"] == 0:
        sentence = "Đã đạt chỉ tiêu"
    else:
        sentence = f"Cần thêm {vn_number(rule['shortfall'])} hồ sơ trực tuyến {need}"
    return {
        "value": value,
        "target": f"mục tiêu {target_text}",
        "detail": detail,
        "status": STATUS_WORDS[rule["status"]],
        "sentence": sentence,
    }


def shown_cards(page) -> dict:
    cards = {}
    for card in page.locator("article.rule-card").all():
        code = card.locator(".rule-card__code").inner_text().strip()
        cards[code] = {
            "value": card.locator(".rule-card__value").inner_text().strip(),
            "target": card.locator(".rule-card__target").inner_text().strip(),
            "detail": " ".join(card.locator(".rule-card__detail").inner_text().split()),
            "status": card.locator(".rule-card__head .status").inner_text().strip(),
            "sentence": card.locator(".rule-card__sentence").inner_text().strip(),
        }
    return cards


def assert_cards_match(page, district, through):
    entry = published(district, through)
    assert [rule["rule"] for rule in entry["rules"]] == ["C1", "C2"]
    cards = shown_cards(page)
    assert set(cards) == {"C1", "C2"}
    for rule in entry["rules"]:
        expected = expected_card(rule)
        shown = cards[rule["rule"]]
        # the count card may add the pace ("đúng tiến độ khi có từ N hồ sơ đến hết tháng M")
        assert shown["detail"].split(" · ")[0] == expected.pop("detail"), rule
        shown.pop("detail")
        assert shown == expected, f"through {through}, {rule}"
    return entry


def test_unit_head_sees_the_published_numbers_changes_the_month_and_cannot_open_another_commune(new_page, demo):
    district = demo["district"]
    page = new_page()

    # Log in: the portal opens the commune's own dashboard, data through September 2020.
    log_in(page, "demo.thitran")
    assert page.url.split("?")[0].endswith(path("reports:unit_dashboard", COMMUNE))
    assert page.get_by_role("heading", level=1).inner_text() == "Thị trấn Đức Thọ"
    assert "Số liệu từ tháng 1 đến hết tháng 9/2020" in page.locator(".report-head").inner_text()
    september = assert_cards_match(page, district, 9)
    assert_no_overflow(page)
    assert_no_overflow(page, phone=True)
    shoot(page, "06-dashboard")
    shoot(page, "06-dashboard-390px", phone=True)
    assert_accessible_basics(page)

    # Through June: other numbers, and a shortfall sentence for C1.
    page.get_by_label("Số liệu đến hết").select_option("6")
    with page.expect_navigation():
        page.get_by_role("button", name="Xem", exact=True).click()
    assert "Số liệu từ tháng 1 đến hết tháng 6/2020" in page.locator(".report-head").inner_text()
    june = assert_cards_match(page, district, 6)
    assert [(r["online"], r["total"]) for r in june["rules"]] != [(r["online"], r["total"]) for r in september["rules"]]
    c1 = next(rule for rule in june["rules"] if rule["rule"] == "C1")
    assert c1["shortfall"] > 0
    to_do = [
        f"{rule['rule']} · {expected_card(rule)['sentence']}"
        for rule in june["rules"]
        if rule["status"] in ("at_risk", "missed", "no_data")
    ]
    assert page.locator(".verdict__todo li").all_inner_texts() == to_do
    shoot(page, "07-dashboard-june", docs=False)

    # Another commune's dashboard and grid are refused, and show none of its figures.
    for name, args in (
        ("reports:unit_dashboard", (OTHER_COMMUNE,)),
        ("submissions:entry_grid", (OTHER_COMMUNE, 2020, 9)),
        ("submissions:entry_history", (OTHER_COMMUNE, 2020, 9)),
    ):
        response = page.goto(path(name, *args))
        assert response.status in (403, 404), f"{name} answered {response.status}"
        assert "Tùng Ảnh" not in page.content()
    response = page.goto(path("reports:overview_xlsx", query="year=2020&through=9"))
    assert response.status == 403

    # The head vouches for September: the grid's panel, a confirmation page, the month confirmed.
    page.goto(path("submissions:entry_grid", COMMUNE, 2020, 9))
    panel = page.locator(".cycle-panel")
    assert "Đã nhập" in panel.inner_text() and "Hạn xác nhận: 05/10/2020." in panel.inner_text()
    with page.expect_navigation():
        panel.get_by_role("link", name="Xác nhận số liệu tháng…").click()
    assert "là đúng và đủ?" in page.locator(".confirm-step").inner_text()
    assert_no_overflow(page, phone=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Đồng ý").click()
    assert "Đã xác nhận số liệu tháng 9/2020 của Thị trấn Đức Thọ." in page.locator(".messages").inner_text()
    panel = page.locator(".cycle-panel")
    assert "Đơn vị đã xác nhận" in panel.inner_text() and "xác nhận lúc" in panel.inner_text()
    assert panel.get_by_role("link", name="Xác nhận số liệu tháng…").count() == 0
    shoot(page, "12-month-confirmed", docs=False)

    # Their own dashboard still answers.
    assert page.goto(path("reports:unit_dashboard", COMMUNE)).status == 200
