"""The grid's script marks a row while the person types exactly where the server's rule
(submissions.rules.online_exceeds_total) will refuse it: both agree on every pair tried."""

import pytest

from submissions import rules

from .conftest import log_in, path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAIRS = [(0, 0), (0, 1), (5, 5), (5, 4), (5, 6), (1000, 999), (999, 1000), (1, 0), (12, 120)]


def test_the_grid_marks_online_over_total_exactly_where_the_server_refuses_it(new_page, demo):
    page = new_page()
    log_in(page, "demo.canbo")
    page.goto(path("submissions:entry_grid", "18259", 2020, 9))
    row = page.locator("[data-row]").first
    marked = {}
    for total, online in PAIRS:
        row.locator("[data-total]").fill(str(total))
        row.locator("[data-online]").fill(str(online))
        row.locator("[data-online]").press("Tab")
        marked[(total, online)] = "is-over" in (row.get_attribute("class") or "")
    assert marked == {(total, online): rules.online_exceeds_total(total, online) for total, online in PAIRS}
