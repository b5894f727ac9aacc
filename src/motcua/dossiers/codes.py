"""Dossier codes, tracking-ledger numbers and look-up secrets.

- Dossier code (mã số hồ sơ), NĐ61 art. 26 and TT01/2018 art. 19 (DOMAIN.md §1.5):
  ``<agency identifier>-YYMMDD-XXXX``, the date being the receipt date in Asia/Ho_Chi_Minh and
  ``XXXX`` the gap-free sequence of dossiers received that day by the unit.
- Tracking ledger number (sổ theo dõi hồ sơ), TT01/2018 art. 10 (DOMAIN.md §1.11): numbered
  continuously from 1 through the year, per unit.

Both counters are rows incremented by one ``UPDATE … RETURNING`` (which locks the row until the
transaction ends) and must be taken inside the receipt transaction: a rolled-back receipt gives
its number back, so there are no gaps.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TypeVar

from django.db import models, transaction

from motcua.dossiers.models import DailyCounter, LedgerCounter
from motcua.organisation.models import Unit

# No 0/O, 1/I/L: the secret is read aloud and typed from a paper receipt.
SECRET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SECRET_LENGTH = 6

C = TypeVar("C", DailyCounter, LedgerCounter)


def _take(model: type[C], **keys: object) -> int:
    """Increment and return the counter row identified by `keys`, creating it race-safely."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Counters must be taken inside the receipt transaction.")
    taken = _increment(model, keys)
    if taken is not None:
        return taken
    # First number of the day/year: create the row. get_or_create retries the get on
    # IntegrityError (a concurrent insert of the same row).
    manager: models.Manager[C] = model.objects
    manager.get_or_create(**keys)  # type: ignore[arg-type]
    taken = _increment(model, keys)
    if taken is None:  # pragma: no cover - the row exists now
        raise RuntimeError(f"Counter row {model.__name__} {keys} vanished.")
    return taken


def _increment(model: type[C], keys: dict[str, object]) -> int | None:
    """``UPDATE … SET last = last + 1 … RETURNING last``: one statement, the row locked until
    the transaction ends (like ``SELECT … FOR UPDATE``); None when the row does not exist."""
    connection = transaction.get_connection()
    returning = connection.vendor == "postgresql" or (
        connection.vendor == "sqlite" and connection.features.can_return_columns_from_insert
    )  # UPDATE … RETURNING: PostgreSQL, SQLite ≥ 3.35
    if not returning:  # other databases, old SQLite
        manager: models.Manager[C] = model.objects
        counter = manager.select_for_update().filter(**keys).first()
        if counter is None:
            return None
        counter.last += 1
        counter.save(update_fields=["last"])
        return counter.last
    qn = connection.ops.quote_name
    meta = model._meta
    where, params = [], []
    for name, value in keys.items():
        field = meta.get_field(name)
        if isinstance(value, models.Model):
            value = value.pk
        where.append(f"{qn(field.column)} = %s")  # type: ignore[union-attr]
        params.append(field.get_db_prep_value(value, connection))  # type: ignore[union-attr]
    last = qn(meta.get_field("last").column)
    sql = (
        f"UPDATE {qn(meta.db_table)} SET {last} = {last} + 1 "
        f"WHERE {' AND '.join(where)} RETURNING {last}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def format_code(prefix: str, day: dt.date, number: int) -> str:
    return f"{prefix}-{day:%y%m%d}-{number:04d}"


def next_dossier_code(unit: Unit, day: dt.date) -> str:
    """The next code of `unit` for receipt day `day` (local date), e.g. ``H40.01-250703-0001``."""
    return format_code(unit.dossier_code_prefix, day, _take(DailyCounter, unit=unit, day=day))


def next_ledger_number(unit: Unit, year: int) -> int:
    """The next entry number of the unit's tracking ledger for `year` (from 1, continuous)."""
    return _take(LedgerCounter, unit=unit, year=year)


def next_code_and_ledger(unit: Unit, day: dt.date) -> tuple[str, int]:
    """`next_dossier_code(unit, day)` and `next_ledger_number(unit, day.year)`, in that order;
    on PostgreSQL in one round trip (both ``UPDATE … RETURNING`` in one statement, the rows
    locked in the same order as the two calls lock them)."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return next_dossier_code(unit, day), next_ledger_number(unit, day.year)
    if not connection.in_atomic_block:
        raise RuntimeError("Counters must be taken inside the receipt transaction.")
    with connection.cursor() as cursor:
        cursor.execute(_BOTH_SQL, [unit.pk, day, unit.pk, day.year])
        daily, ledger = cursor.fetchone()
    # A missing row (the first receipt of the day or year) is created by the usual path.
    if daily is None:
        daily = _take(DailyCounter, unit=unit, day=day)
    if ledger is None:
        ledger = _take(LedgerCounter, unit=unit, year=day.year)
    return format_code(unit.dossier_code_prefix, day, int(daily)), int(ledger)


_BOTH_SQL = (  # PostgreSQL only
    f'WITH d AS (UPDATE "{DailyCounter._meta.db_table}" SET "last" = "last" + 1 '
    'WHERE "unit_id" = %s AND "day" = %s RETURNING "last"), '
    f'l AS (UPDATE "{LedgerCounter._meta.db_table}" SET "last" = "last" + 1 '
    'WHERE "unit_id" = %s AND "year" = %s RETURNING "last") '
    "SELECT (SELECT last FROM d), (SELECT last FROM l)"
)


def new_lookup_secret() -> str:
    """A random 6-character secret printed on the receipt, asked with the code on the portal."""
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


def reserve_dossier_codes(unit: Unit, day: dt.date, count: int) -> list[str]:
    """`count` consecutive codes of `unit` for `day` in one counter update (bulk import)."""
    if count <= 0:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Counters must be taken inside the import transaction.")
    DailyCounter.objects.get_or_create(unit=unit, day=day)
    counter = DailyCounter.objects.select_for_update().get(unit=unit, day=day)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [format_code(unit.dossier_code_prefix, day, n) for n in range(first, first + count)]


def parse_code(code: str) -> tuple[str, dt.date, int] | None:
    """(prefix, day, number) of a code in the standard shape, else None."""
    prefix, _sep, rest = code.rpartition("-")
    head, _sep2, ymd = prefix.rpartition("-")
    if not head or len(ymd) != 6 or not ymd.isdigit() or not rest.isdigit():
        return None
    try:
        day = dt.datetime.strptime(ymd, "%y%m%d").date()
    except ValueError:
        return None
    return head, day, int(rest)


def bump_daily_counter(unit: Unit, day: dt.date, at_least: int) -> None:
    """Make the next generated code of (`unit`, `day`) follow an imported one."""
    DailyCounter.objects.get_or_create(unit=unit, day=day)
    DailyCounter.objects.filter(unit=unit, day=day, last__lt=at_least).update(last=at_least)
