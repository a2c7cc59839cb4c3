"""Issue 17: one portal across the 2025 reform — administrations and units over periods, lineage
(merge, split, rename), policies of part of a year, province people, trends across eras."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.urls import reverse

from factories import make_person
from submissions.models import Authority, DossierCount, Procedure
from targets.arithmetic import count_threshold_by, evaluate
from targets.progress import compute_progress
from targets.models import TargetPolicy
from targets.reference_data import load_reference, load_reform
from targets.synthetic import SyntheticSize, generate
from targets.trends import unit_trends
from units.lineage import link_kinds, link_shares, read_mapping
from units.models import District, Level, Lineage, Unit, UnitKind
from units.roles import Role
from units.services import Refused, reorganize

pytestmark = pytest.mark.django_db

HEADER = "old_code,old_name,new_code,new_name,effective_date,document\n"
DOCUMENT = "Nghị quyết 1665/NQ-UBTVQH15 ngày 16/6/2025"


@pytest.fixture
def reform(db):
    """The district of 2020 and Hà Tĩnh after 1/7/2025, without the demo's counts."""
    load_reference()
    load_reform()
    return District.objects.get(code="42")


def era(code, administration):
    return Unit.objects.get(code=code, district__code=administration)


def count(unit, procedure, year, month, total, online):
    return DossierCount.objects.create(unit=unit, procedure=procedure, year=year, month=month, total=total, online=online)


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# The mapping, pure --------------------------------------------------------------------------------


def test_the_published_mapping_of_duc_tho_reads_as_five_merges_of_sixteen_communes():
    from targets.reference_data import REFORM_FILE

    rows, errors = read_mapping((REFORM_FILE.parent / "lineage_ha_tinh_duc_tho_2025.csv").read_bytes())
    assert errors == []
    assert len(rows) == 16 and len({row.new_code for row in rows}) == 5
    assert set(link_kinds(rows).values()) == {"merge"}
    assert rows[0].document_number == "Nghị quyết 1665/NQ-UBTVQH15" and rows[0].document_date == date(2025, 6, 16)


def test_one_old_unit_to_two_new_is_a_split_with_equal_shares_unless_given():
    text = HEADER + (f"100,Xã A,201,Xã B,01/07/2025,{DOCUMENT}\n"
                     f"100,Xã A,202,Xã C,01/07/2025,{DOCUMENT}\n"
                     f"300,Xã D,300,Phường D,2025-07-01,{DOCUMENT}\n")
    rows, errors = read_mapping(text.encode())
    assert errors == []
    assert link_kinds(rows) == {("100", "201"): "split", ("100", "202"): "split", ("300", "300"): "rename"}
    assert link_shares(rows)["100"] == {"201": Decimal("0.5"), "202": Decimal("0.5")}
    given = read_mapping((HEADER.strip() + ",share\n" + f"100,Xã A,201,Xã B,2025-07-01,{DOCUMENT},0.6\n"
                          f"100,Xã A,202,Xã C,2025-07-01,{DOCUMENT},\n").encode())[0]
    assert link_shares(given)["100"] == {"201": Decimal("0.6"), "202": Decimal("0.4000")}


@pytest.mark.parametrize("body, message", [
    (f"100,Xã A,201,Xã B,15/07/2025,{DOCUMENT}\n", "ngày đầu tháng"),
    (f"100,Xã A,201,Xã B,tháng bảy,{DOCUMENT}\n", "không đọc được"),
    (f"10 0,Xã A,201,Xã B,2025-07-01,{DOCUMENT}\n", "không hợp lệ"),
    (f"100,Xã A,201,Xã B,2025-07-01,{DOCUMENT}\n100,Xã A,201,Xã B,2025-07-01,{DOCUMENT}\n", "đã có ở dòng trước"),
    (f"100,Xã A,201,Xã B,2025-07-01,{DOCUMENT}\n101,Xã E,201,Xã Khác,2025-07-01,{DOCUMENT}\n", "hai tên khác nhau"),
])
def test_a_wrong_mapping_is_refused_row_by_row_with_nothing_read(body, message):
    rows, errors = read_mapping((HEADER + body).encode())
    assert rows == [] and any(message in error for error in errors), errors


def test_a_mapping_without_its_columns_or_too_big_is_refused():
    assert "Thiếu cột" in read_mapping(b"code,name\n1,2\n")[1][0]
    assert "quá lớn" in read_mapping(b"x" * (3 * 1024 * 1024))[1][0]
    assert "UTF-8" in read_mapping(HEADER.encode() + "100,Xa Â,1,Xa B".encode("cp1258"))[1][0]


def test_a_policy_of_july_to_december_is_paced_over_its_six_months():
    assert count_threshold_by(Decimal(15), 9, first_month=7, last_month=12) == 8  # ⌈15 × 3 / 6⌉
    assert count_threshold_by(Decimal(20), 9) == 15  # the 2020 pace, unchanged
    outcome = evaluate(measure="count", target=Decimal(10), online=4, total=4, through=6, first_month=1, last_month=6)
    assert outcome.status.value == "missed"  # June closes a January–June policy


# Units over periods ----------------------------------------------------------------------------------


def test_a_code_names_two_units_only_in_periods_that_do_not_overlap(reform):
    old_town, new_commune = era("18229", "440"), era("18229", "42")
    assert (old_town.last_year, old_town.last_month, old_town.name) == (2025, 6, "Thị trấn Đức Thọ")
    assert (new_commune.first_year, new_commune.first_month, new_commune.name) == (2025, 7, "Xã Đức Thọ")
    assert Unit.objects.with_code("18229", year=2020) == old_town
    assert Unit.objects.with_code("18229", year=2025, month=6) == old_town
    assert Unit.objects.with_code("18229", year=2025, month=7) == new_commune
    assert Unit.objects.with_code("18229") == new_commune
    clash = Unit(district=reform, code="18229", name="Xã trùng mã", kind=UnitKind.COMMUNE, first_year=2026)
    with pytest.raises(ValidationError, match="một mã chỉ gọi một"):
        clash.full_clean()


def test_the_district_ends_on_30_june_2025_under_its_province(reform):
    district = District.objects.get(code="440")
    assert (district.parent, district.valid_to, district.level) == (reform, date(2025, 6, 30), Level.DISTRICT)
    assert reform.level == Level.PROVINCE
    assert not Unit.objects.filter(district=district, last_year__isnull=True).exists()
    links = Lineage.objects.filter(successor=era("18229", "42")).select_related("predecessor")
    assert sorted(link.predecessor.code for link in links) == ["18229", "18259", "18280", "18283"]
    assert {(link.kind, link.document_number, link.effective_date) for link in links} == {
        ("merge", "Nghị quyết 1665/NQ-UBTVQH15", date(2025, 7, 1))}


def test_loading_the_reform_again_changes_nothing(reform):
    before = (Unit.objects.count(), Lineage.objects.count(), Procedure.history.count(), TargetPolicy.history.count())
    load_reference()
    load_reform()
    assert before == (Unit.objects.count(), Lineage.objects.count(), Procedure.history.count(),
                      TargetPolicy.history.count())
    assert era("18229", "440").last_year == 2025  # the 2020 reference does not reopen a unit that ended


# Policies of part of a year -----------------------------------------------------------------------


def test_2025_is_the_districts_until_june_and_the_provinces_from_july(reform):
    procedure = Procedure.objects.filter(authority=Authority.COMMUNE).first()
    count(era("18229", "440"), procedure, 2025, 6, 10, 4)
    count(era("18229", "42"), procedure, 2025, 7, 20, 15)
    district_2025 = TargetPolicy.objects.get(district__code="440", year=2025)
    province_2025 = TargetPolicy.objects.get(district=reform, year=2025)
    first_half = compute_progress(district_2025, 12)
    second_half = compute_progress(province_2025, 12)
    assert {entry.unit.district.code for entry in first_half.units} == {"440"}
    assert {entry.unit.district.code for entry in second_half.units} == {"42"}
    town = first_half.for_unit(era("18229", "440").pk)
    commune = second_half.for_unit(era("18229", "42").pk)
    assert [(rule.rule.code, rule.online, rule.total) for rule in town.rules if rule.rule.code == "C2"] == [("C2", 4, 10)]
    assert [(rule.rule.code, rule.online, rule.total) for rule in commune.rules if rule.rule.code == "X2"] == [("X2", 15, 20)]


def test_progress_of_the_province_from_the_command_line(reform):
    procedure = Procedure.objects.get(code="HT.STP.01")
    count(era("18229", "42"), procedure, 2026, 3, 12, 9)
    count(Unit.objects.get(code="42.STP"), procedure, 2026, 3, 30, 24)
    document = json.loads(run("progress", "--year", "2026", "--through", "12", "--administration", "42", "--format", "json"))
    assert document["administration"] == {"code": "42", "name": "Tỉnh Hà Tĩnh", "level": "province"}
    assert document["months"] == [1, 12] and document["policy"] == "DEMO-03/UBND-TTPVHCC"
    units = {unit["unit_code"]: unit for unit in document["units"]}
    assert set(units) >= {"18229", "18262", "18244", "18277", "18304", "42.STP"}
    assert {rule["rule"]: (rule["online"], rule["total"]) for rule in units["18229"]["rules"]}["X1"] == (9, 12)
    assert {rule["rule"]: rule["rate"] for rule in units["42.STP"]["rules"]}["S1"] == "80.00"
    with pytest.raises(CommandError, match="nhiều nơi"):
        call_command("progress", "--year", "2025", stdout=io.StringIO())


def test_the_2020_documents_do_not_move_when_the_reform_is_loaded(reference):
    from targets.reference_data import load_demo_counts

    load_demo_counts(district=reference["district"])
    before = run("progress", "--year", "2020", "--through", "9", "--format", "json")
    load_reform()
    assert run("progress", "--year", "2020", "--through", "9", "--format", "json") == before


# Lineage through the service and the command --------------------------------------------------------


def test_a_split_and_a_rename_through_import_lineage(reform, tmp_path):
    province = reform
    old = Unit.objects.create(district=province, code="90001", name="Phường Cũ", kind=UnitKind.COMMUNE, first_year=2025,
                              first_month=7)
    renamed = Unit.objects.create(district=province, code="90002", name="Xã Tên Cũ", kind=UnitKind.COMMUNE,
                                  first_year=2025, first_month=7)
    procedure = Procedure.objects.filter(authority=Authority.COMMUNE).first()
    count(old, procedure, 2026, 1, 100, 50)
    count(renamed, procedure, 2026, 1, 10, 7)
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(HEADER.strip() + ",share\n"
                       "90001,Phường Cũ,90011,Phường Bắc,01/02/2026,Nghị quyết 9/NQ-HĐND ngày 20/1/2026,0.6\n"
                       "90001,Phường Cũ,90012,Phường Nam,01/02/2026,Nghị quyết 9/NQ-HĐND ngày 20/1/2026,0.4\n"
                       "90002,Xã Tên Cũ,90003,Xã Tên Mới,01/02/2026,Nghị quyết 9/NQ-HĐND ngày 20/1/2026,\n",
                       encoding="utf-8")
    assert "Kiểm tra xong" in run("import_lineage", str(mapping), "--dry-run")
    assert not Unit.objects.filter(code="90011").exists()
    assert "3 đơn vị mới, 2 đơn vị cũ" in run("import_lineage", str(mapping))
    assert "0 đơn vị mới, 0 đơn vị cũ ngừng hoạt động, 0 liên kết" in run("import_lineage", str(mapping))
    north, new_name = Unit.objects.get(code="90011"), Unit.objects.get(code="90003")
    assert Lineage.objects.get(successor=north).kind == "split"
    assert Lineage.objects.get(successor=new_name).kind == "rename"
    count(north, procedure, 2026, 3, 20, 10)
    north_years = {entry.year: entry for entry in unit_trends(north, first_year=2026, last_year=2026).years}
    assert (north_years[2026].online, north_years[2026].total) == (40, 80)  # 0.6 × (50, 100) + its own (10, 20)
    assert north_years[2026].made_of == ("90001", "90011")
    renamed_years = unit_trends(new_name, first_year=2026, last_year=2026)
    assert (renamed_years.years[0].online, renamed_years.years[0].total) == (7, 10)
    assert renamed_years.labels == ["2026–1/2026: tổng của Xã Tên Cũ"]


def test_a_mapping_that_does_not_fit_the_units_writes_nothing(reform, tmp_path):
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(HEADER + f"18229,Xã Sai Tên,70001,Xã Mới,2026-01-01,{DOCUMENT}\n"
                       f"99999,Xã Không Có,70001,Xã Mới,2026-01-01,{DOCUMENT}\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_lineage", str(mapping), stdout=io.StringIO())
    assert "không phải “Xã Sai Tên”" in str(refused.value) and "không có đơn vị mã 99999" in str(refused.value)
    assert not Unit.objects.filter(code="70001").exists() and era("18229", "42").last_year is None
    with pytest.raises(Refused):
        reorganize(changes=[])


def test_a_unit_with_figures_after_the_change_is_not_ended_under_them(reform):
    commune = era("18262", "42")
    procedure = Procedure.objects.filter(authority=Authority.COMMUNE).first()
    count(commune, procedure, 2026, 5, 10, 5)
    rows, errors = read_mapping((HEADER + f"18262,Xã Đức Quang,70002,Xã Mới,2026-03-01,{DOCUMENT}\n").encode())
    with pytest.raises(Refused, match="đã có số liệu từ ngày 01/03/2026"):
        reorganize(changes=rows)
    assert era("18262", "42").last_year is None and not Unit.objects.filter(code="70002").exists()


# Trends across eras ---------------------------------------------------------------------------------


def test_xa_duc_tho_shows_2020_to_2026_with_its_predecessors_summed_before_july_2025():
    call_command("load_demo", stdout=io.StringIO())
    document = json.loads(run("unit_history", "--unit", "18229", "--on", "2026-01-01", "--from", "2020", "--to", "2026",
                              "--format", "json"))
    assert (document["unit_code"], document["unit_name"]) == ("18229", "Xã Đức Thọ")
    years = {entry["year"]: entry for entry in document["years"]}
    assert sorted(years) == list(range(2020, 2027))
    predecessors = ["18229", "18259", "18280", "18283"]
    assert years[2020]["made_of"] == predecessors and years[2026]["made_of"] == ["18229"]
    level_3_4 = DossierCount.objects.filter(procedure__online_level__gte=3)
    summed_2020 = level_3_4.filter(year=2020, unit__district__code="440", unit__code__in=predecessors).aggregate(
        online=Sum("online"), total=Sum("total"))
    assert (years[2020]["online"], years[2020]["total"]) == (summed_2020["online"], summed_2020["total"])
    both_eras_2025 = level_3_4.filter(year=2025).filter(unit__code__in=predecessors).aggregate(
        online=Sum("online"), total=Sum("total"))
    assert (years[2025]["online"], years[2025]["total"]) == (both_eras_2025["online"], both_eras_2025["total"])
    rate = Decimal(years[2020]["online"] * 100) / years[2020]["total"]
    assert years[2020]["rate"] == f"{rate.quantize(Decimal('0.01'), rounding='ROUND_HALF_UP')}"
    table = run("unit_history", "--unit", "18229", "--on", "2026-01-01")
    assert "2020–6/2025: tổng của Thị trấn Đức Thọ, Xã Tùng Ảnh, Xã Hòa Lạc, Xã Tân Dân" in table
    in_2020 = run("unit_history", "--unit", "18229", "--on", "2020-06-01", "--to", "2025")
    assert in_2020.startswith("Thị trấn Đức Thọ (18229, đến 6/2025)")


def test_the_dashboard_of_xa_duc_tho_shows_its_years_and_whose_they_were(reform, client_for):
    procedure = Procedure.objects.filter(authority=Authority.COMMUNE).first()
    count(era("18259", "440"), procedure, 2020, 3, 10, 2)
    count(era("18229", "42"), procedure, 2026, 3, 10, 6)
    head = make_person("head.xaductho", Role.UNIT_HEAD, unit=era("18229", "42"))
    page = client_for(head).get(reverse("reports:unit_dashboard", args=["18229"]) + "?year=2026&through=3")
    text = page.content.decode()
    assert page.status_code == 200 and "Xã Đức Thọ" in text
    assert "2020–6/2025: tổng của Thị trấn Đức Thọ, Xã Tùng Ảnh, Xã Hòa Lạc, Xã Tân Dân" in text
    assert "Tỷ lệ trực tuyến qua các năm" in text and "18229, 18259, 18280, 18283" in text
    assert "+40,0 điểm" not in text  # 2021–2025 had nothing: no change is made up across empty years


# Province people --------------------------------------------------------------------------------------


def test_province_staff_see_every_unit_of_the_province_and_of_its_districts(reform, client_for):
    staff = make_person("tinh.canbo", Role.STAFF, district=reform)
    visible = set(Unit.objects.visible_to(staff).values_list("district__code", flat=True))
    assert visible == {"42", "440"}
    client = client_for(staff)
    page = client.get(reverse("reports:province") + "?year=2025&through=12")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Xếp hạng các huyện (1 huyện)" in text and "Huyện Đức Thọ" in text and "Xếp hạng các xã, phường" in text
    drill = client.get(reverse("reports:overview") + "?administration=440&year=2020&through=9")
    assert drill.status_code == 200 and "Thị trấn Đức Thọ" in drill.content.decode()
    province_overview = client.get(reverse("reports:overview") + "?year=2026&through=6").content.decode()
    assert "Sở, ban, ngành cấp tỉnh" in province_overview and "Phòng, ban cấp huyện" not in province_overview
    api = client.get(reverse("reports:api_progress") + "?administration=42&year=2026&through=6")
    assert api.status_code == 200 and api.json()["administration"]["code"] == "42"
    assert client.get(reverse("reports:api_progress") + "?administration=999&year=2026").status_code == 404


def test_the_province_page_is_refused_to_a_commune_head_and_a_district_reads_only_itself(reform, client_for):
    head = make_person("head.xaductho", Role.UNIT_HEAD, unit=era("18229", "42"))
    assert client_for(head).get(reverse("reports:province")).status_code == 403
    district_staff = make_person("huyen.canbo", Role.STAFF, district=District.objects.get(code="440"))
    client = client_for(district_staff)
    assert client.get(reverse("reports:overview") + "?administration=42").status_code == 404
    assert not Unit.objects.visible_to(district_staff).filter(district__code="42").exists()
    page = client.get(reverse("reports:province") + "?year=2020")
    assert page.status_code == 200 and "Xếp hạng các xã, phường" not in page.content.decode()


def test_a_communes_grid_after_july_2025_asks_for_the_provinces_procedures(reform, client_for):
    staff = make_person("tinh.canbo", Role.STAFF, district=reform)
    page = client_for(staff).get(reverse("submissions:entry_grid", args=["18229", 2026, 3]))
    text = page.content.decode()
    assert page.status_code == 200 and "Thủ tục cấp tỉnh do người dân trong xã nộp" in text
    assert "HT.STP.01" in text and "Thủ tục cấp huyện do người dân trong xã nộp" not in text
    old = client_for(staff).get(reverse("submissions:entry_grid", args=["18229", 2020, 3])).content.decode()
    assert "Thị trấn Đức Thọ" in old and "Thủ tục cấp huyện do người dân trong xã nộp" in old


# National size: the same number of queries --------------------------------------------------------------


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_province_ranking_reads_as_many_queries_for_1_district_as_for_12(client_for, django_assert_max_num_queries):
    counts = []
    for seed, districts in ((7, 1), (9, 12)):
        generate(SyntheticSize(districts=districts, communes=3, departments=2, months=2, seed=seed))
        province = District.objects.create(code=f"S{seed}-TINH", name="Tỉnh thử nghiệm", province="Tỉnh thử nghiệm",
                                           level=Level.PROVINCE)
        District.objects.filter(code__startswith=f"S{seed}-0").update(parent=province)
        client = client_for(make_person(f"tinh.doc{seed}", Role.STAFF, district=province))
        with django_assert_max_num_queries(20):
            counts.append(_queries(client, reverse("reports:province") + "?year=2020&through=2"))
    assert counts[0] == counts[1]


def test_a_province_of_communes_reads_as_many_queries_for_10_communes_as_for_300(client_for, django_assert_max_num_queries):
    pages = (reverse("reports:province") + "?year=2020&through=2", reverse("reports:overview") + "?year=2020&through=2")
    counts = []
    for seed, communes in ((8, 10), (9, 300)):
        generate(SyntheticSize(districts=1, communes=communes, departments=3, months=2, seed=seed, province=True))
        client = client_for(make_person(f"tinh.doc{seed}", Role.STAFF, district=District.objects.get(code=f"S{seed}-P01")))
        with django_assert_max_num_queries(60):
            counts.append([_queries(client, page) for page in pages])
    assert counts[0] == counts[1]


def test_province_home_affairs_download_the_provinces_scoring_workbook_in_its_words(reform, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    procedure = Procedure.objects.get(code="HT.STP.01")
    count(Unit.objects.get(code="42.STP"), procedure, 2026, 3, 30, 24)
    home_affairs = make_person("tinh.noivu", Role.HOME_AFFAIRS, district=reform)
    response = client_for(home_affairs).get(reverse("reports:year_end_xlsx", args=[2026]))
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content), read_only=True)
    sheets = workbook.sheetnames
    summary_text = " ".join(str(cell) for row in workbook["Tổng hợp"].iter_rows(values_only=True) for cell in row if cell)
    assert "Tổng hợp theo chỉ tiêu toàn tỉnh" in summary_text and "Tỷ lệ toàn tỉnh" in summary_text
    assert "toàn huyện" not in summary_text
    assert "Xã, phường" in sheets and "Sở, ban, ngành cấp tỉnh" in sheets and "Phòng, ban cấp huyện" not in sheets
