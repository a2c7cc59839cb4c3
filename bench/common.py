"""Shared pieces of the benchmarks: where the databases live, the sizes, timing, users.

Nothing here is imported by the portal; the benchmarks are not part of the test suite.
"""

import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / ".data"
PYTHON = ROOT / ".venv" / "bin" / "python"
if not PYTHON.exists():
    PYTHON = Path(sys.executable)

SQLITE_PATH = DATA_DIR / "bench.sqlite3"
SQLITE_URL = f"sqlite:///{SQLITE_PATH}"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bench_dvctt")

YEAR = 2020
THROUGH = 9  # the overview's period: January → September, as in the letter
IMPORT_MONTH = 10  # the month imported from a spreadsheet
GRID_MONTH = 4  # the month saved from the grid (a different commune for every save)

# Districts are added in steps, each step with its own seed (codes S<seed>-001…), so the
# database grows 1 → 13 → 100 districts without being rebuilt. "The province" is every
# synthetic district; the overview and the dashboard always show district S1-001.
STEPS = [(1, 1, 1), (13, 2, 12), (100, 3, 87)]  # (size, seed, districts added)
NATIONAL = (700, 4, 600)
WIDE = {"seed": 9, "communes": 300, "departments": 20}  # one district 10× wider, for the workbook's memory
HOME_DISTRICT = "S1-001"  # whose overview, dashboard and workbooks are read; never written to
WRITE_DISTRICT = "440"  # Đức Thọ (the reference data): the grid saves go to its communes
LOAD_DISTRICT = "S2-001"  # the load test's people work here (exists from 13 districts on)
PROVINCE_FOR_IMPORT = 13  # a province's month: the first 13 districts (all of them at size 1: one)

PASSWORD = "Bench-Only-2020!"  # bench databases only; they are dropped and rebuilt on every run

USERS = {
    # username: (role, district code or None)
    "bench.noivu": ("home_affairs", HOME_DISTRICT),
    "bench.canbo": ("staff", HOME_DISTRICT),
    "bench.ductho": ("staff", WRITE_DISTRICT),
    # Staff see and enter only their own district: a province's spreadsheet takes an administrator.
    "bench.quantri": ("admin", None),
}
LOAD_USERS = 20


def load_username(number: int) -> str:
    return f"bench.load{number:02d}"


def median_ms(samples) -> float:
    return statistics.median(samples) * 1000


def adapted_repeats(repeats: int, seconds: float | None) -> int:
    """Three times as many runs under 100 ms (their noise is larger on a shared machine); at most
    three over 5 s (their noise is small beside them, and the whole run must stay short)."""
    if seconds is None:
        return repeats
    if seconds < 0.1:
        return repeats * 3
    if seconds > 5:
        return min(repeats, 3)
    return repeats


def timed(fn, *, repeats: int, warmup: int = 1) -> list[float]:
    """Seconds of each of `repeats` calls (adapted, see above), after `warmup` calls not kept."""
    started = time.perf_counter()
    for _ in range(warmup):
        fn()
    repeats = adapted_repeats(repeats, (time.perf_counter() - started) / warmup if warmup else None)
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def pg_admin_dsn(url: str) -> tuple[dict, str]:
    """psycopg2 keyword arguments for the maintenance database, and the bench database's name."""
    from urllib.parse import urlparse

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name.startswith("bench_"):
        raise SystemExit(f"refusing to drop {name!r}: the bench database's name must start with bench_")
    return {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": parsed.username or "postgres",
        "password": parsed.password or None,
        "dbname": "postgres",
    }, name


def fresh_postgres(url: str) -> None:
    import psycopg2

    kwargs, name = pg_admin_dsn(url)
    connection = psycopg2.connect(**kwargs)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def fresh_sqlite() -> None:
    DATA_DIR.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt_portal.settings")
    os.environ.setdefault("DEBUG", "false")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_bench_users(*, load: bool = False) -> None:
    """The people the benchmarks sign in as (or the 20 of the load test), with their roles."""
    from django.contrib.auth import get_user_model

    from units.models import District
    from units.services import assign_role

    User = get_user_model()
    if load:
        wanted = {load_username(number): ("staff", LOAD_DISTRICT) for number in range(1, LOAD_USERS + 1)}
    else:
        wanted = dict(USERS)
    districts = {district.code: district for district in District.objects.filter(
        code__in={code for _role, code in wanted.values() if code})}
    hashed = None
    for username, (role, district_code) in wanted.items():
        user, _created = User.objects.get_or_create(username=username, defaults={"first_name": username})
        if hashed is None:
            user.set_password(PASSWORD)
            hashed = user.password
        user.password = hashed
        user.save(update_fields=["password"])
        assign_role(user=user, role=role, district=districts.get(district_code))


def province_districts():
    """Every synthetic district of the 1 → 13 → 100 (→ 700) steps; not the wide one (seed 9)."""
    from units.models import District

    return District.objects.filter(code__startswith="S").exclude(code__startswith=f"S{WIDE['seed']}-")
