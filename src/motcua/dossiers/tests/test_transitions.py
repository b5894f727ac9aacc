"""The state machine as data (DOMAIN.md §1.13): every impossible (state, action) pair is refused
by the service with nothing changed; form numbers per rule set (DOMAIN.md §1.14)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from tests.factories import (
    DossierFactory,
    MembershipFactory,
    ProcedureVersionFactory,
    UnitFactory,
    UserFactory,
)

from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.constants import TERMINAL_STATES, RuleSet, State
from motcua.dossiers.models import Dossier, DossierEvent, Transfer
from motcua.dossiers.tests.conftest import MONDAY, local
from motcua.dossiers.transitions import (
    TRANSITIONS,
    Action,
    FormKind,
    allowed_actions,
    form_number,
)
from motcua.organisation.constants import Role

pytestmark = pytest.mark.django_db

Call = Callable[[Dossier, Any, Any], Any]

CALLS: dict[Action, Call] = {
    Action.SUBMIT: lambda d, u, o: services.dossier_resubmit_online(dossier=d, user=u),
    Action.INTAKE_REQUEST_SUPPLEMENT: lambda d, u, o: services.dossier_intake_request_supplement(
        dossier=d, user=u, reasons="x"
    ),
    Action.INTAKE_REFUSE: lambda d, u, o: services.dossier_intake_refuse(
        dossier=d, user=u, reasons="x"
    ),
    Action.RECEIVE: lambda d, u, o: services.dossier_receive(dossier=d, user=u),
    Action.ASSIGN: lambda d, u, o: services.dossier_assign(dossier=d, user=u, assignee=u),
    Action.STEP_COMPLETE: lambda d, u, o: services.dossier_step_complete(dossier=d, user=u),
    Action.CONSULT_SEND: lambda d, u, o: services.dossier_consult_send(
        dossier=d, user=u, to_unit=o, content="x"
    ),
    Action.CONSULT_ANSWER: lambda d, u, o: services.dossier_consult_answer(
        dossier=d, user=u, answer="x"
    ),
    Action.TRANSFER_SEND: lambda d, u, o: services.dossier_transfer_send(
        dossier=d, user=u, to_unit=o, content="x", amount=1
    ),
    Action.TRANSFER_RETURN: lambda d, u, o: services.dossier_transfer_return(
        dossier=d, user=u, result="x"
    ),
    Action.REQUEST_SUPPLEMENT: lambda d, u, o: services.dossier_request_supplement(
        dossier=d, user=u, reasons="x"
    ),
    Action.SUPPLEMENT_COMPLETE: lambda d, u, o: services.dossier_supplement_complete(
        dossier=d, user=u
    ),
    Action.FINANCIAL_OBLIGATION: lambda d, u, o: services.dossier_financial_obligation(
        dossier=d, user=u, amount=Decimal(1), description="x"
    ),
    Action.FINANCIAL_PAID: lambda d, u, o: services.dossier_financial_paid(
        dossier=d, user=u, receipt_number="1"
    ),
    Action.APPROVE: lambda d, u, o: services.dossier_approve(dossier=d, user=u),
    Action.REJECT: lambda d, u, o: services.dossier_reject(dossier=d, user=u, reasons="x"),
    Action.APOLOGY: lambda d, u, o: services.dossier_apologise(
        dossier=d, user=u, reason="x", new_due_at=local(2099, 1, 1)
    ),
    Action.RETURN_RESULT: lambda d, u, o: services.dossier_return_result(
        dossier=d, user=u, recipient_name="x"
    ),
    Action.WITHDRAW: lambda d, u, o: services.dossier_withdraw(dossier=d, user=u),
    Action.STOP: lambda d, u, o: services.dossier_stop(dossier=d, user=u, reasons="x"),
}


def snapshot(d: Dossier) -> tuple[dict[str, Any], int, int]:
    row = Dossier.objects.filter(pk=d.pk).values().get()
    return (
        row,
        DossierEvent.objects.filter(dossier=d).count(),
        Transfer.objects.filter(dossier=d).count(),
    )


def test_every_action_has_a_service_call():
    assert set(CALLS) == set(Action) == set(TRANSITIONS)


def test_terminal_states_allow_no_action():
    for state in TERMINAL_STATES:
        assert allowed_actions(state) == [], state


@pytest.mark.parametrize("action", list(Action), ids=[f"DOMAIN-1.13-{a}" for a in Action])
def test_domain_1_13_impossible_transitions_are_refused_with_nothing_changed(action):
    unit, other = UnitFactory(), UnitFactory()
    boss = UserFactory()  # holds every role, so only the state can refuse
    for role in (Role.RECEIVER, Role.SPECIALIST, Role.LEADER):
        MembershipFactory(user=boss, unit=unit, role=role)
        MembershipFactory(user=boss, unit=other, role=role)
    version = ProcedureVersionFactory()
    impossible = [s for s in State if s not in TRANSITIONS[action].sources]
    assert impossible, "every action is impossible from some state"
    for state in impossible:
        d = DossierFactory(
            unit=unit,
            procedure_version=version,
            state=state,
            received_at=MONDAY,
            due_at=local(2099, 1, 1),
        )
        before = snapshot(d)
        with pytest.raises(DomainError) as excinfo:
            CALLS[action](d, boss, other)
        assert "trạng thái" in str(excinfo.value), (state, action, str(excinfo.value))
        assert snapshot(d) == before, (state, action)


@pytest.mark.parametrize(
    ("rule_set", "kind", "number"),
    [
        (RuleSet.ND61_2018, FormKind.RECEIPT, "01"),
        (RuleSet.ND61_2018, FormKind.SUPPLEMENT, "02"),
        (RuleSet.ND61_2018, FormKind.REFUSAL, "03"),
        (RuleSet.ND61_2018, FormKind.APOLOGY, "04"),
        (RuleSet.ND61_2018, FormKind.CONTROL_SHEET, "05"),
        (RuleSet.ND61_2018, FormKind.LEDGER, "06"),
        (RuleSet.ND61_2018, FormKind.STOP_NOTICE, ""),
        (RuleSet.ND118_2025, FormKind.RECEIPT, "01"),
        (RuleSet.ND118_2025, FormKind.APOLOGY, "04"),
        (RuleSet.ND118_2025, FormKind.STOP_NOTICE, "05"),
        (RuleSet.ND118_2025, FormKind.CONTROL_SHEET, "06"),
        (RuleSet.ND118_2025, FormKind.LEDGER, "07"),
    ],
    ids=lambda v: str(v),
)
def test_domain_1_14_form_numbers_by_rule_set(rule_set, kind, number):
    assert form_number(rule_set, kind) == number
