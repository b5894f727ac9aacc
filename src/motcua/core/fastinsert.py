"""One INSERT of new rows of a model, with the statement built once (the hot write paths).

`insert_rows(objs)` writes unsaved instances of ONE model as `bulk_create()` does — each
concrete field's `pre_save(add=True)` (`auto_now_add`, `auto_now`), then its
`get_db_prep_save` (Django's own adapters: JSON, datetimes, decimals, per database) — in one
`INSERT … VALUES (…), (…) RETURNING pk`, sets the primary keys it gets back and marks the
instances saved. The statement's text depends only on the model, the number of rows and the
database, so it is built once per process and kept (and on PostgreSQL, with server-side
binding, the server keeps its plan too).

Why: on the benchmark machine Django compiles an INSERT in 0.4–1.5 ms, several times the
database's own work (0.1–0.2 ms for the same rows): the counter intake writes four tables,
so that was a third of its time (benchmarks/README.md, HTTP section).

Not for: models with a field that needs its own SQL placeholder or a database default
expression, or whose `save()` does more than store the row (refused, `TypeError`); no model
signals are sent (the workflow uses none, STYLE.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db import connections, router
from django.db.models import Field, Model
from django.db.models.expressions import DatabaseDefault

#: Rows per statement at most (SQLite's variable limit is far above rows × columns here).
MAX_ROWS = 100


@lru_cache(maxsize=128)
def _insert_fields(model: type[Model]) -> tuple[Field[Any, Any], ...]:
    fields = []
    for field in model._meta.concrete_fields:
        if getattr(field, "generated", False):
            continue
        if field.primary_key and getattr(field, "db_returning", False):
            continue  # an auto-incremented key: the database gives it
        if hasattr(field, "get_placeholder"):
            raise TypeError(f"{model.__name__}.{field.name} needs its own SQL placeholder")
        fields.append(field)
    return tuple(fields)


@lru_cache(maxsize=128)
def _statement(model: type[Model], rows: int, alias: str, vendor: str) -> str:
    """The INSERT of `rows` rows of `model` for the database `alias` (of `vendor`)."""
    qn = connections[alias].ops.quote_name
    fields = _insert_fields(model)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    columns = ", ".join(qn(str(f.column)) for f in fields)
    pk = qn(str(model._meta.pk.column))
    return (
        f"INSERT INTO {qn(model._meta.db_table)} ({columns}) "
        f"VALUES {', '.join([row] * rows)} RETURNING {pk}"
    )


def insert_rows(objs: Sequence[Model], *, using: str | None = None) -> None:
    """INSERT the unsaved `objs` (one model, at most `MAX_ROWS`) in one statement."""
    if not objs:
        return
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise TypeError("insert_rows writes rows of one model at a time")
    if len(objs) > MAX_ROWS:
        raise ValueError(f"insert_rows writes at most {MAX_ROWS} rows at a time")
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    fields = _insert_fields(model)
    auto_pk = model._meta.pk not in fields
    params: list[Any] = []
    for obj in objs:
        if auto_pk and obj.pk is not None:
            raise ValueError(f"{model.__name__} {obj.pk} is already saved")
        obj._prepare_related_fields_for_save(operation_name="insert_rows")  # type: ignore[attr-defined]
        for field in fields:
            value = field.pre_save(obj, add=True)
            if isinstance(value, DatabaseDefault):
                raise TypeError(f"{model.__name__}.{field.name} has a database default")
            params.append(field.get_db_prep_save(value, connection=connection))
    sql = _statement(model, len(objs), alias, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = [row[0] for row in cursor.fetchall()]
    for obj, key in zip(objs, keys, strict=True):
        if auto_pk:
            obj.pk = key
        obj._state.adding = False
        obj._state.db = alias
