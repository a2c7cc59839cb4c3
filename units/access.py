"""What a person may see and change. Every view fetches units through these helpers."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Unit
from .rules import is_code


def can_enter_counts(user, unit: Unit) -> bool:
    """Whether this person may write the counts of this unit (locks are checked separately)."""
    person = getattr(user, "person", None)
    if user.is_superuser:
        return True
    if user.has_perm("submissions.change_dossiercount") and user.has_perm("units.view_all_units"):
        return person is not None and person.district_id == unit.district_id
    if getattr(settings, "DVCTT_UNIT_HEADS_MAY_ENTER", False):
        return person is not None and person.unit_id == unit.pk
    return False


def get_unit_for_user(user, code: str, *, for_edit: bool = False) -> tuple[Unit, bool]:
    """The unit with that code and whether this person may edit its counts.

    A unit the person may not see answers 404, exactly as a unit that does not exist;
    a unit they may see but not edit answers 403 when `for_edit` is asked. A string that cannot be
    a code (a NUL byte, a slash: nothing a database should be sent) is a unit that does not exist.
    """
    if not is_code(code):
        raise Http404(_("Không tìm thấy đơn vị."))
    try:
        unit = Unit.objects.visible_to(user).select_related("district").get(code=code)
    except Unit.DoesNotExist:
        raise Http404(_("Không tìm thấy đơn vị."))
    can_edit = can_enter_counts(user, unit)
    if for_edit and not can_edit:
        raise PermissionDenied(_("Bạn không có quyền nhập số liệu cho đơn vị này."))
    return unit, can_edit


def home_unit(user) -> Unit | None:
    person = getattr(user, "person", None)
    return person.unit if person is not None and person.unit_id else None
