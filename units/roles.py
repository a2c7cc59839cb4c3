"""The four roles, as Django groups with permissions, and the helpers that assign them."""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _


class Role:
    STAFF = "staff"
    UNIT_HEAD = "unit_head"
    HOME_AFFAIRS = "home_affairs"
    ADMIN = "admin"


ROLE_GROUPS = {
    Role.STAFF: "district_staff",
    Role.UNIT_HEAD: "unit_head",
    Role.HOME_AFFAIRS: "home_affairs",
    Role.ADMIN: "administrator",
}

ROLE_LABELS = {
    Role.STAFF: _("Cán bộ Trung tâm Hành chính công / Văn phòng"),
    Role.UNIT_HEAD: _("Thủ trưởng đơn vị"),
    Role.HOME_AFFAIRS: _("Cơ quan Tổ chức - Nội vụ"),
    Role.ADMIN: _("Quản trị hệ thống"),
}

# app_label.codename of each permission a role's group holds.
ROLE_PERMISSIONS = {
    Role.STAFF: [
        "units.view_all_units",
        "submissions.view_dossiercount",
        "submissions.add_dossiercount",
        "submissions.change_dossiercount",
    ],
    Role.UNIT_HEAD: [
        "submissions.view_dossiercount",
    ],
    Role.HOME_AFFAIRS: [
        "units.view_all_units",
        "submissions.view_dossiercount",
        "submissions.lock_counts",
        "targets.export_scoring",
    ],
    Role.ADMIN: [],
}


def ensure_role_groups(**kwargs):
    """Create the role groups and give them their permissions (runs after every migrate)."""
    for role, group_name in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        wanted = []
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)


def role_of_request(request) -> str | None:
    """The signed-in person's role, read once per request (the context processor, the
    navigation and each template rendered with the request's context all ask)."""
    if not hasattr(request, "_dvctt_role"):
        request._dvctt_role = role_of(request.user)
    return request._dvctt_role


def role_of(user) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    names = {group.name for group in user.groups.all()}
    for role, group_name in ROLE_GROUPS.items():
        if group_name in names:
            return role
    return None
