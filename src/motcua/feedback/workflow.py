"""The PAKN state machine as data: one row per action (sources, target, roles, legal source).

`check_transition()` is the only place that decides whether an action is allowed; the services
call it after locking the feedback row. Legal sources: Nghị định 20/2008/NĐ-CP (tiếp nhận, xử lý
phản ánh, kiến nghị về quy định hành chính), amended by Nghị định 92/2017/NĐ-CP; the article
numbers were not verified (❓, docs/domain/feedback.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.core.errors import DomainError, PermissionDenied
from motcua.feedback.constants import FeedbackState as S
from motcua.organisation.constants import Role
from motcua.organisation.selectors import user_has_role

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.feedback.models import Feedback


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT = "accept"
    REFUSE = "refuse"
    ASSIGN = "assign"
    FORWARD = "forward"
    REQUEST_INFO = "request_info"
    PROPOSE_ANSWER = "propose_answer"
    RETURN_DRAFT = "return_draft"
    APPROVE_ANSWER = "approve_answer"
    PUBLISH = "publish"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[S]
    target: S | None  # None: the state does not change
    roles: tuple[str, ...]
    legal: str
    label_source: str  # Vietnamese, marked with gettext_noop

    @property
    def label(self) -> str:
        return _(self.label_source)


_ND20 = "NĐ 20/2008/NĐ-CP (sđ NĐ 92/2017/NĐ-CP)"
_OPEN = frozenset({S.RECEIVED, S.ACCEPTED, S.HANDLING})

TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(
            Action.ACCEPT,
            frozenset({S.RECEIVED}),
            S.ACCEPTED,
            (Role.RECEIVER, Role.SPECIALIST, Role.LEADER),
            f"{_ND20}: phân loại, thụ lý",
            gettext_noop("Phân loại: thụ lý xử lý"),
        ),
        Transition(
            Action.REFUSE,
            frozenset({S.RECEIVED}),
            S.REFUSED,
            (Role.RECEIVER, Role.SPECIALIST, Role.LEADER),
            f"{_ND20}: từ chối, nêu rõ lý do",
            gettext_noop("Phân loại: không thuộc phạm vi xử lý"),
        ),
        Transition(
            Action.ASSIGN,
            frozenset({S.ACCEPTED, S.HANDLING}),
            S.HANDLING,
            (Role.LEADER,),
            _ND20,
            gettext_noop("Phân công xử lý"),
        ),
        Transition(
            Action.FORWARD,
            _OPEN,
            S.RECEIVED,
            (Role.LEADER,),
            f"{_ND20}: chuyển cơ quan có thẩm quyền",
            gettext_noop("Chuyển đơn vị khác xử lý"),
        ),
        Transition(
            Action.REQUEST_INFO,
            frozenset({S.ACCEPTED, S.HANDLING}),
            None,
            (Role.SPECIALIST, Role.LEADER),
            f"{_ND20}: đề nghị bổ sung thông tin",
            gettext_noop("Đề nghị người gửi bổ sung thông tin"),
        ),
        Transition(
            Action.PROPOSE_ANSWER,
            frozenset({S.HANDLING}),
            S.ANSWER_PROPOSED,
            (Role.SPECIALIST, Role.LEADER),
            _ND20,
            gettext_noop("Dự thảo trả lời, trình lãnh đạo"),
        ),
        Transition(
            Action.RETURN_DRAFT,
            frozenset({S.ANSWER_PROPOSED}),
            S.HANDLING,
            (Role.LEADER,),
            _ND20,
            gettext_noop("Trả lại dự thảo để xử lý tiếp"),
        ),
        Transition(
            Action.APPROVE_ANSWER,
            frozenset({S.ANSWER_PROPOSED}),
            S.ANSWERED,
            (Role.LEADER,),
            f"{_ND20}: trả lời người gửi",
            gettext_noop("Duyệt và gửi trả lời"),
        ),
        Transition(
            Action.PUBLISH,
            frozenset({S.ANSWERED}),
            S.PUBLISHED,
            (Role.LEADER,),
            f"{_ND20}: công khai kết quả xử lý",
            gettext_noop("Công khai kết quả xử lý"),
        ),
    )
}


def check_transition(feedback: Feedback, action: Action | str, user: User) -> Transition:
    """The transition of `action`, or `DomainError` (wrong state) / `PermissionDenied` (no
    role in the feedback's unit)."""
    try:
        transition = TRANSITIONS[Action(action)]
    except (KeyError, ValueError) as exc:
        raise DomainError(_("Thao tác không hợp lệ."), code="invalid_action") from exc
    if feedback.state not in transition.sources:
        raise DomainError(
            _("Không thể “%(action)s” khi phản ánh đang ở trạng thái “%(state)s”.")
            % {"action": transition.label, "state": S(feedback.state).label},
            code="invalid_state",
        )
    if not user_has_role(user, feedback.unit, *transition.roles):
        raise PermissionDenied()
    return transition


def available_actions(feedback: Feedback, user: User) -> list[Transition]:
    """The actions `user` may take on `feedback` now (for the detail page)."""
    return [
        t
        for t in TRANSITIONS.values()
        if feedback.state in t.sources and user_has_role(user, feedback.unit, *t.roles)
    ]
