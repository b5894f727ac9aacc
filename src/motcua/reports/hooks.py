"""Keep the statistics rollups current as dossiers change.

Registered explicitly (in `ReportsConfig.ready`) on the dossier app's after-commit hook lists:
every committed dossier event, and every bulk write (imports), re-aggregates the days the
dossiers touch. With a broker the work goes to Celery; embedded, it runs eagerly.
"""

from __future__ import annotations

from motcua.dossiers.models import DossierEvent
from motcua.reports.tasks import refresh_rollups


def refresh_for_event(event_id: int) -> None:
    dossier_id = (
        DossierEvent.objects.filter(pk=event_id).values_list("dossier_id", flat=True).first()
    )
    if dossier_id is not None:
        refresh_rollups.delay([dossier_id])


def refresh_for_batch(dossier_ids: list[int]) -> None:
    refresh_rollups.delay(list(dossier_ids))
