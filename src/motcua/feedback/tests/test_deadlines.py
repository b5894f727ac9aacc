"""PAKN deadlines in working days of the unit's calendar (DOMAIN.md §4.2 indicator 5.2:
classify/refuse ≤ 2, information request ≤ 5, answer ≤ 15, publication ≤ 2 working days;
Nghị định 20/2008/NĐ-CP as amended by Nghị định 92/2017/NĐ-CP — article numbers ❓)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.calendar.selectors import calendar_for_unit
from motcua.feedback import deadlines
from motcua.feedback.constants import DeadlineStatus
from motcua.feedback.tests.conftest import VN, new_feedback

pytestmark = pytest.mark.django_db

ND20 = "NĐ 20/2008/NĐ-CP (sđ NĐ 92/2017/NĐ-CP)"

# (case, received at (local), classify due, info-request due, answer due) — local dates; each
# deadline ends with the last session (17:00) of its day; the day of receipt is not counted.
CASES = [
    (
        f"{ND20}: ordinary Monday — 2/5/15 working days",
        dt.datetime(2025, 3, 10, 9, 0),
        dt.date(2025, 3, 12),
        dt.date(2025, 3, 17),
        dt.date(2025, 3, 31),
    ),
    (
        f"{ND20}: received on Saturday — counted from Monday 17/03",
        dt.datetime(2025, 3, 15, 10, 0),
        dt.date(2025, 3, 19),
        dt.date(2025, 3, 24),
        dt.date(2025, 4, 8),
    ),
    (
        f"{ND20}: received after closing — counted from the next working day",
        dt.datetime(2025, 3, 10, 18, 0),
        dt.date(2025, 3, 13),
        dt.date(2025, 3, 18),
        dt.date(2025, 4, 1),
    ),
    (
        f"{ND20}: 30/4–1/5 with the 2025 swap (Sat 26/04 worked, Fri 02/05 off)",
        dt.datetime(2025, 4, 25, 9, 0),
        dt.date(2025, 4, 28),
        dt.date(2025, 5, 6),
        dt.date(2025, 5, 20),
    ),
    (
        f"{ND20}: Tết Ất Tỵ 25/01–02/02/2025 skipped",
        dt.datetime(2025, 1, 24, 9, 0),
        dt.date(2025, 2, 4),
        dt.date(2025, 2, 7),
        dt.date(2025, 2, 21),
    ),
]


@pytest.mark.parametrize(
    ("received", "classify", "info", "answer"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_deadlines_in_working_days(commune, received, classify, info, answer):
    f = new_feedback(commune.unit, at=received.replace(tzinfo=VN))
    cal = calendar_for_unit(commune.unit)
    assert f.classify_due_at == cal.day_end(classify)
    assert f.info_request_due_at == cal.day_end(info)
    assert f.answer_due_at == cal.day_end(answer)
    assert f.current_due_at == f.classify_due_at  # waiting for classification


PUBLISH_CASES = [
    (
        f"{ND20}: answered Friday → published by Tuesday",
        dt.datetime(2025, 3, 14, 10),
        dt.date(2025, 3, 18),
    ),
    (
        f"{ND20}: answered Tuesday 29/04 → 30/4–2/5 off",
        dt.datetime(2025, 4, 29, 10),
        dt.date(2025, 5, 6),
    ),
]


@pytest.mark.parametrize(
    ("answered", "due"), [c[1:] for c in PUBLISH_CASES], ids=[c[0] for c in PUBLISH_CASES]
)
def test_publication_deadline(commune, answered, due):
    cal = calendar_for_unit(commune.unit)
    assert deadlines.publish_due(cal, answered.replace(tzinfo=VN)) == cal.day_end(due)


def test_settings_change_the_deadlines(commune, settings):
    """The ❓ values are settings (docs/domain/settings.md)."""
    settings.MOTCUA = {**settings.MOTCUA, "FEEDBACK_ANSWER_DAYS": 10, "FEEDBACK_CLASSIFY_DAYS": 3}
    f = new_feedback(commune.unit, at=dt.datetime(2025, 3, 10, 9, tzinfo=VN))
    cal = calendar_for_unit(commune.unit)
    assert f.classify_due_at == cal.day_end(dt.date(2025, 3, 13))
    assert f.answer_due_at == cal.day_end(dt.date(2025, 3, 24))


STATUS_CASES = [
    ("no deadline: closed", None, dt.datetime(2025, 3, 12, 9), DeadlineStatus.DONE),
    (
        "after the deadline",
        dt.date(2025, 3, 12),
        dt.datetime(2025, 3, 13, 8),
        DeadlineStatus.OVERDUE,
    ),
    ("on the last day", dt.date(2025, 3, 12), dt.datetime(2025, 3, 12, 9), DeadlineStatus.DUE_SOON),
    (
        "one working day before",
        dt.date(2025, 3, 17),
        dt.datetime(2025, 3, 14, 9),
        DeadlineStatus.DUE_SOON,
    ),
    (
        "two working days before",
        dt.date(2025, 3, 18),
        dt.datetime(2025, 3, 14, 9),
        DeadlineStatus.ON_TRACK,
    ),
]


@pytest.mark.parametrize(
    ("due", "now", "expected"), [c[1:] for c in STATUS_CASES], ids=[c[0] for c in STATUS_CASES]
)
def test_deadline_status(commune, due, now, expected):
    cal = calendar_for_unit(commune.unit)
    due_at = cal.day_end(due) if due else None
    assert deadlines.deadline_status(due_at, now.replace(tzinfo=VN), cal) == expected
