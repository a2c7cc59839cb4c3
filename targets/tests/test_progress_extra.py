"""The last month with entered counts: what the reports open on by default."""

import pytest

from submissions.models import Authority, DossierCount, Procedure
from targets.progress import last_entered_month
from units.models import District

pytestmark = pytest.mark.django_db


def commune_procedure():
    return Procedure.objects.filter(authority=Authority.COMMUNE, online_level__gte=3).order_by("code").first()


def test_nothing_entered_yet_has_no_last_month(reference):
    assert last_entered_month(reference["district"], 2020) is None


def test_the_last_month_is_the_latest_month_of_that_year_in_that_district(reference, commune_a, commune_b):
    procedure = commune_procedure()
    DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=3, total=4, online=1)
    DossierCount.objects.create(unit=commune_b, procedure=procedure, year=2020, month=9, total=0, online=0)
    DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2021, month=11, total=4, online=1)
    assert last_entered_month(reference["district"], 2020) == 9
    assert last_entered_month(reference["district"], 2021) == 11
    other = District.objects.create(code="999", name="Huyện khác", province="Tỉnh khác")
    assert last_entered_month(other, 2020) is None
