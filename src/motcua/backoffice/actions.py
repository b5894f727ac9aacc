"""Map a dossier action and its cleaned form to the service call (no logic of its own)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from motcua.accounts.models import User
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.transitions import Action


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _due_at(dossier: Dossier, day: dt.date) -> dt.datetime:
    from motcua.dossiers.selectors import work_calendar

    return work_calendar(dossier.unit).day_end(day)


Call = Callable[[Dossier, User, dict[str, Any], int], Dossier]

CALLS: dict[Action, Call] = {
    Action.RECEIVE: lambda d, u, c, v: services.dossier_receive(
        dossier=d, user=u, provided_component_ids=c["components"], note=c["note"],
        expected_version=v,
    ),
    Action.INTAKE_REQUEST_SUPPLEMENT: lambda d, u, c, v: services.dossier_intake_request_supplement(
        dossier=d, user=u, reasons=_lines(c["reasons"]), expected_version=v
    ),
    Action.INTAKE_REFUSE: lambda d, u, c, v: services.dossier_intake_refuse(
        dossier=d, user=u, reasons=_lines(c["reasons"]), expected_version=v
    ),
    Action.ASSIGN: lambda d, u, c, v: services.dossier_assign(
        dossier=d, user=u, assignee=c["assignee"], note=c["note"], expected_version=v
    ),
    Action.STEP_COMPLETE: lambda d, u, c, v: services.dossier_step_complete(
        dossier=d, user=u, note=c["note"], expected_version=v
    ),
    Action.CONSULT_SEND: lambda d, u, c, v: services.dossier_consult_send(
        dossier=d, user=u, to_unit=c["to_unit"], content=c["content"], amount=c["amount"],
        expected_version=v,
    ),
    Action.CONSULT_ANSWER: lambda d, u, c, v: services.dossier_consult_answer(
        dossier=d, user=u, answer=c["answer"], expected_version=v
    ),
    Action.TRANSFER_SEND: lambda d, u, c, v: services.dossier_transfer_send(
        dossier=d, user=u, to_unit=c["to_unit"], content=c["content"], amount=c["amount"],
        expected_version=v,
    ),
    Action.TRANSFER_RETURN: lambda d, u, c, v: services.dossier_transfer_return(
        dossier=d, user=u, result=c["answer"], expected_version=v
    ),
    Action.REQUEST_SUPPLEMENT: lambda d, u, c, v: services.dossier_request_supplement(
        dossier=d, user=u, reasons=_lines(c["reasons"]), expected_version=v
    ),
    Action.SUPPLEMENT_COMPLETE: lambda d, u, c, v: services.dossier_supplement_complete(
        dossier=d, user=u, provided_component_ids=c["components"], note=c["note"],
        expected_version=v,
    ),
    Action.FINANCIAL_OBLIGATION: lambda d, u, c, v: services.dossier_financial_obligation(
        dossier=d, user=u, amount=c["amount"], description=c["description"], expected_version=v
    ),
    Action.FINANCIAL_PAID: lambda d, u, c, v: services.dossier_financial_paid(
        dossier=d, user=u, receipt_number=c["receipt_number"], expected_version=v
    ),
    Action.APPROVE: lambda d, u, c, v: services.dossier_approve(
        dossier=d, user=u, note=c["note"], expected_version=v
    ),
    Action.REJECT: lambda d, u, c, v: services.dossier_reject(
        dossier=d, user=u, reasons=_lines(c["reasons"]), expected_version=v
    ),
    Action.APOLOGY: lambda d, u, c, v: services.dossier_apologise(
        dossier=d, user=u, reason=c["reason"], new_due_at=_due_at(d, c["new_due_date"]),
        expected_version=v,
    ),
    Action.RETURN_RESULT: lambda d, u, c, v: services.dossier_return_result(
        dossier=d, user=u, recipient_name=c["recipient_name"],
        recipient_id_number=c["recipient_id_number"], note=c["note"], expected_version=v,
    ),
    Action.WITHDRAW: lambda d, u, c, v: services.dossier_withdraw(
        dossier=d, user=u, reason=c["reason"], expected_version=v
    ),
    Action.STOP: lambda d, u, c, v: services.dossier_stop(
        dossier=d, user=u, reasons=_lines(c["reasons"]), expected_version=v
    ),
}  # fmt: skip


def perform(action: Action, dossier: Dossier, user: User, cleaned: dict[str, Any]) -> Dossier:
    """Call the service of `action`; `DomainError` / `ConcurrentChange` propagate unchanged."""
    return CALLS[action](dossier, user, cleaned, cleaned["expected_version"])
