"""Who may see which report. Units always come through `units.access` / `Unit.objects.visible_to`."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin

from units.models import District

VIEW_ALL_UNITS = "units.view_all_units"
EXPORT_SCORING = "targets.export_scoring"


def sees_all_units(user) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_ALL_UNITS)


def district_for(user) -> District | None:
    """The district whose figures this person reads: where they work; for an administrator or
    district-wide reader without a place, the first district that has a policy."""
    person = getattr(user, "person", None)
    if person is not None:
        if person.district_id:
            return person.district
        if person.unit_id:
            return person.unit.district
    if user.is_superuser or sees_all_units(user):
        return District.objects.filter(policies__isnull=False).order_by("code").first()
    return None


class PermissionRequired(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous visitors go to the login page; signed-in people without the permission get 403."""

    raise_exception = False
