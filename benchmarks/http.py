"""`python -m benchmarks http`: requests per second and p99 under gunicorn, driven by wrk.

Self-contained: creates (or reuses) the database `motcua_bench_http`, migrates it, creates 16
communes with a receiver each, one procedure with 3 components and 300 received dossiers for
the look-up, starts gunicorn (4 sync workers, the real settings and middleware, bench-only
URLs from `benchmarks/http_app.py`) on 127.0.0.1, and runs `wrk` (16 connections, 2 threads)
from a second process against:

- `/bench/trivial` — small JSON, the baseline of the run;
- `/bench/intake` — POST, the counter intake (`dossier_receive_at_counter`: one dossier with 3
  components recorded and received in one transaction: code, ledger number, due date, 2
  hash-chained events, outbox rows), each request for a random one of the 16 communes;
- `/bench/lookup` — GET, the portal's look-up by code and secret, over the 300 dossiers;
- `/bench/insert` — POST, the issue's reference floor: one row and one audit row in one
  transaction (two bench-only tables), the least any write can cost on this server.

After-commit hooks are enqueued on Redis (`CELERY_BROKER_URL=redis://127.0.0.1:6379/14`, no
worker: the web tier's cost of handing work to Celery; the queue is emptied at the end) when
Redis answers, else run eagerly in the request (then said in the output).
Goals (issue 7): intake ≥ 12 % of the trivial view's req/s with p99 < 50 ms; look-up ≥ 25 %.
The issue's reference machine served the minimal insert at 18 % of its bare view; `insert`
shows where this server and this machine put that floor in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_bench_http"
BROKER = "redis://127.0.0.1:6379/14"
LOOKUPS = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _env(url: str, broker: str | None) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "0"}
    env["DJANGO_SETTINGS_MODULE"] = "benchmarks.http_settings"
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'src'}"
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    if broker:
        env["CELERY_BROKER_URL"] = broker
    else:
        env.pop("CELERY_BROKER_URL", None)
    env["MOTCUA_LOG_LEVEL"] = "ERROR"
    return env


def setup_world() -> list[tuple[str, str]]:
    """Units, receivers, a procedure with 3 components, and the look-up dossiers (once)."""
    from decimal import Decimal

    from django.db import transaction

    from benchmarks.http_app import PREFIX, UNITS
    from motcua.accounts.models import User, UserKind
    from motcua.calendar.constants import LimitUnit
    from motcua.catalogue.constants import OnlineLevel, VersionStatus
    from motcua.catalogue.models import Component, Field, Procedure, ProcedureVersion, ProcessStep
    from motcua.core.text import fold
    from motcua.dossiers import services
    from motcua.dossiers.models import Dossier
    from motcua.organisation.constants import Role, UnitKind
    from motcua.organisation.models import Membership, Unit

    with transaction.atomic():
        field, _ = Field.objects.get_or_create(code="BH", defaults={"name": "Bench HTTP"})
        procedure, _ = Procedure.objects.get_or_create(
            code="BH.000001",
            defaults={
                "name": "Thủ tục đo tải",
                "name_search": fold("Thủ tục đo tải"),
                "field": field,
            },
        )
        version = ProcedureVersion.objects.filter(procedure=procedure).first()
        if version is None:
            version = ProcedureVersion.objects.create(
                procedure=procedure,
                number=1,
                status=VersionStatus.PUBLISHED,
                valid_from=dt.date(2018, 1, 1),
                time_limit_amount=Decimal(3),
                time_limit_unit=LimitUnit.WORKING_DAYS,
                online_level=OnlineLevel.PARTIAL,
            )
            for order, name in enumerate(("Tờ khai", "Giấy tờ tùy thân", "Giấy tờ khác"), 1):
                Component.objects.create(version=version, order=order, name=name)
            for order, (name, role) in enumerate(
                (("Thẩm định", Role.SPECIALIST), ("Phê duyệt", Role.LEADER)), 1
            ):
                ProcessStep.objects.create(
                    version=version,
                    order=order,
                    name=name,
                    role=role,
                    allotted_amount=Decimal(8),
                    allotted_unit=LimitUnit.WORKING_HOURS,
                )
        for n in range(UNITS):
            code = f"{PREFIX}{n:02d}"
            unit, _ = Unit.objects.get_or_create(
                code=code,
                defaults={
                    "name": f"Xã đo tải {n}",
                    "name_search": fold(f"Xã đo tải {n}"),
                    "kind": UnitKind.COMMUNE,
                    "path": f"/{code}/",
                },
            )
            user, _ = User.objects.get_or_create(
                username=f"bench-http-{n:02d}",
                defaults={"full_name": f"Cán bộ đo tải {n}", "kind": UserKind.STAFF},
            )
            Membership.objects.get_or_create(user=user, unit=unit, role=Role.RECEIVER)
    lookups = list(
        Dossier.objects.filter(unit__code=f"{PREFIX}00", code__isnull=False)
        .order_by("pk")
        .values_list("code", "lookup_secret")[:LOOKUPS]
    )
    unit = Unit.objects.get(code=f"{PREFIX}00")
    user = User.objects.get(username="bench-http-00")
    components = list(version.components.values_list("pk", flat=True))
    while len(lookups) < LOOKUPS:
        d = services.dossier_create_at_counter(
            user=user,
            unit=unit,
            procedure=procedure,
            applicant_name="Trần Thị Đo",
            provided_component_ids=components,
        )
        d = services.dossier_receive(dossier=d, user=user)
        lookups.append((d.code, d.lookup_secret))
    return [(str(c), str(s)) for c, s in lookups]


LUA_INTAKE = """
request = function()
  return wrk.format("POST", "/bench/intake?u=" .. math.random(0, 15), nil, "")
end
"""
LUA_INSERT = LUA_INTAKE.replace("/bench/intake", "/bench/insert")


def _lua_lookup(pairs: list[tuple[str, str]]) -> str:
    items = ",".join(f'"code={c}&secret={s}"' for c, s in pairs)
    return (
        f"local q = {{{items}}}\nlocal n = 0\nrequest = function()\n  n = n + 1\n"
        '  return wrk.format("GET", "/bench/lookup?" .. q[(n % #q) + 1])\nend\n'
    )


def _wait_ready(url: str, server: subprocess.Popen[bytes], timeout: float = 90) -> None:
    """Until every worker answers (gunicorn binds the port before its workers boot)."""
    import urllib.request

    deadline = time.monotonic() + timeout
    ok = 0
    while ok < 20:
        if time.monotonic() > deadline or server.poll() is not None:
            raise SystemExit("gunicorn did not start")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                ok += response.status == 200
        except OSError:
            time.sleep(0.5)


def _parse_wrk(text: str) -> dict[str, Any]:
    def ms(value: str, unit: str) -> float:
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    lat = {
        p: ms(v, u)
        for p, v, u in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    }
    total = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sock = re.search(r"Socket errors: (.*)", text)
    return {
        "req_s": round(rps, 1),
        "p50_ms": round(lat.get("50", 0.0), 2),
        "p99_ms": round(lat.get("99", 0.0), 2),
        "requests": total,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sock.group(1).strip() if sock else "",
    }


def _checkpoints(url: str) -> int | None:
    """Checkpoints PostgreSQL has made so far (None when it cannot be read)."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"
            ).fetchone()
    except psycopg.Error:
        return None
    return int(row[0]) if row else None


def _settle(url: str) -> None:
    """Write the dirty pages of the previous phase now (CHECKPOINT, superuser only), so a
    phase does not pay for the one before it (the intake writes thousands of rows)."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CHECKPOINT")
    except psycopg.Error as exc:  # not a superuser: the phases then run as they come
        print(f"(no CHECKPOINT before the phase: {exc})", file=sys.stderr)


def _phase(url: str, target: str, seconds: int, script: str | None) -> dict[str, Any]:
    """One measured wrk run after a checkpoint; notes the checkpoints that fell inside it."""
    _settle(url)
    before = _checkpoints(url)
    result = _wrk(target, seconds, script)
    after = _checkpoints(url)
    result["checkpoints_during"] = None if before is None or after is None else after - before
    return result


def _wrk(url: str, seconds: int, script: str | None) -> dict[str, Any]:
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", script]
    result = subprocess.run([*cmd, url], capture_output=True, text=True, check=True)
    parsed = _parse_wrk(result.stdout)
    parsed["wrk_output"] = result.stdout
    return parsed


def prepare(url: str, broker: str | None) -> list[tuple[str, str]]:
    """This process set up on the bench database `url` (created if missing, migrated) with the
    bench settings, and the world of `setup_world` (its look-up pairs)."""
    os.environ.update({k: v for k, v in _env(url, broker).items() if k != "PYTHONPATH"})
    sys.path[:0] = [str(ROOT)]
    from benchmarks.__main__ import _ensure_database

    _ensure_database(url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return setup_world()


ENDPOINTS = ("trivial", "intake", "lookup", "insert")
#: Issue 7's goals: (endpoint, least ratio to the trivial view, p99 below this many ms or None).
GOALS = (("intake", 0.12, 50.0), ("lookup", 0.25, None))


def summarise(report: dict[str, Any]) -> None:
    """Per endpoint the medians over the rounds (req/s, p50, p99) and per ratio the median of
    each round's ratio to that round's trivial view; whether each goal was met."""
    runs = report["runs"]
    for name in ENDPOINTS:
        report[name] = {
            key: round(statistics.median(run[name][key] for run in runs), 2)
            for key in ("req_s", "p50_ms", "p99_ms")
        }
        report[name]["non_2xx"] = sum(run[name]["non_2xx"] for run in runs)
        report[name]["checkpoints_during"] = sum(
            run[name]["checkpoints_during"] or 0 for run in runs
        )
        report[name]["socket_errors"] = "; ".join(
            e for e in (run[name]["socket_errors"] for run in runs) if e
        )
    report["ratios"] = {
        f"{name}/trivial": round(
            statistics.median(
                run[name]["req_s"] / (run["trivial"]["req_s"] or 1.0) for run in runs
            ),
            3,
        )
        for name in ENDPOINTS[1:]
    }
    report["goals"] = {
        name: {
            "ratio": report["ratios"][f"{name}/trivial"] >= least,
            **({"p99": report[name]["p99_ms"] < p99} if p99 is not None else {}),
        }
        for name, least, p99 in GOALS
    }


def render(report: dict[str, Any]) -> str:
    """The table printed at the end of a run (medians over the rounds, then each round)."""
    lines = [
        f"{'endpoint':<10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'ratio':>7}"
        f" {'ckpt':>5}   (medians of {len(report['runs'])} rounds of {report['seconds']} s)"
    ]
    for name in ENDPOINTS:
        r = report[name]
        ratio = 1.0 if name == "trivial" else report["ratios"][f"{name}/trivial"]
        lines.append(
            f"{name:<10} {r['req_s']:>9} {r['p50_ms']:>8} {r['p99_ms']:>8} "
            f"{r['non_2xx']:>8} {ratio:>7} {r['checkpoints_during']!s:>5}  {r['socket_errors']}"
        )
    for n, run in enumerate(report["runs"], 1):
        cells = "  ".join(
            f"{name} {run[name]['req_s']:.0f}/s p99 {run[name]['p99_ms']:.0f}" for name in ENDPOINTS
        )
        lines.append(f"round {n}: {cells}")
    verdicts = []
    for name, least, p99 in GOALS:
        goal = report["goals"][name]
        text = f"{name} ≥ {least:.0%} of trivial: {'met' if goal['ratio'] else 'NOT met'}"
        if p99 is not None:
            text += f", p99 < {p99:.0f} ms: {'met' if goal['p99'] else 'NOT met'}"
        verdicts.append(text)
    intake = report["intake"]["req_s"] or 1.0
    lines.append("goals (medians): " + "; ".join(verdicts))
    lines.append(
        f"at {report['connections']} connections the mean latency is connections ÷ req/s "
        f"(Little's law): {1000 * report['connections'] / intake:.1f} ms for the intake"
    )
    lines.append(
        f"hooks: {report['hooks']}; load average before/after: {report['load_before']:.2f}/"
        f"{report['load_after']:.2f}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks http")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_HTTP_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument(
        "--seconds", type=int, default=int(os.environ.get("BENCH_HTTP_SECONDS", "6"))
    )
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_HTTP_ROUNDS", "3")))
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    url = args.database_url
    broker = BROKER if _answers("127.0.0.1", 6379) else None
    pairs = prepare(url, broker)
    from django.db import connection

    from benchmarks.http_app import MINIMAL_TABLES

    # Fresh planner statistics, as autovacuum keeps them in production (this kind of machine
    # runs PostgreSQL with autovacuum off, and a table never analysed can get a poor plan).
    with connection.cursor() as cursor:
        for statement in MINIMAL_TABLES:
            cursor.execute(statement)
        cursor.execute("ANALYZE")
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    OUT.mkdir(exist_ok=True)
    log = (OUT / "http-gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(gunicorn), "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "benchmarks.http_app:application"],
        cwd=ROOT, env=_env(url, broker), start_new_session=True,
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "workers": args.workers,
        "connections": 16,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "hooks": "enqueued on Redis (no worker)" if broker else "eager (run in the request)",
        "load_before": os.getloadavg()[0],
    }
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(f"{base}/bench/trivial", server)
        with tempfile.TemporaryDirectory() as tmp:
            intake_lua = Path(tmp) / "intake.lua"
            intake_lua.write_text(LUA_INTAKE)
            lookup_lua = Path(tmp) / "lookup.lua"
            lookup_lua.write_text(_lua_lookup(pairs))
            insert_lua = Path(tmp) / "insert.lua"
            insert_lua.write_text(LUA_INSERT)
            # Warm every worker on every endpoint first: a worker's first intake imports the
            # workflow, connects to the broker and prepares its statements (≈ 0.3–0.6 s, once
            # per process), which would otherwise sit in the measured tail.
            _wrk(f"{base}/bench/trivial", 3, None)
            _wrk(f"{base}/bench", 3, str(intake_lua))
            _wrk(f"{base}/bench", 3, str(lookup_lua))
            _wrk(f"{base}/bench", 3, str(insert_lua))
            phases = {
                "trivial": (f"{base}/bench/trivial", None),
                "intake": (f"{base}/bench", str(intake_lua)),
                "lookup": (f"{base}/bench", str(lookup_lua)),
                "insert": (f"{base}/bench", str(insert_lua)),
            }
            # Rounds of the four phases in turn: the machine's speed drifts by ±20 % within
            # minutes, so each ratio is taken within one round and the medians are reported.
            report["runs"] = [
                {
                    name: _phase(url, target, args.seconds, lua)
                    for name, (target, lua) in phases.items()
                }
                for _ in range(max(1, args.rounds))
            ]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        if broker:
            import redis

            redis.Redis.from_url(broker).delete("celery")
    report["load_after"] = os.getloadavg()[0]
    summarise(report)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"http-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(render(report) + f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
