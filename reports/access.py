"""The reports' view mixin for a permission; every question of who may see what is units.access."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin



class PermissionRequired(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous visitors go to the login page; signed-in people without the permission get 403."""

    raise_exception = False
