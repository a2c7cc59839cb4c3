from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from .access import home_unit
from .forms import PortalPasswordChangeForm
from .models import Unit
from .roles import Role, role_of

# Where each role works; the first of these pages that exists is where the home page sends them.
ROLE_HOMES = {
    Role.UNIT_HEAD: ["reports:unit_dashboard"],
    Role.STAFF: ["submissions:entry_index"],
    Role.HOME_AFFAIRS: ["reports:overview"],
    Role.ADMIN: ["reports:overview", "admin:index"],
}


def _first_reversible(names, **kwargs):
    for name in names:
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            continue
    return None


@login_required
def home(request):
    """Send each person to where they work."""
    role = role_of(request.user)
    unit = home_unit(request.user)
    if role == Role.UNIT_HEAD and unit is not None:
        target = _first_reversible(ROLE_HOMES[role], unit_code=unit.code)
    else:
        target = _first_reversible(ROLE_HOMES.get(role, []))
    if target:
        return redirect(target)
    units = Unit.objects.visible_to(request.user).active().select_related("district")
    return render(request, "units/home.html", {"units": units, "role": role}, status=200 if role else 403)


class PortalPasswordChangeView(PasswordChangeView):
    """Django's password change, with the current password throttled like the login."""

    form_class = PortalPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def csrf_failure(request, reason=""):
    """A form sent without the page's security token (an old page, an expired session, cookies
    blocked): explained in Vietnamese, in the portal's layout (settings.CSRF_FAILURE_VIEW)."""
    return render(request, "403_csrf.html", status=403)
