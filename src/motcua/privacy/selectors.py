"""Reads of the personal-data workflows (NĐ 13/2023/NĐ-CP; DOMAIN.md §10.1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from motcua.accounts.models import User
from motcua.core.models import AccessLog
from motcua.dossiers.constants import TERMINAL_STATES
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.portal.models import Upload
from motcua.privacy.constants import RecordClass
from motcua.privacy.models import BreachRecord


def subject_dossiers(*, id_number: str = "", user: User | None = None) -> QuerySet[Dossier]:
    """Every dossier of one person: filed from their account or under their identity number."""
    match = Q(pk__in=[])
    if id_number:
        match |= Q(applicant_id_number=id_number)
    if user is not None:
        match |= Q(applicant=user)
    return (
        Dossier.objects.filter(match)
        .select_related("procedure_version__procedure", "unit", "applicant")
        .prefetch_related(
            "components", Prefetch("events", queryset=DossierEvent.objects.order_by("seq"))
        )
        .order_by("received_at", "created_at", "pk")
    )


def retention_cutoff(*, now: dt.datetime, keep_years: int) -> dt.datetime:
    """`now` moved back `keep_years` calendar years (29/02 → 28/02): records closed before it
    are past retention."""
    try:
        return now.replace(year=now.year - keep_years)
    except ValueError:
        return now.replace(year=now.year - keep_years, day=28)


def dossiers_past_retention(*, states: Iterable[str], cutoff: dt.datetime) -> QuerySet[Dossier]:
    """Closed dossiers in `states`, closed before `cutoff`, not yet anonymised."""
    states = set(states)
    if not states <= set(TERMINAL_STATES):
        raise ValueError("Retention applies to closed (terminal) dossiers only.")
    return (
        Dossier.objects.filter(state__in=states, anonymisation__isnull=True)
        .annotate(closed_ref=Coalesce("closed_at", "returned_at"))
        .filter(closed_ref__lt=cutoff)
        .order_by("pk")
    )


def other_records_past_retention(*, record_class: str, cutoff: dt.datetime) -> int:
    """How many access-log rows / portal uploads are older than `cutoff` (reported only)."""
    if record_class == RecordClass.ACCESS_LOG:
        return AccessLog.objects.filter(at__lt=cutoff).count()
    if record_class == RecordClass.PORTAL_UPLOAD:
        return (
            Upload.objects.filter(uploaded_at__lt=cutoff)
            .filter(Q(dossier__isnull=True) | Q(dossier__state__in=TERMINAL_STATES))
            .count()
        )
    raise ValueError(f"Unknown record class {record_class!r}")


@dataclass(frozen=True)
class BreachStatus:
    """A breach against its 72-hour notice deadline (NĐ 13/2023 art. 23(1))."""

    breach: BreachRecord
    deadline: dt.datetime
    hours_left: float  # negative once overdue
    overdue: bool


def breach_status(breach: BreachRecord, *, now: dt.datetime | None = None) -> BreachStatus:
    """Hours left before the 72-hour deadline (negative after it). `overdue` only once the
    deadline has passed (72 h exactly is still in time); for a notified breach, whether the
    notice came after the deadline."""
    now = now or timezone.now()
    reference = breach.notified_at or now
    deadline = breach.deadline
    left = (deadline - reference).total_seconds() / 3600
    return BreachStatus(breach=breach, deadline=deadline, hours_left=left, overdue=left < 0)


def breaches_open(*, now: dt.datetime | None = None) -> list[BreachStatus]:
    """Breaches not yet notified to A05, most urgent first."""
    now = now or timezone.now()
    rows = BreachRecord.objects.filter(notified_at__isnull=True).order_by("discovered_at", "pk")
    return [breach_status(b, now=now) for b in rows]
