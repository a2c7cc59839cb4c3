"""A lock freezes the targets that decided the locked figures: the policy and its rules refuse
every change while the year (or a month of it) is locked, in the admin and in the services."""

from decimal import Decimal

import pytest
from django.urls import reverse

from submissions.services import lock_period, unlock_period
from targets.models import TargetPolicy, TargetRule
from targets.services import PolicyLocked, save_policy, save_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def c1(reference):
    return TargetRule.objects.get(code="C1", policy__year=2020)


@pytest.fixture
def nam(home_affairs):
    home_affairs.first_name, home_affairs.last_name = "Trần Văn", "Nam"
    home_affairs.save()
    return home_affairs


def rule_form(rule, **changes):
    fields = [field.name for field in TargetRule._meta.fields if field.name != "id"]
    data = {}
    for name in fields:
        value = getattr(rule, name + "_id") if name in ("policy", "unit") else getattr(rule, name)
        data[name] = "" if value is None else value
    data.update(changes)
    return data


def test_after_the_year_is_locked_c1s_points_cannot_be_changed_in_the_admin(client_for, administrator, nam, c1, reference):
    lock_period(district=reference["district"], year=2020, user=nam)
    client = client_for(administrator)
    page = reverse("admin:targets_targetrule_change", args=[c1.pk])
    shown = client.get(page)
    assert shown.status_code == 200
    assert "Năm 2020 đã bị khóa bởi Trần Văn Nam lúc" in shown.content.decode()
    assert client.post(page, rule_form(c1, points="5")).status_code == 403
    c1.refresh_from_db()
    assert c1.points == Decimal("2")
    policy_page = reverse("admin:targets_targetpolicy_change", args=[c1.policy_id])
    assert client.post(policy_page, {"title": "Sửa"}).status_code == 403
    assert client.post(reverse("admin:targets_targetrule_delete", args=[c1.pk]), {"post": "yes"}).status_code == 403
    assert TargetRule.objects.filter(pk=c1.pk).exists()


def test_no_rule_can_be_added_to_a_locked_policy(client_for, administrator, nam, c1, reference):
    lock_period(district=reference["district"], year=2020, month=3, user=nam)  # a month is enough
    new_rule = rule_form(c1, code="C9", label="Thêm")
    response = client_for(administrator).post(reverse("admin:targets_targetrule_add"), new_rule)
    assert response.status_code == 200
    assert "Tháng 3/2020 đã bị khóa bởi Trần Văn Nam" in response.content.decode()
    assert not TargetRule.objects.filter(code="C9").exists()


def test_the_services_refuse_a_locked_policy_and_its_rules_on_every_path(nam, c1, reference):
    lock_period(district=reference["district"], year=2020, user=nam)
    c1.points = Decimal("5")
    with pytest.raises(PolicyLocked) as refused:
        save_rule(rule=c1, user=None)
    assert "Năm 2020 đã bị khóa bởi Trần Văn Nam" in refused.value.message
    policy = TargetPolicy.objects.get(pk=c1.policy_id)
    policy.title = "Sửa"
    with pytest.raises(PolicyLocked):
        save_policy(policy=policy, user=None)
    assert TargetRule.objects.get(pk=c1.pk).points == Decimal("2")


def test_once_unlocked_the_rule_changes_and_the_change_is_in_its_history(client_for, administrator, nam, c1, reference):
    lock_period(district=reference["district"], year=2020, user=nam)
    unlock_period(district=reference["district"], year=2020, user=nam)
    page = reverse("admin:targets_targetrule_change", args=[c1.pk])
    assert client_for(administrator).post(page, rule_form(c1, points="3")).status_code == 302
    record = c1.history.latest("history_id")
    assert (record.points, record.history_user) == (Decimal("3"), administrator)
    assert c1.history.count() >= 2  # what it was before is kept
