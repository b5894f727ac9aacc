"""Rollup maintenance (writes derived rows only; never dossier rows).

* `rollup_rebuild` — full or partial re-aggregation from dossier rows, idempotent;
* `rollup_refresh_dossier_days` — after a dossier changed: recompute its footprint and
  re-aggregate the days its old and new footprints touch (called after commit by the
  lifecycle services, or through the Celery task `reports.tasks.refresh_rollups`);
* `rollup_extend_months` — monthly job: move the monthly snapshots' horizon forward;
* `rollup_check` — compare the rollups (both levels) with the oracle for a unit and period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from motcua.dossiers.constants import Channel, State
from motcua.dossiers.models import Dossier
from motcua.organisation.models import Unit
from motcua.reports.constants import (
    CLOSED_OTHER_STATES,
    DAY_LIMIT_UNITS,
    FIGURE_KEYS,
    NOT_RECEIVED_STATES,
    RESOLVED_STATES,
    WAITING_STATES,
    EndKind,
    Policy,
    Source,
)
from motcua.reports.models import DailyFlow, DossierFootprint, MonthlyFlow, RollupMeta
from motcua.reports.stats import (
    FOOTPRINT_SOURCE_FIELDS,
    LOCAL_TZ,
    ClassifySettings,
    bieu06,
    footprint_values,
    month_start,
    next_month,
    unit_scope_ids,
)

Key = tuple[int, int, dt.date]  # (unit_id, field_id, day)
FOOTPRINT_FIELDS = (
    "unit_id",
    "field_id",
    "received_day",
    "online",
    "end_day",
    "end_kind",
    "rejected",
    "overdue_day",
    "closed_overdue",
    "waiting",
)
BATCH = 2000


def _keys(fp: dict[str, Any]) -> set[Key]:
    unit_id, field_id = fp["unit_id"], fp["field_id"]
    days = {fp["received_day"], fp["end_day"], fp["overdue_day"]}
    return {(unit_id, field_id, d) for d in days if d is not None}


def _existing(dossier_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    rows = DossierFootprint.objects.filter(dossier_id__in=list(dossier_ids)).values(
        "dossier_id", *FOOTPRINT_FIELDS
    )
    return {row["dossier_id"]: row for row in rows}


def _sync_footprints(dossier_ids: list[int], cs: ClassifySettings) -> set[Key]:
    """Bring the footprints of these dossiers up to date; return the touched DailyFlow keys."""
    touched: set[Key] = set()
    for i in range(0, len(dossier_ids), BATCH):
        chunk = dossier_ids[i : i + BATCH]
        old = _existing(chunk)
        new: dict[int, dict[str, Any]] = {}
        for row in Dossier.objects.filter(id__in=chunk).values(*FOOTPRINT_SOURCE_FIELDS):
            fp = footprint_values(row, cs)
            if fp is not None:
                new[row["id"]] = fp
        stale = [pk for pk in old if pk not in new]
        changed = [
            fp
            for pk, fp in new.items()
            if pk not in old or any(old[pk][k] != fp[k] for k in FOOTPRINT_FIELDS)
        ]
        for pk in stale:
            touched |= _keys(old[pk])
        for fp in changed:
            touched |= _keys(fp)
            if fp["dossier_id"] in old:
                touched |= _keys(old[fp["dossier_id"]])
        DossierFootprint.objects.filter(
            dossier_id__in=stale + [fp["dossier_id"] for fp in changed]
        ).delete()
        DossierFootprint.objects.bulk_create([DossierFootprint(**fp) for fp in changed])
    return touched


def _regroup(keys: set[Key]) -> None:
    """Recompute the DailyFlow rows of these keys from the footprints (exact, idempotent)."""
    if not keys:
        return
    units = {k[0] for k in keys}
    fields = {k[1] for k in keys}
    days = {k[2] for k in keys}
    counts: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    base = DossierFootprint.objects.filter(unit_id__in=units, field_id__in=fields)

    for row in (
        base.filter(received_day__in=days)
        .values("unit_id", "field_id", "received_day")
        .annotate(
            on=Count("dossier_id", filter=Q(online=True)),
            direct=Count("dossier_id", filter=Q(online=False)),
        )
        .order_by()
    ):
        c = counts[(row["unit_id"], row["field_id"], row["received_day"])]
        c["received_online"] += row["on"]
        c["received_direct"] += row["direct"]

    end_columns: dict[str, str] = {
        EndKind.EARLY: "finished_early",
        EndKind.ON_TIME: "finished_on_time",
        EndKind.LATE: "finished_late",
        EndKind.WITHDRAWN: "withdrawn",
        EndKind.STOPPED: "stopped",
    }
    for erow in (
        base.filter(end_day__in=days)
        .values("unit_id", "field_id", "end_day", "end_kind")
        .annotate(
            n=Count("dossier_id"),
            rejected_n=Count("dossier_id", filter=Q(rejected=True)),
            closed_overdue_n=Count("dossier_id", filter=Q(closed_overdue=True)),
        )
        .order_by()
    ):
        end_day = erow["end_day"]
        assert end_day is not None
        c = counts[(erow["unit_id"], erow["field_id"], end_day)]
        c[end_columns[erow["end_kind"]]] += erow["n"]
        c["finished_rejected"] += erow["rejected_n"]
        c["closed_overdue"] += erow["closed_overdue_n"]

    for orow in (
        base.filter(overdue_day__in=days)
        .values("unit_id", "field_id", "overdue_day")
        .annotate(
            n=Count("dossier_id"),
            waiting_n=Count("dossier_id", filter=Q(waiting=True)),
        )
        .order_by()
    ):
        overdue_day = orow["overdue_day"]
        assert overdue_day is not None
        c = counts[(orow["unit_id"], orow["field_id"], overdue_day)]
        c["overdue_in"] += orow["n"]
        c["overdue_in_waiting"] += orow["waiting_n"]

    existing = DailyFlow.objects.filter(unit_id__in=units, field_id__in=fields, day__in=days)
    stale_ids = [
        pk
        for pk, u, f, d in existing.values_list("id", "unit_id", "field_id", "day")
        if (u, f, d) in keys
    ]
    for i in range(0, len(stale_ids), BATCH):
        DailyFlow.objects.filter(id__in=stale_ids[i : i + BATCH]).delete()
    DailyFlow.objects.bulk_create(
        [
            DailyFlow(unit_id=k[0], field_id=k[1], day=k[2], **values)
            for k, values in counts.items()
            if k in keys and any(values.values())
        ],
        batch_size=BATCH,
    )
    meta = RollupMeta.objects.filter(key="bieu06").first()
    if meta is not None and meta.month_horizon is not None:
        _rebuild_months({(k[0], k[1]) for k in keys}, meta.month_horizon)


FLOW_COLUMNS = (
    "received_online",
    "received_direct",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "finished_rejected",
    "withdrawn",
    "stopped",
    "overdue_in",
    "closed_overdue",
    "overdue_in_waiting",
)
_ENDED = tuple(
    FLOW_COLUMNS.index(c)
    for c in ("finished_early", "finished_on_time", "finished_late", "withdrawn", "stopped")
)


def _rebuild_months(pairs: set[tuple[int, int]], horizon: dt.date) -> None:
    """Recompute every MonthlyFlow row of these (unit, field) pairs from their DailyFlow rows:
    dense from the pair's first month to `horizon`, each with the month's flows and the
    running sums before it (exact, idempotent)."""
    if not pairs:
        return
    units = {p[0] for p in pairs}
    fields = {p[1] for p in pairs}
    existing = MonthlyFlow.objects.filter(unit_id__in=units, field_id__in=fields)
    stale = [
        pk for pk, u, f in existing.values_list("id", "unit_id", "field_id") if (u, f) in pairs
    ]
    for i in range(0, len(stale), BATCH):
        MonthlyFlow.objects.filter(id__in=stale[i : i + BATCH]).delete()
    months: dict[tuple[int, int], dict[dt.date, list[int]]] = defaultdict(dict)
    daily = DailyFlow.objects.filter(unit_id__in=units, field_id__in=fields).values_list(
        "unit_id", "field_id", "day", *FLOW_COLUMNS
    )
    for row in daily.iterator(chunk_size=BATCH):
        pair = (row[0], row[1])
        if pair not in pairs:
            continue
        vector = months[pair].setdefault(month_start(row[2]), [0] * len(FLOW_COLUMNS))
        for i, value in enumerate(row[3:]):
            vector[i] += value
    rows = []
    zero = [0] * len(FLOW_COLUMNS)
    for (unit_id, field_id), by_month in months.items():
        month = min(by_month)
        open_before = overdue_in = closed_overdue = waiting = 0
        while month <= horizon:
            v = by_month.get(month, zero)
            rows.append(
                MonthlyFlow(
                    unit_id=unit_id,
                    field_id=field_id,
                    month=month,
                    **dict(zip(FLOW_COLUMNS, v, strict=True)),
                    open_before=open_before,
                    overdue_in_before=overdue_in,
                    closed_overdue_before=closed_overdue,
                    overdue_in_waiting_before=waiting,
                )
            )
            open_before += v[0] + v[1] - sum(v[i] for i in _ENDED)
            overdue_in += v[8]
            closed_overdue += v[9]
            waiting += v[10]
            month = next_month(month)
    MonthlyFlow.objects.bulk_create(rows, batch_size=BATCH)


def _horizon() -> dt.date | None:
    """The month after the last day with a DailyFlow row (None: no rows)."""
    from django.db.models import Max

    last = DailyFlow.objects.aggregate(last=Max("day"))["last"]
    return next_month(last) if last is not None else None


@transaction.atomic
def rollup_refresh_dossier_days(dossier_ids: Iterable[int]) -> int:
    """Re-aggregate the days that the given dossiers touch (before and after their change).
    Idempotent; returns the number of DailyFlow keys re-aggregated."""
    cs = ClassifySettings.current()
    ids = sorted(set(dossier_ids))
    keys = _sync_footprints(ids, cs)
    _regroup(keys)
    return len(keys)


@transaction.atomic
def rollup_rebuild(
    *,
    unit: Unit | None = None,
    day_from: dt.date | None = None,
    day_to: dt.date | None = None,
    python: bool = False,
) -> int:
    """Re-aggregate from dossier rows.

    Full (no arguments): every footprint and DailyFlow row is recreated and the rollups are
    marked as built under the current classification settings (RollupMeta). Partial (a unit
    subtree and/or a day range): the footprints of the unit's dossiers are brought up to date
    and every DailyFlow row of the unit(s) in [day_from, day_to] is recomputed (repairs drift).
    Returns the number of footprints written or checked.

    A full rebuild on PostgreSQL runs as two `INSERT … SELECT` statements (`_rebuild_sql`,
    the same rows as the Python path, which `python=True` forces; tests compare both).
    """
    cs = ClassifySettings.current()
    if unit is None and day_from is None and day_to is None:
        # Reset first: no monthly maintenance while the daily level is rebuilt.
        RollupMeta.objects.filter(key="bieu06").delete()
        MonthlyFlow.objects.all().delete()
        if connection.vendor == "postgresql" and not python:
            n = _rebuild_sql(cs)
            horizon = _horizon()
            if horizon is not None:
                _rebuild_months_sql(horizon)
        else:
            DailyFlow.objects.all().delete()
            DossierFootprint.objects.all().delete()
            ids = list(
                Dossier.objects.filter(received_at__isnull=False).values_list("id", flat=True)
            )
            _regroup(_sync_footprints(ids, cs))
            n = len(ids)
            horizon = _horizon()
            if horizon is not None:
                pairs = set(DailyFlow.objects.values_list("unit_id", "field_id").distinct())
                _rebuild_months(pairs, horizon)
        RollupMeta.objects.create(
            key="bieu06",
            signature=cs.signature,
            built_at=timezone.now(),
            month_horizon=horizon,
        )
        return n
    dossiers = Dossier.objects.all()
    flows = DailyFlow.objects.all()
    footprints = DossierFootprint.objects.all()
    if unit is not None:
        scope = unit_scope_ids(unit)
        dossiers = dossiers.filter(unit_id__in=scope)
        flows = flows.filter(unit_id__in=scope)
        footprints = footprints.filter(unit_id__in=scope)
    ids = list(dossiers.values_list("id", flat=True))
    ids += list(footprints.exclude(dossier_id__in=ids).values_list("dossier_id", flat=True))
    keys = _sync_footprints(ids, cs)
    day_filter = Q()
    if day_from is not None:
        day_filter &= Q(day__gte=day_from)
    if day_to is not None:
        day_filter &= Q(day__lte=day_to)
    keys |= set(flows.filter(day_filter).values_list("unit_id", "field_id", "day"))
    fp_filter: dict[str, Any] = {}
    for name in ("received_day", "end_day", "overdue_day"):
        if day_from is not None:
            fp_filter[f"{name}__gte"] = day_from
        if day_to is not None:
            fp_filter[f"{name}__lte"] = day_to
        keys |= set(
            footprints.filter(**{k: v for k, v in fp_filter.items() if k.startswith(name)})
            .filter(**{f"{name}__isnull": False})
            .values_list("unit_id", "field_id", name)
        )
    _regroup(keys)
    return len(ids)


def _sql_list(values: Iterable[str]) -> str:
    return "(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + ")"


def _rebuild_sql(cs: ClassifySettings) -> int:
    """Full rebuild on PostgreSQL in SQL: footprints with the rules of `footprint_values`
    (local dates in Asia/Ho_Chi_Minh, by-date or by-instant classification, first overdue
    midnight), then DailyFlow as one GROUP BY over the footprints' three kinds of events."""
    tz = str(LOCAL_TZ)
    due = "COALESCE(d.extended_due_at, d.due_at)" if cs.against == "extended" else "d.due_at"
    by_date = (
        f"COALESCE(pv.time_limit_unit IN {_sql_list(DAY_LIMIT_UNITS)}, FALSE)"
        if cs.by_date
        else "FALSE"
    )
    early, on_time, late = EndKind.EARLY.value, EndKind.ON_TIME.value, EndKind.LATE.value
    withdrawn, stopped = State.WITHDRAWN.value, State.STOPPED.value
    footprints = f"""
        INSERT INTO reports_dossierfootprint (dossier_id, unit_id, field_id, received_day,
            online, end_day, end_kind, rejected, overdue_day, closed_overdue, waiting)
        WITH base AS (
            SELECT d.id, d.unit_id, d.field_id, d.state, d.channel, d.received_at,
                CASE WHEN d.state IN {_sql_list(RESOLVED_STATES)}
                        THEN COALESCE(d.finished_at, d.returned_at)
                     WHEN d.state IN {_sql_list(CLOSED_OTHER_STATES)} THEN d.closed_at
                END AS raw_end,
                {due} AS due,
                {by_date} AS by_date
            FROM dossiers_dossier d
            JOIN catalogue_procedureversion pv ON pv.id = d.procedure_version_id
            WHERE d.received_at IS NOT NULL AND d.state NOT IN {_sql_list(NOT_RECEIVED_STATES)}
        ), e AS (
            SELECT base.*,
                CASE WHEN raw_end < received_at THEN received_at ELSE raw_end END AS end_at,
                (received_at AT TIME ZONE '{tz}')::date AS received_day
            FROM base
        ), f AS (
            SELECT e.*, (end_at AT TIME ZONE '{tz}')::date AS end_day,
                CASE WHEN due IS NOT NULL THEN GREATEST(
                    CASE WHEN by_date THEN (due AT TIME ZONE '{tz}')::date + 1
                         ELSE ((due - interval '1 microsecond') AT TIME ZONE '{tz}')::date + 1
                    END,
                    received_day + 1) END AS first_overdue
            FROM e
        )
        SELECT id, unit_id, field_id, received_day, channel = '{Channel.ONLINE.value}', end_day,
            CASE WHEN end_at IS NULL THEN ''
                 WHEN state = '{withdrawn}' THEN '{withdrawn}'
                 WHEN state = '{stopped}' THEN '{stopped}'
                 WHEN due IS NULL THEN '{on_time}'
                 WHEN by_date THEN CASE
                     WHEN end_day < (due AT TIME ZONE '{tz}')::date THEN '{early}'
                     WHEN end_day = (due AT TIME ZONE '{tz}')::date THEN '{on_time}'
                     ELSE '{late}' END
                 WHEN end_at < due THEN '{early}'
                 WHEN end_at = due THEN '{on_time}'
                 ELSE '{late}' END,
            end_at IS NOT NULL AND state = '{State.REJECTED_AFTER_REVIEW.value}',
            CASE WHEN first_overdue IS NOT NULL AND (end_day IS NULL OR end_day >= first_overdue)
                 THEN first_overdue END,
            COALESCE(first_overdue IS NOT NULL AND end_day >= first_overdue, FALSE),
            state IN {_sql_list(WAITING_STATES)}
        FROM f
    """
    flows = f"""
        INSERT INTO reports_dailyflow (unit_id, field_id, day, received_online, received_direct,
            finished_early, finished_on_time, finished_late, finished_rejected, withdrawn,
            stopped, overdue_in, closed_overdue, overdue_in_waiting)
        SELECT unit_id, field_id, day, SUM(ro), SUM(rd), SUM(fe), SUM(fo), SUM(fl), SUM(fr),
            SUM(w), SUM(s), SUM(oi), SUM(co), SUM(ow)
        FROM (
            SELECT unit_id, field_id, received_day AS day, online::int AS ro,
                (NOT online)::int AS rd, 0 AS fe, 0 AS fo, 0 AS fl, 0 AS fr, 0 AS w, 0 AS s,
                0 AS oi, 0 AS co, 0 AS ow
            FROM reports_dossierfootprint
            UNION ALL
            SELECT unit_id, field_id, end_day, 0, 0, (end_kind = '{early}')::int,
                (end_kind = '{on_time}')::int, (end_kind = '{late}')::int, rejected::int,
                (end_kind = '{withdrawn}')::int, (end_kind = '{stopped}')::int, 0,
                closed_overdue::int, 0
            FROM reports_dossierfootprint WHERE end_day IS NOT NULL
            UNION ALL
            SELECT unit_id, field_id, overdue_day, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, waiting::int
            FROM reports_dossierfootprint WHERE overdue_day IS NOT NULL
        ) events
        GROUP BY unit_id, field_id, day
    """
    with connection.cursor() as cursor:
        # Fire pending deferred FK checks first: TRUNCATE refuses to run while any are queued.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE reports_dailyflow, reports_dossierfootprint")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's FKs are INITIALLY DEFERRED
        cursor.execute(footprints)
        n = cursor.rowcount
        cursor.execute(flows)
        cursor.execute("ANALYZE reports_dossierfootprint")
        cursor.execute("ANALYZE reports_dailyflow")
    return int(n)


@transaction.atomic
def rollup_extend_months() -> dt.date | None:
    """Move the monthly horizon to the month after the last day with flows and recompute every
    MonthlyFlow row (a monthly job: until it runs, the days after the horizon are read from
    DailyFlow, exact but slower). Returns the new horizon (None: no rollups built)."""
    meta = RollupMeta.objects.select_for_update().filter(key="bieu06").first()
    if meta is None:
        return None
    horizon = _horizon()
    MonthlyFlow.objects.all().delete()
    if horizon is not None:
        if connection.vendor == "postgresql":
            _rebuild_months_sql(horizon)
        else:
            pairs = set(DailyFlow.objects.values_list("unit_id", "field_id").distinct())
            _rebuild_months(pairs, horizon)
    meta.month_horizon = horizon
    meta.save(update_fields=["month_horizon"])
    return horizon


def _rebuild_months_sql(horizon: dt.date) -> None:
    """All MonthlyFlow rows in one statement (PostgreSQL): month sums of DailyFlow on a dense
    grid of months per (unit, field), running sums through a window ending the month before;
    the same rows as `_rebuild_months`."""
    cols = ", ".join(FLOW_COLUMNS)
    sums = ", ".join(f"SUM({c}) AS {c}" for c in FLOW_COLUMNS)
    coalesced = ", ".join(f"COALESCE(m.{c}, 0) AS {c}" for c in FLOW_COLUMNS)
    opened = (
        "received_online + received_direct - finished_early - finished_on_time - finished_late"
        " - withdrawn - stopped"
    )
    sql = f"""
        INSERT INTO reports_monthlyflow (unit_id, field_id, month, {cols}, open_before,
            overdue_in_before, closed_overdue_before, overdue_in_waiting_before)
        WITH m AS (
            SELECT unit_id, field_id, date_trunc('month', day)::date AS month, {sums}
            FROM reports_dailyflow GROUP BY 1, 2, 3
        ), g AS (
            SELECT f.unit_id, f.field_id, gs::date AS month
            FROM (SELECT unit_id, field_id, MIN(month) AS first FROM m GROUP BY 1, 2) f
            CROSS JOIN LATERAL generate_series(f.first, %s::date, interval '1 month') gs
        ), j AS (
            SELECT g.unit_id, g.field_id, g.month, {coalesced}
            FROM g LEFT JOIN m USING (unit_id, field_id, month)
        )
        SELECT unit_id, field_id, month, {cols},
            COALESCE(SUM({opened}) OVER w, 0), COALESCE(SUM(overdue_in) OVER w, 0),
            COALESCE(SUM(closed_overdue) OVER w, 0), COALESCE(SUM(overdue_in_waiting) OVER w, 0)
        FROM j
        WINDOW w AS (PARTITION BY unit_id, field_id ORDER BY month
                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [horizon])
        cursor.execute("ANALYZE reports_monthlyflow")


@dataclass
class RollupCheck:
    ok: bool
    differences: list[str] = field(default_factory=list)


def rollup_check(
    *,
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    policy: str | None = None,
    now: dt.datetime | None = None,
) -> RollupCheck:
    """Compare every figure (total and per field) of the rollups with the oracle."""
    now = now or timezone.now()
    differences: list[str] = []
    policies = [policy] if policy else list(Policy.values)
    for p in policies:
        kwargs: dict[str, Any] = {
            "unit": unit,
            "date_from": date_from,
            "date_to": date_to,
            "policy": p,
            "now": now,
        }
        oracle = bieu06(source=Source.ORACLE, **kwargs)
        oracle_fields = {r.field_id: r.figures for r in oracle.by_field}
        # Both rollup levels: monthly snapshots + daily flows, and daily flows alone.
        for level, label in (("auto", "rollup"), ("daily", "daily rollup")):
            rollup = bieu06(source=Source.ROLLUP, rollup_level=level, **kwargs)
            pairs = [("total", oracle.total, rollup.total)]
            rollup_fields = {r.field_id: r.figures for r in rollup.by_field}
            for fid in sorted(set(rollup_fields) | set(oracle_fields)):
                pairs.append(
                    (
                        f"field {fid}",
                        oracle_fields.get(fid) or type(oracle.total)(),
                        rollup_fields.get(fid) or type(oracle.total)(),
                    )
                )
            for where, o, r in pairs:
                for key in FIGURE_KEYS:
                    if getattr(o, key) != getattr(r, key):
                        differences.append(
                            f"{p} {where} {key}: oracle {getattr(o, key)} != "
                            f"{label} {getattr(r, key)}"
                        )
    return RollupCheck(ok=not differences, differences=differences)
