"""`manage.py progress`: the published document, its formats, and its refusals."""

import csv
import io
import json
from decimal import Decimal
from fractions import Fraction
from math import ceil

import pytest
from django.core.management import call_command

from submissions.models import DossierCount, Procedure
from units.models import Unit

pytestmark = pytest.mark.django_db


def run_progress(*args):
    out = io.StringIO()
    call_command("progress", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def hand_calculation(unit, through):
    """Sums and statuses from the raw rows with plain Python: a second, independent reading of DOMAIN.md."""
    rows = DossierCount.objects.filter(unit=unit, year=2020, month__lte=through).select_related("procedure")
    rows = [row for row in rows if row.procedure.online_level >= 3 and row.procedure.first_year <= 2020
            and (row.procedure.last_year is None or row.procedure.last_year >= 2020)]
    if unit.kind == "commune":
        c1_online = sum(row.online for row in rows if row.procedure.authority == "district")
        c2 = [row for row in rows if row.procedure.authority == "commune"]
        c2_online, c2_total = sum(row.online for row in c2), sum(row.total for row in c2)
        c1_status = "met" if c1_online >= 20 else ("missed" if through == 12 else (
            "on_track" if c1_online >= ceil(20 * through / 12) else "at_risk"))
        return {
            "C1": (c1_online, c1_status, max(0, 20 - c1_online)),
            "C2": (c2_online, c2_total, rate_status(c2_online, c2_total, 25, through)),
        }
    own = [row for row in rows if row.procedure.department_id == unit.pk]
    online, total = sum(row.online for row in own), sum(row.total for row in own)
    if not total and not Procedure.objects.filter(department=unit, online_level__gte=3).exists():
        return {}  # nothing to report under D1: the rule does not apply ("không áp dụng")
    return {"D1": (online, total, rate_status(online, total, 30, through))}


def rate_status(online, total, percent, through):
    if total == 0:
        return "no_data"
    met = online * 100 >= percent * total
    if through == 12:
        return "met" if met else "missed"
    return "on_track" if met else "at_risk"


@pytest.mark.parametrize("through", [3, 9])
def test_progress_on_the_demo_agrees_with_a_hand_calculation_for_every_unit(demo, through):
    document = json.loads(run_progress("--year", "2020", "--through", str(through), "--format", "json"))
    assert len(document["units"]) == 28
    for entry in document["units"]:
        expected = hand_calculation(Unit.objects.get(code=entry["unit_code"], district__code="440"), through)
        rules = {rule["rule"]: rule for rule in entry["rules"]}
        assert set(rules) == set(expected)
        for code, rule in rules.items():
            if rule["measure"] == "count":
                assert (rule["online"], rule["status"], rule["shortfall"]) == expected[code]
            else:
                assert (rule["online"], rule["total"], rule["status"]) == expected[code]
                if rule["total"]:
                    exact = Fraction(rule["online"] * 100, rule["total"])
                    assert abs(Decimal(rule["rate"]) - Decimal(exact.numerator) / Decimal(exact.denominator)) <= Decimal("0.005")


def test_the_json_document_has_exactly_the_published_shape(demo):
    document = json.loads(run_progress("--year", "2020", "--through", "9", "--format", "json"))
    assert set(document) == {"year", "through", "policy", "units", "complete"}
    assert (document["year"], document["through"], document["policy"]) == (2020, 9, "2440/UBND-VH")
    commune = next(unit for unit in document["units"] if unit["unit_code"] == "18310")
    assert set(commune) == {"unit_code", "unit_name", "kind", "flagged", "points", "rules", "completeness", "score"}
    assert commune["unit_name"] == "Xã Tân Hương" and commune["kind"] == "commune"
    c1, c2 = commune["rules"]
    assert set(c1) == {"rule", "measure", "target", "online", "total", "rate", "status", "shortfall",
                       "scoring", "earned", "forecast"}  # the last three since issue 19
    assert (c1["rule"], c1["measure"], c1["target"], c1["rate"]) == ("C1", "count", "20", None)
    assert (c1["scoring"], c1["earned"]) == ("deduct", None)  # the letter deducts: nothing is earned
    assert set(c1["forecast"]) == {"value", "points"}  # through 9: a forecast of December
    assert commune["score"] == ("-" + str(commune["points"]) if commune["points"] else "0")
    assert (c2["rule"], c2["measure"], c2["target"], c2["status"], c2["shortfall"], c2["rate"]) == (
        "C2", "rate", "25", "no_data", None, None)
    department = next(unit for unit in document["units"] if unit["unit_code"] == "440.TCKH")
    d1 = department["rules"][0]
    assert d1["rule"] == "D1" and d1["target"] == "30"
    assert len(d1["rate"].split(".")[1]) == 2


def test_year_end_json_flags_units_and_counts_their_points(demo):
    document = json.loads(run_progress("--year", "2020", "--through", "12", "--format", "json"))
    for unit in document["units"]:
        missed = [rule for rule in unit["rules"] if rule["status"] == "missed"]
        assert unit["flagged"] == bool(missed)
        assert unit["points"] == 2 * len(missed)
    assert any(unit["flagged"] for unit in document["units"])


def test_the_table_is_in_vietnamese(demo):
    table = run_progress("--year", "2020", "--through", "9")
    assert "Thị trấn Đức Thọ" in table
    assert "Trạng thái" in table and "chưa có số liệu" in table
    assert "2440/UBND-VH" in table


def test_csv_has_one_row_per_unit_and_rule(demo):
    rows = list(csv.DictReader(io.StringIO(run_progress("--year", "2020", "--through", "9", "--format", "csv"))))
    assert len(rows) == 16 * 2 + 10  # the office and the inspectorate have no procedure: D1 does not apply
    assert rows[0]["unit_code"] == "18229" and rows[0]["rule"] == "C1"


@pytest.mark.parametrize("extra", [[], ["--all-districts"]])
def test_csv_keeps_a_unit_name_that_looks_like_a_formula_as_text(reference, extra):
    Unit.objects.filter(code="18229").update(name='=HYPERLINK("http://x.example","Bấm vào")')
    Unit.objects.filter(code="18259").update(name="+1-2")
    output = run_progress("--year", "2020", "--through", "9", "--format", "csv", *extra)
    names = {row["unit_code"]: row["unit_name"] for row in csv.DictReader(io.StringIO(output))}
    assert names["18229"] == "'=HYPERLINK(\"http://x.example\",\"Bấm vào\")"
    assert names["18259"] == "'+1-2"
    assert names["18241"] == "Xã Tùng Châu"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--year", "2031"], "Chưa có chỉ tiêu"),
        (["--year", "2020", "--through", "13"], "Tháng phải từ 1 đến 12"),
        (["--year", "2020", "--through", "0"], "Tháng phải từ 1 đến 12"),
        (["--year", "2020", "--district", "999"], "Không có huyện mã 999"),
    ],
)
def test_bad_arguments_give_a_clear_message_and_exit_status_2(reference, args, message, capsys):
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "progress", *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
