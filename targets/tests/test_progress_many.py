"""A whole province's progress at once: the same figures as district by district, in 3 queries."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from targets.models import TargetPolicy
from targets.documents import progress_document
from targets.progress import compute_progress, compute_progress_many

pytestmark = pytest.mark.django_db


def make_province(districts: int, seed: int):
    call_command("generate_synthetic", "--districts", str(districts), "--communes", "3", "--departments", "2",
                 "--seed", str(seed), "--months", "9", stdout=io.StringIO())
    return list(
        TargetPolicy.objects.filter(year=2020, district__code__startswith=f"S{seed}-")
        .select_related("district").order_by("district__code")
    )


def test_a_province_computed_at_once_reads_exactly_what_each_district_reads_alone():
    policies = make_province(3, seed=5)
    together = compute_progress_many(policies, 9)
    assert [progress.policy for progress in together] == policies
    for progress, policy in zip(together, policies):
        alone = compute_progress(policy, 9)
        assert progress_document(progress) == progress_document(alone)
        assert len(progress.units) == 5
        assert {entry.unit.district_id for entry in progress.units} == {policy.district_id}


@pytest.mark.parametrize("districts", [2, 6])
def test_the_number_of_queries_for_a_province_does_not_grow_with_its_districts(districts, django_assert_num_queries):
    policies = make_province(districts, seed=6)
    with django_assert_num_queries(4):
        # 1 the rules of every policy, 2 the units of every district, 3 the aggregated counts,
        # 4 what their units can report on
        progresses = compute_progress_many(policies, 9)
    assert len(progresses) == districts
    assert sum(len(progress.units) for progress in progresses) == districts * 5


def test_policies_of_different_years_are_each_computed_with_their_own_year(reference):
    policies = make_province(1, seed=8)
    reference_2020 = TargetPolicy.objects.get(year=2020, district__code="440")
    progresses = compute_progress_many([reference_2020, *policies], 12)
    assert progress_document(progresses[0]) == progress_document(compute_progress(reference_2020, 12))
    assert compute_progress_many([], 9) == []
    with pytest.raises(ValueError):
        compute_progress_many(policies, 13)


def test_the_progress_command_reports_every_district_of_the_year():
    make_province(2, seed=5)
    out = io.StringIO()
    call_command("progress", "--year", "2020", "--through", "9", "--all-districts", "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    codes = [district["district_code"] for district in document["districts"]]
    assert {"S5-001", "S5-002"} <= set(codes)
    assert codes == sorted(codes)
    s5 = next(district for district in document["districts"] if district["district_code"] == "S5-001")
    policy = TargetPolicy.objects.get(year=2020, district__code="S5-001")
    assert [{key: value for key, value in unit.items() if key != "completeness"} for unit in s5["units"]] == (
        progress_document(compute_progress(policy, 9))["units"]
    )

    out = io.StringIO()
    call_command("progress", "--year", "2020", "--through", "9", "--all-districts", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {row["district_code"] for row in rows} >= {"S5-001", "S5-002"}

    out = io.StringIO()
    call_command("progress", "--year", "2020", "--through", "9", "--all-districts", stdout=out)
    assert out.getvalue().count("chỉ tiêu năm 2020") == len(codes)


def test_the_progress_command_refuses_a_year_without_policies():
    with pytest.raises(CommandError, match="Chưa có chỉ tiêu"):
        call_command("progress", "--year", "1999", "--all-districts", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Tháng phải từ 1 đến 12"):
        call_command("progress", "--year", "2020", "--through", "0", "--all-districts", stdout=io.StringIO())
