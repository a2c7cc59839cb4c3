import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from submissions.models import Authority, DossierCount, Procedure
from targets.models import TargetPolicy
from units.models import Unit, UnitKind

pytestmark = pytest.mark.django_db

GSO_COMMUNE_CODES = {
    "18229", "18235", "18241", "18244", "18247", "18253", "18259", "18262",
    "18274", "18277", "18280", "18283", "18298", "18304", "18307", "18310",
}


def test_the_district_has_its_16_communes_and_town_with_official_gso_codes(reference):
    communes = Unit.objects.filter(kind=UnitKind.COMMUNE)
    assert set(communes.values_list("code", flat=True)) == GSO_COMMUNE_CODES
    assert communes.get(code="18229").name == "Thị trấn Đức Thọ"
    assert communes.get(code="18277").name == "Xã Lâm Trung Thủy"


def test_the_district_has_its_departments(reference):
    names = set(Unit.objects.filter(kind=UnitKind.DEPARTMENT).values_list("name", flat=True))
    assert "Phòng Tài chính - Kế hoạch" in names
    assert "Phòng Kinh tế và Hạ tầng" in names
    assert len(names) == 12


def test_the_catalog_offers_exactly_80_district_and_40_commune_procedures_at_level_3_or_4(reference):
    online_2020 = Procedure.objects.offered_in(2020).online()
    assert online_2020.filter(authority=Authority.DISTRICT).count() == 80
    assert online_2020.filter(authority=Authority.COMMUNE).count() == 40


def test_every_district_procedure_is_handled_by_a_department_and_every_procedure_validates(reference):
    for procedure in Procedure.objects.select_related("department"):
        procedure.full_clean()
        if procedure.authority == Authority.DISTRICT:
            assert procedure.department.kind == UnitKind.DEPARTMENT
        else:
            assert procedure.department is None


def test_the_catalog_keeps_a_handful_of_level_2_procedures_that_never_count(reference):
    level_2 = Procedure.objects.filter(online_level=2)
    assert level_2.count() >= 3
    assert not Procedure.objects.online().filter(pk__in=level_2).exists()


def test_real_national_codes_are_used_where_known(reference):
    assert Procedure.objects.get(code="1.001612").name == "Đăng ký thành lập hộ kinh doanh"
    assert Procedure.objects.get(code="1.001193").authority == Authority.COMMUNE


def test_the_2020_policy_is_letter_2440_with_its_three_rules(reference):
    policy = TargetPolicy.objects.get(year=2020)
    assert policy.document_number == "2440/UBND-VH"
    rules = {rule.code: rule for rule in policy.rules.all()}
    assert set(rules) == {"C1", "C2", "D1"}
    assert (rules["C1"].unit_kind, rules["C1"].authority, rules["C1"].measure, rules["C1"].target) == (
        "commune", "district", "count", 20)
    assert (rules["C2"].unit_kind, rules["C2"].authority, rules["C2"].measure, rules["C2"].target) == (
        "commune", "commune", "rate", 25)
    assert (rules["D1"].unit_kind, rules["D1"].own_procedures_only, rules["D1"].measure, rules["D1"].target) == (
        "department", True, "rate", 30)
    for rule in rules.values():
        assert rule.min_online_level == 3
        rule.full_clean()


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first_output = capsys.readouterr().out
    snapshot = (
        list(DossierCount.objects.order_by("pk").values_list("unit__code", "procedure__code", "month", "total", "online")),
        DossierCount.history.count(),
        list(get_user_model().objects.order_by("username").values_list("username", "password")),
        Unit.objects.count(),
        Procedure.objects.count(),
        Procedure.history.count(),
    )
    call_command("load_demo")
    second_output = capsys.readouterr().out
    assert snapshot == (
        list(DossierCount.objects.order_by("pk").values_list("unit__code", "procedure__code", "month", "total", "online")),
        DossierCount.history.count(),
        list(get_user_model().objects.order_by("username").values_list("username", "password")),
        Unit.objects.count(),
        Procedure.objects.count(),
        Procedure.history.count(),
    )
    assert "demo.canbo" in first_output and "demo.canbo" in second_output
    assert "thêm 0 dòng" in second_output


def test_the_demo_covers_january_to_september_2020_with_one_commune_without_commune_dossiers():
    call_command("load_demo")
    months = set(DossierCount.objects.filter(year=2020).values_list("month", flat=True))
    assert months == set(range(1, 10))
    quiet = Unit.objects.get(code="18310")
    assert not DossierCount.objects.filter(unit=quiet, year=2020, procedure__authority=Authority.COMMUNE).exists()
    assert DossierCount.objects.filter(unit=quiet, year=2020, procedure__authority=Authority.DISTRICT).exists()
    for count in DossierCount.objects.select_related("unit", "procedure")[:300]:
        count.full_clean()


def test_the_demo_goes_on_to_november_2026_each_unit_in_the_months_it_existed():
    call_command("load_demo")
    assert set(DossierCount.objects.values_list("year", flat=True)) == set(range(2020, 2027))
    assert set(DossierCount.objects.filter(year=2026).values_list("month", flat=True)) == set(range(1, 12))
    old_town = Unit.objects.get(code="18229", district__code="440")
    new_commune = Unit.objects.get(code="18229", district__code="42")
    assert max(DossierCount.objects.filter(unit=old_town, year=2025).values_list("month", flat=True)) == 6
    assert min(DossierCount.objects.filter(unit=new_commune, year=2025).values_list("month", flat=True)) == 7
    assert not DossierCount.objects.filter(unit=old_town, year=2026).exists()


def test_load_demo_reference_only_loads_no_counts_and_no_logins():
    call_command("load_demo", "--reference-only")
    assert Unit.objects.filter(district__code="440").count() == 28  # 16 communes, 12 departments (2020)
    assert Unit.objects.filter(district__code="42").count() == 12  # 5 communes, 7 departments (from 7/2025)
    assert not DossierCount.objects.exists()
    assert not get_user_model().objects.exists()
