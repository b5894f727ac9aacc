"""Biểu số 06/VPCP/KSTT figures (DOMAIN.md §2.5, §3): the oracle and the rollup path.

Two independent computations that must agree (tests compare them on random data):

* the **oracle** — one aggregate query over dossier rows with conditional counts whose filters
  (`figure_filters`) are also used by the drill-down lists;
* the **rollup** path — sums over `DailyFlow` rows ("state at an instant" from daily flows,
  PERFORMANCE.md); the per-dossier bookkeeping is `footprint_values` (plain Python).

Definitions and sources: docs/domain/statistics.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalogue.models import Field
from motcua.core.errors import DomainError
from motcua.dossiers.constants import Channel, State
from motcua.dossiers.models import Dossier
from motcua.organisation.models import Unit
from motcua.reports.constants import (
    CLOSED_OTHER_STATES,
    DAY_LIMIT_UNITS,
    DIRECT_POSTAL_CHANNELS,
    FIGURE_KEYS,
    FIGURE_LABELS,
    NOT_RECEIVED_STATES,
    RESOLVED_STATES,
    WAITING_STATES,
    EndKind,
    Policy,
    Source,
)

logger = logging.getLogger(__name__)

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ONE_MICROSECOND = dt.timedelta(microseconds=1)
OPEN_STATES = tuple(
    s
    for s in State
    if s not in RESOLVED_STATES and s not in CLOSED_OTHER_STATES and s not in NOT_RECEIVED_STATES
)
NOT_WAITING_STATES = tuple(s for s in State if s not in WAITING_STATES)


class StatsInvariantError(DomainError):
    """The figures do not add up (DOMAIN.md §3.3): a bug or inconsistent dossier data."""


class RollupsMissing(DomainError):
    """The rollups were never fully built, or under other classification settings."""


# --------------------------------------------------------------------------------------------
# Figures and results
# --------------------------------------------------------------------------------------------


@dataclass
class Bieu06Figures:
    """One row of Biểu 06 (plus the closed-without-result footnote, DOMAIN.md §0.2)."""

    received_total: int = 0
    received_online: int = 0
    received_direct_postal: int = 0
    carried_over: int = 0
    resolved_total: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    resolved_rejected: int = 0
    pending_total: int = 0
    pending_within: int = 0
    pending_overdue: int = 0
    closed_other_total: int = 0
    withdrawn: int = 0
    stopped: int = 0

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)

    def add(self, other: Bieu06Figures) -> None:
        for key in FIGURE_KEYS:
            setattr(self, key, getattr(self, key) + getattr(other, key))

    def is_zero(self) -> bool:
        return not any(getattr(self, key) for key in FIGURE_KEYS)

    def violations(self) -> list[str]:
        """The arithmetic of DOMAIN.md §3.2–§3.3 that must hold for every row."""
        problems = []
        checks = [
            (
                "received_total = online + direct_postal + carried_over",
                self.received_total,
                self.received_online + self.received_direct_postal + self.carried_over,
            ),
            (
                "received_total = resolved_total + pending_total + closed_other_total",
                self.received_total,
                self.resolved_total + self.pending_total + self.closed_other_total,
            ),
            (
                "resolved_total = early + on_time + late",
                self.resolved_total,
                self.resolved_early + self.resolved_on_time + self.resolved_late,
            ),
            (
                "pending_total = within + overdue",
                self.pending_total,
                self.pending_within + self.pending_overdue,
            ),
        ]
        for name, left, right in checks:
            if left != right:
                problems.append(f"{name}: {left} != {right}")
        if min(getattr(self, key) for key in FIGURE_KEYS) < 0:
            problems.append("negative figure")
        return problems


@dataclass
class FieldRow:
    field_id: int
    code: str
    name: str
    figures: Bieu06Figures


@dataclass
class Bieu06Result:
    unit: Unit
    date_from: dt.date
    date_to: dt.date
    policy: str
    source: str
    now: dt.datetime
    total: Bieu06Figures
    by_field: list[FieldRow] = field(default_factory=list)


@dataclass(frozen=True)
class Period:
    """[date_from, date_to] inclusive local dates → instants [start, end)."""

    date_from: dt.date
    date_to: dt.date

    @property
    def end_day(self) -> dt.date:
        return self.date_to + dt.timedelta(days=1)

    @property
    def start(self) -> dt.datetime:
        return local_midnight(self.date_from)

    @property
    def end(self) -> dt.datetime:
        return local_midnight(self.end_day)


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL_TZ)


def local_date(instant: dt.datetime) -> dt.date:
    return instant.astimezone(LOCAL_TZ).date()


def make_period(date_from: dt.date, date_to: dt.date) -> Period:
    if date_to < date_from:
        raise DomainError(_("Ngày kết thúc kỳ báo cáo phải không trước ngày bắt đầu."))
    return Period(date_from, date_to)


def resolve_policy(policy: str | None) -> str:
    value = policy or settings.MOTCUA.get("STATS_POLICY", Policy.STRICT)
    if value not in Policy.values:
        raise DomainError(_("Cách tính không hợp lệ: %(p)s (strict hoặc folded).") % {"p": value})
    return str(value)


@dataclass(frozen=True)
class ClassifySettings:
    """DOMAIN.md §2.5 (a) and (b), from settings.MOTCUA."""

    by_date: bool
    against: str

    @classmethod
    def current(cls) -> ClassifySettings:
        against = settings.MOTCUA.get("LATENESS_AGAINST", "original")
        if against not in ("original", "extended"):
            raise DomainError(_("LATENESS_AGAINST phải là original hoặc extended."))
        return cls(bool(settings.MOTCUA.get("CLASSIFY_DAY_LIMITS_BY_DATE", True)), against)

    @property
    def signature(self) -> str:
        return f"v1;by_date={int(self.by_date)};against={self.against}"


# --------------------------------------------------------------------------------------------
# Unit scope (subtree + merged predecessors)
# --------------------------------------------------------------------------------------------


def unit_scope_ids(unit: Unit) -> set[int]:
    """The unit, its subtree (path prefix) and, recursively, the units merged into it
    (`predecessors`, with their subtrees): a merged commune reports its predecessors' history.
    Delegates to `organisation.selectors.unit_with_history` (the one definition of it)."""
    from motcua.organisation.selectors import unit_with_history

    return {u.pk for u in unit_with_history(unit)}


# --------------------------------------------------------------------------------------------
# The oracle: conditional counts over dossier rows
# --------------------------------------------------------------------------------------------


def annotated_dossiers(unit_ids: Iterable[int], cs: ClassifySettings) -> QuerySet[Dossier]:
    """Received dossiers of the units with `end_at`, `due_eff`, their local dates, `by_date`."""
    due_expr: Any = (
        F("due_at") if cs.against == "original" else Coalesce("extended_due_at", "due_at")
    )
    qs = (
        Dossier.objects.filter(unit_id__in=list(unit_ids), received_at__isnull=False)
        .exclude(state__in=NOT_RECEIVED_STATES)
        .annotate(
            raw_end=Case(
                When(state__in=RESOLVED_STATES, then=Coalesce("finished_at", "returned_at")),
                When(state__in=CLOSED_OTHER_STATES, then=F("closed_at")),
                default=Value(None),
                output_field=DateTimeField(),
            ),
            due_eff=Case(When(due_at__isnull=False, then=due_expr), output_field=DateTimeField())
            if cs.against == "original"
            else due_expr,
        )
        .annotate(
            end_at=Case(
                When(raw_end__lt=F("received_at"), then=F("received_at")),
                default=F("raw_end"),
                output_field=DateTimeField(),
            )
        )
        .annotate(
            end_date=TruncDate("end_at", tzinfo=LOCAL_TZ),
            due_date=TruncDate("due_eff", tzinfo=LOCAL_TZ),
            by_date=Case(
                When(procedure_version__time_limit_unit__in=DAY_LIMIT_UNITS, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )
    return qs


def _never() -> Q:
    return Q(id__isnull=True)


def figure_filters(
    *, period: Period, now: dt.datetime, policy: str, cs: ClassifySettings
) -> dict[str, Q]:
    """For each figure key, the condition on an `annotated_dossiers` row (DOMAIN.md §2.5, §3.3)."""
    start, end = period.start, period.end
    at = min(now, end)
    day_at = local_date(at)

    day = Q(by_date=True) if cs.by_date else _never()
    inst = Q(by_date=False) if cs.by_date else Q()

    def open_at(instant: dt.datetime) -> Q:
        return Q(received_at__lt=instant) & (Q(end_at__isnull=True) | Q(end_at__gte=instant))

    def overdue_at(instant: dt.datetime, day_of: dt.date) -> Q:
        return Q(due_eff__isnull=False) & (
            (day & Q(due_date__lt=day_of)) | (inst & Q(due_eff__lte=instant))
        )

    def within_at(instant: dt.datetime, day_of: dt.date) -> Q:
        return (
            Q(due_eff__isnull=True)
            | (day & Q(due_date__gte=day_of))
            | (inst & Q(due_eff__gt=instant))
        )

    in_period_end = Q(end_at__gte=start, end_at__lt=end)
    resolved = Q(state__in=RESOLVED_STATES) & in_period_end
    closed = Q(state__in=CLOSED_OTHER_STATES) & in_period_end
    early = resolved & ((day & Q(end_date__lt=F("due_date"))) | (inst & Q(end_at__lt=F("due_eff"))))
    on_time = resolved & (
        Q(due_eff__isnull=True)
        | (day & Q(end_date=F("due_date")))
        | (inst & Q(end_at=F("due_eff")))
    )
    late = resolved & ((day & Q(end_date__gt=F("due_date"))) | (inst & Q(end_at__gt=F("due_eff"))))
    pending = open_at(end)
    if policy == Policy.FOLDED:
        overdue = pending & overdue_at(at, day_at) & Q(state__in=NOT_WAITING_STATES)
        within = pending & (within_at(at, day_at) | Q(state__in=WAITING_STATES))
        on_time_fig = on_time | closed
        resolved_fig = resolved | closed
        closed_fig = _never()
    else:
        overdue = pending & overdue_at(at, day_at)
        within = pending & within_at(at, day_at)
        on_time_fig, resolved_fig, closed_fig = on_time, resolved, closed
    return {
        "received_total": Q(received_at__lt=end) & (Q(end_at__isnull=True) | Q(end_at__gte=start)),
        "received_online": Q(received_at__gte=start, received_at__lt=end, channel=Channel.ONLINE),
        "received_direct_postal": Q(
            received_at__gte=start, received_at__lt=end, channel__in=DIRECT_POSTAL_CHANNELS
        ),
        "carried_over": open_at(start),
        "resolved_total": resolved_fig,
        "resolved_early": early,
        "resolved_on_time": on_time_fig,
        "resolved_late": late,
        "resolved_rejected": resolved & Q(state=State.REJECTED_AFTER_REVIEW),
        "pending_total": pending,
        "pending_within": within,
        "pending_overdue": overdue,
        "closed_other_total": closed_fig,
        "withdrawn": closed & Q(state=State.WITHDRAWN),
        "stopped": closed & Q(state=State.STOPPED),
    }


def _group_columns(by_unit: bool) -> tuple[str, ...]:
    return ("unit_id", "field_id") if by_unit else ("field_id",)


def _group_key(row: Mapping[str, Any], columns: tuple[str, ...]) -> Any:
    """`field_id`, or `(unit_id, field_id)` when grouping by unit as well."""
    return row["field_id"] if len(columns) == 1 else tuple(row[c] for c in columns)


def _oracle_by_field(
    unit_ids: set[int],
    period: Period,
    now: dt.datetime,
    policy: str,
    cs: ClassifySettings,
    by_unit: bool = False,
) -> dict[Any, Bieu06Figures]:
    filters = figure_filters(period=period, now=now, policy=policy, cs=cs)
    rows: Any = (
        annotated_dossiers(unit_ids, cs)
        .filter(filters["received_total"])
        .values(*_group_columns(by_unit))
        .annotate(**{key: Count("id", filter=q) for key, q in filters.items()})
        .order_by(*_group_columns(by_unit))
    )
    return {
        _group_key(row, _group_columns(by_unit)): Bieu06Figures(
            **{key: row[key] for key in FIGURE_KEYS}
        )
        for row in rows
    }


# --------------------------------------------------------------------------------------------
# Rollups: per-dossier footprint (Python) and sums over DailyFlow
# --------------------------------------------------------------------------------------------

FOOTPRINT_SOURCE_FIELDS = (
    "id",
    "unit_id",
    "field_id",
    "state",
    "channel",
    "received_at",
    "finished_at",
    "returned_at",
    "closed_at",
    "due_at",
    "extended_due_at",
    "procedure_version__time_limit_unit",
)


def footprint_values(row: Mapping[str, Any], cs: ClassifySettings) -> dict[str, Any] | None:
    """The days on which one dossier enters and leaves the figures (None: never received).

    Mirrors `figure_filters` in plain Python; the tests check that both give the same figures.
    """
    state = row["state"]
    received_at = row["received_at"]
    if received_at is None or state in NOT_RECEIVED_STATES:
        return None
    received_day = local_date(received_at)
    raw_end = None
    if state in RESOLVED_STATES:
        raw_end = row["finished_at"] or row["returned_at"]
    elif state in CLOSED_OTHER_STATES:
        raw_end = row["closed_at"]
    end = max(raw_end, received_at) if raw_end is not None else None
    end_day = local_date(end) if end is not None else None
    due = row["due_at"]
    if cs.against == "extended" and row["extended_due_at"] is not None:
        due = row["extended_due_at"]
    by_date = cs.by_date and row["procedure_version__time_limit_unit"] in DAY_LIMIT_UNITS

    end_kind = ""
    if end is not None:
        if state == State.WITHDRAWN:
            end_kind = EndKind.WITHDRAWN
        elif state == State.STOPPED:
            end_kind = EndKind.STOPPED
        else:
            end_kind = classify_finish(end, due, by_date)

    overdue_day = None
    closed_overdue = False
    if due is not None:
        # The first local midnight at which the dossier, if still open, is overdue:
        # by date — the day after the due day; by instant — the first midnight >= due.
        first = (
            local_date(due) + dt.timedelta(days=1)
            if by_date
            else local_date(due - ONE_MICROSECOND) + dt.timedelta(days=1)
        )
        first = max(first, received_day + dt.timedelta(days=1))
        if end_day is None or end_day >= first:
            overdue_day = first
            closed_overdue = end_day is not None
    return {
        "dossier_id": row["id"],
        "unit_id": row["unit_id"],
        "field_id": row["field_id"],
        "received_day": received_day,
        "online": row["channel"] == Channel.ONLINE,
        "end_day": end_day,
        "end_kind": end_kind,
        "rejected": bool(end is not None and state == State.REJECTED_AFTER_REVIEW),
        "overdue_day": overdue_day,
        "closed_overdue": closed_overdue,
        "waiting": state in WAITING_STATES,
    }


def classify_finish(done: dt.datetime, due: dt.datetime | None, by_date: bool) -> str:
    """DOMAIN.md §2.5: early `done < due`, on time `done = due`, late `done > due`;
    by local date for day limits when CLASSIFY_DAY_LIMITS_BY_DATE, else by instant."""
    if due is None:
        return EndKind.ON_TIME
    left: dt.date | dt.datetime = local_date(done) if by_date else done
    right: dt.date | dt.datetime = local_date(due) if by_date else due
    if left < right:
        return EndKind.EARLY
    if left == right:
        return EndKind.ON_TIME
    return EndKind.LATE


def _check_rollups(cs: ClassifySettings) -> Any:
    """The RollupMeta row, if the rollups were built under the current settings."""
    from motcua.reports.models import RollupMeta

    meta = RollupMeta.objects.filter(key="bieu06").first()
    if meta is None:
        raise RollupsMissing(
            _(
                "Chưa có bảng tổng hợp số liệu. Chạy “motcua stats-rollup rebuild” "
                "hoặc chọn tính trực tiếp từ hồ sơ (--source oracle)."
            )
        )
    if meta.signature != cs.signature:
        raise RollupsMissing(
            _(
                "Bảng tổng hợp được lập theo cấu hình phân loại khác (%(old)s, hiện tại "
                "%(new)s). Chạy lại “motcua stats-rollup rebuild”."
            )
            % {"old": meta.signature, "new": cs.signature}
        )
    return meta


# The sums a report needs per field, from either rollup level (see `_rollup_by_field`).
SUM_KEYS = (
    "carried",
    "pending",
    "received_online",
    "received_direct_postal",
    "early",
    "on_time",
    "late",
    "rejected",
    "withdrawn",
    "stopped",
    "overdue_in",
    "closed_overdue",
    "overdue_in_waiting",
)
# In-period sums: (key in SUM_KEYS, rollup column).
PERIOD_COLUMNS = (
    ("received_online", "received_online"),
    ("received_direct_postal", "received_direct"),
    ("early", "finished_early"),
    ("on_time", "finished_on_time"),
    ("late", "finished_late"),
    ("rejected", "finished_rejected"),
    ("withdrawn", "withdrawn"),
    ("stopped", "stopped"),
)


def _received() -> Any:
    return F("received_online") + F("received_direct")


def _ended() -> Any:
    return (
        F("finished_early")
        + F("finished_on_time")
        + F("finished_late")
        + F("withdrawn")
        + F("stopped")
    )


def _total(expr: Any, cond: Q) -> Any:
    return Coalesce(Sum(expr, filter=cond), 0)


def _daily_sums(
    unit_ids: set[int], s_day: dt.date, e_day: dt.date, at_day: dt.date, by_unit: bool = False
) -> dict[Any, dict[str, int]]:
    """Every sum from DailyFlow alone (all days up to the period end)."""
    from motcua.reports.models import DailyFlow

    in_period = Q(day__gte=s_day, day__lt=e_day)
    rows: Any = (
        DailyFlow.objects.filter(unit_id__in=list(unit_ids), day__lte=max(e_day, at_day))
        .values(*_group_columns(by_unit))
        .annotate(
            recv_before=_total(_received(), Q(day__lt=s_day)),
            ended_before=_total(_ended(), Q(day__lt=s_day)),
            recv_before_end=_total(_received(), Q(day__lt=e_day)),
            ended_before_end=_total(_ended(), Q(day__lt=e_day)),
            **{key: _total(F(col), in_period) for key, col in PERIOD_COLUMNS},
            overdue_in=_total(F("overdue_in"), Q(day__lte=at_day)),
            closed_overdue=_total(F("closed_overdue"), Q(day__lt=at_day)),
            overdue_in_waiting=_total(F("overdue_in_waiting"), Q(day__lte=at_day)),
        )
        .order_by()
    )
    out: dict[Any, dict[str, int]] = {}
    for row in rows:
        sums = {key: row[key] for key in SUM_KEYS if key in row}
        sums["carried"] = row["recv_before"] - row["ended_before"]
        sums["pending"] = row["recv_before_end"] - row["ended_before_end"]
        out[_group_key(row, _group_columns(by_unit))] = sums
    return out


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _monthly_sums(
    unit_ids: set[int],
    s_day: dt.date,
    e_day: dt.date,
    at_day: dt.date,
    horizon: dt.date,
    by_unit: bool = False,
) -> dict[Any, dict[str, int]]:
    """The same sums from MonthlyFlow (whole months, month-start snapshots) plus the DailyFlow
    rows of the partial months: the state at a midnight D is snapshot(M) + Σ daily [M, D) with
    M = min(month of D, horizon)."""

    def anchor(day: dt.date) -> dt.date:
        return min(month_start(day), horizon)

    ms, me, ma = anchor(s_day), anchor(e_day), anchor(at_day)
    full: list[dt.date] = []
    m = month_start(s_day) if s_day.day == 1 else next_month(s_day)
    while next_month(m) <= e_day and m <= horizon:
        full.append(m)
        m = next_month(m)
    ids = sorted(unit_ids)
    if not ids:
        return {}
    # Plain SQL (portable: SQLite and PostgreSQL): a commune's report is a few hundred rows,
    # where compiling two ORM aggregates with 13 filtered sums each would cost more than the
    # queries themselves. Same sums as `_daily_sums`; the tests compare both levels.
    from motcua.reports.models import DailyFlow, MonthlyFlow

    in_units = ", ".join(["%s"] * len(ids))
    columns = _group_columns(by_unit)
    group = ", ".join(columns)
    ended = "finished_early + finished_on_time + finished_late + withdrawn + stopped"
    params: list[Any] = [ms, me, ma, ma, ma]
    period_sums = []
    for key, col in PERIOD_COLUMNS:
        if full:
            marks = ", ".join(["%s"] * len(full))
            period_sums.append(f"SUM(CASE WHEN month IN ({marks}) THEN {col} ELSE 0 END) AS {key}")
            params.extend(full)
        else:
            period_sums.append(f"0 AS {key}")
    months = sorted({ms, me, ma, *full})
    params.extend(ids)
    params.extend(months)
    monthly_sql = f"""
        SELECT {group},
            SUM(CASE WHEN month = %s THEN open_before ELSE 0 END) AS carried,
            SUM(CASE WHEN month = %s THEN open_before ELSE 0 END) AS pending,
            SUM(CASE WHEN month = %s THEN overdue_in_before ELSE 0 END) AS overdue_in,
            SUM(CASE WHEN month = %s THEN closed_overdue_before ELSE 0 END) AS closed_overdue,
            SUM(CASE WHEN month = %s THEN overdue_in_waiting_before ELSE 0 END)
                AS overdue_in_waiting,
            {", ".join(period_sums)}
        FROM {MonthlyFlow._meta.db_table}
        WHERE unit_id IN ({in_units}) AND month IN ({", ".join(["%s"] * len(months))})
        GROUP BY {group}
    """
    # Day ranges [lo, hi) read from DailyFlow.
    to_s, to_e = (ms, s_day), (me, e_day)
    od_le, od_lt = (ma, at_day + dt.timedelta(days=1)), (ma, at_day)
    partials = [(s_day, full[0]), (m, e_day)] if full else [(s_day, e_day)]

    range_sql = "(day >= %s AND day < %s)"
    opened = f"received_online + received_direct - ({ended})"
    ranged = [
        (to_s, opened, "carried"),
        (to_e, opened, "pending"),
        (od_le, "overdue_in", "overdue_in"),
        (od_lt, "closed_overdue", "closed_overdue"),
        (od_le, "overdue_in_waiting", "overdue_in_waiting"),
    ]
    select: list[str] = []
    daily_params: list[Any] = []
    for rng, expr, key in ranged:
        select.append(f"SUM(CASE WHEN {range_sql} THEN {expr} ELSE 0 END) AS {key}")
        daily_params.extend(rng)
    partial_cond = " OR ".join([range_sql] * len(partials))
    for key, col in PERIOD_COLUMNS:
        select.append(f"SUM(CASE WHEN {partial_cond} THEN {col} ELSE 0 END) AS {key}")
        for rng in partials:
            daily_params.extend(rng)
    daily_params.extend(ids)
    for rng in (to_s, to_e, od_le, *partials):
        daily_params.extend(rng)
    daily_sql = f"""
        SELECT {group}, {", ".join(select)}
        FROM {DailyFlow._meta.db_table}
        WHERE unit_id IN ({in_units})
          AND ({" OR ".join([range_sql] * (3 + len(partials)))})
        GROUP BY {group}
    """
    out: dict[Any, dict[str, int]] = {}
    width = len(columns)
    with connection.cursor() as cursor:
        for sql, sql_params in ((monthly_sql, params), (daily_sql, daily_params)):
            cursor.execute(sql, sql_params)
            names = [c[0] for c in cursor.description][width:]
            for row in cursor.fetchall():
                group_key = row[0] if width == 1 else tuple(row[:width])
                sums = out.setdefault(group_key, dict.fromkeys(SUM_KEYS, 0))
                for name, value in zip(names, row[width:], strict=True):
                    sums[name] += int(value or 0)
    return out


def _rollup_by_field(
    unit_ids: set[int],
    period: Period,
    now: dt.datetime,
    policy: str,
    cs: ClassifySettings,
    level: str = "auto",
    by_unit: bool = False,
) -> dict[Any, Bieu06Figures]:
    meta = _check_rollups(cs)
    s_day, e_day = period.date_from, period.end_day
    end = period.end
    live = now < end
    # The day whose midnight the overdue state is read at (see docs: "pending overdue").
    at_day = local_date(now) if live else e_day
    if meta.month_horizon is None or level == "daily":
        sums = _daily_sums(unit_ids, s_day, e_day, at_day, by_unit)
    else:
        sums = _monthly_sums(unit_ids, s_day, e_day, at_day, meta.month_horizon, by_unit)
    result: dict[Any, Bieu06Figures] = {}
    for group_key, row in sorted(sums.items()):
        if not any(row.values()):
            continue
        carried = row["carried"]
        pending = row["pending"]
        overdue = row["overdue_in"] - row["closed_overdue"]
        if policy == Policy.FOLDED:
            overdue -= row["overdue_in_waiting"]
        closed = row["withdrawn"] + row["stopped"]
        on_time = row["on_time"]
        if policy == Policy.FOLDED:
            on_time += closed
            closed_total = 0
        else:
            closed_total = closed
        resolved = row["early"] + on_time + row["late"]
        result[group_key] = Bieu06Figures(
            received_total=row["received_online"] + row["received_direct_postal"] + carried,
            received_online=row["received_online"],
            received_direct_postal=row["received_direct_postal"],
            carried_over=carried,
            resolved_total=resolved,
            resolved_early=row["early"],
            resolved_on_time=on_time,
            resolved_late=row["late"],
            resolved_rejected=row["rejected"],
            pending_total=pending,
            pending_within=0,
            pending_overdue=overdue,
            closed_other_total=closed_total,
            withdrawn=row["withdrawn"],
            stopped=row["stopped"],
        )
    if live:
        deltas = _live_overdue_delta(unit_ids, period, now, policy, cs, by_unit)
        for group_key, delta in deltas.items():
            result.setdefault(group_key, Bieu06Figures()).pending_overdue += delta
    for figures in result.values():
        figures.pending_within = figures.pending_total - figures.pending_overdue
    return result


def _live_overdue_delta(
    unit_ids: set[int],
    period: Period,
    now: dt.datetime,
    policy: str,
    cs: ClassifySettings,
    by_unit: bool = False,
) -> dict[Any, int]:
    """Pending overdue when the period has not ended (now < end): the rollups give the overdue
    set at today's midnight M; the dossiers whose status differs between "open and overdue at
    M" and "open at the period end and overdue now" all end, are received, or fall due in
    [M, end) — a handful of today's rows, read live (PERFORMANCE.md: "today can be added live").
    """
    end = period.end
    today = local_date(now)
    midnight = local_midnight(today)
    filters = figure_filters(period=period, now=now, policy=policy, cs=cs)
    # "Open and overdue at M" is the pending-overdue figure of a period ending at M with now=M.
    yesterday = today - dt.timedelta(days=1)
    at_midnight = figure_filters(
        period=Period(yesterday, yesterday),
        now=midnight,
        policy=policy,
        cs=cs,
    )["pending_overdue"]
    candidates = annotated_dossiers(unit_ids, cs).filter(
        Q(end_at__gte=midnight, end_at__lt=end)
        | Q(received_at__gte=midnight, received_at__lt=end)
        | Q(due_eff__gt=midnight, due_eff__lte=now)
    )
    rows = (
        candidates.values(*_group_columns(by_unit))
        .annotate(
            now_count=Count("id", filter=filters["pending_overdue"]),
            midnight_count=Count("id", filter=at_midnight),
        )
        .order_by()
    )
    return {
        _group_key(row, _group_columns(by_unit)): row["now_count"] - row["midnight_count"]
        for row in rows
    }


# --------------------------------------------------------------------------------------------
# The public selector
# --------------------------------------------------------------------------------------------


def bieu06(
    *,
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    by_field: bool = True,
    policy: str | None = None,
    now: dt.datetime | None = None,
    source: str = Source.ROLLUP,
    rollup_level: str = "auto",
) -> Bieu06Result:
    """Biểu số 06/VPCP/KSTT for `unit` (with subtree and merged predecessors) over the local
    dates [date_from, date_to]. `source="rollup"` (default) raises `RollupsMissing` when the
    rollups are not built — it never falls back to the oracle silently. `rollup_level`:
    "auto" (monthly snapshots + daily flows when built) or "daily" (DailyFlow only; checks)."""
    period = make_period(date_from, date_to)
    policy = resolve_policy(policy)
    now = now or timezone.now()
    cs = ClassifySettings.current()
    unit_ids = unit_scope_ids(unit)
    if source == Source.ROLLUP:
        groups = _rollup_by_field(unit_ids, period, now, policy, cs, rollup_level)
    elif source == Source.ORACLE:
        groups = _oracle_by_field(unit_ids, period, now, policy, cs)
    else:
        raise DomainError(_("Nguồn số liệu không hợp lệ: %(s)s.") % {"s": source})
    total = Bieu06Figures()
    rows: list[FieldRow] = []
    fields = {f.id: f for f in Field.objects.filter(id__in=list(groups))}
    for field_id, figures in groups.items():
        _assert_invariants(figures, f"field {field_id}")
        total.add(figures)
        if not figures.is_zero():
            f = fields[field_id]
            rows.append(FieldRow(field_id=f.id, code=f.code, name=f.name, figures=figures))
    _assert_invariants(total, "total")
    rows.sort(key=lambda r: r.code)
    return Bieu06Result(
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        policy=policy,
        source=str(source),
        now=now,
        total=total,
        by_field=rows if by_field else [],
    )


def bieu06_by_unit(
    *,
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    policy: str | None = None,
    now: dt.datetime | None = None,
    source: str = Source.ROLLUP,
) -> dict[tuple[int, int], Bieu06Figures]:
    """Biểu 06 of every unit of `unit`'s scope × field (a province's table by commune and
    field): `{(unit_id, field_id): figures}`, non-zero rows only, each row's invariants
    checked. Summed over the units it is `bieu06(...).by_field` (tested)."""
    period = make_period(date_from, date_to)
    policy = resolve_policy(policy)
    now = now or timezone.now()
    cs = ClassifySettings.current()
    unit_ids = unit_scope_ids(unit)
    if source == Source.ROLLUP:
        groups = _rollup_by_field(unit_ids, period, now, policy, cs, by_unit=True)
    elif source == Source.ORACLE:
        groups = _oracle_by_field(unit_ids, period, now, policy, cs, by_unit=True)
    else:
        raise DomainError(_("Nguồn số liệu không hợp lệ: %(s)s.") % {"s": source})
    result = {}
    for key, figures in sorted(groups.items()):
        _assert_invariants(figures, f"unit {key[0]} field {key[1]}")
        if not figures.is_zero():
            result[key] = figures
    return result


def _assert_invariants(figures: Bieu06Figures, where: str) -> None:
    problems = figures.violations()
    if problems:
        logger.error("Biểu 06 invariant violated (%s): %s", where, "; ".join(problems))
        raise StatsInvariantError(
            _("Số liệu thống kê không cân đối (%(where)s): %(p)s")
            % {"where": where, "p": "; ".join(problems)}
        )


def bieu06_dossiers(
    *,
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    figure: str,
    field_id: int | None = None,
    policy: str | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Dossier]:
    """The dossiers behind one figure (drill-down), annotated with `end_at`, `due_eff` and
    `classification` (Vietnamese label), ordered by receipt."""
    if figure not in FIGURE_KEYS:
        raise DomainError(_("Chỉ tiêu không hợp lệ: %(f)s.") % {"f": figure})
    period = make_period(date_from, date_to)
    policy = resolve_policy(policy)
    now = now or timezone.now()
    cs = ClassifySettings.current()
    filters = figure_filters(period=period, now=now, policy=policy, cs=cs)
    qs = annotated_dossiers(unit_scope_ids(unit), cs).filter(filters[figure])
    if field_id is not None:
        qs = qs.filter(field_id=field_id)
    order = (
        "resolved_early",
        "resolved_on_time",
        "resolved_late",
        "pending_within",
        "pending_overdue",
        "withdrawn",
        "stopped",
    )
    label = Case(
        *[When(filters[key], then=Value(str(FIGURE_LABELS[key]))) for key in order],
        default=Value(""),
        output_field=CharField(),
    )
    return (
        qs.annotate(classification=label)
        .select_related("procedure_version__procedure", "field")
        .order_by("received_at", "id")
    )
