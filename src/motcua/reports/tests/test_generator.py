"""The benchmark data generator (benchmarks/generate.py) on a few hundred rows, and the SQL fast
path of `rollup_rebuild` (PostgreSQL) against the Python path: identical rollup rows, and both
agree with the oracle (docs/domain/statistics.md "Two paths that must agree")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from benchmarks.generate import VN, generate
from django.db import connection

from motcua.dossiers.constants import Channel, State
from motcua.dossiers.models import Dossier
from motcua.organisation.models import Unit
from motcua.reports.models import DailyFlow, DossierFootprint, MonthlyFlow, RollupMeta
from motcua.reports.services import (
    rollup_check,
    rollup_extend_months,
    rollup_rebuild,
    rollup_refresh_dossier_days,
)
from motcua.reports.stats import Bieu06Figures, bieu06, bieu06_by_unit, next_month

START, END = dt.date(2024, 1, 1), dt.date(2024, 6, 30)
NOW = dt.datetime(2024, 6, 28, 17, 0, tzinfo=VN)


def _generate(n: int = 400) -> dict[str, Any]:
    return generate(
        dossiers=n, units=5, fields=4, procedures=25, prefix="TG", start=START, end=END, now=NOW
    )


def _rollup_rows() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    fps = list(
        DossierFootprint.objects.order_by("dossier_id").values_list(
            "dossier_id",
            "unit_id",
            "field_id",
            "received_day",
            "online",
            "end_day",
            "end_kind",
            "rejected",
            "overdue_day",
            "closed_overdue",
            "waiting",
        )
    )
    columns = [f.column for f in DailyFlow._meta.concrete_fields if not f.primary_key]
    flows = list(DailyFlow.objects.order_by("unit_id", "field_id", "day").values_list(*columns))
    return fps, flows


@pytest.mark.django_db
def test_generator_rows_follow_the_skew_and_the_lifecycle() -> None:
    """PERFORMANCE.md "Data": mostly online, ends after receipt, submitted = not received."""
    info = _generate()
    rows = list(Dossier.objects.filter(unit__code__startswith="TG").values())
    assert info["dossiers"] == len(rows) == 400
    assert Unit.objects.filter(parent__code="TGP").count() == 5
    online = sum(r["channel"] == Channel.ONLINE for r in rows)
    assert 0.8 * len(rows) < online < len(rows)
    for r in rows:
        if r["state"] == State.SUBMITTED:
            assert r["received_at"] is None and r["due_at"] is None
            continue
        assert r["received_at"] is not None and r["received_at"] <= NOW
        assert r["due_at"] >= r["received_at"]
        end = r["finished_at"] or r["closed_at"]
        if r["state"] in (State.RETURNED, State.REJECTED_AFTER_REVIEW):
            assert end is not None and end >= r["received_at"] and end <= NOW
        if r["state"] == State.IN_PROCESS:
            assert end is None
    assert {r["state"] for r in rows} >= {State.RETURNED, State.IN_PROCESS}


@pytest.mark.django_db
def test_generator_is_deterministic() -> None:
    _generate(120)
    first = list(Dossier.objects.order_by("code").values_list("code", "received_at", "state"))
    Dossier.objects.all().delete()
    _generate(120)
    again = list(Dossier.objects.order_by("code").values_list("code", "received_at", "state"))
    assert first == again


@pytest.mark.django_db
def test_rollups_of_generated_data_match_the_oracle() -> None:
    """Python rebuild on generated data: every figure of the province equals the oracle."""
    _generate()
    rollup_rebuild(python=True)
    province = Unit.objects.get(code="TGP")
    check = rollup_check(unit=province, date_from=dt.date(2024, 2, 1), date_to=END, now=NOW)
    assert check.ok, check.differences


@pytest.mark.django_db
@pytest.mark.postgres
def test_sql_rebuild_writes_the_same_rows_as_the_python_rebuild() -> None:
    """PostgreSQL fast path (`INSERT … SELECT … GROUP BY`) == Python path, row for row."""
    if connection.vendor != "postgresql":
        pytest.skip("the SQL fast path of rollup_rebuild exists on PostgreSQL only")
    _generate()
    # Edge rows the generator does not make: ends before receipt, no due date, extended due,
    # waiting for a supplement, withdrawn before due (DOMAIN.md §2.5, §3.4).
    some = list(Dossier.objects.exclude(state=State.SUBMITTED).order_by("id")[:12])
    some[0].finished_at = some[0].received_at - dt.timedelta(hours=3)
    some[0].state = State.RETURNED
    some[1].due_at = None
    some[2].extended_due_at = some[2].due_at + dt.timedelta(days=3)
    some[3].state = State.SUPPLEMENT_AFTER_REVIEW
    some[4].state, some[4].closed_at = State.WITHDRAWN, some[4].received_at
    some[5].state, some[5].finished_at = State.RESULT_READY, None
    for d in some[:6]:
        d.save()
    written_sql = rollup_rebuild()
    by_sql = _rollup_rows()
    written_py = rollup_rebuild(python=True)
    by_python = _rollup_rows()
    assert written_sql == written_py == len(by_python[0]) > 300
    assert by_sql == by_python
    province = Unit.objects.get(code="TGP")
    rollup_rebuild()
    check = rollup_check(unit=province, date_from=dt.date(2024, 3, 1), date_to=END, now=NOW)
    assert check.ok, check.differences


PERIODS = [
    pytest.param(dt.date(2024, 2, 1), dt.date(2024, 4, 30), id="whole-months"),
    pytest.param(dt.date(2024, 1, 17), dt.date(2024, 5, 9), id="partial-months-both-ends"),
    pytest.param(dt.date(2024, 3, 5), dt.date(2024, 3, 20), id="inside-one-month"),
    pytest.param(dt.date(2024, 6, 1), dt.date(2024, 8, 31), id="running-period-beyond-horizon"),
    pytest.param(dt.date(2024, 9, 1), dt.date(2024, 12, 31), id="after-the-data"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("date_from", "date_to"), PERIODS)
def test_monthly_snapshots_equal_daily_flows_and_oracle_performance_md(
    date_from: dt.date, date_to: dt.date
) -> None:
    """PERFORMANCE.md "monthly snapshot + daily flows": for whole months, partial months, a
    period still running at `now` and one past the monthly horizon, the monthly level, the
    daily level and the oracle give the same figures (rollup_check compares all three)."""
    _generate(300)
    rollup_rebuild()
    last_day = DailyFlow.objects.order_by("-day").values_list("day", flat=True)[0]
    assert RollupMeta.objects.get().month_horizon == next_month(last_day)
    assert MonthlyFlow.objects.exists()
    province = Unit.objects.get(code="TGP")
    for policy in ("strict", "folded"):
        check = rollup_check(
            unit=province, date_from=date_from, date_to=date_to, policy=policy, now=NOW
        )
        assert check.ok, check.differences


@pytest.mark.django_db
def test_monthly_rows_follow_a_refreshed_dossier() -> None:
    """A back-dated change re-aggregates its days and the months after them (running sums)."""
    _generate(300)
    rollup_rebuild()
    d = Dossier.objects.filter(state=State.RETURNED).order_by("received_at").first()
    assert d is not None
    d.state, d.finished_at, d.returned_at, d.closed_at = State.IN_PROCESS, None, None, None
    d.save()
    rollup_refresh_dossier_days([d.pk])
    province = Unit.objects.get(code="TGP")
    check = rollup_check(unit=province, date_from=dt.date(2024, 4, 1), date_to=END, now=NOW)
    assert check.ok, check.differences


@pytest.mark.django_db
@pytest.mark.postgres
def test_sql_monthly_rows_equal_the_python_monthly_rows() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the SQL fast path of rollup_rebuild exists on PostgreSQL only")
    _generate(300)
    columns = [f.column for f in MonthlyFlow._meta.concrete_fields if not f.primary_key]

    def rows() -> list[tuple[Any, ...]]:
        return list(MonthlyFlow.objects.order_by(*columns[:3]).values_list(*columns))

    rollup_rebuild()
    by_sql = rows()
    rollup_rebuild(python=True)
    assert by_sql == rows() and len(by_sql) > 20


@pytest.mark.django_db
def test_days_past_the_horizon_are_read_daily_until_the_months_are_extended() -> None:
    """A dossier received after the monthly horizon counts at once (daily rows), and after
    `rollup_extend_months` from the monthly rows: the same figures as the oracle both times."""
    _generate(200)
    rollup_rebuild()
    horizon = RollupMeta.objects.get().month_horizon
    assert horizon is not None
    late = Dossier.objects.filter(state=State.RETURNED).first()
    assert late is not None
    late.pk, late.code = None, "TG-LATER-1"
    late.received_at = late.submitted_at = dt.datetime(2024, 10, 7, 9, tzinfo=VN)
    late.due_at = dt.datetime(2024, 10, 9, 17, tzinfo=VN)
    late.finished_at = dt.datetime(2024, 11, 4, 10, tzinfo=VN)  # late
    late.returned_at = late.closed_at = late.finished_at
    late.save()
    rollup_refresh_dossier_days([late.pk])
    province = Unit.objects.get(code="TGP")
    later = {"unit": province, "date_from": dt.date(2024, 10, 1), "date_to": dt.date(2024, 12, 31)}
    check = rollup_check(now=dt.datetime(2025, 1, 2, tzinfo=VN), **later)  # type: ignore[arg-type]
    assert check.ok, check.differences
    assert rollup_extend_months() == dt.date(2024, 12, 1) > horizon
    assert MonthlyFlow.objects.filter(month=dt.date(2024, 11, 1)).exists()
    check = rollup_check(now=dt.datetime(2025, 1, 2, tzinfo=VN), **later)  # type: ignore[arg-type]
    assert check.ok, check.differences


@pytest.mark.django_db
@pytest.mark.parametrize(
    "now",
    [
        pytest.param(NOW + dt.timedelta(days=30), id="period-over"),
        pytest.param(NOW, id="period-running-live-overdue"),
    ],
)
def test_province_by_unit_and_field_rollup_equals_oracle_and_sums_to_by_field(
    now: dt.datetime,
) -> None:
    """The province table by commune × field: rollups = oracle for every (unit, field), and
    the sum over the units is the by-field report (DOMAIN.md §3.2 rows by field)."""
    _generate(300)
    rollup_rebuild()
    province = Unit.objects.get(code="TGP")
    kw: dict[str, Any] = {
        "unit": province,
        "date_from": dt.date(2024, 2, 10),
        "date_to": END,
        "now": now,
    }
    by_rollup = bieu06_by_unit(**kw)
    assert by_rollup == bieu06_by_unit(source="oracle", **kw)
    assert len({u for u, _ in by_rollup}) == 5
    summed: dict[int, Bieu06Figures] = {}
    for (_, field_id), figures in by_rollup.items():
        summed.setdefault(field_id, Bieu06Figures()).add(figures)
    assert summed == {r.field_id: r.figures for r in bieu06(**kw).by_field}
