from __future__ import annotations

import pytest

from motcua.calendar.official import read_official_file
from motcua.calendar.selectors import clear_cache
from motcua.calendar.workdays import WorkCalendar, base_calendar


def official_calendar() -> WorkCalendar:
    """Pure national calendar: `holidays` base rules + the official data file (no database)."""
    rows = read_official_file()
    return base_calendar(range(2022, 2028)).with_overrides(
        {r.date: (r.kind, r.label, r.legal_ref) for r in rows}
    )


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    return official_calendar()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    clear_cache()
    yield
    clear_cache()
