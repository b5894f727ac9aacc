"""Celery tasks of the integrations app (take ids, idempotent).

With a broker a failed webhook attempt is retried by Celery after its back-off
(`self.retry(countdown=…)`); eagerly (embedded mode) nothing can wait, so the schedule stored
in `next_attempt_at` is picked up by the beat tasks `integrations.retry_due` and
`integrations.national_sync_due` (CELERY_BEAT_SCHEDULE). A claim on the row makes sure two
senders never send the same attempt.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(bind=True, name="integrations.deliver", max_retries=None)
def deliver(self: Any, delivery_id: int) -> str:
    from motcua.integrations.webhooks import delivery_attempt

    result = delivery_attempt(delivery_id)
    if result.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=result.retry_in)
    if not result.sent:
        return "skipped"
    return "delivered" if result.delivered else "failed"


@shared_task(name="integrations.retry_due")
def retry_due() -> int:
    """Beat: send every pending delivery whose `next_attempt_at` has come."""
    from motcua.integrations.webhooks import delivery_attempt, due_delivery_ids

    sent = 0
    for pk in due_delivery_ids():
        sent += int(delivery_attempt(pk).sent)
    return sent


@shared_task(name="integrations.national_push")
def national_push(dossier_id: int) -> str:
    from motcua.integrations.national import national_push_dossier

    return national_push_dossier(dossier_id)


@shared_task(name="integrations.national_sync_due")
def national_sync_due() -> int:
    """Beat: push the dossiers whose national sync is pending and due."""
    from motcua.integrations.national import national_push_dossier, national_sync_due_ids

    pushed = 0
    for pk in national_sync_due_ids():
        pushed += int(national_push_dossier(pk) == "synced")
    return pushed
