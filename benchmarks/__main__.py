"""`python -m benchmarks [all|queues|stats|generate] [--scale small|full] [--database-url URL]`,
`python -m benchmarks http` (benchmarks/http.py), `python -m benchmarks import` (importing.py).

Sets Django up against the benchmark database (PostgreSQL), migrates, generates the data sets
once (a marker table remembers them), runs the scenarios, prints a table and writes JSON to
`benchmarks/out/`. Every timing is reported with its ratio to a baseline taken in the same run.
See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_bench"
OUT = Path(__file__).resolve().parent / "out"
SCALES: dict[str, dict[str, int]] = {
    "small": {"queue_dossiers": 200_000, "stats_dossiers": 1_000_000, "units": 50},
    "full": {"queue_dossiers": 1_000_000, "stats_dossiers": 10_000_000, "units": 250},
}
QUEUE_PREFIX, STATS_PREFIX = "BQ", "BS"
STATS_START, STATS_END = dt.date(2023, 1, 1), dt.date(2025, 12, 31)
REPORT_FROM, REPORT_TO = dt.date(2025, 1, 1), dt.date(2025, 6, 30)


def _timed(fn: Callable[..., Any], runs: int, warm: int = 2) -> tuple[list[float], Any]:
    result = None
    for _ in range(warm):
        result = fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return times, result


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "runs": len(ordered),
    }


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _marker(name: str) -> dict[str, Any] | None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("CREATE TABLE IF NOT EXISTS bench_marker (name text PRIMARY KEY, info text)")
        c.execute("SELECT info FROM bench_marker WHERE name = %s", [name])
        row = c.fetchone()
    return json.loads(row[0]) if row else None


def _set_marker(name: str, info: dict[str, Any]) -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute(
            "INSERT INTO bench_marker VALUES (%s, %s) "
            "ON CONFLICT (name) DO UPDATE SET info = EXCLUDED.info",
            [name, json.dumps(info, default=str)],
        )


def ensure_data(scale: str) -> dict[str, Any]:
    """Generate the queue and statistics data sets of this scale unless their marker exists."""
    from django.utils import timezone

    from benchmarks.generate import VN, generate

    cfg = SCALES[scale]
    info: dict[str, Any] = {}
    today = timezone.localdate()
    for prefix, count, start, end, now in (
        (
            QUEUE_PREFIX,
            cfg["queue_dossiers"],
            today - dt.timedelta(days=3 * 365),
            today,
            timezone.now(),
        ),
        (
            STATS_PREFIX,
            cfg["stats_dossiers"],
            STATS_START,
            STATS_END,
            dt.datetime.combine(STATS_END, dt.time(17, 0), VN),
        ),
    ):
        name = f"data:{prefix}:{scale}"
        got = _marker(name)
        if got is None:
            if _marker(f"data:{prefix}:{'full' if scale == 'small' else 'small'}"):
                raise SystemExit(
                    f"The database already holds the other scale's {prefix} data set: use "
                    "another --database-url (e.g. motcua_bench_full) or drop the database."
                )
            print(f"… generating {count:,} dossiers ({prefix}, {cfg['units']} units)", flush=True)
            got = generate(
                dossiers=count, units=cfg["units"], prefix=prefix, start=start, end=end, now=now
            )
            _set_marker(name, got)
            _set_marker("rollups", {})  # the rollups no longer cover every dossier
        info[prefix] = got
    return info


def ensure_rollups() -> dict[str, Any]:
    from django.db import connection

    from motcua.reports.models import RollupMeta
    from motcua.reports.services import rollup_rebuild

    got = _marker("rollups")
    meta = RollupMeta.objects.filter(key="bieu06").first()
    if got and meta is not None and meta.month_horizon is not None:
        return got
    print("… building the rollups (full rebuild)", flush=True)
    t = time.perf_counter()
    n = rollup_rebuild()
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM reports_dailyflow")
        flows = c.fetchone()[0]
        c.execute("SELECT count(*) FROM reports_monthlyflow")
        months = c.fetchone()[0]
    got = {
        "footprints": n,
        "daily_flows": flows,
        "monthly_flows": months,
        "rebuild_s": round(time.perf_counter() - t, 1),
    }
    _set_marker("rollups", got)
    return got


# ------------------------------------------------------------------------------------------
# Queues
# ------------------------------------------------------------------------------------------


def run_queues(scale: str, runs: int) -> dict[str, Any]:
    from django.test import Client

    from benchmarks.generate import largest_unit
    from motcua.accounts.models import User
    from motcua.dossiers import selectors
    from motcua.dossiers.models import Dossier
    from motcua.organisation.constants import Role
    from motcua.organisation.models import Membership

    unit = largest_unit(QUEUE_PREFIX)
    users = {}
    for role in (str(Role.RECEIVER), str(Role.SPECIALIST)):
        user, _ = User.objects.get_or_create(
            username=f"bench-{role}", defaults={"full_name": f"Bench {role}"}
        )
        Membership.objects.get_or_create(user=user, unit=unit, role=role)
        users[role] = user

    def deep_cursor(user: Any, name: str, hops: int = 20) -> tuple[str | None, int]:
        after = None
        depth = 0
        for _ in range(hops):
            page = selectors.queue(user, name, after=after)
            if page.next_cursor is None:
                break
            after = page.next_cursor
            depth += len(page.rows)
        return after, depth

    client = Client(HTTP_HOST="127.0.0.1")
    results: dict[str, Any] = {
        "unit": unit.code,
        "unit_dossiers": Dossier.objects.filter(unit=unit).count(),
    }
    base_times, response = _timed(lambda: client.get("/healthz"), runs, warm=5)
    assert response.status_code == 200, response.status_code
    results["baseline /healthz"] = _summary(base_times)
    base = results["baseline /healthz"]["median_ms"]
    cases = [("receiver", "to_receive"), ("specialist", "overdue"), ("specialist", "due_soon")]
    for role, name in cases:
        client.force_login(users[role])
        open_rows = selectors._queue_base(
            users[role], name, dt.datetime.now(dt.UTC), selectors._Scope.of(users[role])
        ).count()
        cursor, depth = deep_cursor(users[role], name)
        pages = [("first page", f"/hang-doi/{name}/")]
        if cursor:
            pages.append((f"deep page (after {depth} rows)", f"/hang-doi/{name}/?sau={cursor}"))
        for label, url in pages:
            times, response = _timed(lambda url=url: client.get(url), runs, warm=3)
            assert response.status_code == 200, (url, response.status_code)
            s = _summary(times)
            s["ratio_to_baseline"] = round(s["median_ms"] / base, 1)
            s["queue_rows"] = open_rows
            results[f"{role} {name} {label}"] = s
        client.logout()
    return results


# ------------------------------------------------------------------------------------------
# Statistics
# ------------------------------------------------------------------------------------------

FIGURES_SQL = """
WITH b AS (
    SELECT unit_id, field_id, state, channel, received_at, due_eff, by_date,
        CASE WHEN raw_end < received_at THEN received_at ELSE raw_end END AS end_at
    FROM (
        SELECT unit_id, field_id, state, channel, received_at,
            CASE WHEN state IN ('result_ready', 'returned', 'rejected_after_review')
                    THEN coalesce(finished_at, returned_at)
                 WHEN state IN ('withdrawn', 'stopped') THEN closed_at END AS raw_end,
            {due} AS due_eff,
            ({by_date} AND time_limit_unit IN ('working_days', 'calendar_days')) AS by_date
        FROM d
        WHERE unit_id IN ({units}) AND received_at IS NOT NULL
          AND state NOT IN ('draft', 'submitted', 'intake_supplement', 'intake_refused')
    )
), c AS (
    SELECT *, CAST(end_at AS DATE) AS end_date, CAST(due_eff AS DATE) AS due_date,
        state IN ('result_ready', 'returned', 'rejected_after_review')
            AND end_at >= TIMESTAMP '{s}' AND end_at < TIMESTAMP '{e}' AS resolved,
        state IN ('withdrawn', 'stopped')
            AND end_at >= TIMESTAMP '{s}' AND end_at < TIMESTAMP '{e}' AS closed,
        received_at < TIMESTAMP '{e}' AND (end_at IS NULL OR end_at >= TIMESTAMP '{e}')
            AS pending
    FROM b
    WHERE received_at < TIMESTAMP '{e}' AND (end_at IS NULL OR end_at >= TIMESTAMP '{s}')
)
SELECT {group},
    count(*) AS received_total,
    count(*) FILTER (WHERE received_at >= TIMESTAMP '{s}' AND channel = 'online'),
    count(*) FILTER (WHERE received_at >= TIMESTAMP '{s}' AND channel IN ('counter', 'postal')),
    count(*) FILTER (WHERE received_at < TIMESTAMP '{s}'),
    count(*) FILTER (WHERE resolved),
    count(*) FILTER (WHERE resolved AND ((by_date AND end_date < due_date)
                                         OR (NOT by_date AND end_at < due_eff))),
    count(*) FILTER (WHERE resolved AND (due_eff IS NULL OR (by_date AND end_date = due_date)
                                         OR (NOT by_date AND end_at = due_eff))),
    count(*) FILTER (WHERE resolved AND ((by_date AND end_date > due_date)
                                         OR (NOT by_date AND end_at > due_eff))),
    count(*) FILTER (WHERE resolved AND state = 'rejected_after_review'),
    count(*) FILTER (WHERE pending),
    count(*) FILTER (WHERE pending AND (due_eff IS NULL OR (by_date AND due_date >= DATE '{e}')
                                        OR (NOT by_date AND due_eff > TIMESTAMP '{e}'))),
    count(*) FILTER (WHERE pending AND due_eff IS NOT NULL AND ((by_date AND due_date < DATE '{e}')
                                        OR (NOT by_date AND due_eff <= TIMESTAMP '{e}'))),
    count(*) FILTER (WHERE closed),
    count(*) FILTER (WHERE closed AND state = 'withdrawn'),
    count(*) FILTER (WHERE closed AND state = 'stopped')
FROM c GROUP BY {group} ORDER BY {group}
"""


def _duckdb_table(unit_ids: list[int]) -> Any:
    """Export the data set's dossier rows once (COPY … CSV, local wall-clock timestamps: Viet
    Nam has no daylight saving, so local order = instant order) and load them into DuckDB."""
    import duckdb
    from django.db import connection

    OUT.mkdir(exist_ok=True)
    db_path = OUT / "stats.duckdb"
    tag = f"{len(unit_ids)}:{min(unit_ids)}:{max(unit_ids)}"
    con = duckdb.connect(str(db_path))
    have = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'tag'"
    ).fetchone()
    if have and have[0] and con.execute("SELECT t FROM tag").fetchone() == (tag,):
        return con
    print("… exporting the dossier rows to DuckDB (once)", flush=True)
    csv_path = OUT / "stats.csv"
    local = "(d.{0} AT TIME ZONE 'Asia/Ho_Chi_Minh') AS {0}"
    cols = ["received_at", "finished_at", "returned_at", "closed_at", "due_at", "extended_due_at"]
    sql = (
        "COPY (SELECT d.unit_id, d.field_id, d.state, d.channel, "
        + ", ".join(local.format(c) for c in cols)
        + ", pv.time_limit_unit FROM dossiers_dossier d JOIN catalogue_procedureversion pv "
        f"ON pv.id = d.procedure_version_id WHERE d.unit_id IN ({','.join(map(str, unit_ids))})"
        ") TO STDOUT WITH (FORMAT csv)"
    )
    with (
        connection.cursor() as cursor,
        open(csv_path, "wb") as f,
        cursor.cursor.copy(sql) as copy,
    ):
        for data in copy:
            f.write(data)
    con.execute("DROP TABLE IF EXISTS d")
    types = ", ".join(f"'{c}': 'TIMESTAMP'" for c in cols)
    con.execute(
        "CREATE TABLE d AS SELECT * FROM read_csv(?, header = false, columns = {"
        "'unit_id': 'INTEGER', 'field_id': 'INTEGER', 'state': 'VARCHAR', "
        f"'channel': 'VARCHAR', {types}, 'time_limit_unit': 'VARCHAR'}})",
        [str(csv_path)],
    )
    con.execute("CREATE OR REPLACE TABLE tag AS SELECT ? AS t", [tag])
    csv_path.unlink()
    return con


def run_stats(scale: str, runs: int) -> dict[str, Any]:
    from benchmarks.generate import VN, largest_unit
    from motcua.organisation.models import Unit
    from motcua.reports.constants import FIGURE_KEYS, Policy, Source
    from motcua.reports.stats import ClassifySettings, bieu06, bieu06_by_unit

    rollups = ensure_rollups()
    province = Unit.objects.get(code=f"{STATS_PREFIX}P")
    commune = largest_unit(STATS_PREFIX)
    now = dt.datetime.combine(STATS_END, dt.time(17, 0), VN)
    cs = ClassifySettings.current()
    all_ids = sorted(Unit.objects.filter(parent=province).values_list("pk", flat=True))
    con = _duckdb_table(all_ids)
    results: dict[str, Any] = {"rollups": rollups, "period": f"{REPORT_FROM}..{REPORT_TO}"}
    mismatches: list[str] = []

    def figures_of(res: Any) -> dict[Any, tuple[int, ...]]:
        if isinstance(res, dict):  # bieu06_by_unit
            return {k: tuple(getattr(f, key) for key in FIGURE_KEYS) for k, f in res.items()}
        return {r.field_id: tuple(getattr(r.figures, k) for k in FIGURE_KEYS) for r in res.by_field}

    cases = (
        ("province", province, all_ids, False, 3),
        ("province by unit x field", province, all_ids, True, 3),
        ("commune", commune, [commune.pk], False, min(runs, 5)),
    )
    for label, unit, unit_ids, by_unit, oracle_runs in cases:
        kw = {
            "unit": unit,
            "date_from": REPORT_FROM,
            "date_to": REPORT_TO,
            "policy": Policy.STRICT,
            "now": now,
        }
        report: Callable[..., Any] = bieu06_by_unit if by_unit else bieu06
        roll_t, roll = _timed(lambda kw=kw, f=report: f(source=Source.ROLLUP, **kw), runs)
        orac_t, orac = _timed(lambda kw=kw, f=report: f(source=Source.ORACLE, **kw), oracle_runs, 1)
        sql = FIGURES_SQL.format(
            units=",".join(map(str, unit_ids)),
            s=f"{REPORT_FROM} 00:00:00",
            e=f"{REPORT_TO + dt.timedelta(days=1)} 00:00:00",
            due="coalesce(extended_due_at, due_at)" if cs.against == "extended" else "due_at",
            by_date="TRUE" if cs.by_date else "FALSE",
            group="unit_id, field_id" if by_unit else "field_id",
        )
        width = 2 if by_unit else 1
        duck_t, duck_rows = _timed(lambda sql=sql: con.execute(sql).fetchall(), runs)
        duck = {
            (tuple(row[:width]) if by_unit else row[0]): tuple(int(v) for v in row[width:])
            for row in duck_rows
        }
        duck = {k: v for k, v in duck.items() if any(v)}
        paths = {"rollup": figures_of(roll), "oracle": figures_of(orac), "duckdb": duck}
        same = paths["rollup"] == paths["oracle"] == paths["duckdb"]
        if not same:
            for name, got in paths.items():
                if got != paths["oracle"]:
                    mismatches.append(f"{label}: {name} differs from the oracle")
        duck_ms = _summary(duck_t)["median_ms"]
        received = (
            sum(f.received_total for f in roll.values()) if by_unit else roll.total.received_total
        )
        entry: dict[str, Any] = {
            "unit": unit.code,
            "rows": len(paths["oracle"]),
            "received_total": received,
            "figures_identical": same,
            "duckdb scan": _summary(duck_t),
            "rollup": _summary(roll_t),
            "oracle (SQL over dossiers)": _summary(orac_t),
        }
        for key in ("rollup", "oracle (SQL over dossiers)"):
            entry[key]["ratio_to_duckdb"] = round(entry[key]["median_ms"] / duck_ms, 2)
        results[label] = entry
    results["mismatches"] = mismatches
    return results


# ------------------------------------------------------------------------------------------


def _print_table(report: dict[str, Any]) -> None:
    print()
    for prefix, info in report.get("data", {}).items():
        print(
            f"data {prefix}: {info['dossiers']:,} dossiers, {info['units']} units, "
            f"generated at {info['rows_per_min']:,} rows/min (COPY {info.get('copy_s')} s, "
            f"index rebuild {info.get('index_s')} s)"
        )
    rollups = (report.get("stats") or {}).get("rollups")
    if rollups:
        print(f"rollups: {rollups}")
    print()
    print(f"{'scenario / path':<58} {'median ms':>10} {'p95 ms':>9} {'ratio':>8}")
    for scenario in ("queues", "stats"):
        block = report.get(scenario)
        if not block:
            continue
        for name, value in block.items():
            if isinstance(value, dict) and "median_ms" in value:
                ratio = value.get("ratio_to_baseline", "")
                print(
                    f"{scenario + ': ' + name:<58} {value['median_ms']:>10} "
                    f"{value['p95_ms']:>9} {ratio!s:>8}"
                )
            elif isinstance(value, dict) and "figures_identical" in value:
                for path in ("duckdb scan", "rollup", "oracle (SQL over dossiers)"):
                    v = value[path]
                    ratio = v.get("ratio_to_duckdb", "1.0 (base)")
                    print(
                        f"{scenario + ': ' + name + ' ' + path:<58} {v['median_ms']:>10} "
                        f"{v['p95_ms']:>9} {ratio!s:>8}"
                    )
                flag = "yes" if value["figures_identical"] else "NO — MISMATCH"
                print(f"{'  figures identical (rollup = oracle = duckdb)':<58} {flag}")
    mism = (report.get("stats") or {}).get("mismatches")
    if mism:
        print("\n!!! FIGURE MISMATCH !!!\n" + "\n".join(mism), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["http"]:  # HTTP load under gunicorn + wrk, own database (benchmarks/http.py)
        from benchmarks.http import main as http_main

        return http_main(argv[1:])
    if argv[:1] == ["import"]:  # motcua import-dossiers vs bulk_create (benchmarks/importing.py)
        from benchmarks.importing import main as import_main

        return import_main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "scenario", nargs="?", default="all", choices=["all", "queues", "stats", "generate"]
    )
    parser.add_argument(
        "--scale", choices=sorted(SCALES), default=os.environ.get("BENCH_SCALE", "small")
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "20")))
    args = parser.parse_args(argv)
    url = args.database_url or (DEFAULT_URL + ("_full" if args.scale == "full" else ""))
    if not url.startswith("postgres"):
        parser.error("the benchmarks need PostgreSQL (--database-url postgres://…)")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")  # no query log while timing
    _ensure_database(url)

    import django
    from django.core.management import call_command

    django.setup()
    warnings = []
    try:
        call_command("migrate", verbosity=0, interactive=False)
    except Exception as exc:  # another app's migration failed: say so loudly, go on
        warnings.append(
            f"migrate failed ({type(exc).__name__}: {exc}); migrated reports and sessions only"
        )
        print(f"!!! {warnings[-1]}", file=sys.stderr)
        for app in ("reports", "sessions"):
            call_command("migrate", app, verbosity=0, interactive=False)
    started = time.perf_counter()
    report: dict[str, Any] = {
        "warnings": warnings,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "scale": args.scale,
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cpu, "
        f"Python {platform.python_version()}",
        "data": ensure_data(args.scale),
    }
    if args.scenario in ("all", "queues"):
        report["queues"] = run_queues(args.scale, args.runs)
    if args.scenario in ("all", "stats"):
        report["stats"] = run_stats(args.scale, args.runs)
    report["total_s"] = round(time.perf_counter() - started, 1)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{args.scenario}-{args.scale}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2, default=str, ensure_ascii=False))
    _print_table(report)
    print(f"\nJSON: {path}")
    return 1 if (report.get("stats") or {}).get("mismatches") else 0


if __name__ == "__main__":
    raise SystemExit(main())
