"""Reads of ratings and PAKN: staff queues (their units only, overdue first), the citizen's
look-up by code + secret, the public list of published answers, and figures for evaluation."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from motcua.accounts.models import User, UserKind
from motcua.calendar.selectors import calendar_for_unit
from motcua.calendar.workdays import WorkCalendar
from motcua.core.text import compact_upper
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier
from motcua.feedback import deadlines
from motcua.feedback.constants import (
    CITIZEN_FEEDBACK_LABELS,
    FEEDBACK_CLOSED_STATES,
    RATING_REASONS,
    DeadlineStatus,
    FeedbackState,
    FeedbackTopic,
)
from motcua.feedback.models import Feedback, FeedbackEvent, Rating
from motcua.feedback.workflow import TRANSITIONS, Action
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit
from motcua.organisation.selectors import Principal, visible_unit_ids

# ---------------------------------------------------------------------------------------------
# Ratings
# ---------------------------------------------------------------------------------------------


def rating_for_dossier(dossier: Dossier) -> Rating | None:
    return Rating.objects.filter(dossier_id=dossier.pk).first()


_UNREAD: Any = object()


def can_rate(dossier: Dossier, rating: Rating | None = _UNREAD) -> bool:
    """A returned dossier not rated yet (`rating`: its rating when the caller has read it)."""
    if dossier.state != State.RETURNED:
        return False
    if rating is _UNREAD:
        return not Rating.objects.filter(dossier_id=dossier.pk).exists()
    return rating is None


def reason_labels(reasons: Iterable[str]) -> list[str]:
    return [str(RATING_REASONS.get(r, r)) for r in reasons]


def unit_leaders(unit: Unit) -> QuerySet[User]:
    """Active staff accounts holding the leader role in `unit`, with an e-mail address."""
    return (
        User.objects.filter(
            memberships__unit=unit,
            memberships__role=Role.LEADER,
            is_active=True,
            kind=UserKind.STAFF,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def unhappy_ratings_for_user(user: Principal, *, limit: int = 200) -> list[Rating]:
    """Unhappy ratings of the units the user reads, newest first."""
    ids = visible_unit_ids(user)
    if not ids:
        return []
    return list(
        Rating.objects.filter(unit_id__in=ids, satisfied=False)
        .select_related("dossier__procedure_version__procedure", "unit")
        .order_by("-created_at", "-pk")[:limit]
    )


# ---------------------------------------------------------------------------------------------
# PAKN: staff
# ---------------------------------------------------------------------------------------------


def feedback_for_user(user: Principal) -> QuerySet[Feedback]:
    """PAKN of the units the user reads (another unit's feedback is simply absent: 404)."""
    return Feedback.objects.filter(unit_id__in=visible_unit_ids(user))


def feedback_get_for_user(user: Principal, pk: int) -> Feedback:
    """Raises `Feedback.DoesNotExist` for a feedback outside the user's units."""
    return feedback_for_user(user).select_related("unit", "procedure", "assignee").get(pk=pk)


@dataclass(frozen=True)
class FeedbackRow:
    feedback: Feedback
    due_at: dt.datetime | None
    status: DeadlineStatus

    @property
    def status_label(self) -> str:
        return str(self.status.label)


def with_status(rows: Iterable[Feedback], now: dt.datetime | None = None) -> list[FeedbackRow]:
    now = now or timezone.now()
    result = []
    calendars: dict[int, WorkCalendar] = {}  # calendar_for_unit checks its cache with 2 queries
    for f in rows:
        cal = calendars.get(f.unit_id)
        if cal is None:
            cal = calendars[f.unit_id] = calendar_for_unit(f.unit)
        result.append(
            FeedbackRow(f, f.current_due_at, deadlines.deadline_status(f.current_due_at, now, cal))
        )
    return result


OPEN_STATES = [s for s in FeedbackState if s not in FEEDBACK_CLOSED_STATES]


def feedback_queue(
    user: Principal,
    *,
    only_open: bool = True,
    after: tuple[str | None, int] | None = None,
    limit: int = 100,
    unit_ids: set[int] | None = None,
) -> list[Feedback]:
    """The user's PAKN, earliest deadline first (so overdue ones lead), closed ones last.

    Keyset paging on (current_due_at, id); `after` is the key of the last row shown.
    `unit_ids` narrows the user's units (an API token limited to some units)."""
    qs = feedback_for_user(user).select_related("unit", "assignee")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    if only_open:
        qs = qs.filter(state__in=OPEN_STATES)
    if after is not None:
        due_iso, pk = after
        if due_iso is None:
            qs = qs.filter(current_due_at__isnull=True, pk__gt=pk)
        else:
            due = dt.datetime.fromisoformat(due_iso)
            qs = qs.filter(
                Q(current_due_at__gt=due)
                | Q(current_due_at=due, pk__gt=pk)
                | Q(current_due_at__isnull=True)
            )
    return list(qs.order_by(F("current_due_at").asc(nulls_last=True), "pk")[:limit])


def feedback_history(feedback: Feedback, *, sender_view: bool = False) -> list[FeedbackEvent]:
    events = feedback.events.select_related("actor", "unit").order_by("seq")
    if sender_view:
        events = events.filter(visible_to_sender=True)
    return list(events)


def action_label(action: str) -> str:
    if action == Action.SUBMIT:
        from django.utils.translation import gettext as _

        return _("Gửi phản ánh, kiến nghị")
    try:
        return TRANSITIONS[Action(action)].label
    except (KeyError, ValueError):
        return action


# ---------------------------------------------------------------------------------------------
# PAKN: citizens and the public
# ---------------------------------------------------------------------------------------------

_NO_SECRET = b"\x00" * 8


normalise = compact_upper


def feedback_lookup(*, code: str, secret: str) -> Feedback | None:
    """The feedback whose code AND secret both match (constant-time secret comparison)."""
    code, secret = normalise(code), normalise(secret)
    if not code or not secret:
        return None
    # Codes are written in upper case (PAKN-…) and `code` is upper-cased: an exact match, which
    # the unique index answers (`code__iexact` would scan the table on PostgreSQL).
    found = Feedback.objects.select_related("unit").filter(code=code).first()
    if found is None:
        hmac.compare_digest(secret.encode(), _NO_SECRET)
        return None
    if not hmac.compare_digest(secret.encode(), found.lookup_secret.upper().encode()):
        return None
    return found


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    label: str
    note: str


@dataclass(frozen=True)
class FeedbackStatus:
    """What the sender reads: no staff names, no internal notes."""

    code: str
    subject: str
    kind_label: str
    unit_name: str
    state: str
    state_label: str
    received_at: dt.datetime
    answer_due_at: dt.datetime | None
    refusal_reason: str
    answer: str
    answered_at: dt.datetime | None
    history: list[HistoryLine]


_NOTE_VISIBLE = {Action.REFUSE, Action.REQUEST_INFO, Action.FORWARD}


def feedback_status(feedback: Feedback) -> FeedbackStatus:
    answered = feedback.state in (FeedbackState.ANSWERED, FeedbackState.PUBLISHED)
    return FeedbackStatus(
        code=feedback.code or "",
        subject=feedback.subject,
        kind_label=str(feedback.get_kind_display()),
        unit_name=feedback.unit.name,
        state=feedback.state,
        state_label=str(CITIZEN_FEEDBACK_LABELS.get(feedback.state, feedback.state)),
        received_at=feedback.received_at,
        answer_due_at=None
        if answered or feedback.state == FeedbackState.REFUSED
        else feedback.answer_due_at,
        refusal_reason=feedback.refusal_reason if feedback.state == FeedbackState.REFUSED else "",
        answer=feedback.answer if answered else "",
        answered_at=feedback.answered_at if answered else None,
        history=[
            HistoryLine(e.at, action_label(e.action), e.note if e.action in _NOTE_VISIBLE else "")
            for e in feedback_history(feedback, sender_view=True)
        ],
    )


def published_feedback(*, limit: int = 50, before_pk: int | None = None) -> list[Feedback]:
    """Published answers, newest first (public: no sender data is read by the pages)."""
    qs = Feedback.objects.filter(state=FeedbackState.PUBLISHED).select_related("unit")
    if before_pk is not None:
        qs = qs.filter(pk__lt=before_pk)
    return list(qs.order_by("-pk")[:limit])


# ---------------------------------------------------------------------------------------------
# Figures for evaluation (QĐ 766 indicators 5.1–5.2, TT 01/2018 index 8)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackSummary:
    received: int
    regulation_or_behaviour: int  # indicator 5.1 numerator
    finished: int
    finished_on_time: int  # every step of indicator 5.2 by its deadline

    @property
    def on_time_ratio(self) -> float | None:
        return round(100 * self.finished_on_time / self.finished, 2) if self.finished else None


def feedback_summary(
    unit_ids: Iterable[int], date_from: dt.date, date_to: dt.date
) -> FeedbackSummary:
    """PAKN first received in [date_from, date_to] by these units."""
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min))
    rows = list(
        Feedback.objects.filter(
            received_unit_id__in=list(unit_ids), received_at__gte=start, received_at__lt=end
        )
    )
    finished = [f for f in rows if f.state in FEEDBACK_CLOSED_STATES]
    on_time = 0
    for f in finished:
        checks = [deadlines.on_time(f.classified_at, f.classify_due_at)]
        if f.state == FeedbackState.PUBLISHED:
            checks += [
                deadlines.on_time(f.answered_at, f.answer_due_at),
                deadlines.on_time(f.published_at, f.publish_due_at),
            ]
        if f.info_requested_at is not None:
            checks.append(deadlines.on_time(f.info_requested_at, f.info_request_due_at))
        if all(c is True for c in checks):
            on_time += 1
    return FeedbackSummary(
        received=len(rows),
        regulation_or_behaviour=sum(
            1 for f in rows if f.topic in (FeedbackTopic.REGULATION, FeedbackTopic.BEHAVIOUR)
        ),
        finished=len(finished),
        finished_on_time=on_time,
    )
