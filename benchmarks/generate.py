"""Synthetic data for the benchmarks: a province of units, fields, procedures, and dossiers with a
realistic skew, written straight into the database (PostgreSQL COPY, SQLite executemany).

Skew (PERFORMANCE.md "Data"): ≈ 90 % online, 7 % counter, 3 % postal; legal limits of 0–20 working
days; processing durations within 0–20 working days; ≈ 2 % of finished dossiers late; a few percent
withdrawn, stopped or supplemented; dossiers received near `now` still pending (a backlog of the
last month) or not yet received (submitted online during the last working days, the receivers'
queue). Unit sizes follow a Zipf-like curve (a few large wards, many small communes).

Speed: rows are produced as COPY text by worker processes (`fork`, deterministic per chunk: the
chunk index seeds its generator, so the data do not depend on the number of workers) while the
main process streams them into `COPY … FROM STDIN`; timestamps are integers (epoch seconds)
formatted through a cache. SQLite (the tests) uses the same rows through `executemany`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import multiprocessing
import os
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from motcua.calendar.constants import LimitUnit
from motcua.calendar.workdays import base_calendar
from motcua.catalogue.constants import VersionStatus
from motcua.catalogue.models import Field, Procedure, ProcedureVersion
from motcua.core.text import fold
from motcua.dossiers.constants import Channel, RuleSet, State
from motcua.dossiers.models import Dossier
from motcua.organisation.constants import UnitKind
from motcua.organisation.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PREFIX = "BENCH"
CHUNK = 50_000  # rows per worker task
ND118_FROM = dt.date(2025, 7, 1)

# The columns a generated row sets, in this order (everything else takes the model default).
VARIABLE_COLUMNS = (
    "code",
    "unit_id",
    "current_unit_id",
    "procedure_version_id",
    "field_id",
    "rule_set",
    "channel",
    "state",
    "submitted_at",
    "received_at",
    "clock_started_at",
    "due_at",
    "finished_at",
    "returned_at",
    "closed_at",
    "ledger_year",
    "supplement_count",
)
TIME_COLUMNS = frozenset(
    {
        "submitted_at",
        "received_at",
        "clock_started_at",
        "due_at",
        "finished_at",
        "returned_at",
        "closed_at",
    }
)


@dataclass
class Universe:
    province: Unit
    units: list[Unit]
    unit_weights: list[float]
    versions: list[tuple[int, int, int]]  # (version id, field id, limit in working days)

    def largest(self) -> Unit:
        return max(zip(self.unit_weights, self.units, strict=True), key=lambda p: p[0])[1]


def build_universe(
    *, units: int, fields: int, procedures: int, prefix: str = PREFIX, seed: int = 7
) -> Universe:
    """Create (or reuse) the province, its units, fields and procedures of the benchmark."""
    rng = random.Random(seed)
    with transaction.atomic():
        pname = f"Tỉnh Thử Tải {prefix}"
        province, _ = Unit.objects.get_or_create(
            code=f"{prefix}P",
            defaults={
                "name": pname,
                "name_search": fold(pname),
                "kind": UnitKind.PROVINCE,
                "path": f"/{prefix}P/",
            },
        )
        existing = {u.code for u in Unit.objects.filter(parent=province)}
        new = []
        for i in range(units):
            code = f"{prefix}{i:04d}"
            if code not in existing:
                name = f"Xã Thử Tải {prefix} {i}"
                new.append(
                    Unit(
                        code=code,
                        name=name,
                        name_search=fold(name),
                        parent=province,
                        kind=UnitKind.COMMUNE,
                        path=f"{province.path}{code}/",
                    )
                )
        Unit.objects.bulk_create(new)
        unit_list = list(Unit.objects.filter(parent=province).order_by("code")[:units])
        field_objs = []
        for i in range(fields):
            f, _ = Field.objects.get_or_create(
                code=f"{PREFIX}F{i:02d}", defaults={"name": f"Lĩnh vực thử tải {i}"}
            )
            field_objs.append(f)
        versions: list[tuple[int, int, int]] = []
        have = {
            v.procedure.code: v
            for v in ProcedureVersion.objects.filter(
                procedure__code__startswith=f"{PREFIX}-"
            ).select_related("procedure")
        }
        for i in range(procedures):
            code = f"{PREFIX}-{i:05d}"
            limit = rng.choice([0, 1, 2, 3, 3, 5, 5, 7, 10, 15, 20])
            version = have.get(code)
            if version is None:
                field = field_objs[i % fields]
                name = f"Thủ tục thử tải {i}"
                proc = Procedure.objects.create(
                    code=code, name=name, name_search=fold(name), field=field
                )
                version = ProcedureVersion.objects.create(
                    procedure=proc,
                    number=1,
                    status=VersionStatus.PUBLISHED,
                    valid_from=dt.date(2018, 1, 1),
                    time_limit_amount=Decimal(limit),
                    time_limit_unit=LimitUnit.WORKING_DAYS if limit else LimitUnit.SAME_DAY,
                )
            versions.append(
                (version.pk, version.procedure.field_id, int(version.time_limit_amount))
            )
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(unit_list))]
    rng.shuffle(weights)
    return Universe(province, unit_list, weights, versions)


class WorkingDays:
    """Index of working days for fast arithmetic over millions of rows."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        cal = base_calendar(range(start.year - 1, end.year + 2))
        day = start - dt.timedelta(days=10)
        self.days: list[dt.date] = []
        while day <= end + dt.timedelta(days=60):
            if cal.is_working_day(day):
                self.days.append(day)
            day += dt.timedelta(days=1)
        # Epoch seconds of each working day's local midnight.
        self.midnights = [
            int(dt.datetime.combine(d, dt.time.min, VN).timestamp()) for d in self.days
        ]

    def index_on_or_after(self, d: dt.date) -> int:
        return bisect.bisect_left(self.days, d)


@dataclass(frozen=True)
class Plan:
    """Everything a worker needs (picklable, no ORM objects)."""

    unit_ids: tuple[int, ...]
    unit_codes: tuple[str, ...]
    cum_weights: tuple[float, ...]
    versions: tuple[tuple[int, int, int], ...]
    start: dt.date
    end: dt.date
    now_epoch: int
    seed: int
    count: int


def make_plan(
    uni: Universe, *, count: int, start: dt.date, end: dt.date, now: dt.datetime, seed: int = 11
) -> Plan:
    return Plan(
        unit_ids=tuple(u.pk for u in uni.units),
        unit_codes=tuple(u.code for u in uni.units),
        cum_weights=tuple(accumulate(uni.unit_weights)),
        versions=tuple(uni.versions),
        start=start,
        end=end,
        now_epoch=int(now.timestamp()),
        seed=seed,
        count=count,
    )


def _work_minute(rng: random.Random) -> int:
    # 07:30–11:30 or 13:30–17:00
    m = rng.randrange(450)
    return 450 + m if m < 240 else 810 + (m - 240)


_WD_CACHE: dict[tuple[dt.date, dt.date], WorkingDays] = {}


def _working_days(start: dt.date, end: dt.date) -> WorkingDays:
    key = (start, end)
    if key not in _WD_CACHE:
        _WD_CACHE[key] = WorkingDays(start, end)
    return _WD_CACHE[key]


def chunk_rows(plan: Plan, chunk: int) -> list[tuple[Any, ...]]:
    """Rows `chunk*CHUNK …` of the plan as tuples in VARIABLE_COLUMNS order, times as epoch
    seconds (int) or None. Deterministic: seeded by (plan.seed, chunk)."""
    rng = random.Random(plan.seed * 1_000_003 + chunk)
    wd = _working_days(plan.start, plan.end)
    days, mid = wd.days, wd.midnights
    first = wd.index_on_or_after(plan.start)
    last = wd.index_on_or_after(plan.end + dt.timedelta(days=1)) - 1
    top = len(days) - 1
    now = plan.now_epoch
    # Working-day indexes of the receivers' queue (last 3 days) and of the backlog (last month).
    now_idx = bisect.bisect_right(mid, now) - 1
    submitted_from = now_idx - 2
    backlog_from = now_idx - 22
    units, codes, cum, versions = plan.unit_ids, plan.unit_codes, plan.cum_weights, plan.versions
    online, counter, postal = Channel.ONLINE.value, Channel.COUNTER.value, Channel.POSTAL.value
    nd61, nd118 = RuleSet.ND61_2018.value, RuleSet.ND118_2025.value
    submitted, in_process = State.SUBMITTED.value, State.IN_PROCESS.value
    withdrawn, stopped = State.WITHDRAWN.value, State.STOPPED.value
    rejected, returned_state = State.REJECTED_AFTER_REVIEW.value, State.RETURNED.value
    n_versions = len(versions)
    year_of = [d.year for d in days]
    total_w = cum[-1]
    rows: list[tuple[Any, ...]] = []
    lo = chunk * CHUNK
    hi = min(plan.count, lo + CHUNK)
    rand, randint = rng.random, rng.randint
    for i in range(lo, hi):
        u = bisect.bisect_right(cum, rand() * total_w)
        if u >= len(units):
            u = len(units) - 1
        unit_id = units[u]
        version_id, field_id, limit = versions[int(rand() * n_versions)]
        r = rand()
        channel = online if r < 0.90 else (counter if r < 0.97 else postal)
        ridx = randint(first, last)
        rminute = _work_minute(rng)
        received = mid[ridx] + rminute * 60
        due = mid[min(ridx + limit, top)] + 17 * 3600
        rule_set = nd61 if days[ridx] < ND118_FROM else nd118
        fate = rand()
        supplements = 1 if fate > 0.95 else 0
        code = f"{codes[u]}-{i:09d}"
        state: str
        finished = returned = closed = None
        if ridx >= submitted_from and received <= now and r < 0.45:
            # Submitted online, not yet received: the receivers' queue.
            rows.append(
                (
                    code,
                    unit_id,
                    unit_id,
                    version_id,
                    field_id,
                    rule_set,
                    channel,
                    submitted,
                    received,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    0,
                )
            )
            continue
        if received > now:
            # Not submitted yet at `now`: drop into the backlog as received long before.
            received = now - 3600
        if fate < 0.02:  # withdrawn or stopped
            cidx = min(ridx + randint(0, max(limit, 1)), top)
            end_at = mid[cidx] + _work_minute(rng) * 60
            if end_at > now or (ridx >= backlog_from and rand() < 0.3):
                state = in_process
            else:
                state = withdrawn if fate < 0.016 else stopped
                closed = max(end_at, received)
        else:
            if rand() < 0.02:
                didx = ridx + limit + randint(1, 5)
            else:
                didx = ridx + (randint(0, limit) if limit else 0)
            didx = min(didx, top)
            minute = _work_minute(rng)
            if didx == ridx:
                minute = max(minute, rminute + 1)
            done = mid[didx] + min(minute, 17 * 60 - 1) * 60
            if done > now or (ridx >= backlog_from and rand() < 0.3):
                state = in_process
            elif rand() < 0.01:
                state = rejected
                finished = closed = done
            else:
                state = returned_state
                finished = done
                returned = closed = done + 7200
        rows.append(
            (
                code,
                unit_id,
                unit_id,
                version_id,
                field_id,
                rule_set,
                channel,
                state,
                received,
                received,
                received,
                due,
                finished,
                returned,
                closed,
                year_of[ridx],
                supplements,
            )
        )
    return rows


_TS_CACHE: dict[int | None, str] = {}
NULL = "\\N"


def _copy_text_chunk(args: tuple[Plan, int, str]) -> bytes:
    """One chunk as COPY text (tab separated, \\N for NULL) with the constant tail appended."""
    plan, chunk, tail = args
    cache = _TS_CACHE
    cache.setdefault(None, NULL)

    def ts(v: int | None) -> str:
        s = cache.get(v)
        if s is None:
            s = cache[v] = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(v))
        return s

    out = [
        f"{c}\t{u}\t{cu}\t{pv}\t{f}\t{rs}\t{ch}\t{st}\t{ts(sub)}\t{ts(rec)}\t{ts(clk)}\t"
        f"{ts(due)}\t{ts(fin)}\t{ts(ret)}\t{ts(clo)}\t{ly}\t{sc}{tail}\n"
        for (c, u, cu, pv, f, rs, ch, st, sub, rec, clk, due, fin, ret, clo, ly, sc) in (
            (*row[:15], NULL if row[15] is None else row[15], row[16])
            for row in chunk_rows(plan, chunk)
        )
    ]
    return "".join(out).encode()


def _constant_columns() -> list[tuple[str, Any]]:
    """The other concrete columns of Dossier and the value every generated row gives them."""
    stamp = timezone.now()
    cols = []
    for f in Dossier._meta.concrete_fields:
        if f.primary_key or f.column in VARIABLE_COLUMNS:
            continue
        if f.column in ("created_at", "updated_at"):
            value: Any = stamp
        elif f.column == "applicant_name":
            value = "Nguyễn Văn Thử"
        else:
            value = f.get_default()  # "" for text columns, None for nullable ones
        if isinstance(value, dict | list):
            value = json.dumps(value)
        cols.append((str(f.column), value))
    return cols


def _copy_cell(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _as_datetime(epoch: int | None) -> dt.datetime | None:
    return None if epoch is None else dt.datetime.fromtimestamp(epoch, dt.UTC)


def iter_row_dicts(plan: Plan) -> Iterator[dict[str, Any]]:
    """The plan's rows as dicts of model column values (times as aware datetimes)."""
    for chunk in range((plan.count + CHUNK - 1) // CHUNK):
        for row in chunk_rows(plan, chunk):
            d = dict(zip(VARIABLE_COLUMNS, row, strict=True))
            for c in TIME_COLUMNS:
                d[c] = _as_datetime(d[c])
            yield d


def write_dossiers(plan: Plan, *, workers: int | None = None) -> int:
    """Insert the plan's rows; returns the number written."""
    constant = _constant_columns()
    names = [*VARIABLE_COLUMNS, *(c for c, _ in constant)]
    chunks = (plan.count + CHUNK - 1) // CHUNK
    if connection.vendor != "postgresql":
        sql = (
            f"INSERT INTO dossiers_dossier ({', '.join(names)}) "
            f"VALUES ({', '.join(['%s'] * len(names))})"
        )
        tail_values = [v for _, v in constant]
        written = 0
        with connection.cursor() as cursor:
            for d in iter_row_dicts(plan):
                cursor.execute(sql, [d[c] for c in VARIABLE_COLUMNS] + tail_values)
                written += 1
        return written
    tail = "".join("\t" + _copy_cell(v) for _, v in constant)
    sql = f"COPY dossiers_dossier ({', '.join(names)}) FROM STDIN"
    tasks = [(plan, c, tail) for c in range(chunks)]
    workers = workers if workers is not None else max(1, min(2, (os.cpu_count() or 1)))
    with connection.cursor() as cursor:
        t_start = time.perf_counter()
        bulk = plan.count >= BULK_THRESHOLD
        saved = _drop_secondary_indexes(cursor) if bulk else []
        raw = cursor.cursor  # psycopg 3 cursor
        with raw.copy(sql) as copy:
            if workers <= 1 or chunks <= 1:
                for t in tasks:
                    copy.write(_copy_text_chunk(t))
            else:
                ctx = multiprocessing.get_context("fork")
                with ctx.Pool(workers) as pool:
                    for data in pool.imap(_copy_text_chunk, tasks):
                        copy.write(data)
        t_copy = time.perf_counter()
        for statement in saved:
            cursor.execute(statement)
        LAST_TIMINGS["copy_s"] = round(t_copy - t_start, 2)
        LAST_TIMINGS["index_s"] = round(time.perf_counter() - t_copy, 2)
    return plan.count


BULK_THRESHOLD = 100_000
LAST_TIMINGS: dict[str, float] = {}


def _drop_secondary_indexes(cursor: Any) -> list[str]:
    """Bulk load (PostgreSQL, benchmark database only): foreign-key triggers off for this
    transaction (`session_replication_role = replica`; the generator only writes ids it read
    from the database), secondary indexes and unique constraints dropped and returned as the
    statements that recreate them after COPY (one sort per index instead of a B-tree insert
    per row and index)."""
    cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'dossiers_dossier'::regclass AND contype = 'u'"
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'dossiers_dossier' "
        "AND i.indexname NOT IN (SELECT conname FROM pg_constraint "
        "WHERE conrelid = 'dossiers_dossier'::regclass)"
    )
    indexes = cursor.fetchall()
    restore = []
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE dossiers_dossier DROP CONSTRAINT "{name}"')
        restore.append(f'ALTER TABLE dossiers_dossier ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
        restore.append(definition)
    return restore


def generate(
    *,
    dossiers: int,
    units: int,
    fields: int = 30,
    procedures: int = 2000,
    prefix: str = PREFIX,
    start: dt.date = dt.date(2023, 1, 1),
    end: dt.date = dt.date(2025, 12, 31),
    now: dt.datetime | None = None,
    seed: int = 11,
    workers: int | None = None,
) -> dict[str, Any]:
    """Generate `dossiers` rows received over [start, end]; returns timings for the report."""
    now = now or dt.datetime.combine(end, dt.time(17, 0), VN)
    t0 = time.perf_counter()
    uni = build_universe(units=units, fields=fields, procedures=procedures, prefix=prefix)
    plan = make_plan(uni, count=dossiers, start=start, end=end, now=now, seed=seed)
    t1 = time.perf_counter()
    with transaction.atomic():
        n = write_dossiers(plan, workers=workers)
    t2 = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dossiers_dossier")
    return {
        "dossiers": n,
        "units": len(uni.units),
        "setup_s": round(t1 - t0, 2),
        "insert_s": round(t2 - t1, 2),
        "rows_per_min": int(n / max(t2 - t1, 1e-9) * 60),
        **LAST_TIMINGS,
        "province": uni.province.code,
        "largest_unit": uni.largest().code,
        "now": now.isoformat(),
    }


def largest_unit(prefix: str, units: Sequence[Unit] | None = None) -> Unit:
    """The unit with the most dossiers among the province `prefix`'s units."""
    from django.db.models import Count

    qs = Unit.objects.filter(parent__code=f"{prefix}P")
    if units is not None:
        qs = qs.filter(pk__in=[u.pk for u in units])
    top = qs.annotate(n=Count("dossiers")).order_by("-n", "code").first()
    if top is None:
        raise LookupError(prefix)
    return top
