"""Background tasks of the reports app (take ids, idempotent)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="reports.tasks.refresh_rollups")
def refresh_rollups(dossier_ids: list[int]) -> int:
    """Re-aggregate the rollup days touched by these dossiers (after a lifecycle change)."""
    from motcua.reports.services import rollup_refresh_dossier_days

    return rollup_refresh_dossier_days(dossier_ids=dossier_ids)


@shared_task(name="reports.tasks.extend_monthly_rollups")
def extend_monthly_rollups() -> str | None:
    """Monthly job (Celery beat, CELERY_BEAT_SCHEDULE): move the monthly rollup horizon forward."""
    from motcua.reports.services import rollup_extend_months

    horizon = rollup_extend_months()
    return horizon.isoformat() if horizon else None
