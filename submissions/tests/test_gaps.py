"""Checks that deliberate one-line changes once left uncaught, each now pinned by a test."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from submissions.importing import preview_import
from submissions.models import DossierCount
from submissions.services import InvalidCounts, save_month
from submissions.versions import month_version

from .helpers import commune_procedures, database_state, save_grid
from .test_import import row, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_the_service_itself_refuses_more_online_dossiers_than_dossiers(commune_a, staff):
    procedure = commune_procedures(1)[0]
    before = database_state()
    with pytest.raises(InvalidCounts) as refused:
        save_month(unit=commune_a, year=2020, month=9, values={procedure: (2, 3)},
                   version=month_version(commune_a.pk, 2020, 9), user=staff)
    assert refused.value.message == "Số hồ sơ trực tuyến (3) không được lớn hơn tổng số hồ sơ (2)."
    assert database_state() == before


def test_the_entry_number_filter_writes_a_blank_as_nothing_and_thousands_with_a_dot():
    template = Template("{% load entry %}[{{ blank_value|number }}][{{ many|number }}][{{ blank_value|blank }}]")
    assert template.render(Context({"blank_value": None, "many": 1234})) == "[][1.234][—]"


def test_a_person_who_sees_a_unit_but_may_not_enter_it_gets_a_row_error_for_it(home_affairs, commune_a):
    procedure = commune_procedures(1)[0]
    preview = preview_import(data=xlsx_bytes([row(commune_a, procedure, 2, 1)]), filename="x.xlsx", user=home_affairs)
    assert [(error.row, error.message) for error in preview.errors] == [
        (2, f"bạn không có quyền nhập số liệu cho {commune_a.name}.")
    ]


def test_the_admin_refuses_a_count_for_a_month_not_yet_begun(client_for, administrator, commune_a):
    procedure = commune_procedures(1)[0]
    today = timezone.localdate()
    next_month = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    response = client_for(administrator).post(reverse("admin:submissions_dossiercount_add"), {
        "unit": commune_a.pk, "procedure": procedure.pk, "year": next_month.year, "month": next_month.month,
        "total": 3, "online": 1,
    })
    assert response.status_code == 200
    assert f"Tháng {next_month.month}/{next_month.year} chưa đến nên chưa nhập được số liệu." in response.content.decode()
    assert not DossierCount.objects.exists()


def test_the_history_names_each_kind_of_change(staff_client, client_for, administrator, commune_a):
    first = commune_procedures(1)[0]
    save_grid(staff_client, commune_a, {first.code: (5, 1)})  # added
    save_grid(staff_client, commune_a, {first.code: (6, 1)})  # changed
    count = DossierCount.objects.get(unit=commune_a, procedure=first, year=2020, month=9)
    client_for(administrator).post(reverse("admin:submissions_dossiercount_delete", args=[count.pk]), {"post": "yes"})
    page = staff_client.get(reverse("submissions:entry_history", args=[commune_a.code, 2020, 9]))
    actions = [record.action for record in page.context["records"]]
    assert actions == ["Xóa", "Sửa", "Thêm"]  # newest first


def test_the_ranking_breaks_a_tie_on_points_by_the_rules_met_before_the_rate():
    from targets.arithmetic import Outcome, Status
    from targets.models import TargetRule
    from targets.results import Progress, RuleProgress, UnitProgress
    from units.models import Unit

    c1 = TargetRule(code="C1", points=Decimal(2), measure="count", target=Decimal(20))
    c2 = TargetRule(code="C2", points=Decimal(2), measure="rate", target=Decimal(25))
    one_met = UnitProgress(unit=Unit(pk=1, code="A", kind="commune", sort_order=2), rules=[
        RuleProgress(c1, 20, 30, Outcome(status=Status.ON_TRACK, shortfall=0, rate=None)),
        RuleProgress(c2, 4, 10, Outcome(status=Status.AT_RISK, shortfall=1, rate=Decimal("40"))),
    ])
    none_met_higher_rate = UnitProgress(unit=Unit(pk=2, code="B", kind="commune", sort_order=1), rules=[
        RuleProgress(c1, 5, 30, Outcome(status=Status.AT_RISK, shortfall=15, rate=None)),
        RuleProgress(c2, 5, 10, Outcome(status=Status.AT_RISK, shortfall=1, rate=Decimal("50"))),
    ])
    progress = Progress(policy=None, through=9, rules=[c1, c2], units=[none_met_higher_rate, one_met])
    assert one_met.points == none_met_higher_rate.points == 0
    assert [entry.unit.code for entry in progress.ranking("commune")] == ["A", "B"]
