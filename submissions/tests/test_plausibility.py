"""No typo becomes a deduction (issue 15, points 2–3, in part): a value far above the unit's own
history is flagged, an ordinary one is not, and the data-quality review lists every flagged value."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from submissions.models import DossierCount
from submissions.plausibility import expected_max, unusual
from submissions.tests.helpers import commune_procedures


def test_a_thousand_where_the_history_is_around_three_is_unusual():
    found = unusual("total", 1000, [3, 2, 4, 3, 3])
    assert found is not None and found.expected_max == 10 and found.previous == 3
    assert found.reason == "Bất thường: tháng trước 3, nay 1000 — kiểm tra lại"


def test_ordinary_values_and_values_without_history_are_not_flagged():
    assert unusual("total", 10, [3, 2, 4]) is None  # the floor: nothing up to 10 is unusual
    assert expected_max([8, 10, 9]) == 27  # 3 × the median of 9
    assert unusual("total", 27, [8, 10, 9]) is None and unusual("online", 28, [8, 10, 9]) is not None
    assert unusual("total", 500, []) is None  # no history, nothing to compare with
    assert unusual("total", 500, [0, 0, 0]) is None  # only empty months: no history either


def test_the_history_is_the_last_twelve_non_empty_months():
    history = [100] * 5 + [0, 0] + [2] * 12  # the old busy months no longer count
    assert expected_max(history) == 10


@pytest.mark.django_db
def test_the_data_quality_review_lists_a_typo_in_the_command_and_on_the_page(client_for, home_affairs, head_of_commune_a, commune_a):
    procedure = commune_procedures(1)[0]
    for month, total in ((1, 3), (2, 2), (3, 4), (4, 1000)):
        DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=month, total=total, online=0)
    out = io.StringIO()
    call_command("data_quality", "--year", "2020", "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    assert document["year"] == 2020
    (item,) = document["items"]
    assert item == {"unit_code": commune_a.code, "procedure_code": procedure.code, "month": 4, "field": "total",
                    "value": 1000, "expected_max": 10, "reason": "Bất thường: tháng trước 4, nay 1000 — kiểm tra lại",
                    "confirmed_by": None}
    page = client_for(home_affairs).get(reverse("reports:quality", args=[2020]))
    assert page.status_code == 200 and "tháng trước 4, nay 1000" in page.content.decode()
    assert client_for(head_of_commune_a).get(reverse("reports:quality", args=[2020])).status_code == 403


@pytest.mark.django_db
def test_the_demo_has_few_flagged_values():
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("data_quality", "--year", "2020", "--format", "json", stdout=out)
    flagged = len(json.loads(out.getvalue())["items"])
    values = 2 * DossierCount.objects.filter(year=2020).count()
    assert flagged / values <= 0.01  # README: 2 of 5,362 values on the demo


@pytest.mark.django_db
def test_the_grid_flags_a_saved_thousand_on_its_row(client_for, staff, commune_a):
    from submissions.tests.helpers import grid_url

    procedure = commune_procedures(1)[0]
    for month, total in ((6, 3), (7, 2), (8, 4), (9, 1000)):
        DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=month, total=total, online=0)
    html = client_for(staff).get(grid_url(commune_a, 2020, 9)).content.decode()
    assert "Bất thường: tháng trước 4, nay 1000 — kiểm tra lại" in html
    assert "Bất thường" not in client_for(staff).get(grid_url(commune_a, 2020, 8)).content.decode()


@pytest.mark.django_db
def test_the_import_preview_warns_of_a_thousand_and_still_lets_it_be_confirmed(client_for, staff, commune_a):
    from submissions.tests.test_import import row, upload, xlsx_bytes

    procedure = commune_procedures(1)[0]
    for month, total in ((6, 3), (7, 2), (8, 4)):
        DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=month, total=total, online=0)
    response = upload(client_for(staff), xlsx_bytes([row(commune_a, procedure, 1000, 0)]))
    html = response.content.decode()
    assert "1 số bất thường" in html and "Dòng 2" in html and "Bất thường: tháng trước 4, nay 1000 — kiểm tra lại" in html
    assert response.context["preview"].ok  # a warning, never an error
