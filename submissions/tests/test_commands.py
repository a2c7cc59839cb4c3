"""The round trip from the shell: export_counts_template, import_counts, lock, unlock."""

import csv
import io
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from submissions.import_reading import header_labels
from submissions.importing import COLUMNS
from submissions.models import DossierCount
from submissions.services import lock_period

from .helpers import commune_procedures, counts_of, database_state

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_a_month_for_all_units_as_xlsx(tmp_path, commune_a):
    procedure = commune_procedures(1)[0]
    DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=9, total=8, online=3)
    path = tmp_path / "thang9.xlsx"
    out, _err = run("export_counts_template", "--year", "2020", "--month", "9", "-o", str(path))
    assert "Đã ghi" in out
    sheet = load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == header_labels() == ["Mã đơn vị", "Tên đơn vị", "Mã thủ tục", "Tên thủ tục", "Năm", "Tháng", "Tổng số hồ sơ", "Trong đó trực tuyến"]
    assert (commune_a.code, commune_a.name, procedure.code, procedure.name, 2020, 9, 8, 3) in rows
    assert sheet.protection.sheet


def test_export_one_unit_as_csv(tmp_path, department):
    path = tmp_path / "tckh.csv"
    run("export_counts_template", "--year", "2020", "--month", "9", "--unit", department.code, "-o", str(path))
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == header_labels() and len(rows) == 10 and {r[0] for r in rows[1:]} == {department.code}


def test_export_refuses_an_unknown_unit_or_extension(tmp_path, reference):
    with pytest.raises(CommandError, match="Không có đơn vị mã"):
        run("export_counts_template", "--year", "2020", "--month", "9", "--unit", "nope", "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match=".xlsx hoặc .csv"):
        run("export_counts_template", "--year", "2020", "--month", "9", "-o", str(tmp_path / "x.pdf"))


def exported(tmp_path, unit, name="thang9.xlsx"):
    path = tmp_path / name
    run("export_counts_template", "--year", "2020", "--month", "9", "--unit", unit.code, "-o", str(path))
    return path


def test_export_fill_and_import_round_trip_with_dry_run_first(tmp_path, commune_a):
    first, second = commune_procedures(2)
    path = exported(tmp_path, commune_a, "thang9.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    rows = [next(csv.reader([line])) for line in lines]
    for r in rows[1:]:
        if r[2] == first.code:
            r[6], r[7] = "10", "4"
        if r[2] == second.code:
            r[6], r[7] = "3", "0"
    with open(path, "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)

    before = database_state()
    out, _err = run("import_counts", str(path), "--dry-run")
    assert "2 thay đổi" in out and "0 lỗi" in out and "— → 10" in out and "Chạy thử" in out
    assert database_state() == before

    out, _err = run("import_counts", str(path))
    assert "Đã ghi 2 thay đổi" in out
    assert counts_of(commune_a) == {first.code: (10, 4), second.code: (3, 0)}
    assert set(DossierCount.history.values_list("history_change_reason", flat=True)) == {"command"}

    out, _err = run("import_counts", str(path))
    assert "0 thay đổi" in out and "Đã ghi 0 thay đổi" in out


def test_an_import_with_errors_prints_them_with_row_numbers_and_writes_nothing(tmp_path, commune_a):
    first, second = commune_procedures(2)
    path = tmp_path / "sai.csv"
    path.write_text(
        ",".join(COLUMNS) + "\n"
        f"{commune_a.code},,{first.code},,2020,9,5,1\n"
        f"{commune_a.code},,{second.code},,2020,9,2,7\n"
        f"nope,,{second.code},,2020,9,2,1\n",
        encoding="utf-8",
    )
    before = database_state()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="không số nào được ghi"):
        call_command("import_counts", str(path), stdout=out, stderr=err)
    assert "2 lỗi" in out.getvalue()
    assert "Dòng 3: số hồ sơ trực tuyến (7) lớn hơn tổng số hồ sơ (2)." in err.getvalue()
    assert "Dòng 4: không có đơn vị mã “nope”." in err.getvalue()
    assert database_state() == before


def test_an_import_into_a_locked_month_is_refused(tmp_path, commune_a, home_affairs):
    path = exported(tmp_path, commune_a)
    workbook = load_workbook(path)
    workbook.worksheets[0]["G2"] = 4
    workbook.save(path)
    lock_period(district=commune_a.district, year=2020, user=home_affairs)
    with pytest.raises(CommandError):
        run("import_counts", str(path))
    assert counts_of(commune_a) == {}


def test_an_import_records_the_user_when_asked(tmp_path, commune_a, staff):
    path = exported(tmp_path, commune_a)
    workbook = load_workbook(path)
    workbook.worksheets[0]["G2"] = 4
    workbook.save(path)
    run("import_counts", str(path), "--user", staff.username)
    assert DossierCount.history.get().history_user == staff


def test_import_refuses_a_missing_or_oversized_file(tmp_path, settings, reference):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        run("import_counts", str(tmp_path / "khong-co.xlsx"))
    settings.DVCTT_MAX_UPLOAD_BYTES = 10
    big = tmp_path / "lon.csv"
    big.write_text(",".join(COLUMNS) + "\n")
    with pytest.raises(CommandError, match="Tệp quá lớn"):
        run("import_counts", str(big))


def test_import_exits_with_status_1_when_the_file_is_rejected(tmp_path):
    path = tmp_path / "khong-phai.xlsx"
    path.write_bytes(b"this is not a workbook")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_counts", str(path), "--dry-run"],
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"},
    )
    assert result.returncode == 1
    assert "không phải bảng tính" in result.stdout + result.stderr
