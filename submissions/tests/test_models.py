import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from submissions.models import Authority, DossierCount, Procedure

pytestmark = pytest.mark.django_db


def a_procedure(authority, department=None):
    return Procedure.objects.filter(authority=authority, online_level__gte=3, department=department).first()


def count(unit, procedure, **values):
    return DossierCount(unit=unit, procedure=procedure, year=2020, month=values.pop("month", 9), **values)


def test_the_database_refuses_more_online_than_total_dossiers(commune_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        count(commune_a, a_procedure(Authority.COMMUNE), total=3, online=4).save()


def test_the_database_refuses_month_13(commune_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        count(commune_a, a_procedure(Authority.COMMUNE), total=3, online=1, month=13).save()


def test_the_database_keeps_one_row_per_unit_procedure_and_month(commune_a):
    procedure = a_procedure(Authority.COMMUNE)
    count(commune_a, procedure, total=3, online=1).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        count(commune_a, procedure, total=5, online=2).save()


def test_validation_explains_online_above_total_in_vietnamese(commune_a):
    with pytest.raises(ValidationError) as error:
        count(commune_a, a_procedure(Authority.COMMUNE), total=3, online=4).full_clean()
    assert "không được lớn hơn tổng số hồ sơ" in str(error.value.message_dict["online"])


def test_a_department_may_report_only_its_own_procedures(department):
    own = a_procedure(Authority.DISTRICT, department=department)
    count(department, own, total=5, online=2).full_clean()
    other = Procedure.objects.filter(authority=Authority.DISTRICT).exclude(department=department).first()
    with pytest.raises(ValidationError) as error:
        count(department, other, total=5, online=2).full_clean()
    assert "không do Phòng Tài chính - Kế hoạch giải quyết" in error.value.message_dict["procedure"][0]
    with pytest.raises(ValidationError):
        count(department, a_procedure(Authority.COMMUNE), total=5, online=2).full_clean()


def test_a_commune_reports_its_own_procedures_and_district_dossiers_its_people_filed(commune_a):
    count(commune_a, a_procedure(Authority.COMMUNE), total=5, online=2).full_clean()
    district_procedure = Procedure.objects.filter(authority=Authority.DISTRICT, online_level__gte=3).first()
    count(commune_a, district_procedure, total=2, online=2).full_clean()


def test_a_retired_procedure_cannot_be_reported_after_its_last_year(commune_a):
    procedure = a_procedure(Authority.COMMUNE)
    procedure.last_year = 2019
    procedure.save()
    with pytest.raises(ValidationError) as error:
        count(commune_a, procedure, total=5, online=2).full_clean()
    assert "không được cung cấp trong năm 2020" in error.value.message_dict["procedure"][0]


def test_a_district_procedure_needs_a_department_and_a_commune_procedure_has_none(department):
    with pytest.raises(ValidationError) as error:
        Procedure(code="X.1", name="Thử", field="Thử", authority=Authority.DISTRICT, online_level=3, first_year=2020).full_clean()
    assert "phòng, ban giải quyết" in error.value.message_dict["department"][0]
    with pytest.raises(ValidationError):
        Procedure(code="X.2", name="Thử", field="Thử", authority=Authority.COMMUNE, online_level=3,
                  first_year=2020, department=department).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Procedure.objects.create(code="X.3", name="Thử", field="Thử", authority=Authority.DISTRICT, online_level=3, first_year=2020)


def test_the_catalog_names_levels_the_2022_way_too(reference):
    assert Procedure.objects.filter(online_level=3).first().level_short_name == "Một phần"
    assert Procedure.objects.filter(online_level=4).first().level_short_name == "Toàn trình"


def test_a_commune_reports_only_its_own_districts_procedures(commune_a):
    from units.models import District, Unit

    other = District.objects.create(code="441", name="Huyện khác", province="Tỉnh Hà Tĩnh")
    department = Unit.objects.create(district=other, code="441.TCKH", name="Phòng TCKH huyện khác", kind="department")
    foreign = Procedure.objects.create(code="1.001612@441", name="Đăng ký thành lập hộ kinh doanh", field="Hộ kinh doanh",
                                       authority=Authority.DISTRICT, online_level=3, department=department, first_year=2019)
    assert foreign not in Procedure.objects.for_entry(commune_a, 2020)
    assert Procedure.objects.for_entry(commune_a, 2020).filter(authority=Authority.DISTRICT).count() == 80
    with pytest.raises(ValidationError) as error:
        count(commune_a, foreign, total=2, online=2).full_clean()
    assert "danh mục của huyện khác" in error.value.message_dict["procedure"][0]


def test_the_communes_of_several_districts_read_the_commune_procedures_and_their_districts_own(commune_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from submissions.rules import communes_report_q
    from units.models import District, Unit

    home = commune_a.district
    other = District.objects.create(code="441", name="Huyện khác", province="Tỉnh Hà Tĩnh")
    third = District.objects.create(code="442", name="Huyện thứ ba", province="Tỉnh Hà Tĩnh")
    procedures = {}
    for district in (other, third):
        department = Unit.objects.create(district=district, code=f"{district.code}.TCKH", name="Phòng TCKH", kind="department")
        procedures[district.code] = Procedure.objects.create(
            code=f"1.001612@{district.code}", name="Đăng ký hộ kinh doanh", field="Hộ kinh doanh",
            authority=Authority.DISTRICT, online_level=3, department=department, first_year=2019)
    commune_procedures = set(Procedure.objects.filter(authority=Authority.COMMUNE).values_list("pk", flat=True))
    home_procedures = set(Procedure.objects.filter(department__district=home).values_list("pk", flat=True))
    assert commune_procedures and len(home_procedures) >= 80

    def read(district_ids):
        with CaptureQueriesContext(connection) as captured:
            found = set(Procedure.objects.filter(communes_report_q(district_ids)).values_list("pk", flat=True))
        return found, captured.captured_queries[-1]["sql"]

    found, sql = read([home.pk, other.pk])
    assert found == commune_procedures | home_procedures | {procedures["441"].pk}
    # read from the index on the department, without joining every unit of the country
    assert "JOIN" not in sql.upper()
    assert read([third.pk])[0] == commune_procedures | {procedures["442"].pk}
    assert read([])[0] == commune_procedures  # no district: the commune procedures alone
