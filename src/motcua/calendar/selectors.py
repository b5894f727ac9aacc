"""Reads of the working-day calendar: build a `WorkCalendar` for a unit from the database.

Layers, lowest first (DOMAIN.md §6): the `holidays` base rules (VN), the national overrides
(unit empty), then the overrides of the unit's ancestors from the root down and finally the
unit's own (a deeper unit wins). The working schedule is the unit's own, else the nearest
ancestor's, else the default (Mon–Fri, 07:30–11:30 and 13:30–17:00).

Calendars are cached per process, keyed by a cheap version of the tables (row count and the
latest `updated_at` of overrides and schedules) and the settings that shape them, so an edit
anywhere is seen by the next call (one aggregate query per call, or its columns joined to the
caller's own query — `stamp_columns`, the counter intake's version in force; none inside the
calendar).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.models import Q
from django.utils import timezone

from motcua.calendar.constants import LimitUnit
from motcua.calendar.models import CalendarOverride, WorkingSchedule
from motcua.calendar.workdays import (
    DEFAULT_SESSIONS,
    DEFAULT_WEEKDAYS,
    Override,
    Session,
    WorkCalendar,
    base_calendar,
)
from motcua.organisation.models import Unit

FIRST_YEAR = 2018
"""First year of the base rules loaded by default (NĐ 61/2018 took effect 21/06/2018)."""

_cache: dict[tuple[Any, ...], WorkCalendar] = {}
_cache_lock = threading.Lock()
_CACHE_LIMIT = 256


def default_years(today: dt.date | None = None) -> range:
    """Years of base rules loaded by default: 2018 up to three years ahead."""
    today = today or timezone.localdate()
    return range(FIRST_YEAR, today.year + 4)


def parse_time(value: Any) -> dt.time | None:
    """'15:00' / time / None / '' → time or None (None switches the cut-off off)."""
    if value is None or isinstance(value, dt.time):
        return value
    text = str(value).strip()
    if not text or text.lower() in {"none", "off", "false"}:
        return None
    return dt.time.fromisoformat(text)


def cutoff_settings() -> tuple[dt.time | None, frozenset[str]]:
    """MOTCUA["CUTOFF_TIME"] (default 15:00, None = off) and MOTCUA["CUTOFF_APPLIES_TO"]
    (LimitUnit values, default ["same_day"]; DOMAIN.md §2.3)."""
    conf = getattr(settings, "MOTCUA", {})
    cutoff = parse_time(conf.get("CUTOFF_TIME", "15:00"))
    applies = conf.get("CUTOFF_APPLIES_TO", [LimitUnit.SAME_DAY.value])
    if isinstance(applies, str):
        applies = [item.strip() for item in applies.split(",") if item.strip()]
    unknown = set(applies) - set(LimitUnit.values)
    if unknown:
        raise ValueError(f"MOTCUA['CUTOFF_APPLIES_TO'] has unknown units: {sorted(unknown)}")
    return cutoff, frozenset(applies)


def ancestor_codes(unit: Unit) -> list[str]:
    """Codes on the unit's materialised path, root first, the unit itself last."""
    return [code for code in unit.path.split("/") if code] or [unit.code]


def stamp_alias() -> str:
    """The database the calendar is read from (its stamp can join another read there)."""
    return router.db_for_read(CalendarOverride)


@cache
def stamp_columns(alias: str) -> str:
    """SQL select-list of the tables' stamp: (count, latest updated_at) of the overrides and
    of the schedules — four columns, for `calendar_for_unit(stamp=…)`."""
    qn = connections[alias].ops.quote_name
    parts = []
    for model in (CalendarOverride, WorkingSchedule):
        column = model._meta.get_field("updated_at").column or "updated_at"
        table, stamp = qn(model._meta.db_table), qn(column)
        parts += [f"(SELECT COUNT(*) FROM {table})", f"(SELECT MAX({stamp}) FROM {table})"]
    return ", ".join(parts)


def _version() -> tuple[Any, ...]:
    """The tables' stamp (`stamp_columns`), in one query."""
    alias = stamp_alias()
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {stamp_columns(alias)}")
        row = cursor.fetchone()
    return tuple(row)


def sessions_from_json(raw: Iterable[Any]) -> tuple[Session, ...]:
    sessions = []
    for pair in raw:
        start, end = pair
        start_time, end_time = parse_time(start), parse_time(end)
        if start_time is None or end_time is None:
            raise ValueError(f"Bad session {pair!r}")
        sessions.append(Session(start_time, end_time))
    return tuple(sessions)


def calendar_for_unit(
    unit: Unit | None, *, years: Iterable[int] | None = None, stamp: Sequence[Any] | None = None
) -> WorkCalendar:
    """The working calendar of `unit` (None: the national calendar). `stamp`: the tables'
    stamp when the caller has just read it in the same transaction (the four values of
    `stamp_columns`, joined to another query); else it is read here."""
    year_tuple = tuple(sorted(set(years))) if years is not None else tuple(default_years())
    cutoff, applies = cutoff_settings()
    codes = tuple(ancestor_codes(unit)) if unit is not None else ()
    key = (codes, year_tuple, cutoff, applies, tuple(stamp) if stamp is not None else _version())
    cached = _cache.get(key)
    if cached is not None:
        return cached
    calendar = _build(codes, year_tuple, cutoff, applies)
    with _cache_lock:
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[key] = calendar
    return calendar


def _build(
    codes: tuple[str, ...],
    years: tuple[int, ...],
    cutoff: dt.time | None,
    applies: frozenset[str],
) -> WorkCalendar:
    depth = {code: index for index, code in enumerate(codes)}
    units = {u.pk: u.code for u in Unit.objects.filter(code__in=codes)} if codes else {}
    layers: list[dict[dt.date, Override]] = [{} for _ in range(len(codes) + 1)]
    condition = Q(unit__isnull=True)
    if units:
        condition |= Q(unit_id__in=list(units))
    rows = CalendarOverride.objects.filter(condition).values_list(
        "date", "kind", "label", "legal_ref", "unit_id"
    )
    for day, kind, label, legal_ref, unit_id in rows:
        layer = 0 if unit_id is None else depth[units[unit_id]] + 1
        layers[layer][day] = (kind, label, legal_ref)
    merged: dict[dt.date, Override] = {}
    for layer_rows in layers:
        merged.update(layer_rows)

    weekdays, sessions = DEFAULT_WEEKDAYS, DEFAULT_SESSIONS
    if units:
        schedules = {
            units[s.unit_id]: s for s in WorkingSchedule.objects.filter(unit_id__in=list(units))
        }
        for code in reversed(codes):
            schedule = schedules.get(code)
            if schedule is not None:
                if schedule.weekdays:
                    weekdays = frozenset(int(d) for d in schedule.weekdays)
                if schedule.sessions:
                    sessions = sessions_from_json(schedule.sessions)
                break
    return (
        base_calendar(years)
        .with_overrides(merged)
        .with_settings(
            weekdays=weekdays, sessions=sessions, cutoff=cutoff, cutoff_applies_to=applies
        )
    )


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
