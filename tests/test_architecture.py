"""The structure the README describes, held by tests: data flows one way between the apps.

units ← submissions ← targets ← reports: an app imports only the apps to its left (and itself);
`dvctt_portal.figures`, `dvctt_portal.text` and `dvctt_portal.forms_renderer`, which import no app, may be used by all. Every
module is parsed, lazy imports inside functions included; tests and migrations are left out. A test of the test plants
a violation and expects it found.
"""

import ast
from pathlib import Path

import pytest

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ["units", "submissions", "targets", "reports"]
SHARED = {"dvctt_portal.figures", "dvctt_portal.text", "dvctt_portal.forms_renderer"}  # import no app; every app may use them


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


@pytest.mark.parametrize("shared", sorted(SHARED))
def test_the_shared_modules_import_no_app(shared):
    source = (ROOT / (shared.replace(".", "/") + ".py")).read_text(encoding="utf-8")
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


# Services are the only writers --------------------------------------------------------------------

GUARDED_MODELS = {
    "DossierCount", "EmptyMonth", "CountLock", "MonthReport", "LockException", "OfficialResult", "TargetPolicy", "TargetRule",
    "Procedure", "MonthComment", "UnusualCheck", "Dossier", "DerivedMonth", "DossierSourceProfile", "DossierImportJob",
    "Unit", "District", "Lineage",
    "Person", "User",
}
WRITE_METHODS = {"create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
HISTORY_WRITERS = {"bulk_create_with_history", "bulk_history_create", "bulk_update_with_history"}
ADMIN_WRITERS = {"save_model", "delete_model", "save_formset", "delete_queryset", "save_related"}
NOT_MODELS = {"workbook", "wb"}  # openpyxl workbooks, whose .save writes a file
# Where writes may be: the services, and the loaders of reference data and of benchmark data
# (targets/synthetic.py inserts millions of rows for bench/, never on a live portal).
WRITERS = {"units/services.py", "submissions/services.py", "submissions/dossiers.py", "submissions/dossier_jobs.py", "targets/services.py", "targets/reference_data.py",
           "targets/synthetic.py"}


def _root(node):
    """The name a call chain starts from: `DossierCount` in DossierCount.objects.filter(…).update()."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node


def direct_writes(modules: dict[str, str]) -> list[str]:
    """Every write outside the writers, as "path:line what"."""
    found = []
    for path, source in modules.items():
        if path in WRITERS:
            continue
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            root = _root(func)
            root_name = getattr(root, "id", "")
            if name in HISTORY_WRITERS:
                found.append(f"{path}:{node.lineno} {name}")
            elif isinstance(func, ast.Attribute) and name in ("save", "delete") and root_name not in NOT_MODELS | {"super"}:
                if not any(k.arg == "commit" and getattr(k.value, "value", True) is False for k in node.keywords):
                    found.append(f"{path}:{node.lineno} .{name}()")  # form.save(commit=False) writes nothing
            elif isinstance(func, ast.Attribute) and name in WRITE_METHODS and root_name in GUARDED_MODELS | {"get_user_model"}:
                shown = "get_user_model()" if root_name == "get_user_model" else root_name
                found.append(f"{path}:{node.lineno} {shown}….{name}()")
            elif isinstance(func, ast.Attribute) and name in ADMIN_WRITERS and root_name == "super":
                found.append(f"{path}:{node.lineno} super().{name}()")
    return found


def test_only_the_services_write_counts_months_locks_policies_rules_procedures_units_and_people():
    assert direct_writes(app_modules()) == []


def test_a_planted_write_outside_the_services_is_found():
    planted = {
        "submissions/views.py": "def v(count):\n    count.save()\n    DossierCount.objects.filter(pk=1).update(total=2)\n",
        "submissions/admin.py": "class A:\n    def save_model(self, r, o, f, c):\n        super().save_model(r, o, f, c)\n",
        "targets/cli.py": "def c():\n    bulk_create_with_history([], TargetRule)\n    get_user_model().objects.create(username='x')\n",
        "reports/views.py": "def ok(context, workbook):\n    context.update(a=1)\n    workbook.save('x')\n",
        "submissions/services.py": "def s(count):\n    count.save()\n",
    }
    assert direct_writes(planted) == [
        "submissions/views.py:2 .save()",
        "submissions/views.py:3 DossierCount….update()",
        "submissions/admin.py:3 super().save_model()",
        "targets/cli.py:2 bulk_create_with_history",
        "targets/cli.py:3 get_user_model()….create()",
    ]


def admins_writing_directly(site) -> tuple[list[str], list[str]]:
    """(the guarded models administered, the admin methods that would write them directly).

    The admin's default save and delete write the model: each admin of a guarded model overrides
    them (units.admin.ServiceWrites), inlines included, unless it can neither add nor change."""
    from django.contrib.admin import ModelAdmin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = type("Superuser", (), {"has_perm": lambda *a: True, "is_active": True, "is_staff": True})()
    administered, direct = [], []
    for model, model_admin in site._registry.items():
        if model.__name__ not in GUARDED_MODELS:
            continue
        administered.append(model.__name__)
        kind = type(model_admin)
        if not model_admin.has_add_permission(request) and not model_admin.has_change_permission(request):
            continue  # nothing to write (the locks are made from the entry page and the commands)
        methods = ["save_model", "delete_model", "delete_queryset"]
        if kind.get_inlines(model_admin, request, None):
            methods.append("save_formset")
        direct += [f"{kind.__name__}.{method}" for method in methods if getattr(kind, method) is getattr(ModelAdmin, method)]
        if "delete_selected" in model_admin.get_actions(request):
            direct.append(f"{kind.__name__}: bulk delete")
        from units.admin import ServiceWrites

        if issubclass(kind, ServiceWrites):  # its save and delete call these hooks
            hooks = ["delete_through_service"] + (["save_through_service"] if kind.save_model is ServiceWrites.save_model else [])
            direct += [f"{kind.__name__}.{hook} missing" for hook in hooks if not hasattr(kind, hook)]
    return sorted(administered), direct


def test_every_admin_of_those_models_writes_through_a_service():
    from django.contrib import admin

    administered, direct = admins_writing_directly(admin.site)
    assert administered == sorted(GUARDED_MODELS)
    assert direct == []


def test_a_planted_admin_that_writes_directly_is_found():
    from django.contrib import admin

    from submissions.models import Procedure

    from units.admin import ServiceWrites
    from units.models import District

    class HalfDone(ServiceWrites, admin.ModelAdmin):
        def save_through_service(self, obj, *, user):
            pass

    site = admin.AdminSite(name="planted")
    site.register(Procedure, admin.ModelAdmin)
    site.register(District, HalfDone)
    assert admins_writing_directly(site) == (
        ["District", "Procedure"],
        ["ModelAdmin.save_model", "ModelAdmin.delete_model", "ModelAdmin.delete_queryset", "ModelAdmin: bulk delete",
         "HalfDone.delete_through_service missing"],
    )


# One access module ----------------------------------------------------------------------------------

ACCESS_MODULES = {"units/access.py", "units/roles.py"}  # the constants, and the roles' groups


def permission_strings(files: dict[str, str], codenames: set[str]) -> list[str]:
    """Every place outside the access modules that spells a permission ("app.codename", or
    perms.app.codename in a template)."""
    import re

    pattern = re.compile(r"\b(units|submissions|targets|reports)[.]([a-z_]+)\b")
    found = []
    for path, source in files.items():
        if path in ACCESS_MODULES:
            continue
        for number, line in enumerate(source.splitlines(), start=1):
            for app, codename in pattern.findall(line):
                if f"{app}.{codename}" in codenames:
                    found.append(f"{path}:{number} {app}.{codename}")
    return found


def portal_permissions() -> set[str]:
    from django.contrib.auth.models import Permission

    return {
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(content_type__app_label__in=APPS).values_list(
            "content_type__app_label", "codename"
        )
    }


def templates_and_modules() -> dict[str, str]:
    files = dict(app_modules())
    for path in sorted((ROOT / "templates").rglob("*.html")):
        files[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return files


def test_no_view_or_template_spells_a_permission(db):
    assert permission_strings(templates_and_modules(), portal_permissions()) == []


def test_a_planted_permission_string_is_found(db):
    planted = {
        "submissions/views.py": 'if request.user.has_perm("submissions.lock_counts"):\n',
        "templates/reports/overview.html": "{% if perms.targets.export_scoring %}\n",
        "units/access.py": 'LOCK_COUNTS = "submissions.lock_counts"\n',
        "reports/views.py": 'from submissions.models import DossierCount\n',
    }
    assert permission_strings(planted, portal_permissions()) == [
        "submissions/views.py:1 submissions.lock_counts",
        "templates/reports/overview.html:1 targets.export_scoring",
    ]


# Small functions ------------------------------------------------------------------------------------

LONG_FUNCTION = 60  # lines


def long_functions(modules: dict[str, str]) -> list[str]:
    """Functions over LONG_FUNCTION lines whose docstring does not say why ("Long because …")."""
    found = []
    for path, source in modules.items():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > LONG_FUNCTION and "Long because" not in (ast.get_docstring(node) or ""):
                    found.append(f"{path}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_is_long_without_a_reason():
    assert long_functions(app_modules()) == []


def test_a_planted_long_function_is_found():
    body = "".join(f"    x{number} = {number}\n" for number in range(LONG_FUNCTION))
    planted = {
        "reports/views.py": "def page(request):\n" + body,
        "reports/rows.py": 'def rows():\n    """Long because it must."""\n' + body,
    }
    assert long_functions(planted) == [f"reports/views.py:1 page ({LONG_FUNCTION + 1} lines)"]
