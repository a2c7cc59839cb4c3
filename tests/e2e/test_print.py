"""Pages print (issue 16, point 2): the overview shows every rule's columns at 1366 px without
scrolling sideways; printed, the dashboard, the overview, the year-end and the completeness pages
have no navigation and every column on the page; an "In" button prints."""

import pytest

from .conftest import log_in, path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("reports:overview", (), "year=2020&through=9"),
    ("reports:unit_dashboard", ("18229",), "year=2020&through=9"),
    ("reports:year_end", (2020,), "through=9"),
    ("reports:completeness", (2020,), ""),
]


def widest_table_overflow(page) -> int:
    """How far the widest table reaches past its frame (0: every column shows)."""
    return page.evaluate(
        "Math.max(0, ...[...document.querySelectorAll('.table-wrap')].map(w => w.scrollWidth - w.clientWidth))"
    )


def test_the_overview_shows_every_rule_at_1366_px(new_page, demo):
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "demo.noivu")
    page.goto(path("reports:overview", query="year=2020&through=9"))
    groups = page.locator(".group-row th").all_inner_texts()
    assert [group.split(" — ")[0] for group in groups] == ["C1", "C2", "D1"]
    assert widest_table_overflow(page) == 0


@pytest.mark.parametrize("name, args, query", PAGES)
def test_printed_pages_have_no_navigation_and_every_column(new_page, demo, name, args, query):
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "demo.noivu")
    page.goto(path(name, *args, query=query))
    page.evaluate("window.printed = 0; window.print = () => { window.printed += 1; }; 0")  # a function would be called
    page.get_by_role("button", name="In", exact=True).click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1047, "height": 740})  # A4 landscape less its margins, at 96 dpi
    assert not page.locator(".site-header").is_visible() and not page.locator(".site-footer").is_visible()
    assert not page.get_by_role("button", name="In", exact=True).is_visible()
    assert widest_table_overflow(page) == 0
