"""The admin writes through the services, so it refuses what the grid refuses and every change
is in the history — whatever the model."""

import pytest
from django.urls import reverse

from submissions.models import DossierCount, Procedure
from targets.models import TargetRule

from .helpers import admin_change, commune_procedures

pytestmark = pytest.mark.django_db


def test_the_admin_refuses_a_count_of_a_level_2_procedure_as_the_grid_does(client_for, administrator, commune_a):
    level_2 = Procedure.objects.filter(online_level=2, authority="commune").first()
    response = client_for(administrator).post(reverse("admin:submissions_dossiercount_add"), {
        "unit": commune_a.pk, "procedure": level_2.pk, "year": 2020, "month": 9, "total": 3, "online": 1,
    })
    assert response.status_code == 200
    assert f"Thủ tục {level_2.code} không nhận số liệu trong năm 2020." in response.content.decode()
    assert not DossierCount.objects.exists()


def test_the_admin_refuses_a_count_over_the_largest_accepted(client_for, administrator, commune_a):
    procedure = commune_procedures(1)[0]
    count = DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=9, total=5, online=1)
    response = admin_change(client_for(administrator), count, **{
        "unit": commune_a.pk, "procedure": procedure.pk, "year": 2020, "month": 9, "total": 2_000_000, "online": 1,
    })
    assert response.status_code == 200
    assert "Số hồ sơ quá lớn." in response.content.decode()
    count.refresh_from_db()
    assert count.total == 5


def test_a_count_deleted_in_the_admin_is_in_the_history_with_who(client_for, administrator, commune_a):
    procedure = commune_procedures(1)[0]
    count = DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=9, total=5, online=1)
    response = client_for(administrator).post(reverse("admin:submissions_dossiercount_delete", args=[count.pk]), {"post": "yes"})
    assert response.status_code == 302
    record = DossierCount.history.filter(id=count.pk).latest("history_id")
    assert (record.history_type, record.history_user, record.history_change_reason) == ("-", administrator, "admin")


def test_a_unit_with_counts_cannot_be_deleted_only_retired(client_for, administrator, commune_a):
    DossierCount.objects.create(unit=commune_a, procedure=commune_procedures(1)[0], year=2020, month=9, total=5, online=1)
    response = client_for(administrator).post(reverse("admin:units_unit_delete", args=[commune_a.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert type(commune_a).objects.filter(pk=commune_a.pk).exists()


def test_a_procedure_edit_in_the_admin_is_in_the_history_with_who(client_for, administrator):
    procedure = commune_procedures(1)[0]
    page = reverse("admin:submissions_procedure_change", args=[procedure.pk])
    form = {
        "code": procedure.code, "name": procedure.name + " (sửa)", "field": procedure.field, "authority": procedure.authority,
        "online_level": procedure.online_level, "department": "", "first_year": procedure.first_year, "last_year": "",
    }
    assert client_for(administrator).post(page, form).status_code == 302
    record = Procedure.history.filter(id=procedure.pk).latest("history_id")
    assert (record.name, record.history_user, record.history_change_reason) == (form["name"], administrator, "admin")


def test_a_rule_changed_inline_on_its_policy_page_is_saved(client_for, administrator, reference):
    rule = TargetRule.objects.get(code="C2")
    policy = rule.policy
    rules = list(policy.rules.order_by("pk"))
    page = reverse("admin:targets_targetpolicy_change", args=[policy.pk])
    form = {
        "district": policy.district_id, "year": policy.year, "document_number": policy.document_number,
        "document_date": policy.document_date.isoformat(), "title": policy.title, "first_month": 1, "last_month": 12,
        "rules-TOTAL_FORMS": len(rules), "rules-INITIAL_FORMS": len(rules), "rules-MIN_NUM_FORMS": 0, "rules-MAX_NUM_FORMS": 1000,
    }
    fields = [field.name for field in TargetRule._meta.fields if field.name not in ("id", "policy")]
    for index, each in enumerate(rules):
        form[f"rules-{index}-id"] = each.pk
        form[f"rules-{index}-policy"] = policy.pk
        for name in fields:
            value = getattr(each, name + "_id", None) if name == "unit" else getattr(each, name)
            form[f"rules-{index}-{name}"] = "" if value is None else value
    index = rules.index(rule)
    form[f"rules-{index}-points"] = "2"
    response = client_for(administrator).post(page, form)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    rule.refresh_from_db()
    assert rule.points == 2
