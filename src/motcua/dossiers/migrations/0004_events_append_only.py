"""The database refuses UPDATE and DELETE on dossier events (PostgreSQL and SQLite triggers).

A later migration that must rewrite events has to remove the trigger first (reverse this one)
and re-install it after; `motcua verify-events` then proves nothing else changed."""

from django.db import migrations

from motcua.core.db import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0003_hash_existing_events")]

    operations = [append_only_operation("dossiers_dossierevent")]
