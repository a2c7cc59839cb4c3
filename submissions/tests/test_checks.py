"""The system checks say loudly what the code needs of the database."""

from types import SimpleNamespace

from submissions import checks

SQLITE = SimpleNamespace(DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3"}})
POSTGRESQL = SimpleNamespace(DATABASES={"default": {"ENGINE": "django.db.backends.postgresql"}})


def test_an_sqlite_without_update_from_is_refused_at_start_up(monkeypatch):
    monkeypatch.setattr(checks, "settings", SQLITE)
    monkeypatch.setattr(checks.sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(checks.sqlite3, "sqlite_version", "3.31.1")
    [error] = checks.sqlite_has_update_from()
    assert error.id == "submissions.E001" and "3.31.1" in error.msg and "3.33" in error.msg


def test_a_recent_sqlite_or_postgresql_passes(monkeypatch):
    monkeypatch.setattr(checks.sqlite3, "sqlite_version_info", (3, 33, 0))
    monkeypatch.setattr(checks, "settings", SQLITE)
    assert checks.sqlite_has_update_from() == []
    monkeypatch.setattr(checks.sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(checks, "settings", POSTGRESQL)
    assert checks.sqlite_has_update_from() == []
