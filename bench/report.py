"""Write bench/RESULTS.md from the figures in bench/.data/*.json and the notes in bench/notes.md.

    .venv/bin/python bench/report.py [--out bench/RESULTS.md]

`bench/run.py` calls it last; run it alone to re-render without measuring again.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

OK, MISS = "✓", "✗"
PAGES = [
    "overview", "unit dashboard", "year-end page", "completeness page", "year-end workbook", "overview workbook", "api progress",
    "entry index", "entry grid (GET)", "entry grid (POST)", "template (one commune)", "import preview",
    "import confirm",
]
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def load(name):
    path = common.DATA_DIR / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def ms(value):
    if value is None:
        return "—"
    return f"{value:,.0f} ms" if value >= 100 else f"{value:,.1f} ms"


def mib(value):
    return "—" if value is None else f"{value / 1024 / 1024:,.1f} MiB"


def ratio(a, b):
    return None if not a or not b else a / b


def x(value):
    return "—" if value is None else f"{value:,.1f} ×"


def num(value):
    return "—" if value is None else f"{value:,}"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def size_table(report) -> str:
    sizes = report["sizes"]
    header = ["", *[f"{s['size']} district{'s' if s['size'] > 1 else ''}" for s in sizes]]

    def row(label, fn):
        cells = []
        for entry in sizes:
            try:
                cells.append(fn(entry))
            except (KeyError, TypeError):
                cells.append("—")
        return [label, *cells]

    rows = [
        row("units · procedures · count rows", lambda s: f"{s['units']:,} · {s['procedures']:,} · {s['counts']:,}"),
        row("generate_synthetic (districts added)", lambda s: f"{s['generate_seconds']:.1f} s ({s['generated_districts']})"),
        row("**district overview page**", lambda s: ms(s["pages"]["overview"]["ms"])),
        row("floor: one raw `GROUP BY` for the district", lambda s: ms(s["overview_floor"]["ms"])),
        row("page ÷ floor", lambda s: x(ratio(s["pages"]["overview"]["ms"], s["overview_floor"]["ms"]))),
        row("engine only: `compute_progress` (3 queries) ÷ floor",
            lambda s: f"{ms(s['engine_district']['ms'])} · {x(ratio(s['engine_district']['ms'], s['overview_floor']['ms']))}"),
        row("**province: `compute_progress_many` over every district**",
            lambda s: f"{ms(s['province']['ms'])} ({s['province']['districts']} districts, {s['province']['units']:,} units, {s['province']['queries']} queries)"),
        row("floor: one raw `GROUP BY` over the province", lambda s: ms(s["province_floor"]["ms"])),
        row("province ÷ floor", lambda s: x(ratio(s["province"]["ms"], s["province_floor"]["ms"]))),
        row("**unit dashboard**", lambda s: ms(s["pages"]["unit dashboard"]["ms"])),
        row("**year-end workbook** (rows · cells)",
            lambda s: f"{ms(s['workbook']['ms'])} ({s['workbook']['rows']:,} · {s['workbook']['cells']:,})"),
        row("floor: openpyxl write-only, the same cells and formats, no database",
            lambda s: f"{ms(s['workbook']['floor_ms'])} ({s['workbook']['styles']} formats)"),
        row("workbook ÷ floor", lambda s: x(ratio(s["workbook"]["ms"], s["workbook"]["floor_ms"]))),
        row("… ÷ the same values without formats", lambda s: f"{x(ratio(s['workbook']['ms'], s['workbook']['values_floor_ms']))} "
            f"({ms(s['workbook']['values_floor_ms'])})"),
        row("workbook peak memory (tracemalloc) · floor's · values-only floor's",
            lambda s: f"{mib(s['workbook']['peak_bytes'])} · {mib(s['workbook']['floor_peak_bytes'])} · "
                      f"{mib(s['workbook']['values_floor_peak_bytes'])}"),
        row("entry grid page, GET (rows shown)",
            lambda s: f"{ms(s['pages']['entry grid (GET)']['ms'])} ({s['pages']['entry grid (GET)']['rows']:,})"),
        row("**grid save, POST of 120 rows**", lambda s: ms(s["grid_save"]["ms"])),
        row("grid save: statements in `save_month` · in the whole request",
            lambda s: f"{s['grid_save']['service_queries']} · {s['grid_save']['page']['queries']}"),
        row("**import a province's month** (districts · rows)",
            lambda s: f"{ms(s['import']['ms'])} ({s['import']['districts']} · {s['import']['rows']:,})"),
        row("import: preview · confirm",
            lambda s: f"{ms(s['import']['preview']['ms'])} · {ms(s['import']['confirm']['ms'])}"),
        row("template download, one commune (rows)",
            lambda s: f"{ms(s['pages']['template (one commune)']['ms'])} ({s['pages']['template (one commune)']['rows']:,})"),
        row("overview · dashboard · year-end · API · entry index", lambda s: " · ".join(
            ms(s["pages"][p]["ms"]) for p in ("overview", "unit dashboard", "year-end page", "api progress", "entry index"))),
    ]
    return table(header, rows)


def query_table(reports) -> str:
    columns = [(LABELS[r["database"]], s) for r in reports for s in r["sizes"]]
    national = load("national")
    if national:
        columns.append(("PostgreSQL", national))
    header = ["page", *[f"{db} {s['size']}" for db, s in columns], "same at every size?"]
    rows = []
    for page in PAGES:
        counts = []
        for db, s in columns:
            counts.append(s["pages"].get(page, {}).get("queries"))
        by_db = {}
        for (db, s), count in zip(columns, counts):
            if count is None:  # not measured at that size (the national size leaves out the writes)
                continue
            # An import's statements follow the file's rows (batches), so only files alike compare.
            rows_in_file = s["import"]["rows"] if page.startswith("import") else None
            by_db.setdefault((db, rows_in_file), set()).add(count)
        same = all(len(values) == 1 for values in by_db.values())
        rows.append([page, *[num(c) for c in counts], OK if same else MISS])
    return table(header, rows)


def targets(reports) -> str:
    by_db = {r["database"]: r for r in reports}
    pg = by_db.get("postgresql")
    rows = []

    def at(report, size):
        return next((s for s in report["sizes"] if s["size"] == size), None) if report else None

    pg13 = at(pg, 13)
    if pg13:
        page = ratio(pg13["pages"]["overview"]["ms"], pg13["overview_floor"]["ms"])
        engine = ratio(pg13["engine_district"]["ms"], pg13["overview_floor"]["ms"])
        rows.append(["overview ≤ 3 × the floor, 13 districts, PostgreSQL", f"page {x(page)}", OK if page <= 3 else MISS])
        rows.append(["… the same for the engine alone (`compute_progress`)", f"{x(engine)}", OK if engine <= 3 else MISS])
    for report in reports:
        measured = [(page, times) for size in report["sizes"] for page, _, _, times in floor_ratios(size) if times]
        if measured:
            page, times = max(measured, key=lambda item: item[1])
            rows.append([f"every page ≤ 2 × its floor page ({LABELS[report['database']]}; issue 20)",
                         f"worst: {page} {x(times)}", OK if times <= FLOOR_TARGET else MISS])
        kept = [(page, times) for size in report["sizes"] for page, (_ms, times) in kept_ratios(size).items() if times]
        if kept:
            page, times = max(kept, key=lambda item: item[1])
            within = sorted({page for page, times in kept if times <= FLOOR_TARGET})
            rows.append([f"… the same pages with their results kept, as a perfect cache would ({LABELS[report['database']]})",
                         f"worst: {page} {x(times)}" + (f"; within 2 × at some size: {', '.join(within)}" if within else ""),
                         OK if times <= FLOOR_TARGET else MISS])
    for report in reports:
        ratios = [ratio(s["workbook"]["ms"], s["workbook"]["floor_ms"]) for s in report["sizes"]]
        worst = max(ratios)
        values = [ratio(s["workbook"]["ms"], s["workbook"]["values_floor_ms"]) for s in report["sizes"]]
        rows.append([f"workbook ≤ 1.5 × write-only floor ({LABELS[report['database']]}, 1 · 13 · 100 districts)",
                     " · ".join(x(r) for r in ratios) + " (floor: same cells and formats; against the values alone: "
                     + " · ".join(x(r) for r in values) + ")", OK if worst <= 1.5 else MISS])
    for report in reports:
        peaks = [s["workbook"]["peak_bytes"] for s in report["sizes"]]
        flat = max(peaks) <= 1.25 * min(peaks)
        cell = " · ".join(mib(p) for p in peaks)
        rows.append([f"workbook memory flat as the data grows ({LABELS[report['database']]})", cell, OK if flat else MISS])
        wide = report.get("wide")
        if wide:
            base = report["sizes"][-1]["workbook"]
            units_ratio = wide["units"] / 32
            growth = wide["peak_bytes"] / base["peak_bytes"]
            rows.append([
                f"workbook memory flat as one district's units grow 32 → {wide['units']} ({LABELS[report['database']]})",
                f"{mib(base['peak_bytes'])} → {mib(wide['peak_bytes'])} ({growth:.1f} × for {units_ratio:.0f} × the units; "
                f"write-only floor {mib(base['floor_peak_bytes'])} → {mib(wide['floor_peak_bytes'])}); "
                f"time {ms(wide['ms'])} = {x(ratio(wide['ms'], wide['floor_ms']))} its floor",
                OK if growth <= 1.25 else MISS,
            ])
    for report in reports:
        counts = [s["grid_save"]["service_queries"] for s in report["sizes"]]
        rows.append([f"grid save ≤ 8 queries ({LABELS[report['database']]}; statements of `save_month`)",
                     " · ".join(map(str, counts)), OK if max(counts) <= 8 else MISS])
    moving = []
    national = load("national")
    for report in reports:
        sizes = list(report["sizes"])
        if national and report["database"] == "postgresql":
            sizes.append(national)
        for page in PAGES:
            by_file = {}
            for s in sizes:
                if page not in s["pages"]:
                    continue
                rows_in_file = s["import"]["rows"] if page.startswith("import") else None
                by_file.setdefault(rows_in_file, set()).add(s["pages"][page]["queries"])
            if any(len(values) > 1 for values in by_file.values()):
                moving.append(f"{page} ({LABELS[report['database']]})")
    rows.append(["every page's query count identical at every size (700 districts included)", "moves: " + ", ".join(moving) if moving else "none moves",
                 MISS if moving else OK])
    for report in reports:
        sizes = list(report["sizes"])
        if national and report["database"] == "postgresql":
            sizes.append(national)
        counts = [s["province"]["queries"] for s in sizes]
        districts = [s["province"]["districts"] for s in sizes]
        rows.append([f"a whole province's progress: queries independent of its districts ({LABELS[report['database']]})",
                     " · ".join(f"{q} for {d}" for q, d in zip(counts, districts)), OK if len(set(counts)) == 1 else MISS])
    load_result = load("load")
    if load_result:
        ok = load_result["errors"] == 0 and load_result["counts_missing"] == 0 and load_result["counts_checked"] > 0
        rows.append([
            f"under load ({load_result['users']} people, {load_result['duration_s']:.0f} s): zero errors, every saved count present",
            f"{load_result['errors']} errors, {load_result['counts_missing']} of {load_result['counts_checked']:,} counts missing; "
            f"{load_result['rps']:.1f} requests/s, p50 {ms(load_result['p50_ms'])}, p95 {ms(load_result['p95_ms'])}",
            OK if ok else MISS,
        ])
        rows.append([
            f"under load: p95 ≤ 300 ms ({load_result['users']} people, {load_result.get('pause_s', 0):g} s between clicks; issue 20)",
            f"p95 {ms(load_result['p95_ms'])} with {load_result['workers']} workers",
            OK if load_result["p95_ms"] <= 300 else MISS,
        ])
    capacity = load("load_capacity")
    if capacity:
        rows.append([
            f"… the same {capacity['users']} people without any pause (capacity; issue 20 asks ≤ 300 ms)",
            f"{capacity['rps']:.1f} requests/s, p95 {ms(capacity['p95_ms'])}, {capacity['errors']} errors "
            f"— bound by {capacity['users']} ÷ requests/s (see Under load)",
            OK if capacity["p95_ms"] <= 300 and capacity["errors"] == 0 else MISS,
        ])
    return table(["target", "measured", ""], rows)


def explain_section(report) -> str:
    explain = report.get("explain")
    if not explain:
        return ""
    language = "" if report["database"] == "postgresql" else ""
    title = "EXPLAIN (ANALYZE, BUFFERS)" if report["database"] == "postgresql" else "EXPLAIN QUERY PLAN"
    parts = [
        f"### {LABELS[report['database']]}: {title} of the progress query, {explain.get('size')} districts, district {common.HOME_DISTRICT}",
        "",
        "The query (`targets.progress.scoped_sums`, as the ORM sends it):",
        "",
        "```sql",
        explain["sql"],
        "```",
        "",
        f"```{language}",
        *explain["plan"],
        "```",
        "",
        "Indexes on `submissions_dossiercount`:",
        "",
        "```sql",
        *report.get("indexes", []),
        "```",
    ]
    return "\n".join(parts)


def _load_run(result) -> list[str]:
    rows = [["all requests", num(result["requests"]), ms(result["p50_ms"]), ms(result["p95_ms"])]]
    for kind, figures in result["by_kind"].items():
        rows.append([kind, num(figures["requests"]), ms(figures["p50_ms"]), ms(figures["p95_ms"])])
    verdict = OK if result["errors"] == 0 and result["counts_missing"] == 0 and result["counts_checked"] else MISS
    generator = (f"; the 20 people's own threads used {result['generator_cores']:.2f} of the 2 cores"
                 if result.get("generator_cores") is not None else "")
    lines = [
        f"- **{result['rps']:.1f} requests per second**, p50 {ms(result['p50_ms'])}, p95 {ms(result['p95_ms'])}{generator}",
        f"- errors: **{result['errors']}** {verdict}; lost-update refusals (409, not errors): {result['conflicts_409']}",
        f"- grid saves: {result['saves']}; afterwards every person's last saved counts were read back: "
        f"{result['counts_checked']:,} checked, {result['counts_missing']} missing",
        "",
        table(["request", "count", "p50", "p95"], rows),
    ]
    if result["error_examples"]:
        lines += ["", "First errors:", "", *[f"- `{error}`" for error in result["error_examples"]]]
    return lines


def load_section(result, capacity=None, sweep=None) -> str:
    if not result:
        return "_The load test was not run._"
    lines = [
        f"`{result['command']}` over PostgreSQL on loopback (development profile, `DEBUG=false`), on the "
        f"database as the PostgreSQL measurements left it (100 districts); {result['users']} district office staff "
        f"of {common.LOAD_DISTRICT} signed in through the login form, each opening a unit dashboard (60 %), the "
        f"overview (10 %) or saving their own commune's November (30 %: grid page, POST, the page again), "
        f"{result['duration_s']:.0f} s of requests (in-flight requests finish). The people are threads of the "
        f"load generator, on the same 2 cores as gunicorn and PostgreSQL. Command: `.venv/bin/python bench/run.py` "
        f"(or `bench/load.py --workers N [--pause S]` on a database it built).",
        "",
    ]
    if sweep:
        lines += [
            "### The worker count, by measurement",
            "",
            f"`bench/load.py --sweep {','.join(str(run['workers']) for run in sweep['runs'])}`: the same 20 people "
            f"without pauses, {sweep['duration_s']:.0f} s at each count; chosen: the most requests per second, the "
            f"lowest p95 among counts within 3 % of it. **Chosen: {sweep['chosen_workers']} workers.**",
            "",
            table(["workers", "requests/s", "p50", "p95", "errors"],
                  [[str(run["workers"]), f"{run['rps']:.1f}", ms(run["p50_ms"]), ms(run["p95_ms"]), str(run["errors"])]
                   for run in sweep["runs"]]),
            "",
        ]
    lines += [
        f"### {result['users']} people at month end: {result.get('pause_s', 0):g} s between clicks on average",
        "",
        f"Each person reads what they opened for 0.5–1.5 s (drawn evenly; mean {result.get('pause_s', 0):g} s) before "
        f"the next click — still far busier than a person typing a month of 120 rows.",
        "",
        *_load_run(result),
    ]
    if capacity:
        mean_bound = capacity["users"] / capacity["rps"] * 1000 if capacity["rps"] else None
        lines += [
            "",
            f"### The same {capacity['users']} people without any pause (capacity)",
            "",
            f"Each sends the next request the moment the last answer arrives, so there are always "
            f"{capacity['users']} requests in the system and, by Little's law, the mean time of a request is "
            f"{capacity['users']} ÷ {capacity['rps']:.1f} requests/s = {ms(mean_bound)}, whatever any page costs; a p95 ≤ "
            f"300 ms here would need about {capacity['users'] / 0.25:.0f} requests per second, i.e. "
            f"≤ {2 / (capacity['users'] / 0.25) * 1000:.0f} ms of both cores per request for gunicorn, PostgreSQL "
            f"and the load generator together.",
            "",
            *_load_run(capacity),
        ]
    return "\n".join(lines)


def national_section(national) -> str:
    if not national:
        return "_Not run (`bench/run.py` without `--quick` / `--no-national` grows PostgreSQL to 700 districts)._"
    s = national
    rows = [
        ["districts · units · procedures · count rows", f"{s['districts']:,} · {s['units']:,} · {s['procedures']:,} · {s['counts']:,}"],
        ["`generate_synthetic --districts 600 --seed 4` (100 → 700)", f"{s['generate_seconds']:.0f} s ({s['generate_seconds'] / s['generated_districts']:.2f} s a district)"],
        ["progress of one district: `compute_progress`", ms(s["engine_district"]["ms"])],
        ["floor: one raw `GROUP BY` for the district", ms(s["overview_floor"]["ms"])],
        ["district overview page", ms(s["pages"]["overview"]["ms"])],
        ["unit dashboard", ms(s["pages"]["unit dashboard"]["ms"])],
        ["the nation: `compute_progress_many` over every district · one raw `GROUP BY`",
         f"{ms(s['province']['ms'])} ({s['province']['queries']} queries) · {ms(s['province_floor']['ms'])}"],
        ["year-end workbook · its floor · peak memory",
         f"{ms(s['workbook']['ms'])} · {ms(s['workbook']['floor_ms'])} · {mib(s['workbook']['peak_bytes'])}"],
        ["year-end page · API · entry index",
         " · ".join(ms(s["pages"][p]["ms"]) for p in ("year-end page", "api progress", "entry index"))],
        ["entry grid GET, one sample (rows shown, bytes)",
         f"{ms(s['pages']['entry grid (GET)']['ms'])} ({s['pages']['entry grid (GET)']['rows']:,} rows, "
         f"{s['pages']['entry grid (GET)']['bytes'] / 1e6:,.0f} MB)"],
    ]
    explain = s.get("explain")
    text = ("Measured once after the rest (3 repeats), reads only: the grid saves, the import and the "
            "template are left out at this size.\n\n" + table(["PostgreSQL, 700 districts", ""], rows))
    if explain:
        text += "\n\nThe progress query's plan at 700 districts:\n\n```\n" + "\n".join(explain["plan"]) + "\n```"
    return text


# Issue 20: each page against the floor page (an empty signed-in page) plus the page's own
# aggregated query — the district's GROUP BY for the reports, the unit-month's counts for the grid.
FLOOR_PAGES = [
    ("overview", "overview_floor"), ("unit dashboard", "overview_floor"), ("year-end page", "overview_floor"),
    ("completeness page", "overview_floor"), ("entry index", "overview_floor"),
    ("entry grid (GET)", "grid_floor"), ("entry grid (POST)", "grid_floor"),
]
FLOOR_TARGET = 2.0


def floor_ratios(size: dict) -> list[tuple[str, float, float, float | None]]:
    """(page, page ms, floor ms, ratio) for each page measured at this size with a floor page."""
    floor_page = size.get("floor_page")
    if not floor_page:
        return []
    rows = []
    for page, query in FLOOR_PAGES:
        measured = size.get("pages", {}).get(page)
        if not measured or measured.get("single_sample"):
            continue
        floor = floor_page["ms"] + (size.get(query) or {}).get("ms", 0)
        rows.append((page, measured["ms"], floor, ratio(measured["ms"], floor)))
    return rows


def kept_ratios(size: dict) -> dict[str, tuple[float, float | None]]:
    """{page: (ms, ratio to its floor)} of the pages timed with their results kept (a perfect
    cache of results, bench/measure.py `page_with_results_kept`)."""
    floors = {page: floor for page, _page_ms, floor, _times in floor_ratios(size)}
    return {page: (kept["ms"], ratio(kept["ms"], floors[page]))
            for page, kept in (size.get("results_kept") or {}).items() if page in floors}


def floor_section(reports) -> str:
    out = []
    for report in reports:
        header = ["page", *[f"{size['size']} district{'s' if size['size'] > 1 else ''}" for size in report["sizes"]]]
        by_page, kept_by_page = {}, {}
        for size in report["sizes"]:
            kept = kept_ratios(size)
            for page, page_ms, floor_ms, times in floor_ratios(size):
                by_page.setdefault(page, []).append(f"{ms(page_ms)} ÷ {ms(floor_ms)} = {x(times)}"
                                                    + ("" if times is None or times <= FLOOR_TARGET else " ✗"))
                kept_ms, kept_times = kept.get(page, (None, None))
                kept_by_page.setdefault(page, []).append(
                    "—" if kept_ms is None else f"{ms(kept_ms)} = {x(kept_times)}"
                    + ("" if kept_times is None or kept_times <= FLOOR_TARGET else " ✗"))
        if not by_page:
            continue
        floor = [size.get("floor_page", {}).get("ms") for size in report["sizes"]]
        rows = [[page, *cells] for page, cells in by_page.items()]
        if any(cell != "—" for cells in kept_by_page.values() for cell in cells):
            rows += [[f"{page}, its results kept", *cells] for page, cells in kept_by_page.items()
                     if any(cell != "—" for cell in cells)]
        out += [f"### {LABELS[report['database']]}", "",
                f"Floor page (`/password/`, signed in): {' · '.join(ms(value) for value in floor)}.", "",
                table(header, rows), ""]
    return "\n".join(out) if out else "Not measured in this run."


def render() -> str:
    run = load("run") or {}
    reports = [r for r in (load("sqlite"), load("postgresql")) if r]
    machine = run.get("machine", {})
    versions = {r["database"]: r["versions"]["server"] for r in reports}
    out = [
        "# Benchmarks",
        "",
        "Produced by `.venv/bin/python bench/run.py`"
        + (" --quick" if run.get("quick") else "")
        + f" on {machine.get('date', '?')}, in {run.get('total_seconds', 0) / 60:.0f} minutes. "
        "Every time is the median of 5 runs after a warm-up run (15 for anything under 100 ms, 3 for "
        "anything over 5 s), "
        "measured through Django's test client (middleware, session, templates — everything but the "
        "socket); query counts are SQL statements from `CaptureQueriesContext`, transaction control "
        "(BEGIN/COMMIT, which only SQLite's driver logs) left out. The databases are built fresh, "
        "then grown 1 → 13 → 100 districts with `manage.py generate_synthetic` (seeds 1, 2, 3) on top of "
        "the Đức Thọ reference data; `VACUUM ANALYZE` / `ANALYZE` after each step. The overview, dashboard "
        f"and workbooks are those of district {common.HOME_DISTRICT} seen by its Home Affairs officer; "
        "\"the province\" is every synthetic district.",
        "",
        "## Machine",
        "",
        table(["", ""], [
            ["code measured", f"commit `{machine.get('commit', '?')}`"],
            ["CPU", f"{machine.get('cpu', '?')}, {machine.get('nproc', '?')} cores (`nproc`)"],
            ["memory", f"{machine.get('memory_gib', '?')} GiB"],
            ["system", machine.get("os", "?")],
            ["Python · Django · openpyxl · gunicorn · psycopg2",
             f"{machine.get('python', '?')} · {machine.get('django', '?')} · {machine.get('openpyxl', '?')} · "
             f"{machine.get('gunicorn', '?')} · {machine.get('psycopg2', '?')}"],
            ["SQLite", versions.get("sqlite", "—")],
            ["PostgreSQL", f"{versions.get('postgresql', '—')} on loopback, default settings"],
        ]),
        "",
        "## Targets",
        "",
        targets(reports),
        "",
    ]
    for report in reports:
        out += [f"## {LABELS[report['database']]}", "", size_table(report), ""]
    out += [
        "## Pages against the floor page (issue 20)",
        "",
        "Each page's median time against the floor: the empty signed-in page (`/password/`: session, person, "
        "middleware, the base template) plus the page's own aggregated query (the district's `GROUP BY` for the "
        "reports, the unit-month's counts for the grid), both timed in the same run. Target: ≤ 2 ×.",
        "",
        "*… its results kept*: the same page timed as if every result it computes were kept between requests — "
        "each function that computes one (the engine's progress, completeness, the reporting cycle, the trend, "
        "the months and procedures behind a unit's figures) answers with what it returned on the first request. "
        "It is what a perfect cache of results would leave: access, forms, what the page reads that is not a "
        "result, and writing the HTML (the page's size is checked to be the same).",
        "",
        floor_section(reports),
        "",
        "## Queries per page",
        "",
        "SQL statements of one request of each page (the import pages: a province's month, 1 district's "
        "rows at size 1, 13 districts' at every larger size).",
        "",
        query_table(reports),
        "",
        "## The progress query's plan",
        "",
    ]
    for report in reversed(reports):
        out += [explain_section(report), ""]
    out += ["## Under load", "", load_section(load("load"), load("load_capacity"), load("load_sweep")), "", "## National size", "", national_section(load("national")), ""]
    notes = common.BENCH_DIR / "notes.md"
    if notes.exists():
        out += [notes.read_text().strip(), ""]
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(common.BENCH_DIR / "RESULTS.md"))
    args = parser.parse_args(argv)
    Path(args.out).write_text(render())
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
