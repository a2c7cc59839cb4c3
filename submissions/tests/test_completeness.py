"""/entry/: who has entered which month — how the office sees who is late."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from submissions.models import CountLock, DossierCount, Procedure
from units.models import Unit

from .helpers import commune_procedures, grid_url, save_grid

pytestmark = pytest.mark.django_db

INDEX = reverse("submissions:entry_index")


def cell_class(html, unit, month, year=2020):
    link = grid_url(unit, year, month)
    cell = re.search(r'<td class="matrix__cell ([^"]+)">\s*<a href="' + re.escape(link) + '"', html)
    return cell.group(1) if cell else None


def test_the_matrix_shows_every_unit_and_month_entered_missing_locked_and_not_due(
    client_for, staff, commune_a, commune_b, reference
):
    procedure = commune_procedures(1)[0]
    DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=3, total=4, online=1)
    CountLock.objects.create(district=reference["district"], year=2020, month=1, locked_at=timezone.now())
    response = client_for(staff).get(INDEX, {"year": 2020})
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.context["matrix"].rows) == Unit.objects.active().count() == 28
    assert cell_class(html, commune_a, 3) .startswith("cell--entered")
    assert cell_class(html, commune_b, 3) == "cell--missing"
    assert cell_class(html, commune_a, 1) == "cell--missing cell--locked"
    assert "Đã nhập" in html and "Chưa nhập" in html and "Đã khóa" in html


def test_a_unit_without_level_3_4_procedures_is_not_counted_as_late(client_for, staff, reference):
    office = Unit.objects.get(code="440.VP")
    assert not Procedure.objects.for_entry(office, 2020).exists()
    response = client_for(staff).get(INDEX, {"year": 2020})
    html = response.content.decode()
    assert cell_class(html, office, 3) == "cell--none"
    assert "0/26" in html


def test_months_not_yet_due_are_shown_as_such(client_for, staff, commune_a):
    today = timezone.localdate()
    html = client_for(staff).get(INDEX, {"year": today.year + 1}).content.decode()
    assert cell_class(html, commune_a, 1, today.year + 1) == "cell--not_due"


def test_the_cell_turns_green_once_the_month_is_saved(client_for, staff, commune_a):
    client = client_for(staff)
    assert cell_class(client.get(INDEX, {"year": 2020}).content.decode(), commune_a, 9) == "cell--missing"
    save_grid(client, commune_a, {commune_procedures(1)[0].code: (5, 2)})
    html = client.get(INDEX, {"year": 2020}).content.decode()
    assert cell_class(html, commune_a, 9) .startswith("cell--entered")
    assert "1/26" in html  # of the 26 units with level 3/4 procedures


def test_one_click_on_a_cell_opens_the_grid(client_for, staff, commune_a):
    html = client_for(staff).get(INDEX, {"year": 2020}).content.decode()
    assert f'href="{grid_url(commune_a, 2020, 9)}"' in html
    assert client_for(staff).get(grid_url(commune_a, 2020, 9)).status_code == 200


def test_a_unit_head_sees_only_their_own_row(client_for, head_of_commune_a, commune_a, commune_b):
    response = client_for(head_of_commune_a).get(INDEX, {"year": 2020})
    assert [row.unit for row in response.context["matrix"].rows] == [commune_a]
    assert commune_b.name not in response.content.decode()


def test_the_matrix_takes_the_same_queries_for_one_unit_or_all_of_them(client_for, staff, commune_a, commune_b):
    procedure = commune_procedures(1)[0]
    for unit in (commune_a, commune_b):
        for month in (1, 2):
            DossierCount.objects.create(unit=unit, procedure=procedure, year=2020, month=month, total=3, online=1)
    client = client_for(staff)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(INDEX, {"year": 2020})
        assert response.status_code == 200
        return len(captured), len(response.context["matrix"].rows)

    # session, user, permissions ×2, person, the district (due day), the units, who has
    # procedures that year, the unit-months with counts, the months declared empty, the
    # confirmations and approvals, the due days, the locks, and the menu's two role look-ups;
    # whatever the number of units.
    all_units = queries()
    Unit.objects.exclude(pk=commune_a.pk).update(is_active=False)
    one_unit = queries()
    assert all_units[1] == 28 and one_unit[1] == 1
    assert all_units[0] == one_unit[0] <= 14


def test_a_nonsense_year_falls_back_to_this_year(client_for, staff):
    response = client_for(staff).get(INDEX, {"year": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


def test_the_year_selector_offers_past_years(client_for, staff):
    html = client_for(staff).get(INDEX, {"year": 2020}).content.decode()
    assert '<option value="2020" selected>2020</option>' in html


def test_a_commune_merged_away_in_2025_still_has_its_2020_row_and_none_in_2026(client_for, staff, commune_a, reference):
    """The matrix of a year lists the units of that year: a commune that ended in 2025 (merged in
    the reform) is in the 2020 matrix, with its months, and not in 2026's."""
    DossierCount.objects.create(unit=commune_a, procedure=commune_procedures(1)[0], year=2020, month=3, total=4, online=1)
    Unit.objects.filter(pk=commune_a.pk).update(is_active=False, last_year=2025)
    html_2020 = client_for(staff).get(INDEX, {"year": 2020}).content.decode()
    assert cell_class(html_2020, commune_a, 3).startswith("cell--entered")
    response_2026 = client_for(staff).get(INDEX, {"year": 2026})
    assert commune_a.pk not in {row.unit.pk for row in response_2026.context["matrix"].rows}
