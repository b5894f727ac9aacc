"""Hypothesis properties of the working-day arithmetic (pure calendar, DOMAIN.md §2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.calendar.constants import LimitUnit
from motcua.calendar.tests.conftest import official_calendar
from motcua.calendar.workdays import VN_TZ

CAL = official_calendar()
days = st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2026, 10, 31))
small = st.integers(min_value=0, max_value=40)
instants = st.builds(
    lambda d, minutes: (
        dt.datetime.combine(d, dt.time(0), tzinfo=VN_TZ) + dt.timedelta(minutes=minutes)
    ),
    days,
    st.integers(min_value=0, max_value=24 * 60 - 1),
)
hours = st.decimals(min_value=0, max_value=60, places=2)


@settings(max_examples=150, deadline=None)
@given(days, small, small)
def test_add_working_days_is_monotonic_and_additive(d: dt.date, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert CAL.add_working_days(d, lo) <= CAL.add_working_days(d, hi)
    assert CAL.add_working_days(d, a + b) == CAL.add_working_days(CAL.add_working_days(d, a), b)


@settings(max_examples=150, deadline=None)
@given(days, st.integers(min_value=1, max_value=40))
def test_add_working_days_never_lands_on_a_day_off(d: dt.date, n: int) -> None:
    result = CAL.add_working_days(d, n)
    assert CAL.is_working_day(result)
    assert CAL.working_days_between(d, result) == n


@settings(max_examples=150, deadline=None)
@given(instants, hours, hours)
def test_add_working_hours_is_additive(start: dt.datetime, h1: Decimal, h2: Decimal) -> None:
    once = CAL.add_working_hours(start, h1 + h2)
    twice = CAL.add_working_hours(CAL.add_working_hours(start, h1), h2)
    assert once == twice
    assert once >= start


@settings(max_examples=150, deadline=None)
@given(instants, st.integers(min_value=1, max_value=30), st.sampled_from(list(LimitUnit)))
def test_due_never_lands_on_a_day_off_and_is_after_receipt(
    received: dt.datetime, amount: int, unit: LimitUnit
) -> None:
    result = CAL.due(received, amount, unit)
    assert result.due_at > received
    assert CAL.is_working_day(result.due_at.date())
    assert result.due_at.timetz().replace(tzinfo=None) <= CAL.sessions[-1].end


@settings(max_examples=150, deadline=None)
@given(
    instants,
    st.decimals(min_value=0, max_value=30, places=1),
    st.sampled_from(list(LimitUnit)),
)
def test_due_without_explanation_is_the_same_time(
    received: dt.datetime, amount: Decimal, unit: LimitUnit
) -> None:
    """`explain=False` (callers that read only the time: a step's deadline, PAKN deadlines)
    skips the text, never the arithmetic."""
    if unit == LimitUnit.CALENDAR_DAYS:
        amount = amount.to_integral_value()
    explained = CAL.due(received, amount, unit)
    quiet = CAL.due(received, amount, unit, explain=False)
    assert quiet.due_at == explained.due_at
    assert quiet.explanation == [] and explained.explanation


@settings(max_examples=100, deadline=None)
@given(instants, st.integers(min_value=1, max_value=20))
def test_due_is_monotonic_in_amount(received: dt.datetime, n: int) -> None:
    for unit in (LimitUnit.WORKING_DAYS, LimitUnit.WORKING_HOURS, LimitUnit.CALENDAR_DAYS):
        assert CAL.due(received, n, unit).due_at <= CAL.due(received, n + 1, unit).due_at
