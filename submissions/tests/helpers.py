"""Helpers for the entry tests: open a grid as a person would, change some numbers, save."""

import io

import factories

from django.urls import reverse
from openpyxl import load_workbook

from submissions.models import DossierCount

YEAR, MONTH = 2020, 9


def grid_url(unit, year=YEAR, month=MONTH):
    return reverse("submissions:entry_grid", args=[unit.code, year, month])


def open_grid(client, unit, year=YEAR, month=MONTH):
    """The form data the page would send back untouched: every input as shown, and the version."""
    response = client.get(grid_url(unit, year, month))
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    data = {"version": form["version"].value()}
    for row in form.rows:
        for name in (row.total_name, row.online_name):
            value = form[name].value()
            data[name] = "" if value is None else str(value)
    return data, {row.procedure.code: row for row in form.rows}


def fill(data, rows, values):
    """values: {procedure code: (total, online)} typed into the grid (strings typed as they are)."""
    for code, (total, online) in values.items():
        row = rows[code]
        data[row.total_name] = str(total)
        data[row.online_name] = str(online)
    return data


def save_grid(client, unit, values, year=YEAR, month=MONTH):
    data, rows = open_grid(client, unit, year, month)
    return client.post(grid_url(unit, year, month), fill(data, rows, values))


def commune_procedures(n=3, year=YEAR):
    return factories.commune_procedures(n, year=year)


def district_procedures(n=3, year=YEAR, department=None):
    return factories.district_procedures(department, n=n, year=year)


def counts_of(unit, year=YEAR, month=MONTH):
    return {
        code: (total, online)
        for code, total, online in DossierCount.objects.filter(unit=unit, year=year, month=month).values_list(
            "procedure__code", "total", "online"
        )
    }


def database_state():
    """Everything an entry could change: the counts and their history."""
    return (
        sorted(DossierCount.objects.values_list("unit_id", "procedure_id", "year", "month", "total", "online")),
        DossierCount.history.count(),
    )


def read_xlsx(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    return workbook, workbook.worksheets[0]


def admin_change(client, count, **values):
    """Change a count in the admin as a browser does: open its page, then send the form with the
    month's version that the page carried."""
    from django.urls import reverse

    url = reverse("admin:submissions_dossiercount_change", args=[count.pk])
    version = client.get(url).context["adminform"].form["version"].value()
    return client.post(url, {**values, "version": version})
