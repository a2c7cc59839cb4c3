"""django-axes with a Vietnamese name in the admin (the package gives its app none; its models'
names come from locale/vi, the catalog for third-party apps that ship no Vietnamese)."""

from axes.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AppConfig):
    verbose_name = _("Bảo vệ đăng nhập")
