"""Numbers as Vietnamese offices write them (issue 16, point 5): "1.000" and "12 345" are whole
numbers, "2,5" is two and a half — not a number of dossiers."""

import pytest

from submissions.models import DossierCount
from submissions.rules import typed_whole_number
from submissions.tests.helpers import commune_procedures, save_grid


@pytest.mark.parametrize("typed, number", [
    ("7", 7), ("1.000", 1000), ("12 345", 12345), ("1 000 000", 1_000_000), ("12\u00a0345", 12345), (" 40 ", 40),
])
def test_whole_numbers_with_or_without_thousands_groups(typed, number):
    assert typed_whole_number(typed) == number


@pytest.mark.parametrize("typed", ["2,5", "1.5", "1.00", "1.000,5", "1.000 000", "12,345", "1..000", "-3", "ba", "",
                                   "0.500", "000.001", "01.000"])
def test_what_is_not_a_whole_number_of_dossiers(typed):
    assert typed_whole_number(typed) is None


def test_the_english_interface_also_groups_with_commas():
    assert typed_whole_number("12,345", comma_groups=True) == 12345
    assert typed_whole_number("2,5", comma_groups=True) is None
    assert typed_whole_number("2.500", comma_groups=True) is None  # two and a half to an English reader


@pytest.mark.django_db
def test_a_thousand_typed_1_000_in_the_grid_is_saved_as_1000(staff_client, commune_a):
    procedure = commune_procedures(1)[0]
    response = save_grid(staff_client, commune_a, {procedure.code: ("1.000", "250")})
    assert response.status_code == 302
    count = DossierCount.objects.get(unit=commune_a, procedure=procedure)
    assert (count.total, count.online) == (1000, 250)


@pytest.mark.django_db
def test_two_and_a_half_is_refused_on_its_row(staff_client, commune_a):
    procedure = commune_procedures(1)[0]
    response = save_grid(staff_client, commune_a, {procedure.code: ("2,5", "1")})
    assert response.status_code == 200
    assert "“2,5” không phải số nguyên" in response.content.decode()
    assert not DossierCount.objects.exists()
