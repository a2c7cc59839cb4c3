"""Writes to target policies and their rules. Every path — the admin (a policy with its rules
inline, or a rule alone) — ends here; the reference-data loader and the benchmarks' generator
are the only other writers (tests/test_architecture.py keeps it so)."""

from django.db import transaction

from .models import TargetPolicy, TargetRule


@transaction.atomic
def save_policy(*, policy: TargetPolicy, user=None) -> TargetPolicy:
    policy.full_clean()
    policy.save()
    return policy


@transaction.atomic
def delete_policy(*, policy: TargetPolicy, user=None) -> None:
    """The policy and its rules."""
    policy.delete()


@transaction.atomic
def save_rule(*, rule: TargetRule, user=None) -> TargetRule:
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def delete_rule(*, rule: TargetRule, user=None) -> None:
    rule.delete()
