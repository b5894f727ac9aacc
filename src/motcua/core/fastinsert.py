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
from django.db.models import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    OneToOneField,
    PositiveBigIntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    SmallIntegerField,
    TextField,
)
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


#: Field classes (exactly these, not subclasses) whose `pre_save` + `get_db_prep_save` give a
#: value of the named type back unchanged (Django 5.2: `to_python(str)`, `to_python(bool)`), or
#: for the integer fields as `connection.ops.adapt_integerfield_value` gives it (psycopg's
#: Int2/Int4/Int8 on PostgreSQL, the int itself on SQLite).
_PASS_THROUGH: dict[type[Field[Any, Any]], type] = {
    CharField: str,
    TextField: str,
    BooleanField: bool,
    **dict.fromkeys(
        (
            IntegerField,
            BigIntegerField,
            SmallIntegerField,
            PositiveIntegerField,
            PositiveBigIntegerField,
            PositiveSmallIntegerField,
        ),
        int,
    ),
}
#: Keys whose value a foreign key stores as the plain int (`AutoFieldMixin`: no adaptation).
_AUTO_KEYS = (AutoField, BigAutoField)

#: How `row_params` reads a field: None (through Django), or (the value type stored as it is,
#: the integer kind for `adapt_integerfield_value` or None).
Kind = tuple[type, str | None] | None


def _kind(field: Field[Any, Any]) -> Kind:
    if type(field) in (ForeignKey, OneToOneField):
        key = field.target_field  # type: ignore[attr-defined]
        return (int, None) if type(key) in _AUTO_KEYS else None
    plain = _PASS_THROUGH.get(type(field))
    if plain is None:
        return None
    return plain, field.get_internal_type() if plain is int else None


@lru_cache(maxsize=128)
def _kinds(model: type[Model]) -> tuple[Kind, ...]:
    return tuple(_kind(field) for field in _insert_fields(model))


def row_params(obj: Model, model: type[Model], connection: Any) -> list[Any]:
    """The INSERT parameters of `obj`, as Django's insert prepares them: `pre_save(add=True)`
    then `get_db_prep_save` — skipped, for the same result, where the value is a plain str,
    int or bool (or None) of a field that stores it as it is (most columns of a row: the
    Python calls cost more than the database's insert on the hot paths)."""
    params: list[Any] = []
    adapt = connection.ops.adapt_integerfield_value
    for field, kind in zip(_insert_fields(model), _kinds(model), strict=True):
        if kind is not None:
            value = getattr(obj, field.attname)
            if value is None:
                params.append(None)
                continue
            if type(value) is kind[0]:
                params.append(value if kind[1] is None else adapt(value, kind[1]))
                continue
        value = field.pre_save(obj, add=True)
        if isinstance(value, DatabaseDefault):
            raise TypeError(f"{model.__name__}.{field.name} has a database default")
        params.append(field.get_db_prep_save(value, connection=connection))
    return params


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
        params += row_params(obj, model, connection)
    sql = _statement(model, len(objs), alias, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = [row[0] for row in cursor.fetchall()]
    for obj, key in zip(objs, keys, strict=True):
        if auto_pk:
            obj.pk = key
        obj._state.adding = False
        obj._state.db = alias
