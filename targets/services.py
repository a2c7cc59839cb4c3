"""Writes to target policies and their rules. Every path — the admin (a policy with its rules
inline, or a rule alone) — ends here; the reference-data loader and the benchmarks' generator
are the only other writers (tests/test_architecture.py keeps it so).

A policy whose year has a lock in its district (the whole year, or any month of it) is frozen:
its targets, points and scope decided the locked figures, so neither it nor its rules may be
changed, added or removed until the lock is lifted. Every change is in the history.
"""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from submissions.locks import lock_message
from submissions.models import CountLock

from .models import TargetPolicy, TargetRule


FROZEN_NOTE = _(
    "Chỉ tiêu, điểm và phạm vi của năm này đã quyết định số liệu đã khóa nên không sửa được; "
    "hãy mở khóa năm trước nếu thật sự cần sửa."
)


class PolicyLocked(Exception):
    """The policy's year is locked; `message` names the lock, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def lock_refusal(district_id: int | None, year: int | None) -> str | None:
    """Why the policy of that district and year may not change (the lock, the year's first), or None."""
    if district_id is None or year is None:
        return None
    lock = (
        CountLock.objects.filter(district_id=district_id, year=year)
        .select_related("locked_by")
        .order_by(F("month").asc(nulls_first=True))
        .first()
    )
    return lock_message(lock) if lock is not None else None


def policy_lock_refusal(policy: TargetPolicy | None) -> str | None:
    return lock_refusal(policy.district_id, policy.year) if policy is not None else None


def _refuse_if_locked(*policies) -> None:
    for policy in policies:
        message = policy_lock_refusal(policy)
        if message:
            raise PolicyLocked(message)


def _history(obj, user):
    obj._history_user = user if getattr(user, "pk", None) else None


@transaction.atomic
def save_policy(*, policy: TargetPolicy, user=None) -> TargetPolicy:
    old = TargetPolicy.objects.filter(pk=policy.pk).first() if policy.pk else None
    _refuse_if_locked(old, policy)
    policy.full_clean()
    _history(policy, user)
    policy.save()
    return policy


@transaction.atomic
def delete_policy(*, policy: TargetPolicy, user=None) -> None:
    """The policy and its rules."""
    _refuse_if_locked(policy)
    for rule in policy.rules.all():
        _history(rule, user)
        rule.delete()
    _history(policy, user)
    policy.delete()


@transaction.atomic
def save_rule(*, rule: TargetRule, user=None) -> TargetRule:
    old = TargetRule.objects.select_related("policy").filter(pk=rule.pk).first() if rule.pk else None
    _refuse_if_locked(old.policy if old else None, rule.policy if rule.policy_id else None)
    rule.full_clean()
    _history(rule, user)
    rule.save()
    return rule


@transaction.atomic
def delete_rule(*, rule: TargetRule, user=None) -> None:
    _refuse_if_locked(rule.policy)
    _history(rule, user)
    rule.delete()
