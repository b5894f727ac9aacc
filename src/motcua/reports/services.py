"""Rollup maintenance (writes derived rows only; never dossier rows).

* `rollup_rebuild` — full or partial re-aggregation from dossier rows, idempotent;
* `rollup_refresh_dossier_days` — after a dossier changed: recompute its footprint and
  re-aggregate the days its old and new footprints touch (called after commit by the
  lifecycle services, or through the Celery task `reports.tasks.refresh_rollups`);
* `rollup_check` — compare the rollups with the oracle for a unit and period.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.organisation.models import Unit
from motcua.reports.constants import FIGURE_KEYS, EndKind, Policy, Source
from motcua.reports.models import DailyFlow, DossierFootprint, RollupMeta
from motcua.reports.stats import (
    FOOTPRINT_SOURCE_FIELDS,
    ClassifySettings,
    bieu06,
    footprint_values,
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
    *, unit: Unit | None = None, day_from: dt.date | None = None, day_to: dt.date | None = None
) -> int:
    """Re-aggregate from dossier rows.

    Full (no arguments): every footprint and DailyFlow row is recreated and the rollups are
    marked as built under the current classification settings (RollupMeta). Partial (a unit
    subtree and/or a day range): the footprints of the unit's dossiers are brought up to date
    and every DailyFlow row of the unit(s) in [day_from, day_to] is recomputed (repairs drift).
    Returns the number of footprints written or checked.
    """
    cs = ClassifySettings.current()
    if unit is None and day_from is None and day_to is None:
        DailyFlow.objects.all().delete()
        DossierFootprint.objects.all().delete()
        ids = list(Dossier.objects.filter(received_at__isnull=False).values_list("id", flat=True))
        _regroup(_sync_footprints(ids, cs))
        RollupMeta.objects.update_or_create(
            key="bieu06", defaults={"signature": cs.signature, "built_at": timezone.now()}
        )
        return len(ids)
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
        rollup = bieu06(source=Source.ROLLUP, **kwargs)
        pairs = [("total", oracle.total, rollup.total)]
        rollup_fields = {r.field_id: r.figures for r in rollup.by_field}
        oracle_fields = {r.field_id: r.figures for r in oracle.by_field}
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
                        f"{p} {where} {key}: oracle {getattr(o, key)} != rollup {getattr(r, key)}"
                    )
    return RollupCheck(ok=not differences, differences=differences)
