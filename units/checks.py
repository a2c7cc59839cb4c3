"""System checks of the data itself (run by `migrate` and `check --database default`)."""

from django.core import checks
from django.db import DatabaseError

from .rules import is_code


@checks.register(checks.Tags.database)
def codes_fit_in_addresses(app_configs=None, databases=None, **kwargs):
    """A unit or district whose code was saved before codes were validated cannot be linked to:
    the pages list it without a link. Name each, so that an administrator corrects it."""
    if not databases or "default" not in databases:
        return []
    from .models import District, Unit

    try:
        bad = [("unit", code) for code in Unit.objects.values_list("code", flat=True) if not is_code(code)]
        bad += [("district", code) for code in District.objects.values_list("code", flat=True) if not is_code(code)]
    except DatabaseError:  # not migrated yet
        return []
    return [
        checks.Warning(
            f"The {kind} code {code!r} may hold only letters, digits, '.', '-' and '_': "
            "pages show it without links until it is corrected in the admin.",
            id="units.W001",
        )
        for kind, code in bad
    ]
