from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Thủ tục và số liệu hồ sơ")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
