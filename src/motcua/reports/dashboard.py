"""Selectors of the statistics dashboard (bảng điều khiển thống kê): monthly series of one unit
and a comparison of its communes, both computed with `bieu06` so that every figure shown equals
the Biểu số 06/VPCP/KSTT of the same unit and period (DOMAIN.md §3; docs/domain/statistics.md
"Dashboard").

Rates:

* online share (tỷ lệ tiếp nhận trực tuyến) = received online / (online + direct/postal), the
  dossiers newly received in the period — columns (4) / ((4) + (5)) of Biểu 06;
* on-time rate (tỷ lệ giải quyết đúng hạn) = (early + on time) / resolved — columns
  ((8) + (9)) / (7). Under the folded policy (DOMAIN §3.4) withdrawn/stopped dossiers are in
  (7) and (9), exactly as in the form.

A rate with a zero denominator is None ("–"), never 0%.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.organisation.models import Unit
from motcua.reports.constants import Source
from motcua.reports.stats import Bieu06Figures, Bieu06Result, RollupsMissing, bieu06


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def online_share(figures: Bieu06Figures) -> float | None:
    """Columns (4) / ((4) + (5)) of Biểu 06, in percent."""
    new = figures.received_online + figures.received_direct_postal
    return _rate(figures.received_online, new)


def on_time_rate(figures: Bieu06Figures) -> float | None:
    """Columns ((8) + (9)) / (7) of Biểu 06 (early or on time among resolved), in percent."""
    return _rate(figures.resolved_early + figures.resolved_on_time, figures.resolved_total)


class _Computer:
    """Calls `bieu06` on the rollups; when they are missing, switches (once, visibly) to the
    oracle for this and every later call — never silently (docs: "missing rollups")."""

    def __init__(self, *, policy: str | None, now: dt.datetime) -> None:
        self.policy = policy
        self.now = now
        self.source: str = Source.ROLLUP
        self.warning = ""

    def __call__(self, unit: Unit, date_from: dt.date, date_to: dt.date) -> Bieu06Result:
        kwargs: dict[str, Any] = {
            "unit": unit,
            "date_from": date_from,
            "date_to": date_to,
            "by_field": False,
            "policy": self.policy,
            "now": self.now,
        }
        if self.source == Source.ROLLUP:
            try:
                return bieu06(source=Source.ROLLUP, **kwargs)
            except RollupsMissing as exc:
                self.source = Source.ORACLE
                self.warning = _("%(e)s Số liệu dưới đây được tính trực tiếp từ hồ sơ.") % {
                    "e": exc
                }
        return bieu06(source=Source.ORACLE, **kwargs)


# --------------------------------------------------------------------------------------------
# Monthly series
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthPoint:
    month: dt.date  # first day of the month
    date_to: dt.date  # last day counted (the month's last day, or `end` for the last month)
    figures: Bieu06Figures  # the Biểu 06 total of the unit for [month, date_to]

    @property
    def label(self) -> str:
        return self.month.strftime("%m/%Y")

    @property
    def partial(self) -> bool:
        return self.date_to < _month_last_day(self.month)

    @property
    def received_online(self) -> int:
        return self.figures.received_online

    @property
    def received_direct_postal(self) -> int:
        return self.figures.received_direct_postal

    @property
    def received_new(self) -> int:
        return self.figures.received_online + self.figures.received_direct_postal

    @property
    def online_share(self) -> float | None:
        return online_share(self.figures)

    @property
    def resolved(self) -> int:
        return self.figures.resolved_total

    @property
    def on_time_rate(self) -> float | None:
        return on_time_rate(self.figures)

    @property
    def late(self) -> int:
        return self.figures.resolved_late

    @property
    def pending(self) -> int:
        """Open at the end of `date_to` (column (11))."""
        return self.figures.pending_total

    @property
    def pending_overdue(self) -> int:
        return self.figures.pending_overdue


@dataclass
class MonthlySeries:
    unit: Unit
    points: list[MonthPoint]
    source: str  # "rollup", or "oracle" when the rollups were missing
    warning: str = ""  # non-empty when the figures did not come from the rollups

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.points]


def _month_last_day(month: dt.date) -> dt.date:
    following = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return following - dt.timedelta(days=1)


def month_starts(*, months: int, end: dt.date) -> list[dt.date]:
    """The first days of the `months` calendar months ending with the month of `end`."""
    if months < 1:
        raise ValueError("months must be ≥ 1")
    index = end.year * 12 + end.month - 1 - (months - 1)
    out = []
    for _i in range(months):
        out.append(dt.date(index // 12, index % 12 + 1, 1))
        index += 1
    return out


def monthly_series(
    *,
    unit: Unit,
    months: int = 12,
    end: dt.date,
    policy: str | None = None,
    now: dt.datetime | None = None,
) -> MonthlySeries:
    """Per calendar month (the last one up to `end`): the Biểu 06 total of `unit` (with its
    subtree and merged predecessors) — received by channel, online share, resolved, on-time
    rate, late, pending at the month's end. One `bieu06` call per month."""
    compute = _Computer(policy=policy, now=now or timezone.now())
    points = []
    for month in month_starts(months=months, end=end):
        date_to = min(_month_last_day(month), end)
        result = compute(unit, month, date_to)
        points.append(MonthPoint(month=month, date_to=date_to, figures=result.total))
    return MonthlySeries(unit=unit, points=points, source=compute.source, warning=compute.warning)


# --------------------------------------------------------------------------------------------
# Comparison of communes
# --------------------------------------------------------------------------------------------

SORT_KEYS = ("on_time_rate", "online_share", "received", "pending_overdue")


@dataclass(frozen=True)
class CommuneRow:
    unit: Unit
    figures: Bieu06Figures

    @property
    def received(self) -> int:
        """Newly received in the period (columns (4) + (5))."""
        return self.figures.received_online + self.figures.received_direct_postal

    @property
    def online_share(self) -> float | None:
        return online_share(self.figures)

    @property
    def on_time_rate(self) -> float | None:
        return on_time_rate(self.figures)

    @property
    def pending_overdue(self) -> int:
        return self.figures.pending_overdue


@dataclass
class CommuneComparison:
    parent: Unit
    date_from: dt.date
    date_to: dt.date
    sort: str
    rows: list[CommuneRow]
    source: str
    warning: str = ""
    basis: str = "children"  # "children" or "predecessors" (a merged successor)


def comparison_units(
    parent: Unit, *, visible_ids: set[int] | None = None
) -> tuple[list[Unit], str]:
    """The units compared under `parent`: its direct children; a child merged into another
    child is left out (its history is inside its successor's figures, `unit_with_history`, and
    would otherwise be counted twice). Without children — a merged successor commune — the
    units merged into it. `visible_ids` keeps only units the user may read."""
    children = list(Unit.objects.filter(parent=parent).order_by("path"))
    basis = "children"
    if children:
        ids = {u.pk for u in children}
        through = Unit.successors.through
        absorbed = set(
            through.objects.filter(from_unit_id__in=ids, to_unit_id__in=ids).values_list(
                "from_unit_id", flat=True
            )
        )
        units = [u for u in children if u.pk not in absorbed]
    else:
        basis = "predecessors"
        units = list(Unit.objects.filter(successors=parent).order_by("path"))
    if visible_ids is not None:
        units = [u for u in units if u.pk in visible_ids]
    return units, basis


def has_comparison(parent: Unit) -> bool:
    """Whether `parent` has children or predecessors to compare (one query)."""
    return Unit.objects.filter(Q(parent=parent) | Q(successors=parent)).exists()


def _sort_key(sort: str) -> Any:
    def key(row: CommuneRow) -> tuple[Any, ...]:
        value = getattr(row, sort)
        # Highest first; a missing rate (nothing resolved / received) last; then by name.
        return (value is None, -(value or 0), row.unit.name, row.unit.pk)

    return key


def commune_comparison(
    *,
    parent_unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    sort: str = "on_time_rate",
    policy: str | None = None,
    now: dt.datetime | None = None,
    visible_ids: set[int] | None = None,
) -> CommuneComparison:
    """For each unit under `parent_unit` (see `comparison_units`): received, online share,
    on-time rate and overdue pending over [date_from, date_to], sorted by `sort` (highest
    first; for "pending_overdue" the most overdue first).

    One `bieu06` call per unit: on the rollups a call is a few small queries, fine for the
    ~100–250 communes of a province; on the oracle (rollups missing) it is one aggregate over
    the dossiers of each commune, slower but still bounded by the number of communes.
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    compute = _Computer(policy=policy, now=now or timezone.now())
    units, basis = comparison_units(parent_unit, visible_ids=visible_ids)
    rows = [CommuneRow(unit=u, figures=compute(u, date_from, date_to).total) for u in units]
    rows.sort(key=_sort_key(sort))
    return CommuneComparison(
        parent=parent_unit,
        date_from=date_from,
        date_to=date_to,
        sort=sort,
        rows=rows,
        source=compute.source,
        warning=compute.warning,
        basis=basis,
    )
