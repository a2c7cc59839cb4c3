"""The overview links each unit's name to its dashboard; the addresses are made once per page
(reports.views.dashboard_urls) and must be exactly what reverse() gives, for any code."""

import pytest

from reports.views import dashboard_url, dashboard_urls

CODES = ["18229", "S1-001-X001", "440.TCKH", "DT_01", "a b", "Đức Thọ", "x/y", "", "50%", "?year=1", "0UNITCODE0", ".", "..", "a.b"]


@pytest.mark.parametrize("query", ["", "year=2020&through=9&administration=440"])
def test_the_addresses_made_once_per_page_are_those_reverse_gives(query):
    url_of = dashboard_urls(query)
    for code in CODES:
        assert url_of(code) == dashboard_url(code, query), code


def test_a_code_that_cannot_be_in_an_address_has_no_link():
    assert dashboard_urls()("x/y") is None
    assert dashboard_urls("year=2020")("18229") == "/units/18229/?year=2020"
