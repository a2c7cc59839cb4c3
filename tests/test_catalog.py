"""The English catalog is complete: every Vietnamese source string has an English translation."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ["dvctt_portal", "units", "submissions", "targets", "reports", "templates"]


def needs_gettext():
    if shutil.which("xgettext") and shutil.which("msgfmt"):
        return
    if os.environ.get("DVCTT_REQUIRE_GETTEXT"):
        pytest.fail("GNU gettext is required (apt-get install -y gettext)")
    pytest.skip("GNU gettext is not installed (apt-get install -y gettext); .ci/run requires it")


def msgids(po_path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file (plural entries by their singular), fuzzy entries marked."""
    entries, current, key, fuzzy = {}, {}, None, False
    for raw in po_path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current.get("msgid"):
                entries[current["msgid"]] = "" if fuzzy else current.get("msgstr", current.get("msgstr[0]", ""))
            current, key, fuzzy = {}, None, False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
        else:
            key, _, value = line.partition(" ")
            current[key] = value[1:-1]
    return entries


def test_every_english_entry_is_translated_and_not_fuzzy():
    untranslated = [msgid for msgid, msgstr in msgids(CATALOG).items() if not msgstr]
    assert untranslated == []


def test_the_catalog_compiles():
    needs_gettext()
    subprocess.run(["msgfmt", "--check-format", "-o", os.devnull, str(CATALOG)], check=True)


def test_every_source_string_is_in_the_english_catalog(tmp_path, monkeypatch):
    needs_gettext()
    for name in SOURCE_DIRS:
        shutil.copytree(Path(settings.BASE_DIR) / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__", "tests", "migrations"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "locale").mkdir()
    call_command("makemessages", locale=["en"], verbosity=0, no_obsolete=True)
    extracted = set(msgids(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = sorted(extracted - set(msgids(CATALOG)))
    assert missing == [], "run: python manage.py makemessages -l en --ignore=.venv, translate, compilemessages"
