import io

import pytest
from django.core.management import CommandError, call_command

from submissions.models import DossierCount
from targets.progress import compute_progress, get_policy
from units.models import District, Unit

pytestmark = pytest.mark.django_db


def snapshot():
    return list(
        DossierCount.objects.filter(unit__district__code__startswith="S7-")
        .order_by("unit__code", "procedure__code", "month")
        .values_list("unit__code", "procedure__code", "month", "total", "online")
    )


def test_synthetic_districts_are_reproducible_by_seed_and_every_pair_is_valid():
    call_command("generate_synthetic", "--districts", "2", "--communes", "3", "--departments", "4", "--seed", "7",
                 stdout=io.StringIO())
    first = snapshot()
    assert District.objects.filter(code__startswith="S7-").count() == 2
    assert Unit.objects.filter(district__code="S7-001").count() == 7
    assert len(first) > 100
    for count in DossierCount.objects.filter(unit__district__code="S7-001").select_related("unit", "procedure")[:200]:
        count.full_clean()
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_synthetic", "--districts", "2", "--seed", "7", stdout=io.StringIO())
    call_command("generate_synthetic", "--districts", "2", "--communes", "3", "--departments", "4", "--seed", "7",
                 "--replace", stdout=io.StringIO())
    assert snapshot() == first


def test_each_synthetic_district_has_its_own_policy_and_progress():
    call_command("generate_synthetic", "--districts", "2", "--communes", "3", "--departments", "4", "--seed", "7",
                 "--months", "9", stdout=io.StringIO())
    district = District.objects.get(code="S7-002")
    progress = compute_progress(get_policy(year=2020, district=district), 9)
    assert len(progress.units) == 7
    assert {rule.code for entry in progress.units for rule in entry.rules} == {"C1", "C2", "D1"}
    assert DossierCount.objects.filter(unit__district=district).exclude(month__lte=9).count() == 0
