"""Every report runs a fixed number of queries, whether the district has 10 units or 300."""

import pytest
from django.urls import reverse

from factories import home_affairs_of, make_district
from reports.workbooks import new_workbook

pytestmark = pytest.mark.django_db

# Every signed-in page starts with: 1 the session, 2 the user.
# Reading who may see what: the person (1), the user's and the groups' permissions (2).
# Pages rendered with base.html end with the person's role, read once per request for the
# navigation and the context processor (1, outside the reports; 3 before issue 20).
BUDGETS = {
    # Every page that shows results also reads what its units can report on (1, targets.progress:
    # a rule with nothing in scope does not apply) and what the results rest on — the completeness
    # of the units shown (targets.completeness: the catalog, months with counts, months declared
    # empty, confirmations and approvals, due days: 5, and the units themselves where they are
    # not already read: 1).
    # + the unit (1), the district's policies (1), the rules (1), units of the kind (1),
    #   their sums (1), what they report on (1), the unit's sums by month (1), by procedure with
    #   the procedures' columns (1), the unit's completeness (5), its trend over the years
    #   (targets.trends: its peers, the lineage, their yearly sums: 3), whether its figures come
    #   from dossier lists (1: each card then links to its dossiers)
    "dashboard": (lambda units: reverse("reports:unit_dashboard", args=[units[0].code]) + "?year=2020&through=9", 23),
    # + the last month with counts (1) and the year's lock (1) to choose the default period
    "dashboard with the default period": (lambda units: reverse("reports:unit_dashboard", args=[units[0].code]), 25),
    # + the district (1), its policies (1), the rules (1), the filtered unit ids (1),
    #   the visible units (1), their sums (1), what they report on (1), completeness (6), the units
    #   whose figures come from dossier lists (1: their figures link to their dossiers)
    "overview": (lambda units: reverse("reports:overview") + "?year=2020&through=9", 20),
    # (no commune is at risk there: no value to link, the units with lists are not read)
    "overview filtered and sorted": (
        lambda units: reverse("reports:overview") + "?year=2020&through=9&kind=commune&status=at_risk&sort=-r1_value", 19
    ),
    # the same without the navigation and the links
    "overview workbook": (lambda units: reverse("reports:overview_xlsx") + "?year=2020&through=9&sort=name", 18),
    # + the district (1), policies (1), rules (1), the year's lock (1), units (1), sums (1),
    #   what they report on (1), completeness (6); when a unit is flagged, which flagged units'
    #   figures come from dossier lists (1: each missed rule links to its dossiers)
    "year-end page": (lambda units: reverse("reports:year_end", args=[2020]), 19),
    # the same without the navigation, + sums by unit and procedure with the procedures' columns
    # (1, read in chunks as the detail sheet is written)
    "year-end workbook": (lambda units: reverse("reports:year_end_xlsx", args=[2020]), 19),
    # + the district (1), policies (1), rules (1), units (1), sums (1), what they report on (1),
    #   completeness (6); no navigation
    "api": (lambda units: reverse("reports:api_progress") + "?year=2020&through=9", 17),
    # + the district (1), completeness (6), the notes on the months (1)
    "completeness page": (lambda units: reverse("reports:completeness", args=[2020]) + "?through=9", 14),
    # the same without the navigation
    "completeness workbook": (lambda units: reverse("reports:completeness_xlsx", args=[2020]) + "?through=9", 12),
    # + the district (1), the policy (1), the gaps: completeness (6), rules (1), units (1), sums (1),
    #   what they report on (1), the lock (1), the unusual values: the units (1) and their counts
    #   (1) — and, when any is flagged, the procedures' codes (1) and the confirmations (1)
    "year-end lock page": (lambda units: reverse("reports:year_end_lock", args=[2020]), 21),
    # a unit-month's confirmation step: + the unit (1), who may approve (1)
    "approve page": (lambda units: reverse("submissions:month_action", args=[units[0].code, 2020, 9, "approve"]), 8),
    # + the district (1), the policy (1), the year's lock (1), its official result (1)
    "year-end unlock page": (lambda units: reverse("reports:year_end_unlock", args=[2020]), 10),
    # + the district (1), the visible units (1), their counts of the year and the one before (1);
    #   when any value is flagged, the procedures' codes (1) and the confirmations (1)
    "data-quality page": (lambda units: reverse("reports:quality", args=[2020]), 9),
    # + the district (1), its exceptions (1; their changes: 1 more when there are any), the form's units (1)
    "lock exceptions page": (lambda units: reverse("reports:lock_exceptions", args=[2020]), 9),
}


@pytest.mark.parametrize("size", [10, 300])
@pytest.mark.parametrize("page", BUDGETS)
def test_a_report_runs_a_fixed_number_of_queries(page, size, client, django_assert_num_queries):
    district, units = make_district(f"Q{size}", size, departments=3)
    client.force_login(home_affairs_of(district))
    url, budget = BUDGETS[page]
    url = url(units)
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    if page == "overview":
        assert f">Xã {size - 1}<" in response.content.decode()  # every unit is in the table


def test_workbooks_are_written_in_write_only_mode():
    assert new_workbook("x").write_only


@pytest.mark.parametrize("size", [10, 300])
def test_a_unit_heads_dashboard_with_what_is_due_runs_a_fixed_number_of_queries(size, client, django_assert_num_queries):
    from datetime import date

    from django.utils import timezone

    from factories import person_in
    from targets.models import TargetPolicy
    from units.roles import Role

    district, units = make_district(f"H{size}", size, departments=3)
    today = timezone.localdate()
    TargetPolicy.objects.create(district=district, year=today.year, document_number="1/KH",
                                document_date=date(today.year, 1, 2), title="Năm nay")
    client.force_login(person_in(district, f"head_{size}", Role.UNIT_HEAD, unit=units[0]))
    # the dashboard (23) and, for the head who can act on it (their person: 1), the unit's months
    # due and not confirmed: this year's and last year's targets (1), the locks (1) and their
    # exceptions (1), the cycle of each year with targets (5)
    with django_assert_num_queries(32):
        response = client.get(reverse("reports:unit_dashboard", args=[units[0].code]) + "?year=2020&through=9")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [10, 300])
def test_the_review_and_the_gate_read_a_fixed_number_of_queries_with_every_unit_flagged(size, client, django_assert_num_queries):
    """Every commune has a value of 1000 where it reported 10 (half of them confirmed): still the
    budgets above plus the procedures' codes and the confirmations, whatever the number of units."""
    from submissions.models import DossierCount, UnusualCheck

    district, units = make_district(f"F{size}", size, departments=3)
    communes = [unit for unit in units if unit.kind == "commune"]
    counts = DossierCount.objects.filter(unit__in=communes, month=9)
    procedure_id = counts.values_list("procedure_id", flat=True).first()
    counts.filter(procedure_id=procedure_id).update(total=1000)
    from django.utils import timezone

    UnusualCheck.objects.bulk_create([
        UnusualCheck(unit=unit, procedure_id=procedure_id, year=2020, month=9, field="total", value=1000, reason="x",
                     confirmed_at=timezone.now(), how="grid")
        for unit in communes[::2]
    ])
    client.force_login(home_affairs_of(district))
    with django_assert_num_queries(BUDGETS["data-quality page"][1] + 2):
        page = client.get(reverse("reports:quality", args=[2020]))
    assert f"{size} giá trị bất thường" in page.content.decode()
    with django_assert_num_queries(BUDGETS["year-end lock page"][1] + 2):
        page = client.get(reverse("reports:year_end_lock", args=[2020]))
    assert page.status_code == 200
