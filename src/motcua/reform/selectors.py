"""Reads of the administrative-reform app (DOMAIN.md §8.2), permission-aware where they serve
pages: a user sees the CCHC work of the units where he holds a staff role."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from motcua.core.errors import PermissionDenied
from motcua.organisation.models import Unit
from motcua.organisation.selectors import STAFF_ROLES, units_for_role, user_has_role
from motcua.reform.constants import ActivityKind, ReformArea, ReviewProposal, TaskStatus
from motcua.reform.models import (
    ProcedureReview,
    ReformActivity,
    ReformPlan,
    ReformTask,
    ReportDraft,
)

# --- permissions -----------------------------------------------------------------------------


def reform_units(user: Any) -> QuerySet[Unit]:
    """Units where `user` may do CCHC work: a staff role there (supervisors only read reports
    of their subtree through `motcua.reports`)."""
    return units_for_role(user, *STAFF_ROLES).order_by("path")


def require_reform_unit(user: Any, unit: Unit) -> None:
    """Raise `PermissionDenied` unless `user` holds a staff role in `unit`."""
    if not user_has_role(user, unit, *STAFF_ROLES):
        raise PermissionDenied()


def plans_for_unit(unit: Unit) -> QuerySet[ReformPlan]:
    return ReformPlan.objects.filter(unit=unit).prefetch_related("tasks")


def reviews_for_unit(unit: Unit) -> QuerySet[ProcedureReview]:
    return ProcedureReview.objects.filter(unit=unit).select_related("procedure")


def activities_for_unit(unit: Unit) -> QuerySet[ReformActivity]:
    return ReformActivity.objects.filter(unit=unit)


def drafts_for_unit(unit: Unit) -> QuerySet[ReportDraft]:
    return ReportDraft.objects.filter(unit=unit)


# --- plans and tasks -------------------------------------------------------------------------


@dataclass
class TaskCompletion:
    """Tasks of one area whose deadline falls in the period (DOMAIN.md §8.2 row I:
    "% plan tasks completed on time")."""

    area: str
    label: str
    total: int = 0
    done_on_time: int = 0
    done_late: int = 0
    open_within: int = 0
    open_overdue: int = 0

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def on_time_rate(self) -> float | None:
        """Share of the tasks due in the period that were done by their deadline, in %."""
        return None if self.total == 0 else 100.0 * self.done_on_time / self.total


@dataclass
class PlanCompletion:
    areas: list[TaskCompletion]
    total: TaskCompletion = field(
        default_factory=lambda: TaskCompletion(area="", label="Tổng cộng")
    )


def plan_completion(
    *, unit: Unit, date_from: dt.date, date_to: dt.date, today: dt.date | None = None
) -> PlanCompletion:
    """Completion on time, per area, of the plan tasks of `unit` due in [date_from, date_to].

    A task is done on time when it is done and `done_on <= deadline`; an open task is overdue
    when its deadline is before min(today, date_to) + 1 day (it was still open after its day).
    """
    today = today or timezone.localdate()
    horizon = min(today, date_to)
    tasks = ReformTask.objects.filter(
        plan__unit=unit, deadline__gte=date_from, deadline__lte=date_to
    ).values_list("plan__area", "status", "deadline", "done_on")
    by_area = {area.value: TaskCompletion(area.value, str(area.label)) for area in ReformArea}
    total = TaskCompletion(area="", label="Tổng cộng")
    for area, status, deadline, done_on in tasks:
        for bucket in (by_area[area], total):
            bucket.total += 1
            if status == TaskStatus.DONE and done_on is not None and done_on <= date_to:
                if done_on <= deadline:
                    bucket.done_on_time += 1
                else:
                    bucket.done_late += 1
            elif deadline < horizon:
                bucket.open_overdue += 1
            else:
                bucket.open_within += 1
    return PlanCompletion(areas=[a for a in by_area.values() if a.total], total=total)


def plans_issued(*, unit: Unit, date_from: dt.date, date_to: dt.date) -> list[dict[str, Any]]:
    """Plans issued in the period (number, date, title, area) for section I.1 and the Căn cứ."""
    rows = ReformPlan.objects.filter(
        unit=unit, issued_on__gte=date_from, issued_on__lte=date_to
    ).order_by("issued_on", "number")
    return [
        {
            "number": p.number,
            "issued_on": p.issued_on.isoformat(),
            "title": p.title,
            "area": p.area,
        }
        for p in rows
    ]


# --- activities and reviews ------------------------------------------------------------------


def activity_totals(
    *, unit: Unit, date_from: dt.date, date_to: dt.date
) -> dict[str, dict[str, int]]:
    """Per activity kind: number of records, summed count and participants in the period."""
    rows = (
        ReformActivity.objects.filter(unit=unit, held_on__gte=date_from, held_on__lte=date_to)
        .values("kind")
        .annotate(count=Sum("count"), participants=Sum("participants"))
    )
    totals = {kind.value: {"count": 0, "participants": 0} for kind in ActivityKind}
    for row in rows:
        totals[row["kind"]] = {
            "count": int(row["count"] or 0),
            "participants": int(row["participants"] or 0),
        }
    return totals


def review_totals(*, unit: Unit, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Reviews of procedures (rà soát, đánh giá TTHC) done in the period, by proposal."""
    proposals = Counter(
        ProcedureReview.objects.filter(
            unit=unit, reviewed_on__gte=date_from, reviewed_on__lte=date_to
        ).values_list("proposal", flat=True)
    )
    return {
        "total": sum(proposals.values()),
        "by_proposal": {p.value: proposals.get(p.value, 0) for p in ReviewProposal},
    }
