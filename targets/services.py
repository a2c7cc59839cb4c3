"""Writes to target policies and their rules. Every path — the admin (a policy with its rules
inline, or a rule alone) — ends here; the reference-data loader and the benchmarks' generator
are the only other writers (tests/test_architecture.py keeps it so).

A policy whose year has a lock in its district (the whole year, or any month of it) is frozen:
its targets, points and scope decided the locked figures, so neither it nor its rules may be
changed, added or removed until the lock is lifted. Every change is in the history.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from submissions.locks import lock_message, period_label
from submissions.models import CountLock, LockException
from submissions.rules import due_date, month_range_label
from submissions.services import (
    CountsRefused, close_exceptions, ended_exceptions, grant_lock_exception, lock_period, revoke_lock_exception,
    unlock_period,
)
from units.models import District

from .completeness import Completeness, compute_completeness
from .documents import as_recorded, canonical_json, differences, document_hash, progress_document
from .models import OfficialResult, TargetPolicy, TargetRule
from .progress import compute_progress
from .quality import unconfirmed_items


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


# The year-end gate: locking a year stores its official result ------------------------------------


class YearNotReady(Exception):
    """The year has gaps and no reason was given; nothing was locked. `gaps` lists them."""

    def __init__(self, gaps: "YearGaps"):
        super().__init__(_("Năm chưa sẵn sàng để khóa."))
        self.gaps = gaps
        self.message = str(_("Số liệu năm %(year)s chưa sẵn sàng để khóa; muốn khóa vẫn phải ghi lý do.")) % {"year": gaps.year}


@dataclass
class YearGaps:
    """What is not ready in a district's year: missing, unconfirmed and unapproved unit-months, and
    units whose results have no data."""

    year: int
    completeness: Completeness
    no_data: list[str]  # names of units with a rule that has no data
    unusual: list = field(default_factory=list)  # quality.QualityItem: unusual values nobody confirmed

    @property
    def missing(self):
        return [(unit.unit, unit.months_missing) for unit in self.completeness.units if unit.months_missing]

    @property
    def unconfirmed(self):
        return [(unit.unit, unit.months_unconfirmed) for unit in self.completeness.units if unit.months_unconfirmed]

    @property
    def unapproved(self):
        return [(unit.unit, unit.months_unapproved) for unit in self.completeness.units if unit.months_unapproved]

    @property
    def ready(self) -> bool:
        return not (self.missing or self.unconfirmed or self.unapproved or self.no_data or self.unusual)

    def lines(self) -> list[str]:
        """One line per kind of gap, in Vietnamese: printed by `lock`, shown on the page, kept with the result."""
        lines = []
        for label, entries in (
            (_("Chưa nhập"), self.missing),
            (_("Chưa được đơn vị xác nhận"), self.unconfirmed),
            (_("Chưa được phê duyệt"), self.unapproved),
        ):
            for unit, months in entries:
                lines.append(f"{label}: {unit.name} ({unit.code}) — {month_range_label(months)}")
        for name in self.no_data:
            lines.append(str(_("Chưa có số liệu để chấm: %(unit)s")) % {"unit": name})
        for item in self.unusual:
            lines.append(str(_("Số liệu bất thường chưa được xác nhận: %(unit)s (%(code)s) — %(where)s: %(reason)s")) % {
                "unit": item.unit_name, "code": item.unit_code, "reason": item.reason,
                "where": f"{item.procedure_code} T{item.month}" if item.procedure_code else f"T{item.month}"})
        return lines


def closed_year_day(district: District, year: int) -> date:
    """The day from which every month of the year is due: the official result counts all twelve."""
    return max(timezone.localdate(), due_date(year, 12, district.report_due_day) + timedelta(days=1))


def official_document(policy: TargetPolicy) -> dict:
    """`progress --format json --through 12` with completeness, as the year stands now."""
    district = policy.district
    progress = compute_progress(policy, 12)
    completeness = compute_completeness(district, policy.year, 12, today=closed_year_day(district, policy.year))
    return progress_document(progress, completeness)


def year_gaps(policy: TargetPolicy) -> YearGaps:
    district = policy.district
    completeness = compute_completeness(district, policy.year, 12, today=closed_year_day(district, policy.year))
    progress = compute_progress(policy, 12)
    applies = {entry.unit.pk for entry in completeness.units if entry.applies}
    no_data = [entry.unit.name for entry in progress.units if entry.has_no_data and entry.unit.pk in applies]
    return YearGaps(year=policy.year, completeness=completeness, no_data=no_data,
                    unusual=unconfirmed_items(district, policy.year))


@transaction.atomic
def lock_year(*, policy: TargetPolicy, user=None, reason: str = "", how: str = "web") -> OfficialResult:
    """Lock a district's year and store its official result. With anything not ready (year_gaps)
    it is refused (YearNotReady) unless Home Affairs gives a reason, kept with the result and the
    gaps. Refused (CountsRefused) when the year is already locked."""
    reason = (reason or "").strip()
    lock_period(district=policy.district, year=policy.year, user=user, reason=how)  # holds the district's units
    gaps = year_gaps(policy)
    if not gaps.ready and not reason:
        raise YearNotReady(gaps)
    document = official_document(policy)
    return OfficialResult.objects.create(
        district=policy.district, year=policy.year, document=canonical_json(document).decode("utf-8"),
        sha256=document_hash(document), issued_by=user if getattr(user, "pk", None) else None,
        issued_at=timezone.now(), reason=reason, gaps=gaps.lines(),
    )


@transaction.atomic
def unlock_year(*, policy: TargetPolicy, user=None, how: str = "web") -> None:
    """Unlock a district's year; its official result is withdrawn (kept, with who and when)."""
    unlock_period(district=policy.district, year=policy.year, user=user, reason=how)
    OfficialResult.objects.filter(district=policy.district, year=policy.year, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=user if getattr(user, "pk", None) else None
    )


def standing_result(district: District, year: int) -> OfficialResult | None:
    """The official result of a locked year (one query)."""
    return OfficialResult.objects.select_related("issued_by").filter(
        district=district, year=year, withdrawn_at__isnull=True
    ).first()


def verify_result(result: OfficialResult) -> list[str]:
    """How the year as the database holds it now differs from its official result (none: identical)."""
    recorded = json.loads(result.document)
    problems = []
    if hashlib.sha256(result.document.encode("utf-8")).hexdigest() != result.sha256:
        problems.append(str(_("Bản ghi kết quả đã bị sửa: mã băm không khớp với nội dung.")))
    policy = TargetPolicy.objects.select_related("district").prefetch_related("rules").get(
        district=result.district, year=result.year
    )
    return problems + differences(recorded, as_recorded(recorded, official_document(policy)))


# Lock exceptions: granted and revoked here, so the locked result is re-issued when one closes ----------


def late_units(district: District, year: int, month: int) -> list:
    """The district's units whose month is expected and not yet confirmed (missing or unconfirmed),
    but for those with an exception for it already."""
    completeness = compute_completeness(district, year, month, today=closed_year_day(district, year))
    excepted = set(LockException.objects.filter(unit__district=district, year=year, month=month, closed_at__isnull=True)
                   .values_list("unit_id", flat=True))
    return [
        entry.unit for entry in completeness.units
        if entry.applies and entry.unit.pk not in excepted
        and (month in entry.months_missing or month in entry.months_unconfirmed)
    ]


@transaction.atomic
def grant_lock_exceptions(*, district: District, year: int, month: int, units, reason: str, expires_on, user=None):
    """Reopen a locked month for these units (one, or every late unit), each with the same reason
    and expiry; all or none. Exceptions that ended meanwhile are closed first."""
    close_ended_exceptions(district=district, year=year, user=user)
    units = list(units)
    if not units:
        raise CountsRefused(str(_("Không có đơn vị nào cần mở ngoại lệ cho tháng này.")))
    return [
        grant_lock_exception(unit=unit, year=year, month=month, reason=reason, expires_on=expires_on, user=user)
        for unit in units
    ]


@transaction.atomic
def revoke_exception(*, exception: LockException, user=None) -> None:
    """Revoke an exception now; the year's official result is issued again if anything it records changed."""
    revoke_lock_exception(exception=exception, user=user)
    close_ended_exceptions(district=exception.unit.district, year=exception.year, user=user)


@transaction.atomic
def close_ended_exceptions(*, district: District | None = None, year: int | None = None, user=None) -> list[OfficialResult]:
    """Close every exception that was revoked or expired; for each locked year that had one, issue
    its official result again from the figures as they now are (new hash; the old one is kept and
    withdrawn). Returns the results issued. Run daily by cron (`close_lock_exceptions`), and
    whenever exceptions are granted or revoked."""
    ended = ended_exceptions().select_related("unit__district")
    if district is not None:
        ended = ended.filter(unit__district=district)
    if year is not None:
        ended = ended.filter(year=year)
    ended = list(ended.select_for_update(of=("self",)))
    issued = []
    for district_id, year_of in sorted({(exception.unit.district_id, exception.year) for exception in ended}):
        of_year = [exception for exception in ended if (exception.unit.district_id, exception.year) == (district_id, year_of)]
        result = OfficialResult.objects.select_for_update().filter(
            district_id=district_id, year=year_of, withdrawn_at__isnull=True
        ).first()
        if result is not None and (reissued := _reissue(result, of_year, user=user)) is not None:
            issued.append(reissued)
    close_exceptions(ended, user=user)
    return issued


def _reissue(result: OfficialResult, exceptions, *, user) -> OfficialResult | None:
    """The locked year's result made again from the figures as they are, after exceptions closed;
    None when nothing it records changed (the result stands as it was)."""
    policy = TargetPolicy.objects.select_related("district").prefetch_related("rules").get(
        district_id=result.district_id, year=result.year
    )
    document = official_document(policy)
    if document_hash(document) == result.sha256:
        return None
    now = timezone.now()
    OfficialResult.objects.filter(pk=result.pk).update(withdrawn_at=now, withdrawn_by=user if getattr(user, "pk", None) else None)
    notes = [
        str(_("Lập lại sau ngoại lệ khóa: %(unit)s, %(period)s (%(reason)s)")) % {
            "unit": exception.unit.name, "period": period_label(exception.year, exception.month).lower(),
            "reason": exception.reason,
        }
        for exception in exceptions
    ]
    return OfficialResult.objects.create(
        district_id=result.district_id, year=result.year, document=canonical_json(document).decode("utf-8"),
        sha256=document_hash(document), issued_by=user if getattr(user, "pk", None) else None, issued_at=now,
        reason=result.reason, gaps=year_gaps(policy).lines() + notes, replaces=result,
    )
