"""Background tasks of the reports app (take ids, idempotent)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="reports.tasks.refresh_rollups")
def refresh_rollups(dossier_ids: list[int]) -> int:
    """Re-aggregate the rollup days touched by these dossiers (after a lifecycle change)."""
    from motcua.reports.services import rollup_refresh_dossier_days

    return rollup_refresh_dossier_days(dossier_ids=dossier_ids)
