"""Every 2023–2026 block of DOMAIN.md §6.3: each off day is off, each make-up Saturday is
worked, and the working days just before and after each block are working days and adjacent
in working-day arithmetic. Checked on the database calendar (data migration) and on the pure
calendar (base rules + data file). Case ids carry the block and its source tag."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.calendar.selectors import calendar_for_unit
from motcua.calendar.workdays import WorkCalendar, base_calendar

D = dt.date

# (block id with source tag, off days (first, last), make-up Saturdays, working day before,
#  working day after) — transcribed from DOMAIN.md §6.3.
BLOCKS: list[tuple[str, tuple[dt.date, dt.date], list[dt.date], dt.date, dt.date]] = [
    ("2023 Tết DL [S12i][S11]", (D(2023, 1, 1), D(2023, 1, 2)), [], D(2022, 12, 30), D(2023, 1, 3)),
    ("2023 Tết ÂL [S11]", (D(2023, 1, 20), D(2023, 1, 26)), [], D(2023, 1, 19), D(2023, 1, 27)),
    (
        "2023 HV+30/4+1/5 [S12h][S11]",
        (D(2023, 4, 29), D(2023, 5, 3)),
        [],
        D(2023, 4, 28),
        D(2023, 5, 4),
    ),
    ("2023 Quốc khánh [S11]", (D(2023, 9, 1), D(2023, 9, 4)), [], D(2023, 8, 31), D(2023, 9, 5)),
    ("2024 Tết DL [S11]", (D(2024, 1, 1), D(2024, 1, 1)), [], D(2023, 12, 29), D(2024, 1, 2)),
    ("2024 Tết ÂL [S12a][S11]", (D(2024, 2, 8), D(2024, 2, 14)), [], D(2024, 2, 7), D(2024, 2, 15)),
    ("2024 Hùng Vương [S11]", (D(2024, 4, 18), D(2024, 4, 18)), [], D(2024, 4, 17), D(2024, 4, 19)),
    (
        "2024 30/4+1/5 [S12b][S11]",
        (D(2024, 4, 27), D(2024, 5, 1)),
        [D(2024, 5, 4)],
        D(2024, 4, 26),
        D(2024, 5, 2),
    ),
    (
        "2024 Quốc khánh [S12a][S11]",
        (D(2024, 8, 31), D(2024, 9, 3)),
        [],
        D(2024, 8, 30),
        D(2024, 9, 4),
    ),
    ("2025 Tết DL [S12d][S11]", (D(2025, 1, 1), D(2025, 1, 1)), [], D(2024, 12, 31), D(2025, 1, 2)),
    ("2025 Tết ÂL [S12d]", (D(2025, 1, 25), D(2025, 2, 2)), [], D(2025, 1, 24), D(2025, 2, 3)),
    (
        "2025 Hùng Vương [S12d][S11]",
        (D(2025, 4, 7), D(2025, 4, 7)),
        [],
        D(2025, 4, 4),
        D(2025, 4, 8),
    ),
    (
        "2025 30/4+1/5 [S12c][S12d]",
        (D(2025, 4, 30), D(2025, 5, 4)),
        [D(2025, 4, 26)],
        D(2025, 4, 29),
        D(2025, 5, 5),
    ),
    (
        "2025 Quốc khánh [S12d][S11]",
        (D(2025, 8, 30), D(2025, 9, 2)),
        [],
        D(2025, 8, 29),
        D(2025, 9, 3),
    ),
    (
        "2026 Tết DL [S12f]",
        (D(2026, 1, 1), D(2026, 1, 4)),
        [D(2026, 1, 10)],
        D(2025, 12, 31),
        D(2026, 1, 5),
    ),
    ("2026 Tết ÂL [S12e]", (D(2026, 2, 14), D(2026, 2, 22)), [], D(2026, 2, 13), D(2026, 2, 23)),
    ("2026 Hùng Vương [S11]", (D(2026, 4, 26), D(2026, 4, 27)), [], D(2026, 4, 24), D(2026, 4, 28)),
    ("2026 30/4+1/5 [S11]", (D(2026, 4, 30), D(2026, 5, 3)), [], D(2026, 4, 29), D(2026, 5, 4)),
    (
        "2026 Quốc khánh proposal [S12g]",
        (D(2026, 8, 29), D(2026, 9, 2)),
        [D(2026, 8, 22)],
        D(2026, 8, 28),
        D(2026, 9, 3),
    ),
]


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


DAY_CASES = []
for _block, (_first, _last), _makeups, _before, _after in BLOCKS:
    for _day in _days(_first, _last):
        DAY_CASES.append(pytest.param(_day, False, id=f"{_block} off {_day:%d/%m/%Y}"))
    for _day in _makeups:
        DAY_CASES.append(pytest.param(_day, True, id=f"{_block} make-up {_day:%d/%m/%Y}"))
    DAY_CASES.append(pytest.param(_before, True, id=f"{_block} before {_before:%d/%m/%Y}"))
    DAY_CASES.append(pytest.param(_after, True, id=f"{_block} after {_after:%d/%m/%Y}"))

AROUND_CASES = [
    pytest.param(before, after, makeups, id=block)
    for block, _span, makeups, before, after in BLOCKS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "working"), DAY_CASES)
def test_official_days_database_calendar(day: dt.date, working: bool) -> None:
    calendar = calendar_for_unit(None)
    info = calendar.day_info(day)
    assert calendar.is_working_day(day) is working
    assert info.working is working
    assert info.reason


@pytest.mark.parametrize(("day", "working"), DAY_CASES)
def test_official_days_pure_calendar(cal: WorkCalendar, day: dt.date, working: bool) -> None:
    assert cal.is_working_day(day) is working


@pytest.mark.parametrize(("before", "after", "makeups"), AROUND_CASES)
def test_block_is_skipped_in_working_day_arithmetic(
    cal: WorkCalendar, before: dt.date, after: dt.date, makeups: list[dt.date]
) -> None:
    # Make-up Saturdays after the block come later than `after`; inside, none exist.
    assert cal.add_working_days(before, 1) == after
    assert cal.working_days_between(before, after) == 1
    for saturday in makeups:
        assert saturday.weekday() == 5
        assert cal.day_info(saturday).reason.startswith("Làm bù")


def test_holidays_package_alone_misses_the_2026_new_year_swap() -> None:
    """Why the data file exists (DOMAIN.md §6.3 note on [S11]): the package lacks it."""
    base = base_calendar([2026])
    assert base.is_working_day(D(2026, 1, 2))
    assert not base.is_working_day(D(2026, 1, 10))


def test_proposal_is_marked_as_such(cal: WorkCalendar) -> None:
    assert "đề xuất" in cal.day_info(D(2026, 8, 31)).reason
    assert "đề xuất" in cal.day_info(D(2026, 8, 22)).reason
