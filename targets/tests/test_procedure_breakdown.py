"""The per-procedure detail: ordered by the database, streamed, each line with its procedure."""

import pytest

from submissions.models import Authority, Procedure
from targets.breakdowns import procedure_breakdown
from targets.progress import get_policy

from .test_progress import commune_procedures, district_procedures, record

pytestmark = pytest.mark.django_db


def test_lines_come_by_unit_then_total_then_online_then_procedure_code(commune_a, commune_b):
    first, second, third, fourth = commune_procedures()[:4]
    record(commune_b, first, 1, 50, 5)
    record(commune_a, first, 2, 10, 1)
    record(commune_a, second, 3, 30, 3)
    record(commune_a, third, 4, 10, 4)  # the same total as `first`: more online comes first
    record(commune_a, fourth, 5, 10, 1)  # the same total and online as `first`: by code
    record(commune_a, fourth, 6, 5, 5)  # months add up: 15, 6
    policy = get_policy(year=2020)
    lines = list(procedure_breakdown(policy, 12, units=[commune_b, commune_a]))
    assert [(line.unit_id, line.procedure.code, line.total, line.online) for line in lines] == sorted(
        [
            (commune_a.pk, second.code, 30, 3),
            (commune_a.pk, fourth.code, 15, 6),
            (commune_a.pk, third.code, 10, 4),
            (commune_a.pk, first.code, 10, 1),
            (commune_b.pk, first.code, 50, 5),
        ],
        key=lambda line: line[0],
    )
    assert {line.rule_codes for line in lines} == {("C2",)}


def test_lines_are_read_as_they_are_used_and_carry_their_procedure(commune_a, department, django_assert_num_queries):
    record(commune_a, commune_procedures()[0], 3, 100, 20)
    record(commune_a, district_procedures()[0], 5, 12, 12)
    record(department, district_procedures(department)[0], 2, 1000, 299)
    level_2 = Procedure.objects.filter(authority=Authority.COMMUNE, online_level=2).first()
    record(commune_a, level_2, 3, 40, 0)  # counted by no rule: left out
    policy = get_policy(year=2020)
    rules = list(policy.rules.all())
    with django_assert_num_queries(0):
        lines = procedure_breakdown(policy, 12, units=[commune_a, department], rules=rules)
    with django_assert_num_queries(1):  # the counts with their procedures' columns
        lines = list(lines)
    with django_assert_num_queries(0):
        described = [
            (procedure.code, procedure.name, procedure.field, str(procedure.get_online_level_display()), line.rule_codes)
            for line in lines
            for procedure in [line.procedure]
        ]
    expected = {
        (procedure.code, procedure.name, procedure.field, str(procedure.get_online_level_display()), codes)
        for procedure, codes in (
            (commune_procedures()[0], ("C2",)),
            (district_procedures()[0], ("C1",)),
            (district_procedures(department)[0], ("D1",)),
        )
    }
    assert set(described) == expected and len(described) == 3
