"""The rules of a valid count, as pure functions: no database, no clock."""

from datetime import date

import pytest

from submissions import rules


@pytest.mark.parametrize(("total", "online", "exceeds"), [(0, 0, False), (5, 5, False), (5, 4, False), (5, 6, True), (0, 1, True)])
def test_online_dossiers_are_some_of_all_the_dossiers(total, online, exceeds):
    assert rules.online_exceeds_total(total, online) is exceeds


@pytest.mark.parametrize(
    ("total", "online", "message"),
    [
        (3, 1, None),
        (rules.MAX_COUNT, rules.MAX_COUNT, None),
        (rules.MAX_COUNT + 1, 0, "Số hồ sơ quá lớn."),
        (-1, 0, "Số hồ sơ không được âm."),
        (3.0, 1, "Số hồ sơ phải là số nguyên."),
        (True, 0, "Số hồ sơ phải là số nguyên."),
        (2, 3, "Số hồ sơ trực tuyến (3) không được lớn hơn tổng số hồ sơ (2)."),
    ],
)
def test_a_count_is_a_whole_number_from_zero_to_the_largest_with_online_at_most_total(total, online, message):
    assert rules.count_error(total, online) == message


def test_the_current_month_may_be_entered_the_next_may_not():
    today = date(2020, 9, 30)
    assert not rules.is_future(2020, 9, today=today)
    assert not rules.is_future(2019, 12, today=today)
    assert rules.is_future(2020, 10, today=today)
    assert rules.is_future(2021, 1, today=today)


def test_a_procedure_is_offered_from_its_first_to_its_last_year():
    assert rules.is_offered(2020, None, 2020) and rules.is_offered(2020, None, 2031)
    assert not rules.is_offered(2020, None, 2019)
    assert rules.is_offered(2018, 2020, 2020) and not rules.is_offered(2018, 2020, 2021)
    assert rules.is_offered(None, None, 2000)


def test_only_level_3_and_4_count_toward_the_targets():
    assert [level for level in (1, 2, 3, 4) if rules.counts_toward_targets(level)] == [3, 4]


def test_years_and_months_the_portal_holds():
    assert rules.is_valid_year(2000) and rules.is_valid_year(2100)
    assert not rules.is_valid_year(1999) and not rules.is_valid_year(2101) and not rules.is_valid_year(None)
    assert not rules.is_valid_year(True) and not rules.is_valid_year("2020")
    assert [month for month in range(0, 14) if rules.is_valid_month(month)] == list(range(1, 13))


COMMUNE = {"unit_kind": "commune", "unit_id": 7, "unit_name": "Xã Tùng Ảnh", "unit_district_id": 1}
DEPARTMENT = {"unit_kind": "department", "unit_id": 3, "unit_name": "Phòng Tư pháp", "unit_district_id": 1}


def procedure(authority, department_id=None, department_district_id=None):
    return {"procedure_code": "1.001", "procedure_authority": authority, "procedure_department_id": department_id,
            "department_district_id": department_district_id}


def test_a_commune_reports_commune_procedures_and_its_own_districts():
    assert rules.reporting_error(**COMMUNE, **procedure("commune")) is None
    assert rules.reporting_error(**COMMUNE, **procedure("district", 3, 1)) is None
    assert "thuộc danh mục của huyện khác" in rules.reporting_error(**COMMUNE, **procedure("district", 9, 2))


def test_a_department_reports_only_the_district_procedures_it_handles():
    assert rules.reporting_error(**DEPARTMENT, **procedure("district", 3, 1)) is None
    assert "không do Phòng Tư pháp giải quyết" in rules.reporting_error(**DEPARTMENT, **procedure("district", 4, 1))
    assert "không do Phòng Tư pháp giải quyết" in rules.reporting_error(**DEPARTMENT, **procedure("commune"))


def test_the_rules_module_reads_no_model():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    assert imported <= {"calendar", "datetime", "functools", "re", "django.db.models", "django.utils.translation"}


def test_the_largest_accepted_count_is_a_million_and_zero_is_a_count():
    assert rules.MAX_COUNT == 1_000_000
    assert rules.count_error(1_000_000, 1_000_000) is None
    assert rules.count_error(1_000_001, 0) == "Số hồ sơ quá lớn."
    assert rules.count_error(0, 1_000_001) == "Số hồ sơ quá lớn."
    assert rules.count_error(0, 0) is None
    assert rules.count_error(0, -1) == "Số hồ sơ không được âm."


def test_the_rules_name_the_catalogs_own_values():
    from submissions.models import Authority
    from units.models import UnitKind

    assert (rules.DISTRICT_AUTHORITY, rules.COMMUNE_AUTHORITY) == (Authority.DISTRICT, Authority.COMMUNE)
    assert rules.DEPARTMENT == UnitKind.DEPARTMENT


def test_the_query_conditions_say_what_the_rules_say():
    from django.db.models import Q

    assert rules.offered_q(2020) == Q(first_year__lte=2020) & (Q(last_year__isnull=True) | Q(last_year__gte=2020))
    assert rules.offered_q(2021, "procedure__") == Q(procedure__first_year__lte=2021) & (
        Q(procedure__last_year__isnull=True) | Q(procedure__last_year__gte=2021)
    )
    assert rules.reporting_q(unit_kind="department", unit_id=3, unit_district_id=1) == Q(department_id=3) & ~Q(authority="commune")
    # a commune procedure has no department (the catalog's constraint), so both halves are read
    # from the index on the department (test_models: what the condition finds, in the database)
    assert rules.reporting_q(unit_kind="commune", unit_id=7, unit_district_id=1) == (
        Q(authority="commune", department__isnull=True) | Q(department__of_districts=[1])
    )


def test_the_reporting_messages_in_full():
    assert rules.reporting_error(**DEPARTMENT, **procedure("district", 4, 1)) == (
        "Thủ tục 1.001 không do Phòng Tư pháp giải quyết nên đơn vị này không nhập số liệu cho thủ tục đó."
    )
    assert rules.reporting_error(**COMMUNE, **procedure("district", 9, 2)) == (
        "Thủ tục 1.001 thuộc danh mục của huyện khác, không phải của Xã Tùng Ảnh."
    )
