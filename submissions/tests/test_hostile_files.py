"""A spreadsheet costs what it really contains: each hostile shape (a few kilobytes that declare
millions of things) is refused with a Vietnamese message within 2 s and 200 MB.

Each file is read in a process of its own, so that its peak memory is measured (VmHWM against the
resident size just before reading) and so that a file that would take a worker for a minute is
stopped after ten seconds instead of holding the suite."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from submissions.models import DossierCount

from . import hostile_files

TIME_BUDGET_SECONDS = 2.0
MEMORY_BUDGET_MB = 200
ROOT = Path(__file__).resolve().parents[2]

READER = """
import json, os, sys, time
import django
django.setup()
from submissions.importing import preview_import

def memory(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0

path, name = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
before = memory("VmRSS")
started = time.perf_counter()
preview = preview_import(data=data, filename=name)
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds,
    "peak_mb": memory("VmHWM") - before,
    "errors": [[error.row, error.message] for error in preview.errors],
}))
"""


def read_in_own_process(tmp_path, content: bytes, name: str) -> dict:
    path = tmp_path / name
    path.write_bytes(content)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dvctt_portal.settings",
        # A refused file never reaches the database; this one does not exist, so one that does fails.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'absent' / 'db.sqlite3'}",
    }
    finished = subprocess.run(
        [sys.executable, "-c", READER, str(path), name],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=10,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    return json.loads(finished.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("shape", list(hostile_files.SHAPES))
def test_a_hostile_spreadsheet_is_refused_within_the_budget(tmp_path, shape):
    build, name, refusal = hostile_files.SHAPES[shape]
    content = build()
    assert len(content) <= 5 * 1024 * 1024  # every shape fits under the upload limit
    measured = read_in_own_process(tmp_path, content, name)
    assert [row for row, _message in measured["errors"]] == [None], measured["errors"]
    assert refusal in measured["errors"][0][1]
    assert measured["seconds"] < TIME_BUDGET_SECONDS, measured
    assert measured["peak_mb"] < MEMORY_BUDGET_MB, measured


@pytest.mark.django_db
def test_the_upload_page_refuses_the_shared_string_bomb_in_vietnamese_and_saves_nothing(staff_client):
    before = DossierCount.objects.count()
    response = staff_client.post(
        reverse("submissions:import_upload"),
        {"file": SimpleUploadedFile("so-lieu.xlsx", hostile_files.shared_strings_bomb())},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tệp có quá nhiều chuỗi văn bản dùng chung (tối đa 100.000)." in html
    assert "Xác nhận ghi" not in html
    assert DossierCount.objects.count() == before


def test_a_real_template_of_20000_rows_is_still_read_whole():
    from submissions.importing import MAX_ROWS, read_rows

    rows = [("18229", "Thị trấn Đức Thọ", f"1.{index:05d}", "Thủ tục", 2020, 9, 3, 1) for index in range(MAX_ROWS)]
    read = list(read_rows(hostile_files.template(rows), "so-lieu.xlsx"))
    assert len(read) == MAX_ROWS
    assert read[-1].row == MAX_ROWS + 1
    assert read[-1].values["procedure_code"] == f"1.{MAX_ROWS - 1:05d}"


@pytest.mark.parametrize("build", [hostile_files.encrypted_part, hostile_files.unknown_compression])
def test_an_encrypted_or_strangely_compressed_part_is_not_a_valid_workbook(build):
    from submissions.importing import preview_import

    preview = preview_import(data=build(), filename="so-lieu.xlsx")
    assert [(error.row, error.message) for error in preview.errors] == [
        (None, "Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")
    ]
