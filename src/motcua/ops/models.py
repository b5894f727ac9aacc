"""Operational bookkeeping: the after-commit outbox of dossier events and sent reminders.

`EventDispatch` is written in the same transaction as the dossier event (by
`motcua.dossiers.tasks.schedule`), so a committed event always has one: the side effects are
then run by `dossiers.dispatch_event` ("run again or not at all, never half"). Each hook that
finished is recorded as a `HookRun`; a re-run skips those. The sweeper
(`dossiers.redispatch_stale`) re-enqueues dispatches still open after a few minutes and purges
completed ones after `MOTCUA_DISPATCH_KEEP_DAYS`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EventDispatch(models.Model):
    # The id of the `dossiers.DossierEvent` (no foreign key: the event table may be
    # partitioned by month at national scale, docs/deploy.md).
    event_id = models.BigIntegerField(primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lượt xử lý sự kiện hồ sơ")
        verbose_name_plural = _("lượt xử lý sự kiện hồ sơ")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(completed_at__isnull=True),
                name="ops_dispatch_open",
            ),
            models.Index(fields=["completed_at"], name="ops_dispatch_completed"),
        ]

    def __str__(self) -> str:
        return f"event {self.pk}"


class HookRun(models.Model):
    """Hook `hook` (module.qualname) finished for event `event_id`."""

    dispatch = models.ForeignKey(EventDispatch, on_delete=models.CASCADE, related_name="runs")
    hook = models.CharField(max_length=200)
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "hook"], name="ops_hookrun_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dispatch_id}:{self.hook}"


class ReminderSent(models.Model):
    """One deadline digest sent to one person on one local day (idempotence of the job)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    dossiers = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="ops_reminder_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
