"""Celery tasks of the portal (eager in the embedded default)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="portal.tasks.notify_event")
def notify_event(event_id: int) -> int:
    """Notify the applicant of one committed dossier event (`portal.notifications`)."""
    from motcua.portal.notifications import send_event_notification

    return send_event_notification(event_id)
