"""Hostile spreadsheets, generated: whatever is in the cells, the import answers with a clear
message or a correct preview — never a 500, never a partial save."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from submissions.importing import COLUMNS
from submissions.models import DossierCount, Procedure
from units.models import Unit

pytestmark = pytest.mark.django_db

UPLOAD = reverse("submissions:import_upload")
CONFIRM = reverse("submissions:import_confirm")

# Any text a worksheet can hold (openpyxl itself refuses control characters).
cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=20)

hostile_numbers = st.one_of(
    st.integers(min_value=-10**12, max_value=10**12),
    st.integers(min_value=0, max_value=40),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    cell_text,
    st.sampled_from(["", " ", "=1+1", "=SUM(A1:A9)", "+7", "-3", "@x", "1e3", "١٢", "５", "12.0", "NaN", "∞"]),
    st.booleans(),
    st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2030, 1, 1)),
    st.none(),
)
codes = st.one_of(st.sampled_from(["18229", "18259", "440.TCKH", "99999", "", "=HYPERLINK(\"x\")"]), cell_text)
months = st.one_of(st.sampled_from([9, 9, 9, 8, 13, 0, -1, 12]), hostile_numbers)


@st.composite
def sheets(draw):
    procedure_codes = draw(st.lists(st.sampled_from(PROCEDURE_CODES + ["X.999", "", "1.001612"]), min_size=1, max_size=6))
    rows = []
    for procedure_code in procedure_codes:
        rows.append([
            draw(codes), draw(cell_text), procedure_code, draw(cell_text),
            draw(st.sampled_from([2020, 2020, 2019, 2031, "2020"])), draw(months),
            draw(hostile_numbers), draw(hostile_numbers),
        ])
    return rows


PROCEDURE_CODES = ["1.001193", "1.000894", "2.000815", "1.001612", "DT.L2.01"]


def workbook_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def state():
    return sorted(DossierCount.objects.values_list("unit_id", "procedure_id", "year", "month", "total", "online"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=sheets())
def test_hostile_cells_never_break_or_half_save_the_import(client_for, staff, rows):
    assert Unit.objects.filter(code="18229").exists() and Procedure.objects.exists()
    client = client_for(staff)
    before = state()
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("so-lieu.xlsx", workbook_bytes(rows))})
    assert response.status_code == 200
    preview = response.context["preview"]
    event("rejected" if preview.errors else "accepted")
    if preview.errors:
        assert all(error.message for error in preview.errors)
        assert "Xác nhận ghi" not in response.content.decode()
        assert client.post(CONFIRM, {"sha256": response.context.get("sha256") or "x"}).status_code in (200, 302, 400)
        assert state() == before
    else:
        confirmed = client.post(CONFIRM, {"sha256": response.context["sha256"]})
        assert confirmed.status_code in (200, 302)
        after = state()
        changed = {(change.unit.pk, change.procedure.pk, change.year, change.month) for change in preview.changes}
        assert {row[:4] for row in after} - {row[:4] for row in before} <= changed
        for unit_id, procedure_id, year, month, total, online in after:
            assert 0 <= online <= total


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=2048), name=st.sampled_from(["a.xlsx", "a.csv", "a.xls", "a.txt", "a"]))
def test_random_bytes_are_refused_with_a_message(client_for, staff, content, name):
    client = client_for(staff)
    before = state()
    response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code in (200, 400)
    assert state() == before
