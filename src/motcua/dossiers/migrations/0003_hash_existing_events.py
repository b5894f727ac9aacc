"""Compute the hash chain (`prev_hash`, `hash`) of the events recorded before it existed."""

from typing import Any

from django.db import migrations

from motcua.dossiers.hashchain import HASHED_FIELDS, event_hash

BATCH = 2000


def forward(apps: Any, schema_editor: Any) -> None:
    DossierEvent = apps.get_model("dossiers", "DossierEvent")
    rows = (
        DossierEvent.objects.order_by("dossier_id", "seq")
        .values("pk", *HASHED_FIELDS)
        .iterator(chunk_size=BATCH)
    )
    current, prev_hash = None, ""
    pending: list[Any] = []
    for row in rows:
        if row["dossier_id"] != current:
            current, prev_hash = row["dossier_id"], ""
        digest = event_hash(row, prev_hash)
        pending.append(DossierEvent(pk=row["pk"], prev_hash=prev_hash, hash=digest))
        prev_hash = digest
        if len(pending) >= BATCH:
            DossierEvent.objects.bulk_update(pending, ["prev_hash", "hash"])
            pending = []
    if pending:
        DossierEvent.objects.bulk_update(pending, ["prev_hash", "hash"])


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0002_event_hash_chain")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
