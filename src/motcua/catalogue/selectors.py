"""Reads of the procedure catalogue: accent-insensitive search and versions in force by date."""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, reduce
from operator import and_
from typing import Any

from django.db import connections, router
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from motcua.catalogue.constants import VersionStatus
from motcua.catalogue.models import Component, FeeRule, Procedure, ProcedureVersion, ProcessStep
from motcua.core.text import search_terms
from motcua.organisation.models import Unit
from motcua.organisation.selectors import unit_province


def _in_force_q(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": VersionStatus.PUBLISHED, f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


def versions_in_force(on: dt.date) -> QuerySet[ProcedureVersion]:
    """Published versions whose validity period contains `on` (at most one per procedure)."""
    return (
        ProcedureVersion.objects.filter(_in_force_q(on))
        .select_related("procedure", "procedure__field")
        .order_by("procedure__field__code", "procedure__code")
    )


@cache
def _in_force_sql(alias: str, vendor: str) -> str:
    q = connections[alias].ops.quote_name
    valid_from, valid_to = q("valid_from"), q("valid_to")
    return (
        f"SELECT {q('id')}, {q('updated_at')} FROM {q(ProcedureVersion._meta.db_table)} "
        f"WHERE {q('procedure_id')} = %s AND {q('status')} = %s AND {valid_from} <= %s "
        f"AND ({valid_to} IS NULL OR {valid_to} >= %s) ORDER BY {valid_from} DESC LIMIT 1"
    )


def version_in_force(procedure: Procedure, on: dt.date) -> ProcedureVersion | None:
    """The published version of `procedure` valid on `on` (valid_from ≤ on ≤ valid_to/open).

    The database decides which version it is, every time (plain SQL written once: every
    intake asks, and the ORM spent longer compiling the query than the database answering);
    the row itself is read once per process for each state of it (`_version_row`)."""
    return version_in_force_with(procedure, on)[0]


def version_in_force_with(
    procedure: Procedure, on: dt.date, columns: str = "", alias: str | None = None
) -> tuple[ProcedureVersion | None, tuple[Any, ...]]:
    """`version_in_force`, and in the same query the values of the select-list `columns`
    (SQL without parameters, e.g. another module's cache stamp, on the database `alias`; one
    round trip instead of two on the intake's path)."""
    alias = alias or router.db_for_read(ProcedureVersion)
    connection = connections[alias]
    day = connection.ops.adapt_datefield_value(on)
    params: list[Any] = [procedure.pk, VersionStatus.PUBLISHED.value, day, day]
    sql = _in_force_sql(alias, connection.vendor)
    if columns:  # one row even when no version is in force
        sql = f"SELECT v.*, {columns} FROM (SELECT 1 AS one) AS one LEFT JOIN ({sql}) AS v ON 1 = 1"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None or row[0] is None:  # no version (with `columns`: a row of NULL id)
        return None, tuple(row[2:]) if row else ()
    return _version_row(alias, row[0], row[1]), tuple(row[2:])


class _Recent:
    """A per-process LRU map, safe across threads; `load` runs outside the lock."""

    def __init__(self, limit: int = 512) -> None:
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = limit

    def get(self, key: Any, load: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = load()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._limit:
                self._items.popitem(last=False)
        return value


_rows = _Recent()
_parts = _Recent()


def _version_row(alias: str, pk: int, stamp: Any) -> ProcedureVersion:
    """A copy of version `pk` as it is at `updated_at` = `stamp` (each save moves the stamp,
    so a cached copy is never stale; the copy keeps callers from sharing an instance)."""
    version = _rows.get(
        (alias, pk, stamp), lambda: ProcedureVersion.objects.using(alias).get(pk=pk)
    )
    return copy.copy(version)


@dataclass(frozen=True)
class VersionParts:
    """A version's components in catalogue order and its first internal step (or None)."""

    components: tuple[Component, ...]
    first_step: ProcessStep | None


def version_parts(version: ProcedureVersion) -> VersionParts:
    """The components and first step of `version`, read once per process for each state of a
    published version.

    The key is the version's (id, updated_at): every change of a version's children goes
    through `catalogue.services` (`version_update`, the catalogue import), which saves the
    version with them, and published versions are otherwise frozen (admin and services).
    Drafts are read every time. The instances are shared: read them, never change them."""
    if version.status != VersionStatus.PUBLISHED or version.updated_at is None:
        return _read_parts(version)
    parts: VersionParts = _parts.get((version.pk, version.updated_at), lambda: _read_parts(version))
    return parts


def _read_parts(version: ProcedureVersion) -> VersionParts:
    return VersionParts(
        components=tuple(Component.objects.filter(version=version).order_by("order")),
        first_step=ProcessStep.objects.filter(version=version).order_by("order").first(),
    )


def procedures_in_force(on: dt.date) -> QuerySet[Procedure]:
    """Procedures that have a published version in force on `on`."""
    in_force = ProcedureVersion.objects.filter(_in_force_q(on), procedure=OuterRef("pk"))
    return Procedure.objects.filter(Exists(in_force)).select_related("field")


def procedure_search(
    query: str, *, on: dt.date | None = None, field: str | None = None, limit: int = 50
) -> QuerySet[Procedure]:
    """Accent-insensitive search on the stored folded name (`name_search`) and on the code.

    Every word of the query must match (in the folded name or in the code), so
    `dang ky ket hon`, `ĐĂNG KÝ KẾT HÔN` and `đăng ký kết hôn` all find "Đăng ký kết hôn".
    `field` filters by field code; `on` keeps only procedures in force on that date.
    The folded key works the same on SQLite and PostgreSQL (no database extension needed).
    """
    qs = Procedure.objects.select_related("field")
    terms = search_terms(query)
    if terms:
        qs = qs.filter(
            reduce(and_, (Q(name_search__contains=t) | Q(code__icontains=t) for t in terms))
        )
    if field:
        qs = qs.filter(field__code__iexact=field)
    if on is not None:
        in_force = ProcedureVersion.objects.filter(_in_force_q(on), procedure=OuterRef("pk"))
        qs = qs.filter(Exists(in_force))
    return qs.order_by("field__code", "name_search", "code")[:limit]


def procedure_versions(procedure: Procedure) -> QuerySet[ProcedureVersion]:
    return procedure.versions.order_by("number").prefetch_related(
        "components", "fee_rules", "steps"
    )


def _line_applies(line: FeeRule, on: dt.date) -> bool:
    return (line.valid_from is None or line.valid_from <= on) and (
        line.valid_to is None or on <= line.valid_to
    )


def fee_rules_for(
    version: ProcedureVersion, unit: Unit | None = None, on: dt.date | None = None
) -> list[FeeRule]:
    """The fee lines charged for a dossier of `unit` on `on` (default: today), in order.

    Lệ phí hộ tịch is set by each province's HĐND (Điều 11 Luật Hộ tịch 2014; Thông tư
    85/2019/TT-BTC): when the version has lines of `unit`'s province applying on `on`
    (`valid_from ≤ on ≤ valid_to`, open ends allowed), those lines replace the national ones;
    otherwise the national lines (no province) apply. Without a unit: the national lines.
    One query, plus one for the unit's province only when the version has provincial lines."""
    lines = list(version.fee_rules.order_by("order", "pk"))
    national = [line for line in lines if line.province_id is None]
    if unit is None or len(national) == len(lines):
        return national
    province = unit_province(unit)
    if province is None:
        return national
    day = on or timezone.localdate()
    provincial = [
        line for line in lines if line.province_id == province.pk and _line_applies(line, day)
    ]
    return provincial or national


def has_provincial_fees(version: ProcedureVersion) -> bool:
    """Whether some province has its own fee lines on this version."""
    return version.fee_rules.filter(province__isnull=False).exists()
