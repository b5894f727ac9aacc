"""Rollups of the statutory statistics (PERFORMANCE.md "How rollups give state at an instant").

`DossierFootprint` keeps, per received dossier, the days on which it enters and leaves the
figures; `DailyFlow` is the sum of the footprints per (unit, field, local day). Reports read
`DailyFlow` only; the footprints make re-aggregation after a change exact (old and new days are
both known). Both are derived data: `motcua stats-rollup rebuild` recreates them from dossiers.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.reports.constants import EndKind


class DossierFootprint(models.Model):
    # No database constraint and no cascade: when a dossier row disappears its footprint stays
    # until the next refresh, which then knows which days to re-aggregate.
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="+",
    )
    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="+")
    field = models.ForeignKey("catalogue.Field", on_delete=models.CASCADE, related_name="+")
    received_day = models.DateField()
    online = models.BooleanField()
    end_day = models.DateField(null=True, blank=True)
    end_kind = models.CharField(max_length=16, choices=EndKind.choices, blank=True)
    rejected = models.BooleanField(default=False)
    # First local day whose midnight finds the dossier overdue, set only when it was still
    # open at that midnight (it then counts in DailyFlow.overdue_in of that day).
    overdue_day = models.DateField(null=True, blank=True)
    # It ended on end_day after having become overdue (counted in DailyFlow.closed_overdue).
    closed_overdue = models.BooleanField(default=False)
    # Currently waiting for a supplement after review (folded policy keeps it "within").
    waiting = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("dấu vết thống kê của hồ sơ")
        verbose_name_plural = _("dấu vết thống kê của hồ sơ")


class DailyFlow(models.Model):
    """Events of one local day for one unit and field (all counts of dossiers)."""

    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="+")
    field = models.ForeignKey("catalogue.Field", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    received_online = models.PositiveIntegerField(default=0)
    received_direct = models.PositiveIntegerField(default=0)
    finished_early = models.PositiveIntegerField(default=0)
    finished_on_time = models.PositiveIntegerField(default=0)
    finished_late = models.PositiveIntegerField(default=0)
    finished_rejected = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    stopped = models.PositiveIntegerField(default=0)
    overdue_in = models.PositiveIntegerField(default=0)
    closed_overdue = models.PositiveIntegerField(default=0)
    overdue_in_waiting = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp theo ngày")
        verbose_name_plural = _("số liệu tổng hợp theo ngày")
        constraints = [
            models.UniqueConstraint(fields=["unit", "field", "day"], name="dailyflow_unique"),
        ]
        indexes = [models.Index(fields=["unit", "day"], name="dailyflow_unit_day")]


class MonthlyFlow(models.Model):
    """One calendar month for one unit and field: the month's flows (Σ DailyFlow of its days)
    and the snapshot at the month's first midnight (running sums of every earlier day).

    Rows are dense from the pair's first month with a DailyFlow row up to
    `RollupMeta.month_horizon`, so the state at any midnight D is `snapshot(month of D)` plus
    the DailyFlow rows of the days of that month before D (PERFORMANCE.md "monthly snapshot +
    daily flows"); beyond the horizon the daily rows carry the rest.
    """

    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="+")
    field = models.ForeignKey("catalogue.Field", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    # Flows of the month (same meaning as DailyFlow).
    received_online = models.PositiveIntegerField(default=0)
    received_direct = models.PositiveIntegerField(default=0)
    finished_early = models.PositiveIntegerField(default=0)
    finished_on_time = models.PositiveIntegerField(default=0)
    finished_late = models.PositiveIntegerField(default=0)
    finished_rejected = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    stopped = models.PositiveIntegerField(default=0)
    overdue_in = models.PositiveIntegerField(default=0)
    closed_overdue = models.PositiveIntegerField(default=0)
    overdue_in_waiting = models.PositiveIntegerField(default=0)
    # Snapshot at the month's first midnight: sums over every day before the month.
    open_before = models.PositiveIntegerField(default=0)  # received − finished − closed
    overdue_in_before = models.PositiveIntegerField(default=0)
    closed_overdue_before = models.PositiveIntegerField(default=0)
    overdue_in_waiting_before = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp theo tháng")
        verbose_name_plural = _("số liệu tổng hợp theo tháng")
        constraints = [
            models.UniqueConstraint(fields=["unit", "field", "month"], name="monthlyflow_unique"),
        ]
        indexes = [models.Index(fields=["unit", "month"], name="monthlyflow_unit_month")]


class RollupMeta(models.Model):
    """One row: when the rollups were fully built and under which classification settings.

    No row, or a different `signature`, means the rollups are missing: `bieu06(source=
    "rollup")` refuses to answer instead of falling back silently (docs/domain/statistics.md).
    """

    key = models.CharField(max_length=16, unique=True, default="bieu06")
    signature = models.CharField(max_length=200)
    built_at = models.DateTimeField()
    # MonthlyFlow rows exist up to this month (first day); None: no monthly level yet, the
    # reports read DailyFlow only.
    month_horizon = models.DateField(null=True, blank=True)
