"""Writes to districts, units, accounts and people. Every path — the admin, `add_user`, the
roles — ends here; the reference-data loader and the benchmarks' generator are the only other
writers (tests/test_architecture.py keeps it so).

Each function is keyword-only and atomic, validates the object as the admin's form would
(`full_clean`) and refuses what would break figures already entered: a unit, district or
account with counts, months or people attached is retired (a last year, made inactive), never
deleted. The locked-figures rule for a unit's edit belongs to submissions
(`submissions.services.change_unit`), which calls `save_unit` here.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dvctt_portal.text import fold

from .lineage import Change, link_kinds, link_shares
from .models import District, Lineage, Person, Unit
from .rules import month_before, unit_exists_in_month
from .roles import ROLE_GROUPS, Role, ensure_role_groups


class Refused(Exception):
    """The write was refused and nothing was written; `message` says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def save_district(*, district: District, user=None) -> District:
    district.full_clean()
    district.save()
    return district


@transaction.atomic
def delete_district(*, district: District, user=None) -> None:
    if district.units.exists() or district.people.exists():
        raise Refused(_("Huyện %(name)s còn đơn vị hoặc người dùng nên không xóa được.") % {"name": district.name})
    district.delete()


@transaction.atomic
def save_unit(*, unit: Unit, user=None) -> Unit:
    """Create or change a unit (submissions.services.change_unit first checks locked figures)."""
    unit.full_clean()
    unit.save()
    return unit


def deletion_refusal(unit: Unit) -> str | None:
    """Why this unit may not be deleted (it has counts, months or people), or None."""
    if unit.dossier_counts.exists() or unit.empty_months.exists() or unit.people.exists():
        return _(
            "%(name)s đã có số liệu hoặc người dùng: không xóa, hãy ghi năm cuối cùng hoạt động và bỏ chọn "
            "“đang hoạt động”."
        ) % {"name": unit.name}
    return None


@transaction.atomic
def delete_unit(*, unit: Unit, user=None) -> None:
    """Only a unit nothing refers to: one with counts, months or people is retired instead."""
    message = deletion_refusal(unit)
    if message:
        raise Refused(message)
    unit.delete()


@transaction.atomic
def save_account(*, account, password: str | None = None, user=None):
    """Create or change a login; `password` (already validated) is set when given."""
    if password is not None:
        account.set_password(password)
    account.save()
    return account


@transaction.atomic
def delete_account(*, account, user=None) -> None:
    account.delete()


@transaction.atomic
def save_person(*, person: Person, user=None) -> Person:
    """Where a login works: a unit (its district follows) or a district office."""
    if person.unit_id is not None:
        person.district_id = person.unit.district_id
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def delete_person(*, person: Person, user=None) -> None:
    person.delete()


@transaction.atomic
def assign_role(*, user, role: str, unit=None, district=None) -> None:
    """Give a person exactly one role and the place they work; raises ValueError on a bad pair."""
    if role not in ROLE_GROUPS:
        raise ValueError(_("Vai trò không hợp lệ: %(role)s") % {"role": role})
    if role == Role.UNIT_HEAD and unit is None:
        raise ValueError(_("Thủ trưởng đơn vị phải gắn với một đơn vị (--unit)."))
    ensure_role_groups()
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS.values()))
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])
    if unit is not None:
        district = unit.district
    person = Person.objects.filter(user=user).first() or Person(user=user)
    person.unit = unit if role == Role.UNIT_HEAD or unit else None
    person.district = district
    try:
        save_person(person=person)
    except ValidationError as error:
        raise ValueError(" ".join(error.messages)) from None



def split_full_name(full_name: str) -> tuple[str, str]:
    """"Lê Minh Quân" → ("Lê Minh", "Quân"): family and middle names, then the given name, which
    Vietnamese greet by (the account's first and last name fields hold them in that order)."""
    family, _space, given = " ".join(full_name.split()).rpartition(" ")
    return family, given


def given_name(account) -> str:
    """Whom to greet: the last word of the full name ("Quân"), else the login."""
    words = account.get_full_name().split()
    return words[-1] if words else account.get_username()


@transaction.atomic
def create_person(*, username: str, full_name: str, email: str, password: str, role: str, unit=None,
                  district=None, user=None) -> Person:
    """A login, its role and where the person works, in one step (the admin's "add" form), as
    `add_user` does on the command line. `password` is already validated; a taken login or a
    role without the unit it needs is refused (Refused) and nothing is written."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise Refused(_("Tên đăng nhập %(username)s đã có người dùng.") % {"username": username})
    account = User(username=username, email=email)
    account.first_name, account.last_name = split_full_name(full_name)
    save_account(account=account, password=password, user=user)
    try:
        assign_role(user=account, role=role, unit=unit, district=district)
    except ValueError as error:
        raise Refused(str(error)) from None
    return Person.objects.select_related("unit", "district").get(user=account)


# Reorganisations: merges, splits, renames ----------------------------------------------------------


@dataclass
class Reorganized:
    created: list = field(default_factory=list)  # new units
    ended: list = field(default_factory=list)  # old units given their last month
    links: int = 0  # lineage links written (new or changed)

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.ended or self.links)


def _unit_on(code: str, year: int, month: int, units_by_code: dict) -> Unit | None:
    return next((unit for unit in units_by_code.get(code, []) if unit_exists_in_month(unit, year, month)), None)


def reorganize(*, changes: list[Change], administration: District | None = None, user=None,
               dry_run: bool = False) -> Reorganized:
    """`apply_reorganization` in a transaction; with `dry_run`, everything is checked and written,
    then rolled back (the result says what would have been done)."""
    try:
        with transaction.atomic():
            result = apply_reorganization(changes=changes, administration=administration, user=user)
            if dry_run:
                raise _RollBack(result)
    except _RollBack as rolled_back:
        return rolled_back.result
    return result


class _RollBack(Exception):
    def __init__(self, result):
        super().__init__()
        self.result = result


@transaction.atomic
def apply_reorganization(*, changes: list[Change], administration: District | None = None, user=None) -> Reorganized:
    """Apply an official old → new mapping (units.lineage.read_mapping): each old unit ends the month
    before its change takes effect (its counts stay its own), each new unit begins that month under
    `administration` (by default the province of the old units' district), and each pair is linked
    (merge, split with its share, rename) with the document. Running the same mapping again
    changes nothing. Refused (nothing written) when an old unit is not there the day before, or
    ended at another time, or a new code is already another unit's in that period.
    Long because every row is checked against the units before anything is written."""
    if not changes:
        raise Refused(_("Bảng chuyển đổi không có dòng nào."))
    codes = {row.old_code for row in changes} | {row.new_code for row in changes}
    units_by_code: dict[str, list[Unit]] = {}
    for unit in Unit.objects.select_related("district").filter(code__in=codes):
        units_by_code.setdefault(unit.code, []).append(unit)
    problems, olds = [], {}
    for row in changes:
        year, month = month_before(row.effective_date.year, row.effective_date.month)
        old = _unit_on(row.old_code, year, month, units_by_code)
        if old is None:
            problems.append(_("Dòng %(line)s: không có đơn vị mã %(code)s vào ngày trước %(date)s.") % {
                "line": row.line, "code": row.old_code, "date": row.effective_date.strftime("%d/%m/%Y")})
            continue
        if fold(old.name) != fold(row.old_name):
            problems.append(_("Dòng %(line)s: đơn vị mã %(code)s là “%(name)s”, không phải “%(given)s”.") % {
                "line": row.line, "code": row.old_code, "name": old.name, "given": row.old_name})
        if old.last_year and (old.last_year, old.last_month or 12) != (year, month):
            problems.append(_("Dòng %(line)s: %(name)s đã ngừng hoạt động vào tháng %(month)s/%(year)s.") % {
                "line": row.line, "name": old.name, "month": old.last_month or 12, "year": old.last_year})
        elif old.dossier_counts.filter(Q(year__gt=year) | Q(year=year, month__gt=month)).exists():
            problems.append(_("Dòng %(line)s: %(name)s đã có số liệu từ ngày %(date)s trở đi; hãy chuyển số liệu đó "
                              "cho đơn vị mới trước.") % {"line": row.line, "name": old.name,
                                                           "date": row.effective_date.strftime("%d/%m/%Y")})
        olds[row.line] = old
    if administration is None and olds:
        districts = {old.district for old in olds.values()}
        parents = {district.parent_id or district.pk for district in districts}
        if len(parents) != 1:
            problems.append(_("Các đơn vị cũ thuộc nhiều tỉnh: hãy chọn tỉnh nhận các đơn vị mới (--province)."))
        else:
            administration = District.objects.get(pk=parents.pop())
    if problems:
        raise Refused("\n".join(problems))
    result = Reorganized()
    for row in changes:
        old = olds[row.line]
        year, month = month_before(row.effective_date.year, row.effective_date.month)
        if old.last_year is None:
            old.last_year, old.last_month, old.is_active = year, month, False
            save_unit(unit=old, user=user)
            result.ended.append(old)
    kinds, shares = link_kinds(changes), link_shares(changes)
    news: dict[str, Unit] = {}
    for row in changes:
        old = olds[row.line]
        new = news.get(row.new_code) or _unit_on(row.new_code, row.effective_date.year, row.effective_date.month,
                                                  units_by_code)
        if new is None:
            new = Unit(district=administration, code=row.new_code, name=row.new_name, kind=old.kind,
                       sort_order=old.sort_order, first_year=row.effective_date.year,
                       first_month=row.effective_date.month, is_active=True)
            try:
                save_unit(unit=new, user=user)
            except ValidationError as error:
                raise Refused(_("Dòng %(line)s: %(error)s") % {"line": row.line, "error": " ".join(error.messages)})
            units_by_code.setdefault(new.code, []).append(new)
            result.created.append(new)
        news[row.new_code] = new
        values = {"kind": kinds[(row.old_code, row.new_code)], "share": shares[row.old_code][row.new_code],
                  "effective_date": row.effective_date, "document_number": row.document_number[:100],
                  "document_date": row.document_date, "document_title": row.document[:500]}
        link = Lineage.objects.filter(predecessor=old, successor=new).first()
        if link is None or any(getattr(link, key) != value for key, value in values.items()):
            link = link or Lineage(predecessor=old, successor=new)
            for key, value in values.items():
                setattr(link, key, value)
            link.full_clean()
            link.save()
            result.links += 1
    return result
