"""Due dates for each limit unit (DOMAIN.md §2), on the pure national calendar.

Sources in the case ids: BLDS = Civil Code 2015 arts. 147–148 [S23]; ND61-18 = NĐ 61/2018
art. 18(2)–(3) [S1]; ND23-7 = NĐ 23/2015 art. 7 [S7]; OpenCPS = hour counting [S16];
§6.3 = the official off day involved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.calendar.workdays import VN_TZ, WorkCalendar
from motcua.core.errors import DomainError


def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


DUE_CASES = [
    # working days: receipt day not counted, end of the Nth working day after it
    pytest.param(
        at(2024, 2, 7, 15, 30),
        3,
        "working_days",
        at(2024, 2, 19, 17),
        id="BLDS147-148 3wd over 2024 Tết ÂL §6.3[S12a]",
    ),
    pytest.param(
        at(2024, 2, 7, 14, 0),
        3,
        "working_days",
        at(2024, 2, 19, 17),
        id="ND61-18 cut-off not applied to working_days by default",
    ),
    pytest.param(
        at(2024, 4, 26, 10),
        3,
        "working_days",
        at(2024, 5, 4, 17),
        id="BLDS147-148 3wd lands on make-up Sat 04/05/2024 §6.3[S12b]",
    ),
    pytest.param(
        at(2024, 3, 9, 10),
        1,
        "working_days",
        at(2024, 3, 12, 17),
        id="DOMAIN2.3 Saturday receipt behaves like Monday",
    ),
    pytest.param(
        at(2024, 3, 11, 17, 30),
        1,
        "working_days",
        at(2024, 3, 13, 17),
        id="DOMAIN2.3 receipt after closing counts from next day",
    ),
    pytest.param(
        at(2024, 3, 11, 6, 45),
        1,
        "working_days",
        at(2024, 3, 12, 17),
        id="DOMAIN2.3 receipt before opening is that day's receipt",
    ),
    pytest.param(
        at(2024, 4, 30, 9),
        2,
        "working_days",
        at(2024, 5, 4, 17),
        id="DOMAIN2.3 receipt on a holiday §6.3 2024 30/4",
    ),
    pytest.param(
        at(2025, 12, 31, 10),
        1,
        "working_days",
        at(2026, 1, 5, 17),
        id="BLDS147-148 over 2026 Tết DL swap §6.3[S12f]",
    ),
    pytest.param(
        at(2024, 3, 11, 9),
        Decimal("0.5"),
        "working_days",
        at(2024, 3, 11, 15),
        id="DOMAIN2.1 0.5 working day = 4 working hours",
    ),
    pytest.param(
        at(2024, 3, 11, 9),
        Decimal("1.5"),
        "working_days",
        at(2024, 3, 12, 15, 30),
        id="DOMAIN2.1 1.5 working days = 12 working hours (sessions are 7.5 h a day)",
    ),
    # working hours: counted inside the sessions
    pytest.param(
        at(2024, 3, 11, 16),
        4,
        "working_hours",
        at(2024, 3, 12, 10, 30),
        id="OpenCPS 4h across the night",
    ),
    pytest.param(
        at(2024, 3, 11, 12),
        2,
        "working_hours",
        at(2024, 3, 11, 15, 30),
        id="OpenCPS lunch-break receipt starts 13:30",
    ),
    pytest.param(
        at(2024, 2, 7, 16),
        8,
        "working_hours",
        at(2024, 2, 15, 16, 30),
        id="OpenCPS 8h over 2024 Tết ÂL §6.3[S12a]",
    ),
    pytest.param(
        at(2024, 3, 11, 7, 30),
        4,
        "working_hours",
        at(2024, 3, 11, 11, 30),
        id="OpenCPS exactly one morning session ends at 11:30",
    ),
    # calendar days: receipt day + N, moved to the next working day when off
    pytest.param(at(2024, 3, 4, 9), 3, "calendar_days", at(2024, 3, 7, 17), id="BLDS147 3 days"),
    pytest.param(
        at(2024, 3, 4, 9),
        5,
        "calendar_days",
        at(2024, 3, 11, 17),
        id="BLDS148(5) ends Saturday moves to Monday",
    ),
    pytest.param(
        at(2024, 2, 5, 9),
        5,
        "calendar_days",
        at(2024, 2, 15, 17),
        id="BLDS148(5) ends in Tết moves past it §6.3[S12a]",
    ),
    pytest.param(
        at(2024, 3, 1, 9),
        15,
        "calendar_days",
        at(2024, 3, 18, 17),
        id="BLDS147 weekends inside the period are counted",
    ),
    # same day: before the cut-off → today; after it or outside working time → next working day
    pytest.param(
        at(2024, 3, 4, 14, 59), 0, "same_day", at(2024, 3, 4, 17), id="ND23-7 same day before 15:00"
    ),
    pytest.param(
        at(2024, 3, 4, 15, 0),
        0,
        "same_day",
        at(2024, 3, 4, 17),
        id="ND23-7 exactly 15:00 is not after the cut-off",
    ),
    pytest.param(
        at(2024, 3, 4, 15, 1),
        0,
        "same_day",
        at(2024, 3, 5, 17),
        id="ND23-7 ND61-18 after 15:00 next working day",
    ),
    pytest.param(
        at(2024, 3, 8, 15, 30),
        0,
        "same_day",
        at(2024, 3, 11, 17),
        id="ND23-7 Friday after 15:00 → Monday",
    ),
    pytest.param(
        at(2024, 3, 9, 10),
        0,
        "same_day",
        at(2024, 3, 11, 17),
        id="DOMAIN2.3 Saturday receipt → Monday",
    ),
    pytest.param(
        at(2024, 3, 4, 17, 30),
        0,
        "same_day",
        at(2024, 3, 5, 17),
        id="DOMAIN2.3 after closing → next working day",
    ),
    pytest.param(
        at(2024, 4, 30, 9),
        1,
        "same_day",
        at(2024, 5, 2, 17),
        id="DOMAIN2.3 holiday receipt §6.3 2024 30/4",
    ),
    pytest.param(
        at(2025, 12, 31, 15, 30),
        0,
        "same_day",
        at(2026, 1, 5, 17),
        id="ND23-7 after 15:00 before 2026 Tết DL swap §6.3[S12f]",
    ),
]


@pytest.mark.parametrize(("received", "amount", "unit", "expected"), DUE_CASES)
def test_due_table(
    cal: WorkCalendar,
    received: dt.datetime,
    amount: Decimal | int,
    unit: str,
    expected: dt.datetime,
) -> None:
    result = cal.due(received, amount, unit)
    assert result.due_at == expected
    assert result.due_at.utcoffset() == dt.timedelta(hours=7)
    assert result.explanation[0].startswith("Tiếp nhận:")
    assert result.explanation[-1].startswith("Hạn giải quyết:")
    assert cal.is_working_day(result.due_at.date())


def test_explanation_names_each_skipped_day_and_its_legal_ref(cal: WorkCalendar) -> None:
    lines = cal.due(at(2024, 2, 7, 15, 30), 3, "working_days").explanation
    tet = [line for line in lines if line.startswith("Bỏ qua 08/02/2024")]
    assert len(tet) == 1
    assert "Tết Nguyên đán" in tet[0]
    assert "BLLĐ 2019" in tet[0]
    assert any(line.startswith("Bỏ qua 17/02/2024 (Thứ Bảy): nghỉ hằng tuần") for line in lines)
    assert any("BLDS 2015 Điều 147–148" in line for line in lines)
    assert lines[-1] == "Hạn giải quyết: 17:00 ngày 19/02/2024 (Thứ Hai)."


def test_explanation_mentions_the_cut_off(cal: WorkCalendar) -> None:
    lines = cal.due(at(2024, 3, 4, 15, 30), 0, "same_day").explanation
    assert any("Tiếp nhận sau 15:00" in line and "NĐ 61/2018" in line for line in lines)
    lines = cal.due(at(2024, 3, 4, 14, 30), 0, "same_day").explanation
    assert not any("Tiếp nhận sau" in line for line in lines)


def test_calendar_days_explains_the_move(cal: WorkCalendar) -> None:
    lines = cal.due(at(2024, 3, 4, 9), 5, "calendar_days").explanation
    assert any("Điều 148 khoản 5" in line for line in lines)
    assert any(line.startswith("Bỏ qua 09/03/2024 (Thứ Bảy)") for line in lines)


def test_cut_off_off(cal: WorkCalendar) -> None:
    no_cutoff = cal.with_settings(cutoff=None)
    assert no_cutoff.due(at(2024, 3, 4, 16, 30), 0, "same_day").due_at == at(2024, 3, 4, 17)


def test_cut_off_applied_to_all_units(cal: WorkCalendar) -> None:
    everywhere = cal.with_settings(cutoff_applies_to=["same_day", "working_days", "working_hours"])
    # 15:30 Wed 07/02/2024 → counts from Thu 15/02 (after Tết) → 3rd working day Tue 20/02.
    assert everywhere.due(at(2024, 2, 7, 15, 30), 3, "working_days").due_at == at(2024, 2, 20, 17)
    assert everywhere.due(at(2024, 2, 7, 14), 3, "working_days").due_at == at(2024, 2, 19, 17)
    assert everywhere.due(at(2024, 3, 4, 15, 30), 1, "working_hours").due_at == at(
        2024, 3, 5, 8, 30
    )


def test_utc_input_is_converted(cal: WorkCalendar) -> None:
    received = dt.datetime(2024, 3, 4, 8, 30, tzinfo=dt.UTC)  # 15:30 in Hà Nội
    assert cal.due(received, 0, "same_day").due_at == at(2024, 3, 5, 17)


def test_naive_input_is_local_time(cal: WorkCalendar) -> None:
    assert cal.due(dt.datetime(2024, 3, 4, 15, 30), 0, "same_day").due_at == at(2024, 3, 5, 17)


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        pytest.param(3, "weeks", "Đơn vị thời hạn không hợp lệ", id="unknown unit"),
        pytest.param(-1, "working_days", "không được âm", id="negative working days"),
        pytest.param(-2, "working_hours", "không được âm", id="negative hours"),
        pytest.param("abc", "working_days", "không hợp lệ", id="not a number"),
        pytest.param(Decimal("1.5"), "calendar_days", "số nguyên", id="fractional calendar days"),
    ],
)
def test_bad_input_is_a_vietnamese_domain_error(
    cal: WorkCalendar, amount: object, unit: str, message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        cal.due(at(2024, 3, 4, 9), amount, unit)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("received", "unit", "expected"),
    [
        pytest.param(
            at(2024, 3, 9, 10), "working_days", at(2024, 3, 11, 17), id="0 wd: end of day"
        ),
        pytest.param(at(2024, 3, 9, 10), "working_hours", at(2024, 3, 11, 7, 30), id="0 h: start"),
        pytest.param(at(2024, 3, 4, 9), "calendar_days", at(2024, 3, 4, 17), id="0 days: today"),
    ],
)
def test_zero_amount_is_the_clock_start_day(
    cal: WorkCalendar, received: dt.datetime, unit: str, expected: dt.datetime
) -> None:
    """A step may be allotted 0 (catalogue.rules allows it): no time added to the clock start."""
    assert cal.due(received, 0, unit).due_at == expected


def test_next_working_start(cal: WorkCalendar) -> None:
    assert cal.next_working_start(at(2024, 3, 4, 9)) == at(2024, 3, 4, 9)
    assert cal.next_working_start(at(2024, 3, 4, 11, 30)) == at(2024, 3, 4, 13, 30)
    assert cal.next_working_start(at(2024, 3, 4, 17)) == at(2024, 3, 5, 7, 30)
    assert cal.next_working_start(at(2024, 2, 7, 17)) == at(2024, 2, 15, 7, 30)


def test_working_days_between(cal: WorkCalendar) -> None:
    assert cal.working_days_between(dt.date(2024, 2, 7), dt.date(2024, 2, 19)) == 3
    assert cal.working_days_between(dt.date(2024, 2, 19), dt.date(2024, 2, 7)) == -3
    assert cal.working_days_between(dt.date(2024, 2, 7), dt.date(2024, 2, 7)) == 0
