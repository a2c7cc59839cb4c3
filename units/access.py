"""Who may see and do what: every "may this person…" question of the portal, answered here.

Views, forms, commands and querysets ask these functions; none spells a permission string (the
constants below are the only place, with units.roles, which gives them to the roles' groups).

| question | function |
|---|---|
| which units may this person see? | `visible_units(user)` (also `Unit.objects.visible_to(user)`) |
| this unit, if they may see it, and may they edit it? | `get_unit_for_user(user, code)` |
| may they enter this unit's counts? | `may_enter(user, unit)` |
| may they enter (or upload) any counts? | `may_enter_any(user)` |
| may they lock and unlock months, and of which district? | `may_lock(user)`, `lock_district(user)` |
| may they confirm a unit's month, and is it on the unit's behalf? | `may_confirm(user, unit)`, `confirms_on_behalf(user, unit)` |
| may they approve (and unapprove) a unit's month? | `may_approve(user, unit)` |
| may they write a note on a unit's month? | `may_comment(user, unit)` |
| do they read every unit of their district? | `sees_all_units(user)` |
| may they download the year-end scoring documents? | `may_export_scoring(user)` |
| which district's figures do they read? | `district_for(user)` |
| which administrations' reports may they open (a province: its districts too)? | `readable_administrations(user)` |
| which unit do they head? | `home_unit(user)` |
| who is answerable for a unit's months, and who watches a district? | `unit_heads_of(units)`, `enterers_of(districts)`, `lockers_of(districts)` |
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .models import District, Unit
from .rules import is_code

VIEW_ALL_UNITS = "units.view_all_units"  # district-wide readers: staff, Home Affairs
VIEW_COUNTS = "submissions.view_dossiercount"  # a unit head: their own unit
ENTER_COUNTS = "submissions.change_dossiercount"  # district office staff
LOCK_COUNTS = "submissions.lock_counts"  # Home Affairs
EXPORT_SCORING = "targets.export_scoring"  # Home Affairs


def visible_units(user, units=None):
    """Every unit this person may see in detail (of `units`, all by default); every list, export
    and API starts here. Fails closed: a district-wide role without a district sees nothing."""
    units = Unit.objects.all() if units is None else units
    if not user.is_authenticated:
        return units.none()
    if user.is_superuser:
        return units
    person = getattr(user, "person", None)
    if person is None:
        return units.none()
    if user.has_perm(VIEW_ALL_UNITS):
        if person.district_id is None:
            return units.none()
        # A province's people read its units and, before 2025, those of its districts. Asked as
        # "in these administrations" rather than "in this one or under it", which would join every
        # unit of the country with its district to test the OR (8 ms at 700 districts, bench/).
        administrations = District.objects.filter(Q(pk=person.district_id) | Q(parent_id=person.district_id))
        return units.filter(district_id__in=administrations.values("pk"))
    if person.unit_id is not None and user.has_perm(VIEW_COUNTS):
        return units.filter(pk=person.unit_id)
    return units.none()


def sees_all_units(user) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_ALL_UNITS)


def may_enter(user, unit: Unit) -> bool:
    """Whether this person may write the counts of this unit (locks are checked separately)."""
    person = getattr(user, "person", None)
    if user.is_superuser:
        return True
    if user.has_perm(ENTER_COUNTS) and user.has_perm(VIEW_ALL_UNITS):
        return person is not None and person.district_id == unit.district_id
    if getattr(settings, "DVCTT_UNIT_HEADS_MAY_ENTER", False):
        return person is not None and person.unit_id == unit.pk
    return False


def may_enter_any(user) -> bool:
    """Whether this person may enter (and so upload) counts of at least one unit."""
    if user.has_perm(ENTER_COUNTS) and user.has_perm(VIEW_ALL_UNITS):
        return True
    person = getattr(user, "person", None)
    if person is None or person.unit_id is None:
        return False
    return may_enter(user, Unit(pk=person.unit_id))  # their own unit, without loading it


def may_lock(user) -> bool:
    return user.has_perm(LOCK_COUNTS)


def confirms_on_behalf(user, unit: Unit) -> bool:
    """Whether a confirmation by this person is made on the unit's behalf (district staff), not by
    the unit itself (its head)."""
    person = getattr(user, "person", None)
    return not (person is not None and person.unit_id == unit.pk)


def may_confirm(user, unit: Unit) -> bool:
    """The unit's head vouches for its own months; district staff who enter its counts may do so
    on its behalf."""
    person = getattr(user, "person", None)
    if person is not None and person.unit_id == unit.pk and user.has_perm(VIEW_COUNTS):
        return True
    return may_enter(user, unit)


def may_comment(user, unit: Unit) -> bool:
    """Whoever works on a unit's months writes notes on them: its head, the staff who enter for
    it, Home Affairs of its district."""
    return may_confirm(user, unit) or may_approve(user, unit)


def may_approve(user, unit: Unit) -> bool:
    """Home Affairs of the unit's district accepts (or takes back) a confirmed month."""
    if not may_lock(user):
        return False
    district = lock_district(user)
    return user.is_superuser if district is None else district.pk == unit.district_id


def lock_district(user) -> District | None:
    """The district whose months this person locks: their own, or the only one there is."""
    person = getattr(user, "person", None)
    if person is not None and person.district_id:
        return person.district
    districts = list(District.objects.all()[:2])
    return districts[0] if len(districts) == 1 else None


def may_export_scoring(user) -> bool:
    return user.is_authenticated and user.has_perm(EXPORT_SCORING)


def readable_administrations(user):
    """The administrations whose reports this person reads: their own and, for a province's
    people, the province's districts (while they existed); every one for an administrator."""
    if user.is_superuser:
        return District.objects.all()
    person = getattr(user, "person", None)
    if person is None or not sees_all_units(user):
        return District.objects.none()
    if person.district_id is None:
        return District.objects.none()
    return District.objects.filter(Q(pk=person.district_id) | Q(parent_id=person.district_id))


def district_for(user, code: str | None = None) -> District | None:
    """The administration whose figures this person reads: the one `code` names when they may
    read it (Http404 otherwise, as for one that does not exist); else where they work; for an
    administrator or district-wide reader without a place, the first district that has a policy."""
    if code:
        found = readable_administrations(user).filter(code=code).first() if is_code(code) else None
        if found is None:
            raise Http404(_("Không tìm thấy tỉnh, huyện này."))
        return found
    person = getattr(user, "person", None)
    if person is not None:
        if person.district_id:
            return person.district
        if person.unit_id:
            return person.unit.district
    if user.is_superuser or sees_all_units(user):
        return District.objects.filter(policies__isnull=False).order_by("code").first()
    return None


def get_unit_for_user(user, code: str, *, for_edit: bool = False, year: int | None = None,
                      month: int | None = None, administration: str | None = None) -> tuple[Unit, bool]:
    """The unit with that code — the one of that year (and month) when given, else the latest: a
    code names two units across a reorganisation — and whether this person may edit its counts.

    A unit the person may not see answers 404, exactly as a unit that does not exist;
    a unit they may see but not edit answers 403 when `for_edit` is asked. A string that cannot be
    a code (a NUL byte, a slash: nothing a database should be sent) is a unit that does not exist.
    """
    if not is_code(code):
        raise Http404(_("Không tìm thấy đơn vị."))
    units = visible_units(user).select_related("district")
    if administration and is_code(administration):  # the unit of that code under that administration
        units = units.filter(district__code=administration)
    unit = units.with_code(code, year=year, month=month)
    if unit is None and year is not None:  # a year the unit did not exist in: its latest era
        unit = units.with_code(code)
    if unit is None:
        raise Http404(_("Không tìm thấy đơn vị."))
    can_edit = may_enter(user, unit)
    if for_edit and not can_edit:
        raise PermissionDenied(_("Bạn không có quyền nhập số liệu cho đơn vị này."))
    return unit, can_edit


def home_unit(user) -> Unit | None:
    person = getattr(user, "person", None)
    return person.unit if person is not None and person.unit_id else None


# Who is reminded: the people answerable for a unit's months, and Home Affairs ---------------------


def _holding(perm: str):
    """Active people (not superusers) who hold a permission through a group or directly."""
    app_label, codename = perm.split(".", 1)
    through_group = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
    direct = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    return get_user_model().objects.filter(through_group | direct, is_active=True, is_superuser=False)


def unit_heads_of(units) -> dict[int, list]:
    """{unit id: the heads of that unit}, one query."""
    unit_ids = [unit.pk for unit in units]
    heads = _holding(VIEW_COUNTS).filter(person__unit_id__in=unit_ids).exclude(pk__in=_holding(VIEW_ALL_UNITS))
    found: dict[int, list] = {}
    for user in heads.select_related("person").distinct().order_by("username"):
        found.setdefault(user.person.unit_id, []).append(user)
    return found


def _district_people(perms: tuple[str, ...], district_ids) -> dict[int, list]:
    people = _holding(perms[0])
    for perm in perms[1:]:
        people = people.filter(pk__in=_holding(perm))
    found: dict[int, list] = {}
    for user in people.filter(person__district_id__in=set(district_ids)).select_related("person").distinct().order_by("username"):
        found.setdefault(user.person.district_id, []).append(user)
    return found


def enterers_of(district_ids) -> dict[int, list]:
    """{district id: the district staff who enter its units' counts}, one query."""
    return _district_people((ENTER_COUNTS, VIEW_ALL_UNITS), district_ids)


def lockers_of(district_ids) -> dict[int, list]:
    """{district id: Home Affairs of that district}, one query."""
    return _district_people((LOCK_COUNTS,), district_ids)
