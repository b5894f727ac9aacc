"""Reads for the operational endpoints (metrics, reminders)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import OPEN_STATES, RUNNING_STATES


@dataclass(frozen=True)
class UnitBacklog:
    unit_code: str
    pending: int
    overdue: int


def overdue_q(now: dt.datetime) -> Q:
    """Past the date promised to the citizen (the extended one after an apology), with the
    clock running — the same rule as the `overdue` queue (motcua.dossiers.selectors)."""
    late = Q(extended_due_at__isnull=True, due_at__lt=now) | Q(extended_due_at__lt=now)
    return late & Q(state__in=RUNNING_STATES)


def backlog_by_unit(now: dt.datetime | None = None) -> list[UnitBacklog]:
    """Pending (received, not finished) and overdue dossiers per unit holding them: one
    aggregate query over the open dossiers (index `dossier_queue`)."""
    now = now or timezone.now()
    rows = (
        Dossier.objects.filter(state__in=OPEN_STATES)
        .values("current_unit__code")
        .annotate(pending=Count("id"), overdue=Count("id", filter=overdue_q(now)))
        .order_by("current_unit__code")
    )
    return [
        UnitBacklog(str(r["current_unit__code"]), int(r["pending"]), int(r["overdue"]))
        for r in rows
    ]


def undispatched_events() -> int:
    from motcua.ops.models import EventDispatch

    return EventDispatch.objects.filter(completed_at__isnull=True).count()
