"""The report tables write their body themselves (reports.tables.ReportTable.body_html): it must
say exactly what django-tables2's own cell rendering says, in the same order, escaped."""

import re
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.test import RequestFactory

from reports.rows import Column, Rate
from reports.tables import ReportTable, table_columns
from targets.arithmetic import Status
from targets.models import TargetRule

COLUMNS = [
    Column("name", "Đơn vị", "text"),
    Column("online", "Trực tuyến", "count"),
    Column("rate", "Tỷ lệ", "rate"),
    Column("value", "Kết quả", "value"),
    Column("target", "Chỉ tiêu", "target", rule=TargetRule(code="C2", measure="rate", target=Decimal("25"))),
    Column("status", "Đánh giá", "status"),
    Column("points", "Điểm trừ", "points"),
]

ROWS = [
    {"code": "X1", "name": "Xã <b>Một</b> & Hai", "online": 1234, "rate": Rate(108, 518, Decimal("20.85")),
     "value": Rate(108, 518, Decimal("20.85")), "target": Decimal("25"), "status": Status.AT_RISK,
     "status_order": 1, "points": Decimal("2")},
    {"code": "X2", "name": "Xã Ba", "online": None, "rate": None, "value": Rate(0, 0, None),
     "target": None, "status": None, "status_order": 5, "points": Decimal("0")},
    {"code": "X3", "name": "Xã Bốn", "online": 0, "rate": Rate(0, 3, Decimal("0")), "value": 7,
     "target": Decimal("25"), "status": Status.MET, "status_order": 4, "points": Decimal("0")},
]


def build_table(sort=""):
    links = {"name": lambda record: f"/units/{record['code']}/?a=1&b=2"}
    table = ReportTable([dict(row) for row in ROWS], extra_columns=table_columns(COLUMNS, links=links))
    tables.RequestConfig(RequestFactory().get("/", {"sort": sort} if sort else {}), paginate=False).configure(table)
    return table


def cells_of(body_html):
    return [re.findall(r"<td [^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body_html, re.S)]


@pytest.mark.parametrize("sort", ["", "-online", "status", "-name"])
def test_the_written_body_is_what_django_tables2_renders_cell_for_cell(sort):
    table = build_table(sort)
    expected = [[str(cell).strip() for cell in row] for row in table.rows]
    assert [[cell.strip() for cell in row] for row in cells_of(table.body_html)] == expected


def test_the_written_body_escapes_names_and_shows_a_dash_for_missing_figures():
    body = build_table().body_html
    assert "Xã &lt;b&gt;Một&lt;/b&gt; &amp; Hai" in body and "<b>" not in body
    assert '<a href="/units/X1/?a=1&amp;b=2">' in body
    first, second, third = cells_of(body)
    assert first[1:6] == ["1.234", "20,8 %", '20,8 % <span class="figure-detail">108/518</span>', "25 %",
                          '<span class="status status--at_risk">có nguy cơ</span>']
    assert second[1] == second[2] == second[4] == "—" and second[5] == "không áp dụng"  # no status: the rule does not apply
    assert second[3] == '<span class="muted">0/0</span>'
    assert third[1] == "0" and third[3] == "7"
    assert re.findall(r'<td class="num">', body) and body.count('<tr class="even">') == 2


def test_the_written_body_follows_the_sort_order():
    names = [re.sub("<[^>]+>", "", row[0]) for row in cells_of(build_table("-online").body_html)]
    assert names == ["Xã &lt;b&gt;Một&lt;/b&gt; &amp; Hai", "Xã Bốn", "Xã Ba"]
