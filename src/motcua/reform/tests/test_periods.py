"""Report periods under the two cut-off conventions (DOMAIN.md §3.6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.errors import DomainError
from motcua.reform.constants import PeriodConvention, PeriodKind
from motcua.reform.periods import parse_period, period_bounds

D = dt.date

CASES = [
    # calendar periods (provincial practice, DOMAIN §3.6 ❓)
    ("2023-H1", "calendar", D(2023, 1, 1), D(2023, 6, 30), "calendar-6-thang-dau-nam"),
    ("2023-H2", "calendar", D(2023, 7, 1), D(2023, 12, 31), "calendar-6-thang-cuoi-nam"),
    ("2023-Q1", "calendar", D(2023, 1, 1), D(2023, 3, 31), "calendar-quy-I"),
    ("2023-Q2", "calendar", D(2023, 4, 1), D(2023, 6, 30), "calendar-quy-II"),
    ("2024-Q1", "calendar", D(2024, 1, 1), D(2024, 3, 31), "calendar-quy-I-nam-nhuan"),
    ("2023-9M", "calendar", D(2023, 1, 1), D(2023, 9, 30), "calendar-9-thang"),
    ("2023", "calendar", D(2023, 1, 1), D(2023, 12, 31), "calendar-nam"),
    # Nghị định 09/2019/NĐ-CP data cut-off: 15th of the month before to the 14th (DOMAIN §3.6 ◐)
    ("2023-Q1", "cutoff_15", D(2022, 12, 15), D(2023, 3, 14), "ND09-2019-quy-I"),
    ("2023-Q2", "cutoff_15", D(2023, 3, 15), D(2023, 6, 14), "ND09-2019-quy-II"),
    ("2023-Q3", "cutoff_15", D(2023, 6, 15), D(2023, 9, 14), "ND09-2019-quy-III"),
    ("2023-Q4", "cutoff_15", D(2023, 9, 15), D(2023, 12, 14), "ND09-2019-quy-IV"),
    ("2023", "cutoff_15", D(2022, 12, 15), D(2023, 12, 14), "ND09-2019-nam"),
    ("2023-H1", "cutoff_15", D(2022, 12, 15), D(2023, 6, 14), "ND09-2019-pattern-6-thang"),
    ("2023-H2", "cutoff_15", D(2023, 6, 15), D(2023, 12, 14), "ND09-2019-pattern-6-thang-cuoi"),
    ("2023-9M", "cutoff_15", D(2022, 12, 15), D(2023, 9, 14), "ND09-2019-pattern-9-thang"),
    # custom ranges are taken as they are under both conventions
    ("2023-02-01..2023-02-28", "cutoff_15", D(2023, 2, 1), D(2023, 2, 28), "custom-iso"),
    ("01/03/2023-31/05/2023", "calendar", D(2023, 3, 1), D(2023, 5, 31), "custom-dd-mm-yyyy"),
]


@pytest.mark.parametrize(
    ("period", "convention", "start", "end"),
    [c[:4] for c in CASES],
    ids=[c[4] for c in CASES],
)
def test_period_bounds(period: str, convention: str, start: dt.date, end: dt.date) -> None:
    assert period_bounds(period, convention) == (start, end)


def test_default_convention_comes_from_settings() -> None:
    with override_settings(MOTCUA={"REPORT_PERIOD_CONVENTION": "cutoff_15"}):
        period = parse_period("2023-H1")
    assert period.convention == PeriodConvention.CUTOFF_15
    assert period.bounds == (D(2022, 12, 15), D(2023, 6, 14))
    assert "09/2019/NĐ-CP" in period.cutoff_note
    assert parse_period("2023-H1", "calendar").title == "6 tháng đầu năm 2023"
    assert parse_period("2023-Q2", "calendar").title == "quý II năm 2023"
    assert parse_period("2023-Q2", "calendar").kind == PeriodKind.QUARTER


@pytest.mark.parametrize("bad", ["2023-H3", "2023-Q5", "H1-2023", "2023-06-30..2023-01-01", ""])
def test_bad_periods_are_refused(bad: str) -> None:
    with pytest.raises(DomainError):
        period_bounds(bad, "calendar")


@given(
    year=st.integers(min_value=2000, max_value=2100),
    label=st.sampled_from(["Q1", "Q2", "Q3", "Q4", "H1", "H2", "9M", ""]),
)
def test_cutoff_periods_are_calendar_periods_shifted(year: int, label: str) -> None:
    """Property: a cutoff_15 period starts on the 15th of the month before the calendar start
    and ends on the 14th of the calendar end's month (Nghị định 09/2019/NĐ-CP pattern)."""
    period = f"{year}-{label}" if label else str(year)
    cal_start, cal_end = period_bounds(period, "calendar")
    cut_start, cut_end = period_bounds(period, "cutoff_15")
    assert cut_start.day == 15 and cut_end.day == 14
    assert (cal_start - dt.timedelta(days=1)).replace(day=15) == cut_start
    assert cut_end == cal_end.replace(day=14)
