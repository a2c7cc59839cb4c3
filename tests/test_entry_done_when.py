"""Issue 4, "done when": a new member of staff does a commune's September from start to finish."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_person
from submissions.models import DossierCount, Procedure
from units.roles import Role

pytestmark = pytest.mark.django_db


def test_a_new_user_enters_september_fixes_an_error_round_trips_the_template_and_sees_the_history(client, reference, commune_a):
    person = make_person("can.bo.moi", Role.STAFF, district=reference["district"])
    person.first_name, person.last_name = "Hồ Thị", "Lan"
    person.save()
    response = client.post(reverse("login"), {"username": "can.bo.moi", "password": "Mat-khau-thu-nghiem-1"})
    assert response.status_code == 302

    # The home page sends staff to /entry/; September is still missing for the commune.
    index = client.get(reverse("home"), follow=True)
    assert index.request["PATH_INFO"] == reverse("submissions:entry_index")
    html = client.get(reverse("submissions:entry_index"), {"year": 2020}).content.decode()
    grid_url = reverse("submissions:entry_grid", args=[commune_a.code, 2020, 9])
    assert re.search(r'cell--missing">\s*<a href="' + re.escape(grid_url), html)

    # The grid: type numbers, one with more online than total.
    page = client.get(grid_url)
    rows = {row.procedure.code: row for row in page.context["grid"].rows}
    codes = list(rows)[:3]
    data = {"version": page.context["grid"].version}
    for row in rows.values():
        data[row.total_name] = data[row.online_name] = ""
    for code, (total, online) in zip(codes, [(10, 3), (4, 6), (2, 2)]):
        data[rows[code].total_name], data[rows[code].online_name] = str(total), str(online)
    refused = client.post(grid_url, data)
    assert refused.status_code == 200
    assert "Số hồ sơ trực tuyến (6) không được lớn hơn tổng số hồ sơ (4)." in refused.content.decode()
    assert not DossierCount.objects.filter(unit=commune_a).exists()

    data[rows[codes[1]].online_name] = "1"
    saved = client.post(grid_url, data, follow=True)
    assert "Đã lưu số liệu tháng 9/2020 của Thị trấn Đức Thọ: 3 dòng thay đổi." in saved.content.decode()

    html = client.get(reverse("submissions:entry_index"), {"year": 2020}).content.decode()
    assert re.search(r'cell--entered[^"]*">\s*<a href="' + re.escape(grid_url), html)

    # Download the month's template, change three numbers, upload, preview, confirm.
    template = client.get(reverse("submissions:template_download", args=[2020, 9, "xlsx"]))
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook.worksheets[0]
    new_values = {codes[0]: (12, 5), codes[2]: (3, 2), list(rows)[5]: (7, 1)}
    for cells in sheet.iter_rows(min_row=2):
        if cells[0].value == commune_a.code and cells[2].value in new_values:
            cells[6].value, cells[7].value = new_values[cells[2].value]
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = client.post(
        reverse("submissions:import_upload"), {"file": SimpleUploadedFile("thang-9.xlsx", buffer.getvalue())}
    )
    text = preview.content.decode()
    assert "3 thay đổi" in text and "0 lỗi" in text
    assert "10 → <strong>12</strong>" in text and "— → <strong>7</strong>" in text
    done = client.post(reverse("submissions:import_confirm"), {"sha256": preview.context["sha256"]})
    assert "Đã ghi 3 thay đổi" in done.content.decode()

    # And all of it is in the history of the unit-month.
    history = client.get(reverse("submissions:entry_history", args=[commune_a.code, 2020, 9]))
    records = history.context["records"]
    assert len(records) == 6
    assert {record.history_change_reason for record in records} == {"grid", "upload"}
    assert all(record.history_user == person for record in records)
    html = history.content.decode()
    assert "Hồ Thị Lan" in html and "10 → <strong>12</strong>" in html
    assert Procedure.objects.get(code=codes[0]).dossier_counts.get(year=2020, month=9).total == 12
