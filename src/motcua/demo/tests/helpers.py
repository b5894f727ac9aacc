"""Checks shared by the demo's tests."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from motcua.dossiers.models import Dossier, DossierEvent

#: The moments a dossier records, besides its events.
DOSSIER_INSTANTS = ("submitted_at", "received_at", "clock_started_at", "finished_at", "returned_at")


def disorder(latest: dt.datetime, dossiers: QuerySet[Dossier] | None = None) -> list[str]:
    """The events of `dossiers` (default: all) out of order by `seq` or later than `latest`,
    and their recorded moments later than `latest`."""
    dossiers = Dossier.objects.all() if dossiers is None else dossiers
    problems: list[str] = []
    previous: dict[int, tuple[int, dt.datetime]] = {}
    events = (
        DossierEvent.objects.filter(dossier__in=dossiers)
        .order_by("dossier_id", "seq")
        .values_list("dossier_id", "seq", "action", "at")
    )
    for dossier_id, seq, action, at in events:
        if at > latest:
            problems.append(f"dossier {dossier_id} #{seq} {action} at {at} > {latest}")
        before = previous.get(dossier_id)
        if before is not None and at < before[1]:
            problems.append(
                f"dossier {dossier_id} #{seq} {action} at {at} < #{before[0]} at {before[1]}"
            )
        previous[dossier_id] = (seq, at)
    for row in dossiers.values("pk", *DOSSIER_INSTANTS):
        for name in DOSSIER_INSTANTS:
            if row[name] is not None and row[name] > latest:
                problems.append(f"dossier {row['pk']} {name} {row[name]} > {latest}")
    return problems
