"""Writes to districts, units, accounts and people. Every path — the admin, `add_user`, the
roles — ends here; the reference-data loader and the benchmarks' generator are the only other
writers (tests/test_architecture.py keeps it so).

Each function is keyword-only and atomic, validates the object as the admin's form would
(`full_clean`) and refuses what would break figures already entered: a unit, district or
account with counts, months or people attached is retired (a last year, made inactive), never
deleted. The locked-figures rule for a unit's edit belongs to submissions
(`submissions.services.change_unit`), which calls `save_unit` here.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import District, Person, Unit
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
