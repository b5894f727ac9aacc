"""Reads for the operational endpoints (metrics, reminders)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import OPEN_STATES, RUNNING_STATES, due_before_q


@dataclass(frozen=True)
class UnitBacklog:
    unit_code: str
    pending: int  # received, not resolved yet (the report's "đang giải quyết")
    overdue: int  # of those, past the promised date with the clock running
    awaiting_return: int  # resolved, the result waiting at the desk (RESULT_READY)


def overdue_q(now: dt.datetime) -> Q:
    """Past the date promised to the citizen (the extended one after an apology), with the
    clock running — the same rule as the `overdue` queue (motcua.dossiers.selectors)."""
    return due_before_q(now) & Q(state__in=RUNNING_STATES)


def backlog_by_unit(now: dt.datetime | None = None) -> list[UnitBacklog]:
    """Per unit holding them: the dossiers pending (received and not resolved, as Biểu 06
    counts them: a result ready to return is resolved), those overdue, and the results waiting
    to be returned — one aggregate query over the open dossiers (index `dossier_queue`)."""
    now = now or timezone.now()
    ready = Q(state=State.RESULT_READY)
    rows = (
        Dossier.objects.filter(state__in=OPEN_STATES)
        .values("current_unit__code")
        .annotate(
            pending=Count("id", filter=~ready),
            overdue=Count("id", filter=overdue_q(now)),
            awaiting_return=Count("id", filter=ready),
        )
        .order_by("current_unit__code")
    )
    return [
        UnitBacklog(
            str(r["current_unit__code"]),
            int(r["pending"]),
            int(r["overdue"]),
            int(r["awaiting_return"]),
        )
        for r in rows
    ]


def undispatched_events() -> int:
    from motcua.ops.models import EventDispatch

    return EventDispatch.objects.filter(completed_at__isnull=True).count()
