"""The structure the README describes, held by tests: data flows one way between the apps.

units ← submissions ← targets ← reports: an app imports only the apps to its left (and itself);
`dvctt_portal.figures`, which imports no app, may be used by all. Every module is parsed, lazy
imports inside functions included; tests and migrations are left out. A test of the test plants
a violation and expects it found.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["units", "submissions", "targets", "reports"]
SHARED = {"dvctt_portal.figures"}  # imports no app; every app may use it


def app_modules():
    """{path: source} of every module of the apps, without tests and migrations."""
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            found[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return found


def imported_modules(source: str):
    """(line, dotted name) of every absolute import in a module."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def back_imports(modules: dict[str, str]) -> list[str]:
    """Every import that points the wrong way, as "path:line imports name"."""
    wrong = []
    for path, source in modules.items():
        app = Path(path).parts[0]
        allowed = set(APPS[: APPS.index(app) + 1])
        for line, name in imported_modules(source):
            top = name.split(".")[0]
            if name in SHARED or any(name.startswith(shared + ".") for shared in SHARED):
                continue
            if top == "dvctt_portal" or (top in APPS and top not in allowed):
                wrong.append(f"{path}:{line} imports {name}")
    return wrong


def test_every_app_imports_only_the_apps_before_it():
    assert back_imports(app_modules()) == []


def test_the_shared_figures_module_imports_no_app():
    source = (ROOT / "dvctt_portal" / "figures.py").read_text(encoding="utf-8")
    assert [name for _line, name in imported_modules(source) if name.split(".")[0] in [*APPS, "dvctt_portal"]] == []


def test_a_planted_back_import_is_found():
    planted = {
        "units/access.py": "from submissions.models import DossierCount\n",
        "submissions/grid.py": "def rate():\n    from targets.progress import compute_progress\n",
        "targets/progress.py": "import reports.views\nfrom units.models import Unit\nfrom dvctt_portal.figures import rate_percent\n",
        "reports/views.py": "from dvctt_portal.settings import DEBUG\nfrom targets.progress import compute_progress\n",
    }
    assert back_imports(planted) == [
        "units/access.py:1 imports submissions.models",
        "submissions/grid.py:2 imports targets.progress",
        "targets/progress.py:1 imports reports.views",
        "reports/views.py:1 imports dvctt_portal.settings",
    ]
