"""Reproduce bench/RESULTS.md with one command:

    .venv/bin/python bench/run.py            # everything: SQLite and PostgreSQL at 1, 13, 100
                                             # districts, the load test, the national size (~25 min)
    .venv/bin/python bench/run.py --quick    # a smoke run: 1 and 13 districts, 3 repeats, 15 s of load

It builds every database fresh — SQLite in bench/.data/bench.sqlite3, PostgreSQL in the
database `bench_dvctt` on 127.0.0.1:5432 (BENCH_PG_URL to change it; its name must start with
bench_ because it is dropped) — migrates, loads the Đức Thọ reference data, grows the synthetic
data with `manage.py generate_synthetic`, measures (bench/measure.py), runs the load test
(bench/load.py), then grows PostgreSQL to 700 districts and measures once more. It writes the
raw figures to bench/.data/*.json and the report to bench/RESULTS.md (bench/report.py), whose
notes come from bench/notes.md. Not part of the test suite.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402


LOAD_PAUSE = 1.0  # seconds a person reads before the next click, on average (0.5–1.5 s)


def machine() -> dict:
    def read(path):
        try:
            return Path(path).read_text()
        except OSError:
            return ""

    cpu = next((line.split(":", 1)[1].strip() for line in read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    memory = next((line.split()[1] for line in read("/proc/meminfo").splitlines() if line.startswith("MemTotal")), None)
    versions = subprocess.run(
        [str(common.PYTHON), "-c",
         "import django, openpyxl, gunicorn, psycopg2; print(django.get_version(), openpyxl.__version__, "
         "gunicorn.__version__, psycopg2.__version__.split()[0])"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(int(memory) / 1024 / 1024, 1) if memory else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": versions[0],
        "openpyxl": versions[1],
        "gunicorn": versions[2],
        "psycopg2": versions[3],
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "commit": commit(),
    }


def commit() -> str:
    """The commit measured (`-dirty` when the tree has uncommitted changes)."""
    described = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=common.ROOT, capture_output=True, text=True)
    if described.returncode == 0 and described.stdout.strip():
        return described.stdout.strip()
    marker = common.BENCH_DIR / ".commit"  # a copy made with `git archive` says where it came from
    return marker.read_text().strip() if marker.exists() else "unknown"


def step(title: str, command: list[str], env: dict | None = None) -> float:
    print(f"\n=== {title}\n$ {' '.join(command)}", flush=True)
    started = time.perf_counter()
    subprocess.run(command, cwd=common.ROOT, check=True, env={**os.environ, **(env or {})})
    elapsed = time.perf_counter() - started
    print(f"=== {title}: {elapsed:.0f} s", flush=True)
    return elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1 and 13 districts, 3 repeats, 15 s load, no national size")
    parser.add_argument("--no-national", action="store_true", help="skip growing PostgreSQL to 700 districts")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load test")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--results", default=str(common.BENCH_DIR / "RESULTS.md"))
    args = parser.parse_args(argv)
    sizes = "1,13" if args.quick else "1,13,100"
    repeats = "3" if args.quick else "5"
    duration = "15" if args.quick else "60"
    python = str(common.PYTHON)
    common.DATA_DIR.mkdir(exist_ok=True)
    started = time.perf_counter()
    info = {"machine": machine(), "quick": args.quick, "steps": {}}
    for database in args.databases.split(","):
        out = common.DATA_DIR / f"{database}.json"
        info["steps"][database] = step(
            f"measure {database}",
            [python, "bench/measure.py", "--database", database, "--sizes", sizes, "--repeats", repeats, "--out", str(out)],
        )
    if "postgresql" in args.databases and not args.no_load:
        # Issue 20: the worker count is chosen by measurement (the same load at each count), then
        # 20 people with a pause between clicks (the month-end peak) and without (capacity).
        sweep_out = common.DATA_DIR / "load_sweep.json"
        info["steps"]["load sweep"] = step(
            "load test: workers", [python, "bench/load.py", "--sweep", "2,3,4,5,6,8", "--duration", "10" if args.quick else "20",
                                   "--out", str(sweep_out)])
        workers = str(json.loads(sweep_out.read_text())["chosen_workers"])
        info["steps"]["load"] = step(
            "load test: people", [python, "bench/load.py", "--duration", duration, "--workers", workers,
                                  "--pause", str(LOAD_PAUSE), "--out", str(common.DATA_DIR / "load.json")]
        )
        info["steps"]["load capacity"] = step(
            "load test: no pauses", [python, "bench/load.py", "--duration", duration, "--workers", workers,
                                     "--out", str(common.DATA_DIR / "load_capacity.json")]
        )
    national = common.DATA_DIR / "national.json"
    national.unlink(missing_ok=True)
    if "postgresql" in args.databases and not (args.quick or args.no_national):
        info["steps"]["national"] = step(
            "national size (PostgreSQL)",
            [python, "bench/measure.py", "--database", "postgresql", "--national", "--repeats", "3", "--out", str(national)],
        )
    info["total_seconds"] = time.perf_counter() - started
    (common.DATA_DIR / "run.json").write_text(json.dumps(info, indent=1))
    step("report", [python, "bench/report.py", "--out", args.results])


if __name__ == "__main__":
    main()
