"""Progress against the 2020 rules, from counts in the database, as users will argue about it."""

from datetime import date
from decimal import Decimal

import pytest

from submissions.models import Authority, DossierCount, Procedure
from targets.arithmetic import Status
from targets.models import TargetPolicy, TargetRule
from targets.progress import compute_progress, get_policy
from units.models import District, Unit

pytestmark = pytest.mark.django_db


def record(unit, procedure, month, total, online, year=2020):
    DossierCount.objects.create(unit=unit, procedure=procedure, year=year, month=month, total=total, online=online)


def district_procedures(department=None, level=3):
    procedures = Procedure.objects.filter(authority=Authority.DISTRICT, online_level__gte=level)
    if department is not None:
        procedures = procedures.filter(department=department)
    return list(procedures.order_by("code"))


def commune_procedures(level=3):
    return list(Procedure.objects.filter(authority=Authority.COMMUNE, online_level__gte=level).order_by("code"))


def progress_of(unit, through=12, year=2020):
    progress = compute_progress(get_policy(year=year), through)
    return progress.for_unit(unit.pk)


def test_a_commune_with_19_online_district_dossiers_misses_c1(commune_a):
    procedures = district_procedures()
    record(commune_a, procedures[0], 3, 12, 10)
    record(commune_a, procedures[1], 11, 9, 9)
    c1 = progress_of(commune_a).rule("C1")
    assert (c1.online, c1.status, c1.shortfall) == (19, Status.MISSED, 1)


def test_a_commune_with_20_online_district_dossiers_meets_c1(commune_a):
    procedures = district_procedures()
    record(commune_a, procedures[0], 3, 12, 10)
    record(commune_a, procedures[1], 11, 10, 10)
    c1 = progress_of(commune_a).rule("C1")
    assert (c1.online, c1.status, c1.shortfall) == (20, Status.MET, 0)


def test_c1_on_track_at_months_3_6_and_9(commune_a):
    procedure = district_procedures()[0]
    record(commune_a, procedure, 1, 5, 5)  # 5 online by March: ⌈20 × 3 / 12⌉ = 5
    assert progress_of(commune_a, through=3).rule("C1").status == Status.ON_TRACK
    assert progress_of(commune_a, through=6).rule("C1").status == Status.AT_RISK  # needs 10
    record(commune_a, procedure, 5, 5, 5)
    assert progress_of(commune_a, through=6).rule("C1").status == Status.ON_TRACK
    assert progress_of(commune_a, through=9).rule("C1").status == Status.AT_RISK  # needs 15
    record(commune_a, procedure, 8, 5, 5)
    assert progress_of(commune_a, through=9).rule("C1").status == Status.ON_TRACK


def test_exactly_25_percent_meets_c2_and_24_99_percent_does_not(commune_a, commune_b):
    procedures = commune_procedures()
    record(commune_a, procedures[0], 4, 100, 25)
    record(commune_b, procedures[0], 4, 5000, 1249)
    record(commune_b, procedures[1], 5, 5000, 1250)  # 2499 / 10000 = 24.99 %
    assert progress_of(commune_a).rule("C2").status == Status.MET
    c2_b = progress_of(commune_b).rule("C2")
    assert (c2_b.rate, c2_b.status) == (Decimal("24.99"), Status.MISSED)


def test_one_of_four_meets_c2(commune_a):
    record(commune_a, commune_procedures()[0], 2, 4, 1)
    assert progress_of(commune_a).rule("C2").status == Status.MET


def test_299_of_1000_misses_d1_and_300_of_1000_meets_it(department):
    own = district_procedures(department)
    record(department, own[0], 1, 600, 150)
    record(department, own[1], 2, 400, 149)
    d1 = progress_of(department).rule("D1")
    assert (d1.online, d1.total, d1.status) == (299, 1000, Status.MISSED)
    DossierCount.objects.filter(unit=department, month=2).update(online=150)
    assert progress_of(department).rule("D1").status == Status.MET


def test_the_worked_example_shortfall_of_7(commune_a):
    record(commune_a, commune_procedures()[0], 6, 100, 20)
    c2 = progress_of(commune_a, through=9).rule("C2")
    assert (c2.rate, c2.shortfall, c2.status) == (Decimal("20.00"), 7, Status.AT_RISK)


def test_level_2_procedures_never_count(commune_a, department):
    level_2_commune = Procedure.objects.filter(authority=Authority.COMMUNE, online_level=2).first()
    level_2_district = Procedure.objects.filter(authority=Authority.DISTRICT, online_level=2).first()
    record(commune_a, level_2_commune, 1, 50, 50)
    record(commune_a, level_2_district, 1, 50, 50)
    DossierCount.objects.bulk_create([
        DossierCount(unit=level_2_district.department, procedure=level_2_district, year=2020, month=1, total=50, online=50)
    ])
    unit = progress_of(commune_a)
    assert unit.rule("C1").online == 0
    assert unit.rule("C2").status == Status.NO_DATA
    assert progress_of(level_2_district.department).rule("D1").online == 0


def test_retired_procedures_never_count(commune_a):
    procedure = commune_procedures()[0]
    DossierCount.objects.bulk_create([
        DossierCount(unit=commune_a, procedure=procedure, year=2020, month=1, total=10, online=10)
    ])
    Procedure.objects.filter(pk=procedure.pk).update(last_year=2019)
    assert progress_of(commune_a).rule("C2").status == Status.NO_DATA
    Procedure.objects.filter(pk=procedure.pk).update(last_year=2020)
    assert progress_of(commune_a).rule("C2").online == 10
    Procedure.objects.filter(pk=procedure.pk).update(last_year=None, first_year=2021)
    assert progress_of(commune_a).rule("C2").status == Status.NO_DATA


def test_a_department_never_counts_another_departments_procedures(department, commune_a):
    own = district_procedures(department)[0]
    others = [p for p in district_procedures() if p.department_id != department.pk][0]
    record(department, own, 1, 10, 3)
    # A stray row the model would refuse, written around validation: still never counted.
    DossierCount.objects.bulk_create([
        DossierCount(unit=department, procedure=others, year=2020, month=1, total=100, online=100)
    ])
    # Dossiers of its procedures filed online from a commune are the commune's C1, not its D1.
    record(commune_a, own, 1, 40, 40)
    d1 = progress_of(department).rule("D1")
    assert (d1.online, d1.total) == (3, 10)
    assert progress_of(commune_a).rule("C1").online == 40


def test_a_commune_with_no_commune_dossiers_is_no_data_never_met(commune_a):
    record(commune_a, district_procedures()[0], 1, 25, 25)
    unit = progress_of(commune_a)
    assert unit.rule("C2").status == Status.NO_DATA
    assert unit.rule("C1").status == Status.MET
    assert not unit.flagged and unit.points == 0
    assert unit.has_no_data


def test_months_after_through_are_not_counted(commune_a):
    procedure = commune_procedures()[0]
    record(commune_a, procedure, 9, 10, 1)
    record(commune_a, procedure, 10, 10, 9)
    assert progress_of(commune_a, through=9).rule("C2").online == 1
    assert progress_of(commune_a, through=10).rule("C2").online == 10


def test_a_unit_missing_two_rules_loses_both_rules_points(commune_a):
    record(commune_a, commune_procedures()[0], 1, 10, 1)
    unit = progress_of(commune_a)
    assert [rule.code for rule in unit.missed_rules] == ["C1", "C2"]
    assert unit.flagged
    assert unit.points == Decimal("4")


def test_nobody_is_flagged_before_year_end(commune_a):
    record(commune_a, commune_procedures()[0], 1, 10, 1)
    unit = progress_of(commune_a, through=11)
    assert not unit.flagged and unit.points == 0


def test_inactive_units_are_left_out(commune_a):
    Unit.objects.filter(pk=commune_a.pk).update(is_active=False)
    progress = compute_progress(get_policy(year=2020), 12)
    assert progress.for_unit(commune_a.pk) is None
    assert len(progress.units) == 27


def test_a_2021_policy_with_a_50_percent_rule_is_added_as_data_only(reference, commune_a, department):
    district = reference["district"]
    policy = TargetPolicy.objects.create(
        district=district, year=2021, document_number="123/KH-UBND", document_date=date(2021, 1, 15),
        title="Kế hoạch năm 2021",
    )
    TargetRule.objects.create(
        policy=policy, code="X50", label="50 % hồ sơ cấp xã trực tuyến", unit_kind="commune",
        authority=Authority.COMMUNE, min_online_level=3, measure="rate", target=Decimal("50"), points=Decimal("1.5"),
    )
    TargetRule.objects.create(
        policy=policy, code="TCKH4", label="Phòng TCKH: 60 % hồ sơ mức độ 4", unit=department,
        authority=Authority.DISTRICT, min_online_level=4, own_procedures_only=True, measure="rate",
        target=Decimal("60"), points=Decimal("3"),
    )
    record(commune_a, commune_procedures()[0], 3, 10, 5, year=2021)
    record(commune_a, commune_procedures()[1], 3, 10, 4, year=2021)
    progress = compute_progress(get_policy(year=2021), 12)
    commune = progress.for_unit(commune_a.pk)
    assert [rule.code for rule in commune.rules] == ["X50"]
    assert commune.rule("X50").status == Status.MISSED
    assert commune.rule("X50").shortfall == 2  # 11 / 22 = 50 %
    assert commune.points == Decimal("1.5")
    assert [rule.code for rule in progress.for_unit(department.pk).rules] == ["TCKH4"]
    other_department = Unit.objects.filter(kind="department").exclude(pk=department.pk).first()
    assert progress.for_unit(other_department.pk).rules == []


def test_a_rule_with_minimum_level_4_ignores_level_3(department):
    policy = get_policy(year=2020)
    TargetRule.objects.filter(policy=policy, code="D1").update(min_online_level=4)
    level_3 = [p for p in district_procedures(department) if p.online_level == 3][0]
    record(department, level_3, 1, 10, 10)
    d1 = progress_of(department).rule("D1")
    assert d1.total == 0


def test_the_district_rate_per_rule_is_volume_weighted(commune_a, commune_b):
    record(commune_a, commune_procedures()[0], 1, 10, 10)
    record(commune_b, commune_procedures()[0], 1, 90, 0)
    progress = compute_progress(get_policy(year=2020), 12)
    c2 = next(summary for summary in progress.summaries() if summary["rule"].code == "C2")
    assert c2["rate"] == Decimal("10.00")
    assert c2["by_status"][Status.NO_DATA] == 14


def test_ranking_puts_the_unit_losing_fewer_points_first(commune_a, commune_b):
    record(commune_a, district_procedures()[0], 1, 20, 20)
    record(commune_a, commune_procedures()[0], 1, 10, 5)
    record(commune_b, commune_procedures()[0], 1, 10, 1)
    progress = compute_progress(get_policy(year=2020), 12)
    assert progress.rank_of(commune_a) == (1, 16)
    assert progress.rank_of(commune_b)[0] > 1


def make_district(code, units):
    district = District.objects.create(code=code, name=f"Huyện {code}", province="Tỉnh thử")
    unit_list = Unit.objects.bulk_create(
        [Unit(district=district, code=f"{code}-{i}", name=f"Xã {i}", kind="commune", sort_order=i) for i in range(units)]
    )
    policy = TargetPolicy.objects.create(
        district=district, year=2020, document_number=f"{code}/KH", document_date=date(2020, 1, 2), title="Thử"
    )
    TargetRule.objects.create(policy=policy, code="C1", label="C1", unit_kind="commune", authority="district",
                              measure="count", target=20, points=2)
    TargetRule.objects.create(policy=policy, code="C2", label="C2", unit_kind="commune", authority="commune",
                              measure="rate", target=25, points=2)
    procedures = commune_procedures()[:5] + district_procedures()[:3]
    DossierCount.objects.bulk_create([
        DossierCount(unit=unit, procedure=procedure, year=2020, month=month, total=10, online=3)
        for unit in unit_list for procedure in procedures for month in (1, 5, 9)
    ])
    return policy


@pytest.mark.parametrize("units", [10, 300])
def test_the_number_of_queries_does_not_grow_with_units(units, django_assert_num_queries):
    policy = make_district(f"T{units}", units)
    with django_assert_num_queries(4):
        # 1 the rules, 2 the units, 3 the aggregated counts (GROUP BY unit and scope), 4 what the
        # units can report on (the catalog's scopes: a rule with nothing in scope does not apply)
        progress = compute_progress(policy, 9)
        for entry in progress.units:
            for rule in entry.rules:
                assert rule.status
    assert len(progress.units) == units
    assert progress.units[0].rule("C1").online == 27  # 3 procedures × 3 months × 3 online


def test_a_commune_merged_away_still_counts_in_the_years_it_existed(commune_b):
    record(commune_b, commune_procedures()[0], 4, 10, 1)
    Unit.objects.filter(pk=commune_b.pk).update(is_active=False, last_year=2020)
    assert progress_of(commune_b).rule("C2").status == Status.MISSED
    policy_2021 = TargetPolicy.objects.create(
        district=commune_b.district, year=2021, document_number="1/KH", document_date=date(2021, 1, 5), title="2021"
    )
    TargetRule.objects.create(policy=policy_2021, code="C2", label="C2", unit_kind="commune", authority="commune",
                              measure="rate", target=25, points=2)
    assert compute_progress(policy_2021, 12).for_unit(commune_b.pk) is None


def test_a_unit_set_up_later_is_not_scored_before_its_first_year(commune_b):
    Unit.objects.filter(pk=commune_b.pk).update(first_year=2021)
    assert compute_progress(get_policy(year=2020), 12).for_unit(commune_b.pk) is None


def test_a_unit_that_stops_must_say_its_last_year(commune_b):
    from django.core.exceptions import ValidationError

    commune_b.is_active = False
    with pytest.raises(ValidationError) as error:
        commune_b.full_clean()
    assert "năm cuối cùng hoạt động" in str(error.value)
    commune_b.last_year = 2024
    commune_b.full_clean()
