"""Properties of the PAKN deadlines for any receipt instant (hypothesis), on the base calendar
of 2025–2026 (holidays and swaps of the `holidays` package, DOMAIN.md §6)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.calendar.workdays import base_calendar
from motcua.feedback import deadlines
from motcua.feedback.constants import DEFAULTS
from motcua.feedback.tests.conftest import VN

CAL = base_calendar((2025, 2026, 2027))

instants = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2026, 12, 31, 23, 59)
).map(lambda d: d.replace(tzinfo=VN))


@settings(max_examples=200, deadline=None)
@given(received=instants)
def test_deadlines_are_ordered_working_day_ends(received):
    d = deadlines.deadlines_from(CAL, received)
    assert received < d.classify_due_at < d.info_request_due_at < d.answer_due_at
    for due, days in (
        (d.classify_due_at, DEFAULTS["FEEDBACK_CLASSIFY_DAYS"]),
        (d.info_request_due_at, DEFAULTS["FEEDBACK_INFO_REQUEST_DAYS"]),
        (d.answer_due_at, DEFAULTS["FEEDBACK_ANSWER_DAYS"]),
    ):
        day = CAL.local(due).date()
        assert CAL.is_working_day(day) and due == CAL.day_end(day)
        # exactly `days` working days after the day the clock starts (receipt day not counted)
        start = CAL.clock_start(received, "working_days").date()
        assert CAL.working_days_between(start, day) == days


@settings(max_examples=100, deadline=None)
@given(received=instants, hours=st.integers(min_value=1, max_value=24 * 20))
def test_later_receipt_never_gives_an_earlier_deadline(received, hours):
    later = received + dt.timedelta(hours=hours)
    assert (
        deadlines.deadlines_from(CAL, later).answer_due_at
        >= deadlines.deadlines_from(CAL, received).answer_due_at
    )
