"""Database-level guards shared by migrations: append-only tables.

`append_only_operation(table)` is a migration operation that installs, on PostgreSQL and
SQLite, a trigger refusing every UPDATE and DELETE of `table` (the application's own
`save`/`delete` guards cannot stop raw SQL or `QuerySet.update()`). Both databases raise an
integrity error (`django.db.IntegrityError`). Other vendors are skipped.

PostgreSQL: the table owner can still `ALTER TABLE … DISABLE TRIGGER` (and TRUNCATE is not a
row operation): that is what the hash chain of dossier events is for.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _names(table: str) -> tuple[str, str]:
    return f"{table}_append_only", f"{table}_append_only_fn"


def append_only_sql(table: str, vendor: str) -> tuple[list[str], list[str]]:
    """(install, remove) statements for `vendor` ("postgresql", "sqlite"; [] otherwise)."""
    trigger, function = _names(table)
    message = f"{table} is append-only: UPDATE and DELETE are refused"
    if vendor == "postgresql":
        install = [
            f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{message} (%)', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql""",
            f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
            f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
        remove = [
            f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
            f"DROP FUNCTION IF EXISTS {function}()",
        ]
        return install, remove
    if vendor == "sqlite":
        install = []
        remove = []
        for op in ("update", "delete"):
            name = f"{trigger}_{op}"
            install.append(
                f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {op.upper()} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
            remove.append(f"DROP TRIGGER IF EXISTS {name}")
        return install, remove
    return [], []


def append_only_operation(table: str) -> migrations.RunPython:
    def forward(apps: Any, schema_editor: Any) -> None:
        for sql in append_only_sql(table, schema_editor.connection.vendor)[0]:
            schema_editor.execute(sql, params=None)

    def backward(apps: Any, schema_editor: Any) -> None:
        for sql in append_only_sql(table, schema_editor.connection.vendor)[1]:
            schema_editor.execute(sql, params=None)

    return migrations.RunPython(forward, backward, elidable=False)
