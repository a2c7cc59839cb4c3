from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from units.access import home_unit
from units import services
from units.roles import Role, role_of_request

register = template.Library()

# (url name, label, roles that see it); pages not yet installed are skipped.
NAV_ITEMS = [
    ("reports:my_dashboard", _("Đơn vị của tôi"), {Role.UNIT_HEAD}),
    ("submissions:entry_index", _("Nhập số liệu"), {Role.STAFF, Role.HOME_AFFAIRS, Role.ADMIN, Role.UNIT_HEAD}),
    ("reports:overview", _("Tổng hợp"), {Role.STAFF, Role.HOME_AFFAIRS, Role.ADMIN, Role.UNIT_HEAD}),
    ("reports:province", _("Toàn tỉnh"), {Role.STAFF, Role.HOME_AFFAIRS, Role.ADMIN}),
    ("reports:year_end_index", _("Chấm điểm cuối năm"), {Role.HOME_AFFAIRS, Role.ADMIN}),
    ("admin:index", _("Quản trị"), {Role.ADMIN}),
]


@register.simple_tag(takes_context=True)
def nav_links(context):
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    role = role_of_request(request)
    links = []
    for name, label, roles in NAV_ITEMS:
        if role not in roles:
            continue
        if name == "reports:my_dashboard" and home_unit(request.user) is None:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append({"url": url, "label": label, "active": request.path.startswith(url) and url != "/"})
    return links


@register.filter
def given_name(account) -> str:
    """Whom to greet: "Quân" for Lê Minh Quân (units.services.given_name)."""
    return services.given_name(account)
