"""A bounded load test: gunicorn over PostgreSQL on loopback, 20 people for 60 seconds.

    .venv/bin/python bench/load.py [--users 20] [--duration 60] [--workers 2] [--pause SECONDS] [--out FILE.json]
    .venv/bin/python bench/load.py --sweep 2,3,4,5,6,8 [--duration 20]   # which worker count

Runs against the bench database that `bench/run.py` (or `bench/measure.py --database
postgresql`) built: BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/bench_dvctt.
It starts `gunicorn dvctt_portal.wsgi --workers N --bind 127.0.0.1:8099` (N = 2 by default: what `--sweep` chose on 2 cores),
signs in 20 district office staff of district S2-001 through the login form (CSRF token and
cookies, correct passwords only, so django-axes never locks anyone out), and lets each of them,
until the time is up, open a unit dashboard (60 %), the district overview (10 %) or save a
month of the entry grid (30 %: open the grid, post it, follow the redirect as a browser does).
With `--pause S` each person reads what they opened before the next click: a pause drawn
evenly between 0.5 S and 1.5 S after each dashboard, overview or saved grid (the month-end
peak as people make it); without it (0, the default) each sends the next request the moment
the last answer arrives, and the figures are the stack's capacity: by Little's law the mean
time of a request is then 20 ÷ (requests per second), whatever the pages cost.
Every person saves their own commune-month, so lost-update protection has nothing to refuse;
a 409 would be counted apart, not as an error. Afterwards it checks that the last saved
numbers of every person are in the database, stops gunicorn, and prints the figures.
Only 127.0.0.1 is ever contacted.
"""

import argparse
import http.client
import json
import os
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import LOAD_DISTRICT, YEAR  # noqa: E402

HOST = "127.0.0.1"
LOAD_MONTH = 11  # each person saves November 2020 of their own commune
MIX = [("dashboard", 60), ("overview", 10), ("grid save", 30)]


class Browser:
    """One person's cookies over plain http.client; one connection per request (gunicorn's
    sync workers close the connection after each response anyway)."""

    def __init__(self, port: int, timeout: float = 120):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "dvctt-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.getheader("Location"), content
        finally:
            connection.close()

    def login(self, username: str, password: str) -> None:
        status, _location, content = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or token is None:
            raise RuntimeError(f"login page answered {status}")
        status, location, _content = self.request(
            "POST", "/login/",
            {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password, "next": ""},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"{username} could not sign in ({status})")


class Person(threading.Thread):
    def __init__(self, *, number: int, port: int, plan: dict, deadline_holder: dict, start: threading.Event, seed: int,
                 pause: float = 0):
        super().__init__(daemon=True)
        self.number = number
        self.pause = pause
        self.browser = Browser(port)
        self.plan = plan
        self.deadline_holder = deadline_holder
        self.start_event = start
        self.random = random.Random(seed)
        self.samples: list[tuple[str, float, int]] = []  # (kind, seconds, status)
        self.errors: list[str] = []
        self.conflicts = 0
        self.saves = 0
        self.expected: dict[int, tuple[int, int]] | None = None
        self.logged_in = threading.Event()

    def timed(self, kind, method, path, form=None, expect=(200,)):
        started = time.perf_counter()
        try:
            status, location, content = self.browser.request(method, path, form)
        except Exception as error:  # a refused or broken connection is an error like any other
            self.samples.append((kind, time.perf_counter() - started, 0))
            self.errors.append(f"{kind} {path}: {error!r}")
            return None, None, b""
        self.samples.append((kind, time.perf_counter() - started, status))
        if status not in expect and status != 409:
            self.errors.append(f"{kind} {path}: HTTP {status}")
        return status, location, content

    def save_grid(self, iteration: int):
        url = self.plan["grid_url"]
        status, _location, content = self.timed("grid page", "GET", url)
        if status != 200:
            return
        version = re.search(rb'name="version"[^>]*value="([^"]*)"', content) or re.search(
            rb'value="([^"]*)"[^>]*name="version"', content)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if version is None or token is None:
            self.errors.append("grid page without version or CSRF token")
            return
        form = {"csrfmiddlewaretoken": token.group(1).decode(), "version": version.group(1).decode()}
        values = {}
        for pk in self.plan["procedures"]:
            total = 1 + (pk + iteration) % 17
            online = (total * (pk % 4)) // 4
            form[f"p{pk}_total"], form[f"p{pk}_online"] = str(total), str(online)
            values[pk] = (total, online)
        status, location, content = self.timed("grid post", "POST", url, form, expect=(200, 302))
        if status == 200:  # unusual values (issue 15): the person looks at them, ticks them and saves again
            ticked = re.findall(rb'name="((?:p\d+|month)_checked)" value="([^"]*)"', content)
            form.update({name.decode(): value.decode() for name, value in ticked})
            status, location, _content = self.timed("grid post", "POST", url, form, expect=(302,))
        if status == 409:
            self.conflicts += 1
        elif status == 302:
            self.saves += 1
            self.expected = values
            self.timed("grid page", "GET", urllib.parse.urlsplit(location).path)

    def run(self):
        try:
            self.browser.login(self.plan["username"], common.PASSWORD)
        except Exception as error:
            self.errors.append(f"login: {error!r}")
            self.logged_in.set()
            return
        self.logged_in.set()
        self.start_event.wait()
        iteration = 0
        kinds, weights = zip(*MIX)
        while time.perf_counter() < self.deadline_holder["deadline"]:
            kind = self.random.choices(kinds, weights)[0]
            if kind == "dashboard":
                code = self.random.choice(self.plan["units"])
                self.timed("dashboard", "GET", f"/units/{code}/?year={YEAR}&through=9")
            elif kind == "overview":
                self.timed("overview", "GET", f"/overview/?year={YEAR}&through=9")
            else:
                iteration += 1
                self.save_grid(iteration)
            if self.pause:
                rest = self.deadline_holder["deadline"] - time.perf_counter()
                time.sleep(max(0.0, min(rest, self.random.uniform(0.5, 1.5) * self.pause)))


def start_gunicorn(url: str, *, workers: int, port: int, log_path: Path) -> subprocess.Popen:
    env = dict(os.environ)
    # Development profile (plain http), but workers keep their connection as in production.
    env.update(DATABASE_URL=url, DJANGO_PROFILE="development", DEBUG="false", DATABASE_CONN_MAX_AGE="600",
               ALLOWED_HOSTS=f"{HOST},localhost", LOG_LEVEL="WARNING")
    gunicorn = Path(common.PYTHON).parent / "gunicorn"
    command = [str(gunicorn), "dvctt_portal.wsgi", "--workers", str(workers),
               "--bind", f"{HOST}:{port}", "--timeout", "120", "--log-level", "warning"]
    log = open(log_path, "w")
    process = subprocess.Popen(command, cwd=common.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    probe = Browser(port, timeout=5)
    for _ in range(120):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            if probe.request("GET", "/login/")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.5)
    stop_gunicorn(process)
    raise SystemExit(f"gunicorn did not answer on {HOST}:{port}; see {log_path}")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # the arbiter stops its own workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def plans(users: int) -> list[dict]:
    """Who signs in, which commune-month each saves, which rows (the unit's own 120)."""
    from django.db.models import Q

    from submissions.models import Procedure
    from units.models import Unit

    common.create_bench_users(load=True)
    units = list(Unit.objects.filter(district__code=LOAD_DISTRICT, is_active=True).values_list("code", flat=True))
    result = []
    for number in range(1, users + 1):
        unit = Unit.objects.get(code=f"{LOAD_DISTRICT}-X{number:03d}")
        procedures = list(
            Procedure.objects.for_entry(unit, YEAR)
            .filter(Q(authority="commune") | Q(department__district_id=unit.district_id))
            .order_by("pk").values_list("pk", flat=True)
        )
        result.append({
            "username": common.load_username(number),
            "unit_id": unit.pk,
            "grid_url": f"/entry/{unit.code}/{YEAR}/{LOAD_MONTH}/",
            "procedures": procedures,
            "units": units,
        })
    return result


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return None
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summarise(samples) -> dict:
    seconds = [s for _kind, s, _status in samples]
    return {
        "requests": len(samples),
        "p50_ms": (statistics.median(seconds) * 1000) if seconds else None,
        "p95_ms": (percentile(seconds, 0.95) * 1000) if seconds else None,
    }


def run(*, url: str, users: int, duration: float, workers: int, port: int, pause: float = 0) -> dict:
    common.setup_django(url)
    from django.db import connection

    from submissions.models import DossierCount

    people_plans = plans(users)
    common.DATA_DIR.mkdir(exist_ok=True)
    log_path = common.DATA_DIR / "gunicorn.log"
    process = start_gunicorn(url, workers=workers, port=port, log_path=log_path)
    connection.close()
    try:
        start = threading.Event()
        holder = {"deadline": float("inf")}
        people = [
            Person(number=n, port=port, plan=plan, deadline_holder=holder, start=start, seed=n, pause=pause)
            for n, plan in enumerate(people_plans, start=1)
        ]
        for person in people:
            person.start()
        for person in people:
            person.logged_in.wait(timeout=300)
        began = time.perf_counter()
        generator_cpu = resource.getrusage(resource.RUSAGE_SELF)
        holder["deadline"] = began + duration
        start.set()
        for person in people:
            person.join(timeout=duration + 300)
        elapsed = time.perf_counter() - began
        generator_used = resource.getrusage(resource.RUSAGE_SELF)
        generator_cpu_s = (generator_used.ru_utime + generator_used.ru_stime
                           - generator_cpu.ru_utime - generator_cpu.ru_stime)
    finally:
        stop_gunicorn(process)

    samples = [sample for person in people for sample in person.samples]
    errors = [error for person in people for error in person.errors]
    missing = 0
    checked = 0
    for person, plan in zip(people, people_plans):
        if person.expected is None:
            continue
        saved = dict(
            (pk, (total, online))
            for pk, total, online in DossierCount.objects.filter(unit_id=plan["unit_id"], year=YEAR, month=LOAD_MONTH)
            .values_list("procedure_id", "total", "online")
        )
        for pk, values in person.expected.items():
            checked += 1
            if saved.get(pk) != values:
                missing += 1
    by_kind = {}
    for kind in sorted({kind for kind, _s, _status in samples}):
        by_kind[kind] = summarise([sample for sample in samples if sample[0] == kind])
    return {
        "users": users,
        "workers": workers,
        "pause_s": pause,
        "duration_s": duration,
        "elapsed_s": elapsed,
        **summarise(samples),
        "rps": len(samples) / elapsed if elapsed else None,
        # The 20 people are threads of this process, on the same 2 cores as gunicorn and PostgreSQL.
        "generator_cores": generator_cpu_s / elapsed if elapsed else None,
        "by_kind": by_kind,
        "errors": len(errors),
        "error_examples": errors[:10],
        "conflicts_409": sum(person.conflicts for person in people),
        "saves": sum(person.saves for person in people),
        "counts_checked": checked,
        "counts_missing": missing,
        "command": f"gunicorn dvctt_portal.wsgi --workers {workers} --bind {HOST}:{port}",
    }


def sweep(*, url: str, users: int, duration: float, port: int, worker_counts: list[int]) -> dict:
    """The same load without pauses at each worker count; the choice is the count with the most
    requests per second, the lowest p95 breaking a tie within 3 % (more workers past the cores
    only add memory and switching once the database waits are covered)."""
    runs = [run(url=url, users=users, duration=duration, workers=workers, port=port) for workers in worker_counts]
    best = max(run_result["rps"] for run_result in runs)
    close = [run_result for run_result in runs if run_result["rps"] >= 0.97 * best]
    chosen = min(close, key=lambda run_result: (run_result["p95_ms"], run_result["workers"]))
    return {"duration_s": duration, "users": users, "chosen_workers": chosen["workers"],
            "runs": [{key: run_result[key] for key in ("workers", "rps", "p50_ms", "p95_ms", "errors", "counts_missing")}
                     for run_result in runs]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=common.PG_URL)
    parser.add_argument("--users", type=int, default=common.LOAD_USERS)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--pause", type=float, default=0, help="mean seconds a person reads before the next click")
    parser.add_argument("--sweep", help="worker counts to try, e.g. 2,3,4,5,6,8: each runs without pauses")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    if args.users > common.LOAD_USERS:
        raise SystemExit(f"at most {common.LOAD_USERS} users (one commune each)")
    if args.sweep:
        result = sweep(url=args.url, users=args.users, duration=args.duration, port=args.port,
                       worker_counts=[int(each) for each in args.sweep.split(",")])
    else:
        result = run(url=args.url, users=args.users, duration=args.duration, workers=args.workers, port=args.port,
                     pause=args.pause)
    text = json.dumps(result, indent=1)
    if args.out:
        Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
