from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Đơn vị và người dùng")

    def ready(self):
        from . import checks  # noqa: F401 (registers the system checks)
        from .roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, sender=self)
