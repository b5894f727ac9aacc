"""Permission-aware reads of dossiers for the staff pages (DOMAIN.md §1.4–§1.13).

Queues are read with KEYSET pagination: the page after a row is "rows whose sort key is after
(key, id) of that row", served from the composite indexes `dossier_queue`
(current_unit, state, due_at, id) and `dossier_assignee` (assignee, state, due_at, id).
There is no OFFSET and no COUNT(*) of the whole table: the home page counts each queue up to
`COUNT_CAP` rows and shows "999+" above that (ANCHORS.md §D: open-zaak#1574).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.calendar.workdays import WorkCalendar, base_calendar
from motcua.catalogue.models import ProcessStep
from motcua.core.errors import DomainError, PermissionDenied
from motcua.dossiers.constants import TERMINAL_STATES, EventKind, State
from motcua.dossiers.models import Dossier, DossierEvent, Transfer
from motcua.dossiers.transitions import (
    TRANSITIONS,
    Action,
    Transition,
    allowed_actions,
    check_transition,
)
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit

#: States in which the processing clock runs (DOMAIN.md §1.13): these can become overdue.
RUNNING_STATES = (
    State.RECEIVED,
    State.IN_PROCESS,
    State.CONSULTING,
    State.FINANCIAL_OBLIGATION,
)
#: States of a received dossier that is not finished (the staff still has work to do).
OPEN_STATES = (*RUNNING_STATES, State.SUPPLEMENT_AFTER_REVIEW, State.RESULT_READY)
#: States waiting for the one-stop desk to receive (art. 17).
INTAKE_STATES = (State.SUBMITTED, State.INTAKE_SUPPLEMENT)


def holds_role_for(user: User, dossier: Dossier, role: str) -> bool:
    """Whether `user` holds `role` in the dossier's receiving unit or the unit holding it now
    (who may record a fact on it, e.g. sign its documents as a leader)."""
    from motcua.organisation.selectors import user_has_role

    return user_has_role(user, dossier.unit, role) or user_has_role(
        user, dossier.current_unit, role
    )


def next_step(dossier: Dossier) -> ProcessStep | None:
    """The process step after the dossier's current one, if any."""
    if dossier.current_step is None:
        return None
    return (
        dossier.procedure_version.steps.filter(order__gt=dossier.current_step.order)
        .order_by("order")
        .first()
    )


def step_to_complete(dossier: Dossier, user: User) -> tuple[ProcessStep, ProcessStep]:
    """(current step, next step) when `user` may finish the dossier's current process step
    now (NĐ61 art. 19(1)–(3)): the step's own role in the unit holding the dossier, and a next
    step to hand over to (the last step ends by approval or return). Raises otherwise — the
    service before writing, the dossier page to leave the button out."""
    from motcua.organisation.selectors import user_has_role

    step = dossier.current_step
    if step is None:
        raise DomainError(str(_("Hồ sơ không có bước xử lý đang thực hiện.")))
    if not user_has_role(user, dossier.current_unit, step.role):
        raise PermissionDenied(
            str(_("Bước “%(step)s” do %(role)s thực hiện."))
            % {"step": step.name, "role": Role(step.role).label}
        )
    following = next_step(dossier)
    if following is None:
        raise DomainError(
            str(_("“%(step)s” là bước cuối của quy trình: hãy phê duyệt hoặc trả kết quả."))
            % {"step": step.name}
        )
    return step, following


#: Roles that may complete a dossier's e-form data (the desk at intake, the processing staff).
FORM_DATA_ROLES = (Role.RECEIVER, Role.SPECIALIST, Role.LEADER)


def check_form_data_editable(dossier: Dossier, user: User) -> None:
    """Raise unless `user` may complete or correct the dossier's e-form data now: a receiver,
    specialist or leader of the receiving or current unit, a dossier submitted and not
    finished, and no result document issued from the data yet (a signed result must match
    its dossier). The service before writing, the dossier page to offer the form."""
    from motcua.documents.models import RESULT_KIND, GeneratedDocument

    if not any(holds_role_for(user, dossier, role) for role in FORM_DATA_ROLES):
        raise PermissionDenied(
            str(_("Chỉ cán bộ của đơn vị tiếp nhận hoặc đang xử lý được cập nhật tờ khai."))
        )
    if dossier.state == State.DRAFT or dossier.state in TERMINAL_STATES:
        raise DomainError(str(_("Hồ sơ đã kết thúc hoặc chưa nộp: không cập nhật tờ khai.")))
    if GeneratedDocument.objects.filter(dossier=dossier, kind=RESULT_KIND).exists():
        raise DomainError(
            str(_("Văn bản kết quả đã được lập từ tờ khai này: không sửa tờ khai được nữa."))
        )


def due_before_q(instant: dt.datetime, *, inclusive: bool = False) -> Q:
    """The date promised to the citizen — the extended one after an apology (Mẫu 04), else the
    appointment — is before `instant` (at or before it, `inclusive`): the one definition of
    the overdue and due-soon queues, the metrics and the reminders."""
    op = "lte" if inclusive else "lt"
    return Q(extended_due_at__isnull=True, **{f"due_at__{op}": instant}) | Q(
        **{f"extended_due_at__{op}": instant}
    )


COUNT_CAP = 1000


@dataclass(frozen=True)
class QueueDef:
    name: str
    label: Any
    roles: tuple[str, ...] = ()  # empty: any role in a visible unit
    description: Any = ""
    #: Dossiers not received yet: no appointment; the list shows when they were submitted.
    before_receipt: bool = False


QUEUES: dict[str, QueueDef] = {
    q.name: q
    for q in (
        QueueDef(
            "to_receive",
            _("Chờ tiếp nhận"),
            (Role.RECEIVER,),
            _("Hồ sơ nộp trực tuyến hoặc đang hướng dẫn bổ sung, chờ Bộ phận Một cửa tiếp nhận."),
            before_receipt=True,
        ),
        QueueDef(
            "assigned_to_me",
            _("Được giao cho tôi"),
            (Role.SPECIALIST, Role.LEADER),  # only they are assigned dossiers
            _("Hồ sơ tôi đang xử lý."),
        ),
        QueueDef(
            "due_soon",
            _("Sắp đến hạn"),
            (),
            _("Hồ sơ đến hạn trong vòng 01 ngày làm việc."),
        ),
        QueueDef("overdue", _("Quá hạn"), (), _("Hồ sơ đã quá ngày hẹn trả, chưa có kết quả.")),
        QueueDef(
            "waiting_supplement",
            _("Chờ bổ sung"),
            (),
            _("Hồ sơ đã yêu cầu công dân bổ sung sau thẩm định (thời hạn tạm dừng)."),
        ),
        QueueDef(
            "transferred_out",
            _("Đã chuyển liên thông"),
            (),
            _("Hồ sơ đã gửi đơn vị khác (liên thông, lấy ý kiến), chưa có trả lời."),
        ),
        QueueDef(
            "result_ready",
            _("Chờ trả kết quả"),
            (Role.RECEIVER,),
            _("Hồ sơ đã có kết quả, chờ trả cho công dân."),
        ),
    )
}

#: Sort orders: name -> (model field, descending).
ORDERS: dict[str, tuple[str, bool]] = {
    "due": ("due_at", False),
    "-due": ("due_at", True),
    "received": ("received_at", False),
    "-received": ("received_at", True),
}


class BadCursor(ValueError):
    """The `after` token was not produced by `queue` (tampered or from another sort order)."""


# ---------------------------------------------------------------------------------------------
# Visibility
# ---------------------------------------------------------------------------------------------


def _visible_unit_ids(user: User) -> set[int]:
    from motcua.organisation.selectors import visible_unit_ids

    return set(visible_unit_ids(user))


def _unit_ids_for_role(user: User, *roles: str) -> set[int]:
    from motcua.organisation.selectors import units_for_role

    return set(units_for_role(user, *roles).values_list("pk", flat=True))


def _visibility_q(unit_ids: Iterable[int]) -> Q:
    ids = list(unit_ids)
    consulted = Transfer.objects.filter(to_unit_id__in=ids).values("dossier_id")
    return Q(current_unit_id__in=ids) | Q(unit_id__in=ids) | Q(pk__in=consulted)


def dossiers_for_user(user: User) -> QuerySet[Dossier]:
    """Every dossier the user may read: received by, held by, or sent to one of their units."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    ids = _visible_unit_ids(user)
    if not ids:
        return Dossier.objects.filter(assignee=user)
    return Dossier.objects.filter(_visibility_q(ids) | Q(assignee=user))


def dossier_get_for_user(
    user: User,
    dossier_id: int,
    *,
    request: HttpRequest | None = None,
    action: str = "view_dossier",
) -> Dossier:
    """The dossier if `user` may see it (via its current or receiving unit, a transfer to one
    of the user's units, or assignment). Raises `Dossier.DoesNotExist` otherwise, so that the
    page answers 404 and does not reveal that a dossier of another commune exists.

    Pages and endpoints pass their `request` (and the access-log `action` they perform): a
    refusal of a dossier that EXISTS is then recorded in the access log as denied ("ngoài
    phạm vi đơn vị", `core.services.access_denied_record`) — the one place every page and
    endpoint fetching a dossier for a user goes through."""
    try:
        return (
            dossiers_for_user(user)
            .select_related(
                "unit",
                "current_unit",
                "procedure_version__procedure__field",
                "current_step",
                "assignee",
                "field",
            )
            .get(pk=dossier_id)
        )
    except Dossier.DoesNotExist:
        if request is not None and getattr(user, "is_authenticated", False):
            dossier_access_denied(user, dossier_id, request=request, action=action)
        raise


def dossier_access_denied(
    user: User, dossier_id: int, *, request: HttpRequest | None, action: str, reason: str = ""
) -> None:
    """Write the denied-access record for an existing dossier (nothing for an unknown id)."""
    from motcua.core.models import DENIED_OUT_OF_SCOPE
    from motcua.core.services import access_denied_record

    existing = (
        Dossier.objects.filter(pk=dossier_id)
        .select_related("current_unit")
        .only("pk", "code", "current_unit")
        .first()
    )
    if existing is not None:
        access_denied_record(
            user=user,
            dossier=existing,
            action=action,
            request=request,
            reason=reason or DENIED_OUT_OF_SCOPE,
        )


# ---------------------------------------------------------------------------------------------
# Keyset cursors
# ---------------------------------------------------------------------------------------------


def encode_cursor(order: str, key: dt.datetime | None, pk: int) -> str:
    raw = json.dumps([order, key.isoformat() if key else None, pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str, order: str) -> tuple[dt.datetime | None, int]:
    try:
        padded = token + "=" * (-len(token) % 4)
        got_order, key, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if got_order != order or not isinstance(pk, int):
            raise BadCursor(token)
        return (dt.datetime.fromisoformat(key) if key else None), pk
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise BadCursor(token) from exc


def _after_q(column: str, desc: bool, key: dt.datetime | None, pk: int) -> Q:
    """Rows strictly after (key, pk) in the order `column` (NULLs last), `id` as tie-breaker."""
    if key is None:
        # Already among the NULL keys, which sort last in both directions.
        return Q(**{f"{column}__isnull": True}) & (Q(pk__lt=pk) if desc else Q(pk__gt=pk))
    cmp = "lt" if desc else "gt"
    return (
        Q(**{f"{column}__{cmp}": key})
        | Q(**{column: key}, **{f"pk__{cmp}": pk})
        | Q(**{f"{column}__isnull": True})
    )


def _ordered(qs: QuerySet[Dossier], column: str, desc: bool) -> QuerySet[Dossier]:
    if desc:
        return qs.order_by(F(column).desc(nulls_last=True), "-pk")
    return qs.order_by(F(column).asc(nulls_last=True), "pk")


# ---------------------------------------------------------------------------------------------
# Queues
# ---------------------------------------------------------------------------------------------


def next_working_day_end(now: dt.datetime, unit: Unit | None = None) -> dt.datetime:
    """The end of the next working day after `now`'s day (local time): "due within 01 working
    day" (DOMAIN.md §2.1), on the unit's working-day calendar (holidays, day swaps)."""
    cal = work_calendar(unit)
    day = cal.add_working_days(timezone.localtime(now).date(), 1)
    return dt.datetime.combine(day, dt.time.max, tzinfo=timezone.get_current_timezone())


def work_calendar(unit: Unit | None) -> WorkCalendar:
    """The unit's calendar (`motcua.calendar.selectors.calendar_for_unit`), the national base
    calendar when no unit is given."""
    if unit is not None:
        from motcua.calendar.selectors import calendar_for_unit

        return calendar_for_unit(unit)
    year = timezone.localdate().year
    return base_calendar(range(year - 1, year + 3))


@dataclass
class _Scope:
    """The unit ids a user's queues read, computed once per call."""

    visible: set[int]
    receiver: set[int]

    @classmethod
    def of(cls, user: User) -> _Scope:
        if not user.is_authenticated:
            return cls(set(), set())
        return cls(_visible_unit_ids(user), _unit_ids_for_role(user, Role.RECEIVER))


def _queue_base(user: User, name: str, now: dt.datetime, scope: _Scope) -> QuerySet[Dossier]:
    if name not in QUEUES:
        raise KeyError(name)
    if not user.is_authenticated:
        return Dossier.objects.none()
    if name == "assigned_to_me":
        return Dossier.objects.filter(assignee=user, state__in=OPEN_STATES)
    if name == "to_receive":
        return Dossier.objects.filter(current_unit_id__in=scope.receiver, state__in=INTAKE_STATES)
    if name == "result_ready":
        return Dossier.objects.filter(current_unit_id__in=scope.receiver, state=State.RESULT_READY)
    ids = scope.visible
    if name == "transferred_out":
        open_transfers = Transfer.objects.filter(
            from_unit_id__in=ids, answered_at__isnull=True
        ).values("dossier_id")
        return Dossier.objects.filter(pk__in=open_transfers, state__in=OPEN_STATES)
    mine = Dossier.objects.filter(current_unit_id__in=ids)
    if name == "waiting_supplement":
        return mine.filter(state=State.SUPPLEMENT_AFTER_REVIEW)
    late = due_before_q(now)
    if name == "overdue":
        return mine.filter(late, state__in=RUNNING_STATES)
    # due_soon: not late yet, due by the end of the next working day.
    first = Unit.objects.filter(pk__in=ids).order_by("path").first() if ids else None
    limit = next_working_day_end(now, first)
    return mine.filter(due_before_q(limit, inclusive=True), state__in=RUNNING_STATES).exclude(late)


@dataclass
class QueuePage:
    name: str
    rows: list[Dossier]
    next_cursor: str | None
    order: str
    filters: dict[str, Any] = field(default_factory=dict)


def queue(
    user: User,
    name: str,
    *,
    unit: int | None = None,
    field: int | None = None,
    procedure: int | None = None,
    units: Iterable[int] | None = None,
    order: str = "due",
    after: str | None = None,
    limit: int = 50,
    now: dt.datetime | None = None,
) -> QueuePage:
    """One page of queue `name` for `user` (see `QUEUES`), `limit` rows after the cursor
    `after` (the `next_cursor` of the previous page). `units` narrows it to the dossiers
    received or held there (an API token limited to some units: filtered in the query, so a
    page and its cursor never rest on a row outside them). Raises `BadCursor` on a bad token
    and `KeyError` on an unknown queue or order."""
    now = now or timezone.now()
    column, desc = ORDERS[order]
    qs = _queue_base(user, name, now, _Scope.of(user))
    if unit is not None:
        qs = qs.filter(current_unit_id=unit)
    if field is not None:
        qs = qs.filter(field_id=field)
    if procedure is not None:
        qs = qs.filter(procedure_version__procedure_id=procedure)
    if units is not None:
        wanted = set(units)
        qs = qs.filter(Q(current_unit_id__in=wanted) | Q(unit_id__in=wanted))
    if after:
        key, pk = decode_cursor(after, order)
        qs = qs.filter(_after_q(column, desc, key, pk))
    qs = _ordered(qs, column, desc).select_related(
        "procedure_version__procedure", "current_unit", "assignee", "current_step"
    )
    rows = list(qs[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor(order, getattr(last, column), last.pk)
    filters = {"unit": unit, "field": field, "procedure": procedure}
    return QueuePage(name=name, rows=rows, next_cursor=next_cursor, order=order, filters=filters)


@dataclass(frozen=True)
class QueueCount:
    name: str
    label: Any
    count: int
    capped: bool

    @property
    def display(self) -> str:
        return f"{COUNT_CAP - 1}+" if self.capped else str(self.count)


def available_queues(user: User) -> list[QueueDef]:
    """The queues that make sense for the user's roles: a queue with `roles` for those who
    hold one of them in some unit (receiver queues for receivers, "assigned to me" for
    specialists and leaders), the others for everyone."""
    from motcua.organisation.selectors import roles_held

    if not user.is_authenticated:
        return []
    held = roles_held(user)
    return [q for q in QUEUES.values() if not q.roles or held & set(q.roles)]


def queue_counts(user: User, *, now: dt.datetime | None = None) -> list[QueueCount]:
    """Bounded counts of each queue the user has: `SELECT COUNT(*) FROM (… LIMIT 1000)`, one
    query per queue, index-backed, cheap even on a province-sized table."""
    now = now or timezone.now()
    scope = _Scope.of(user)
    counts = []
    for q in available_queues(user):
        n = _queue_base(user, q.name, now, scope).order_by()[:COUNT_CAP].count()
        counts.append(QueueCount(q.name, q.label, n, n >= COUNT_CAP))
    return counts


# ---------------------------------------------------------------------------------------------
# Timeline and actions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    event: DossierEvent
    label: str
    from_label: str
    to_label: str


# Events that are not transitions of the state machine.
_OTHER_ACTIONS = {
    "import": _("Nhập từ hệ thống một cửa cũ"),
    **dict(EventKind.choices),
}


def _action_label(action: str) -> str:
    try:
        label = TRANSITIONS[Action(action)].label
    except ValueError:
        return str(_OTHER_ACTIONS.get(action, action))
    return label[:1].upper() + label[1:]


def dossier_timeline(dossier: Dossier) -> list[TimelineEntry]:
    """The append-only event log of the dossier, oldest first, with Vietnamese labels."""
    states = dict(State.choices)
    events = dossier.events.select_related("actor", "unit").order_by("seq")
    return [
        TimelineEntry(
            event=e,
            label=_action_label(e.action),
            from_label=str(states.get(e.from_state, e.from_state)),
            to_label=str(states.get(e.to_state, e.to_state)),
        )
        for e in events
    ]


def dossier_transfers(dossier: Dossier) -> list[Transfer]:
    return list(dossier.transfers.select_related("from_unit", "to_unit").order_by("sent_at"))


def available_actions(dossier: Dossier, user: User) -> list[Transition]:
    """The transitions `user` may take on `dossier` now, in table order: the dossier page
    shows these forms and nothing else. Each is checked by `check_transition` (state, role in
    the acting unit), the same function the services call before writing."""
    result: list[Transition] = []
    if not user.is_authenticated:
        return result
    for action in allowed_actions(dossier.state):
        if action == Action.SUBMIT:
            continue  # the citizen's (or the counter's own create) action, not a button here
        try:
            transition = check_transition(dossier, action, user)
            if action == Action.STEP_COMPLETE:
                step_to_complete(dossier, user)  # the step's own role, a step to hand over to
        except DomainError:
            continue
        result.append(transition)
    return result
