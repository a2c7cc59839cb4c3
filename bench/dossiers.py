"""Benchmark of issue 18's dossier import: rows per second against the floor, memory as the file
grows, and the pages' query counts with millions of dossiers on PostgreSQL.

    .venv/bin/python bench/dossiers.py import --rows 100000 500000 [--db sqlite|postgresql]
    .venv/bin/python bench/dossiers.py queries --dossiers 10000000

`import` builds a fresh database with the Đức Thọ reference data, writes a one-stop style export
of N rows (title rows, Vietnamese headers, an applicant name and phone, a total row) as .xlsx and
as a UTF-8-BOM .csv, then measures, each in its own process (so its peak memory is its own):

- the floor: the same file read and nothing else (openpyxl read-only `iter_rows(values_only=True)`;
  the csv module);
- the import through `read_and_import` (what the job runs), all of it written, then the same file
  again (every dossier unchanged).

`queries` fills PostgreSQL with N dossiers (generate_series: minutes, not hours) and counts the
queries of the pages that show dossiers, against the same pages with none.

Results are printed as Markdown and appended to bench/.data/dossiers.md; bench/notes.md keeps
what was found. Nothing here runs in the test suite.
"""

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / ".data"
PYTHON = ROOT / ".venv" / "bin" / "python"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_dossiers")
SOURCE = "Một cửa bench"
HEADER = ["STT", "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục hành chính", "Người nộp", "Số điện thoại", "Địa chỉ",
          "Ngày tiếp nhận", "Hình thức nộp", "Đơn vị tiếp nhận", "Ngày trả kết quả"]
CHANNELS = ["Trực tuyến", "Trực tiếp", "Trực tiếp", "Bưu chính công ích", ""]


def _django(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _database_url(db: str) -> str:
    return f"sqlite:///{DATA_DIR / 'dossiers.sqlite3'}" if db == "sqlite" else PG_URL


def fresh_database(db: str) -> None:
    """A database with only the Đức Thọ reference data (its 28 units and 126 procedures)."""
    if db == "sqlite":
        (DATA_DIR / "dossiers.sqlite3").unlink(missing_ok=True)
    else:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "DROP DATABASE IF EXISTS bench_dossiers"],
                       check=True)
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "CREATE DATABASE bench_dossiers"], check=True)
    env = {**os.environ, "DATABASE_URL": _database_url(db)}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
                    "'dvctt_portal.settings'); django.setup(); from targets.reference_data import load_reference; "
                    "load_reference()"], cwd=ROOT, env=env, check=True)


def write_export(rows: int, db: str) -> tuple[Path, Path]:
    """The export of `rows` dossiers of 2020 in Đức Thọ, as .xlsx and .csv (made once per size)."""
    xlsx, csv_path = DATA_DIR / f"dossiers-{rows}.xlsx", DATA_DIR / f"dossiers-{rows}.csv"
    if xlsx.exists() and csv_path.exists():
        return xlsx, csv_path
    _django(_database_url(db))
    from openpyxl import Workbook

    from submissions.models import Authority, Procedure
    from units.models import UnitKind

    from units.models import Unit

    procedures = [procedure for procedure in Procedure.objects.select_related("department").filter(first_year__lte=2020)
                  if procedure.authority == Authority.COMMUNE or procedure.department_id]
    communes = [unit.name for unit in Unit.objects.filter(kind=UnitKind.COMMUNE, district__code="440")]
    randomness = random.Random(18)
    start = date(2020, 1, 1)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as text:
        out = csv.writer(text)
        titles = [["UBND HUYỆN ĐỨC THỌ"], ["DANH SÁCH HỒ SƠ TIẾP NHẬN NĂM 2020"], ["(Xuất từ hệ thống một cửa)"], []]
        for title in titles + [HEADER]:
            sheet.append(title)
            out.writerow(title)
        for number in range(1, rows + 1):
            procedure = randomness.choice(procedures)
            commune = randomness.choice(communes)
            unit = commune if procedure.authority == Authority.COMMUNE else procedure.department.name
            received = start + timedelta(days=randomness.randrange(366))
            row = [number, f"000.00.24.H24-{received:%y%m%d}-{number:07d}", procedure.code, procedure.name,
                   f"Nguyễn Văn {number}", f"09{number:08d}", f"Thôn {number % 9 + 1}, {commune}, huyện Đức Thọ",
                   received.strftime("%d/%m/%Y"), randomness.choice(CHANNELS), unit,
                   (received + timedelta(days=3)).strftime("%d/%m/%Y")]
            sheet.append(row)
            out.writerow(row)
        total = [f"Tổng số: {rows} hồ sơ"]
        sheet.append(total)
        out.writerow(total)
    workbook.save(xlsx)
    return xlsx, csv_path


def measure(kind: str, path: Path, db: str) -> dict:
    """One measurement in this process: 'floor' or 'import'."""
    started = time.perf_counter()
    if kind == "floor":
        count = 0
        if path.suffix == ".xlsx":
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True)
            for _row in workbook.worksheets[0].iter_rows(values_only=True):
                count += 1
            workbook.close()
        else:
            with open(path, encoding="utf-8-sig", newline="") as text:
                for _row in csv.reader(text):
                    count += 1
        return {"seconds": time.perf_counter() - started, "rows": count, "peak_mib": _peak_mib()}
    os.environ["DEBUG"] = "false"  # as in production: no log of every statement in memory
    _django(_database_url(db))
    from django.db import connection

    from submissions.dossiers import read_and_import
    from units.models import Unit

    units = list(Unit.objects.select_related("district"))
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count), open(path, "rb") as stored:
        preview = read_and_import(stored, path.name, source=SOURCE, units=units, user=None, dry_run=False,
                                  confirm_unusual=True, take_over_typed=True)
    seconds = time.perf_counter() - started
    if not preview.ok:
        return {"error": preview.errors[:5]}
    result = preview.result
    return {"seconds": seconds, "rows": result.total, "new": result.new, "unchanged": result.unchanged,
            "queries": len(queries), "peak_mib": _peak_mib()}


def _in_process(kind: str, path: Path, db: str) -> dict:
    done = subprocess.run([PYTHON, __file__, "measure", kind, str(path), "--db", db], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_imports(sizes: list[int], db: str, formats=(".xlsx", ".csv")) -> str:
    lines = [f"### Import of a one-stop export ({db})", "",
             "| rows | file | floor s | import s | ratio | rows/s | queries | peak MiB (floor / import) | again, unchanged s |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for rows in sizes:
        fresh_database(db)
        for path in write_export(rows, db):
            if path.suffix not in formats:
                continue
            floor = _in_process("floor", path, db)
            first = _in_process("import", path, db)
            again = _in_process("import", path, db)
            if "error" in first or "error" in again:
                lines.append(f"| {rows:,} | {path.suffix} | refused: {first.get('error') or again.get('error')} |")
                continue
            lines.append(
                f"| {rows:,} | {path.suffix} ({path.stat().st_size / 2**20:.0f} MiB) | {floor['seconds']:.1f} | "
                f"{first['seconds']:.1f} | {first['seconds'] / floor['seconds']:.1f} × | {rows / first['seconds']:,.0f} | "
                f"{first['queries']} | {floor['peak_mib']:.0f} / {first['peak_mib']:.0f} | {again['seconds']:.1f} |")
            fresh_database(db)
    return "\n".join(lines)


PAGES = [
    ("submissions:month_dossiers", ["18247", 2020, 8], ""),
    ("submissions:year_dossiers", ["18247", 2020], "?from=1&through=12&channel=online"),
    ("submissions:entry_grid", ["18247", 2020, 8], ""),
    ("reports:unit_dashboard", ["18247"], "?year=2020&through=12"),
    ("reports:overview", [], "?year=2020&through=12"),
]


def count_queries() -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from units.models import District
    from units.services import create_person
    from units.roles import Role

    user = get_user_model().objects.filter(username="bench.dossiers").first()
    if user is None:
        create_person(username="bench.dossiers", password="Bench-Only-2020!", role=Role.STAFF, email="",
                      district=District.objects.get(code="440"), full_name="Bench")
        user = get_user_model().objects.get(username="bench.dossiers")
    client = Client()
    client.force_login(user)
    counts = {}
    for name, args, query in PAGES:
        url = reverse(name, args=args) + query
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            status = client.get(url).status_code
            seconds = time.perf_counter() - started
        counts[name] = (status, len(queries), seconds)
    return counts


def fill_dossiers(total: int) -> None:
    """`total` dossiers over Đức Thọ's units and procedures, 2016–2025, in one INSERT … SELECT."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, department_id, authority FROM submissions_procedure")
        procedures = cursor.fetchall()
        cursor.execute("SELECT id FROM units_unit WHERE kind = 'commune'")
        communes = [row[0] for row in cursor.fetchall()]
        cursor.execute("CREATE TEMP TABLE bench_procedure (n int, id int, unit_id int, commune bool)")
        cursor.executemany("INSERT INTO bench_procedure VALUES (%s, %s, %s, %s)",
                           [(n, pk, department, authority == "commune") for n, (pk, department, authority) in
                            enumerate(procedures)])
        cursor.execute("CREATE TEMP TABLE bench_commune (n int, id int)")
        cursor.executemany("INSERT INTO bench_commune VALUES (%s, %s)", list(enumerate(communes)))
        cursor.execute(f"""
            INSERT INTO submissions_dossier (source, code, procedure_id, unit_id, commune_id, received_on, channel,
                                             result_on, result_electronic, imported_at)
            SELECT 'bench', 'B-' || g, p.id, CASE WHEN p.commune THEN c.id ELSE p.unit_id END, c.id,
                   DATE '2016-01-01' + (g % 3650), CASE g % 3 WHEN 0 THEN 'online' WHEN 1 THEN 'in_person' ELSE 'postal' END,
                   NULL, NULL, now()
            FROM generate_series(1, {int(total)}) AS g
            JOIN bench_procedure p ON p.n = g % {len(procedures)}
            JOIN bench_commune c ON c.n = (g / 7) % {len(communes)}""")
        cursor.execute("ANALYZE submissions_dossier")


def run_queries(total: int) -> str:
    fresh_database("postgresql")
    _django(PG_URL)
    # The Đức Thọ sample list of August 2020 gives Xã Liên Minh's month its dossiers, as a user would.
    from submissions.dossiers import read_and_import
    from units.models import Unit

    sample = ROOT / "submissions" / "tests" / "data" / "danh-sach-ho-so-2020-08.xlsx"
    read_and_import(sample.read_bytes(), sample.name, source="Một cửa huyện Đức Thọ", user=None, dry_run=False,
                    units=list(Unit.objects.select_related("district")), confirm_unusual=True)
    before = count_queries()
    started = time.perf_counter()
    fill_dossiers(total)
    filled = time.perf_counter() - started
    after = count_queries()
    lines = [f"### Pages with {total:,} dossiers (PostgreSQL; filled in {filled:.0f} s)", "",
             "| page | queries, 60 dossiers | queries, +" + f"{total:,}" + " | time, 60 | time, +" + f"{total:,}" + " |",
             "|---|---:|---:|---:|---:|"]
    for name, _args, _query in PAGES:
        lines.append(f"| {name} | {before[name][1]} | {after[name][1]} | {before[name][2] * 1000:.0f} ms | "
                     f"{after[name][2] * 1000:.0f} ms |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    imports = commands.add_parser("import")
    imports.add_argument("--rows", type=int, nargs="+", default=[100_000, 500_000])
    imports.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    imports.add_argument("--formats", nargs="+", choices=[".xlsx", ".csv"], default=[".xlsx", ".csv"])
    queries = commands.add_parser("queries")
    queries.add_argument("--dossiers", type=int, default=10_000_000)
    one = commands.add_parser("measure")
    one.add_argument("kind", choices=["floor", "import"])
    one.add_argument("path", type=Path)
    one.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args(argv)
    DATA_DIR.mkdir(exist_ok=True)
    if args.command == "measure":
        print(json.dumps(measure(args.kind, args.path, args.db)))
        return
    text = run_imports(args.rows, args.db, args.formats) if args.command == "import" else run_queries(args.dossiers)
    print(text)
    with open(DATA_DIR / "dossiers.md", "a", encoding="utf-8") as results:
        results.write(text + "\n\n")


if __name__ == "__main__":
    main()
