"""The dossier state machine as data (DOMAIN.md §1.13), checked in one function.

Every action of the back office and the portal is one row of `TRANSITIONS`: the states it may
start from, the state it leads to, who may do it, the form it issues and its legal source.
`check_transition()` is the only place that decides whether an action is allowed; the services
in `services.py` call it after locking the dossier row and before changing anything.

Time rules that need more than the state (the three-working-day limit of NĐ61 art. 19(4),
the apology rules of art. 19(9), refusal within the time limit of art. 19(8)) are checked by
the services, which have the calendar and the instant of the action.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.core.errors import DomainError, PermissionDenied
from motcua.dossiers.constants import RuleSet, State
from motcua.organisation.constants import Role

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.dossiers.models import Dossier

#: Pseudo-role: the applicant's own citizen account (the dossier's `applicant`).
CITIZEN = "citizen"

#: NĐ 118/2025/NĐ-CP applies to dossiers received from this date (DOMAIN.md §0.1).
ND118_EFFECTIVE = dt.date(2025, 7, 1)


def rule_set_for(received_on: dt.date) -> RuleSet:
    """ND61-2018 for dossiers received before 01/07/2025, ND118-2025 from then (DOMAIN §0.1)."""
    return RuleSet.ND118_2025 if received_on >= ND118_EFFECTIVE else RuleSet.ND61_2018


class FormKind(StrEnum):
    """The forms (biểu mẫu) of TT 01/2018/TT-VPCP art. 9 and TT 03/2025/TT-VPCP."""

    RECEIPT = "receipt"  # Giấy tiếp nhận hồ sơ và hẹn trả kết quả
    SUPPLEMENT = "supplement"  # Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
    REFUSAL = "refusal"  # Phiếu từ chối tiếp nhận / giải quyết hồ sơ
    APOLOGY = "apology"  # Phiếu xin lỗi và hẹn lại ngày trả kết quả (+ gia hạn, 2025)
    STOP_NOTICE = "stop_notice"  # Thông báo dừng giải quyết hồ sơ (TT 03/2025 only)
    CONTROL_SHEET = "control_sheet"  # Phiếu kiểm soát quá trình giải quyết hồ sơ
    LEDGER = "ledger"  # Sổ theo dõi hồ sơ


#: Form numbers per rule set (DOMAIN.md §1.14). TT 01/2018 has no stop notice.
FORM_NUMBERS: dict[RuleSet, dict[FormKind, str]] = {
    RuleSet.ND61_2018: {
        FormKind.RECEIPT: "01",
        FormKind.SUPPLEMENT: "02",
        FormKind.REFUSAL: "03",
        FormKind.APOLOGY: "04",
        FormKind.CONTROL_SHEET: "05",
        FormKind.LEDGER: "06",
    },
    RuleSet.ND118_2025: {
        FormKind.RECEIPT: "01",
        FormKind.SUPPLEMENT: "02",
        FormKind.REFUSAL: "03",
        FormKind.APOLOGY: "04",
        FormKind.STOP_NOTICE: "05",
        FormKind.CONTROL_SHEET: "06",
        FormKind.LEDGER: "07",
    },
}


def form_number(rule_set: str, form_kind: FormKind | str) -> str:
    """The form number ("01"…"07") of a form kind under a rule set; "" when it has none."""
    return FORM_NUMBERS[RuleSet(rule_set)].get(FormKind(form_kind), "")


class Action(StrEnum):
    """Action names: the contract between the services, the back office and the portal."""

    SUBMIT = "submit"
    INTAKE_REQUEST_SUPPLEMENT = "intake_request_supplement"
    INTAKE_REFUSE = "intake_refuse"
    RECEIVE = "receive"
    ASSIGN = "assign"
    STEP_COMPLETE = "step_complete"
    CONSULT_SEND = "consult_send"
    CONSULT_ANSWER = "consult_answer"
    TRANSFER_SEND = "transfer_send"
    TRANSFER_RETURN = "transfer_return"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT_COMPLETE = "supplement_complete"
    FINANCIAL_OBLIGATION = "financial_obligation"
    FINANCIAL_PAID = "financial_paid"
    APPROVE = "approve"
    REJECT = "reject"
    APOLOGY = "apology"
    RETURN_RESULT = "return_result"
    WITHDRAW = "withdraw"
    STOP = "stop"


class ActingUnit(StrEnum):
    CURRENT = "current"  # the dossier's current_unit
    CONSULTED = "consulted"  # the unit of the open consultation (lấy ý kiến)


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[State]
    target: State | None  # None: the state does not change
    roles: tuple[str, ...]
    form: FormKind | None
    legal: str
    label_source: str  # Vietnamese source text, marked for translation with gettext_noop
    acting_unit: ActingUnit = ActingUnit.CURRENT

    @property
    def label(self) -> str:
        """The action's name in the user's language ("tiếp nhận hồ sơ")."""
        return _(self.label_source)

    def form_number(self, rule_set: str) -> str:
        return form_number(rule_set, self.form) if self.form else ""


S = State
R = Role
_OPEN = frozenset(
    {S.RECEIVED, S.IN_PROCESS, S.CONSULTING, S.SUPPLEMENT_AFTER_REVIEW, S.FINANCIAL_OBLIGATION}
)
_REVIEWERS = (R.SPECIALIST, R.LEADER)


def _t(
    action: Action,
    sources: set[State] | frozenset[State],
    target: State | None,
    roles: tuple[str, ...],
    form: FormKind | None,
    legal: str,
    label: str,
    acting_unit: ActingUnit = ActingUnit.CURRENT,
) -> Transition:
    return Transition(action, frozenset(sources), target, roles, form, legal, label, acting_unit)


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        _t(Action.SUBMIT, {S.DRAFT, S.INTAKE_SUPPLEMENT}, S.SUBMITTED, (CITIZEN, R.RECEIVER), None,
           "NĐ61 art. 16", gettext_noop("nộp hồ sơ")),
        _t(Action.INTAKE_REQUEST_SUPPLEMENT, {S.SUBMITTED}, S.INTAKE_SUPPLEMENT, (R.RECEIVER,),
           FormKind.SUPPLEMENT, "NĐ61 art. 17(1)(a), 17(2)(a)",
           gettext_noop("hướng dẫn bổ sung hồ sơ")),
        _t(Action.INTAKE_REFUSE, {S.SUBMITTED, S.INTAKE_SUPPLEMENT}, S.INTAKE_REFUSED,
           (R.RECEIVER,), FormKind.REFUSAL, "NĐ61 art. 17(1)(b)",
           gettext_noop("từ chối tiếp nhận")),
        _t(Action.RECEIVE, {S.SUBMITTED, S.INTAKE_SUPPLEMENT}, S.RECEIVED, (R.RECEIVER,),
           FormKind.RECEIPT, "NĐ61 art. 17(1)(c), 17(2)(b), 17(3)",
           gettext_noop("tiếp nhận hồ sơ")),
        _t(Action.ASSIGN, {S.RECEIVED, S.IN_PROCESS}, S.IN_PROCESS, (R.LEADER, R.RECEIVER), None,
           "NĐ61 art. 18, 19(1)", gettext_noop("chuyển, phân công xử lý")),
        _t(Action.STEP_COMPLETE, {S.IN_PROCESS}, None, (R.SPECIALIST, R.LEADER, R.RECEIVER),
           FormKind.CONTROL_SHEET, "NĐ61 art. 19(1)-(3); TT01/2018 art. 9 (Mẫu 05)",
           gettext_noop("hoàn thành bước xử lý")),
        _t(Action.CONSULT_SEND, {S.IN_PROCESS}, S.CONSULTING, _REVIEWERS, FormKind.CONTROL_SHEET,
           "NĐ61 art. 19(5)", gettext_noop("gửi lấy ý kiến")),
        _t(Action.CONSULT_ANSWER, {S.CONSULTING}, S.IN_PROCESS, _REVIEWERS,
           FormKind.CONTROL_SHEET, "NĐ61 art. 19(5)(b)", gettext_noop("trả lời ý kiến"),
           ActingUnit.CONSULTED),
        _t(Action.TRANSFER_SEND, {S.IN_PROCESS}, S.CONSULTING, (*_REVIEWERS, R.RECEIVER),
           FormKind.CONTROL_SHEET, "NĐ61 art. 18(3), 19(6)-(7)", gettext_noop("chuyển liên thông")),
        _t(Action.TRANSFER_RETURN, {S.CONSULTING}, S.IN_PROCESS, (*_REVIEWERS, R.RECEIVER),
           FormKind.CONTROL_SHEET, "NĐ61 art. 19(6)-(7)", gettext_noop("trả kết quả liên thông")),
        _t(Action.REQUEST_SUPPLEMENT, {S.RECEIVED, S.IN_PROCESS}, S.SUPPLEMENT_AFTER_REVIEW,
           _REVIEWERS, FormKind.SUPPLEMENT, "NĐ61 art. 19(4)",
           gettext_noop("yêu cầu bổ sung sau thẩm định")),
        _t(Action.SUPPLEMENT_COMPLETE, {S.SUPPLEMENT_AFTER_REVIEW}, S.IN_PROCESS, (R.RECEIVER,),
           FormKind.RECEIPT, "NĐ61 art. 19(4)", gettext_noop("nhận đủ hồ sơ bổ sung")),
        _t(Action.FINANCIAL_OBLIGATION, {S.IN_PROCESS}, S.FINANCIAL_OBLIGATION, _REVIEWERS, None,
           "NĐ61 art. 22", gettext_noop("thông báo nghĩa vụ tài chính")),
        _t(Action.FINANCIAL_PAID, {S.FINANCIAL_OBLIGATION}, S.IN_PROCESS,
           (R.RECEIVER, R.SPECIALIST), None, "NĐ61 art. 22",
           gettext_noop("xác nhận đã nộp nghĩa vụ tài chính")),
        _t(Action.APPROVE, {S.IN_PROCESS}, S.RESULT_READY, (R.LEADER,), None,
           "NĐ61 art. 19(1)-(2)", gettext_noop("phê duyệt kết quả")),
        _t(Action.REJECT, {S.RECEIVED, S.IN_PROCESS}, S.REJECTED_AFTER_REVIEW, (R.LEADER,),
           FormKind.REFUSAL, "NĐ61 art. 19(8)", gettext_noop("từ chối giải quyết")),
        _t(Action.APOLOGY, {S.RECEIVED, S.IN_PROCESS, S.CONSULTING, S.FINANCIAL_OBLIGATION},
           None, (R.LEADER,), FormKind.APOLOGY, "NĐ61 art. 19(9)",
           gettext_noop("xin lỗi và hẹn lại ngày trả")),
        _t(Action.RETURN_RESULT, {S.RESULT_READY}, S.RETURNED, (R.RECEIVER,), None,
           "NĐ61 art. 20", gettext_noop("trả kết quả")),
        _t(Action.WITHDRAW, {S.SUBMITTED, S.INTAKE_SUPPLEMENT} | _OPEN, S.WITHDRAWN,
           (CITIZEN, R.RECEIVER), None, "QĐ 766/QĐ-TTg (chỉ số 2.1)",
           gettext_noop("rút hồ sơ")),
        _t(Action.STOP, _OPEN, S.STOPPED, (R.LEADER,), FormKind.STOP_NOTICE,
           "TT 03/2025/TT-VPCP (Mẫu 05)", gettext_noop("dừng xử lý hồ sơ")),
    ]
}  # fmt: skip


def allowed_actions(state: str) -> list[Action]:
    """Actions whose source states include `state` (role checks not applied)."""
    return [a for a, t in TRANSITIONS.items() if state in t.sources]


def check_transition(dossier: Dossier, action: Action | str, user: User) -> Transition:
    """Return the transition row if `user` may do `action` on `dossier` now; else raise.

    Raises `DomainError` when the action is impossible from the dossier's state and
    `PermissionDenied` when the user lacks the role in the acting unit (the dossier's
    `current_unit`, or the consulted unit for `consult_answer`). A citizen may act only on
    their own dossier and only where the row allows `CITIZEN`.
    """
    from motcua.organisation.selectors import user_has_role

    try:
        transition = TRANSITIONS[Action(action)]
    except ValueError as exc:
        raise DomainError(_("Thao tác không hợp lệ: %(action)s.") % {"action": action}) from exc
    if dossier.state not in transition.sources:
        raise DomainError(
            _("Không thể %(label)s khi hồ sơ đang ở trạng thái “%(state)s”.")
            % {"label": transition.label, "state": State(dossier.state).label}
        )
    if getattr(user, "is_citizen", False):
        if CITIZEN in transition.roles and dossier.applicant_id == user.pk:
            return transition
        raise PermissionDenied()
    staff_roles = [r for r in transition.roles if r != CITIZEN]
    if transition.acting_unit == ActingUnit.CONSULTED:
        transfer = dossier.transfers.filter(answered_at__isnull=True, kind="consult").first()
        if transfer is None:
            raise DomainError(_("Hồ sơ không có yêu cầu lấy ý kiến nào đang chờ trả lời."))
        unit = transfer.to_unit
    else:
        unit = dossier.current_unit
    if not staff_roles or not user_has_role(user, unit, *staff_roles):
        raise PermissionDenied(
            _("Bạn không có quyền %(label)s hồ sơ này tại %(unit)s.")
            % {"label": transition.label, "unit": unit.name}
        )
    return transition
