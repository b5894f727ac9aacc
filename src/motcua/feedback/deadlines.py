"""Deadlines of a PAKN in working days of the handling unit's calendar (DOMAIN.md §4.2,
indicator 5.2; Nghị định 20/2008/NĐ-CP). Pure functions over a `WorkCalendar`: no query.

The day of receipt is not counted and a receipt outside working time counts from the next
working session (`WorkCalendar.due`, DOMAIN.md §2); each deadline ends with the last session of
its day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motcua.calendar.constants import LimitUnit
from motcua.calendar.workdays import WorkCalendar
from motcua.feedback.constants import DeadlineStatus, FeedbackState, setting


@dataclass(frozen=True)
class Deadlines:
    classify_due_at: dt.datetime
    info_request_due_at: dt.datetime
    answer_due_at: dt.datetime


def deadlines_from(calendar: WorkCalendar, received_at: dt.datetime) -> Deadlines:
    """Classification, information-request and answer deadlines for a receipt at `received_at`."""

    def due(days: int) -> dt.datetime:
        return calendar.due(received_at, int(days), LimitUnit.WORKING_DAYS, explain=False).due_at

    return Deadlines(
        classify_due_at=due(setting("FEEDBACK_CLASSIFY_DAYS")),
        info_request_due_at=due(setting("FEEDBACK_INFO_REQUEST_DAYS")),
        answer_due_at=due(setting("FEEDBACK_ANSWER_DAYS")),
    )


def publish_due(calendar: WorkCalendar, answered_at: dt.datetime) -> dt.datetime:
    """Publication deadline counted from the answer."""
    days = int(setting("FEEDBACK_PUBLISH_DAYS"))
    return calendar.due(answered_at, days, LimitUnit.WORKING_DAYS, explain=False).due_at


def current_due(
    state: str,
    *,
    classify_due_at: dt.datetime,
    answer_due_at: dt.datetime,
    publish_due_at: dt.datetime | None,
) -> dt.datetime | None:
    """The deadline of the step the feedback waits for in `state` (None when closed)."""
    if state == FeedbackState.RECEIVED:
        return classify_due_at
    if state in (FeedbackState.ACCEPTED, FeedbackState.HANDLING, FeedbackState.ANSWER_PROPOSED):
        return answer_due_at
    if state == FeedbackState.ANSWERED:
        return publish_due_at
    return None


def deadline_status(
    due_at: dt.datetime | None, now: dt.datetime, calendar: WorkCalendar
) -> DeadlineStatus:
    """Overdue after the deadline; due soon on its last working day or the one before."""
    if due_at is None:
        return DeadlineStatus.DONE
    if now > due_at:
        return DeadlineStatus.OVERDUE
    today = calendar.local(now).date()
    if calendar.working_days_between(today, calendar.local(due_at).date()) <= 1:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.ON_TRACK


def on_time(done_at: dt.datetime | None, due_at: dt.datetime | None) -> bool | None:
    """Whether a step was done by its deadline (None: not done or no deadline)."""
    if done_at is None or due_at is None:
        return None
    return done_at <= due_at
