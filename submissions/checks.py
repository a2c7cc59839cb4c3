"""System checks: what this code needs of the database beyond what Django itself requires."""

import sqlite3

from django.conf import settings
from django.core.checks import Error, register
from django.utils.translation import gettext as _

SQLITE_UPDATE_FROM = (3, 33, 0)  # `UPDATE … FROM`, which services._update_rows writes counts with


@register()
def sqlite_has_update_from(app_configs=None, **kwargs) -> list[Error]:
    """Django 5.2 runs on SQLite 3.31; saving counts needs 3.33 (Debian 11, Ubuntu 22.04 and later)."""
    uses_sqlite = any(db["ENGINE"] == "django.db.backends.sqlite3" for db in settings.DATABASES.values())
    if uses_sqlite and sqlite3.sqlite_version_info < SQLITE_UPDATE_FROM:
        return [
            Error(
                _("SQLite %(version)s quá cũ: cần SQLite 3.33 trở lên (câu lệnh UPDATE … FROM).")
                % {"version": sqlite3.sqlite_version},
                hint=_("Cài Python với SQLite mới hơn, hoặc dùng PostgreSQL (DATABASE_URL)."),
                id="submissions.E001",
            )
        ]
    return []
