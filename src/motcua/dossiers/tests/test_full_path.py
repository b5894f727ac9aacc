"""A whole dossier through the services (DOMAIN.md §1.4–§1.8, §2.4): counter intake → receive
→ assign → step → transfer to another unit → return → supplement → resubmit → approve →
return result, with the event log checked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.factories import ProcedureVersionFactory

from motcua.dossiers import services
from motcua.dossiers.constants import State
from motcua.dossiers.models import Transfer
from motcua.dossiers.tests.conftest import local, make_commune

pytestmark = pytest.mark.django_db


def test_full_path_art17_to_art20_with_event_log():
    commune, district = make_commune(), make_commune()
    version = ProcedureVersionFactory()
    ids = list(version.components.values_list("pk", flat=True))

    d = services.dossier_create_at_counter(
        user=commune.receiver,
        unit=commune.unit,
        procedure=version.procedure,
        applicant_name="Phạm Thị Hoa",
        applicant_id_number="036185001234",
        birth_year=1985,
        sex="female",
        provided_component_ids=ids,
        at=local(2025, 3, 10, 8),
    )
    d = services.dossier_receive(
        dossier=d, user=commune.receiver, expected_version=d.version, at=local(2025, 3, 10, 8)
    )
    first_due = d.due_at
    d = services.dossier_assign(
        dossier=d, user=commune.leader, assignee=commune.specialist, at=local(2025, 3, 10, 9)
    )
    d = services.dossier_step_complete(
        dossier=d, user=commune.specialist, at=local(2025, 3, 10, 10)
    )
    assert d.current_step.order == 2
    d = services.dossier_transfer_send(
        dossier=d,
        user=commune.specialist,
        to_unit=district.unit,
        content="Xác minh",
        amount=Decimal(1),
        at=local(2025, 3, 10, 11),
    )
    assert d.current_unit == district.unit
    d = services.dossier_transfer_return(
        dossier=d, user=district.specialist, result="Đã xác minh", at=local(2025, 3, 11, 9)
    )
    d = services.dossier_request_supplement(
        dossier=d,
        user=commune.specialist,
        reasons=["Thiếu bản sao sổ hộ khẩu"],
        at=local(2025, 3, 11, 10),
    )
    d = services.dossier_supplement_complete(
        dossier=d, user=commune.receiver, at=local(2025, 3, 17, 8)
    )
    assert d.clock_started_at == local(2025, 3, 17, 8) and d.due_at > first_due
    assert d.current_step.order == 1  # the internal process restarts too
    d = services.dossier_step_complete(dossier=d, user=commune.specialist, at=local(2025, 3, 18, 9))
    d = services.dossier_approve(dossier=d, user=commune.leader, at=local(2025, 3, 18, 14))
    assert d.state == State.RESULT_READY and d.finished_at <= d.due_at
    assert d.current_step.order == 3  # hand-over step at the one-stop desk
    d = services.dossier_return_result(
        dossier=d,
        user=commune.receiver,
        recipient_name="Phạm Thị Hoa",
        at=local(2025, 3, 19, 8),
    )
    assert d.state == State.RETURNED and d.closed_at == local(2025, 3, 19, 8)

    log = list(
        d.events.order_by("seq").values_list(
            "seq", "action", "from_state", "to_state", "unit_id", "form"
        )
    )
    c, o = commune.unit.pk, district.unit.pk
    assert log == [
        (1, "submit", State.DRAFT, State.SUBMITTED, c, ""),
        (2, "receive", State.SUBMITTED, State.RECEIVED, c, "01"),
        (3, "assign", State.RECEIVED, State.IN_PROCESS, c, ""),
        (4, "step_complete", State.IN_PROCESS, State.IN_PROCESS, c, "05"),
        (5, "transfer_send", State.IN_PROCESS, State.CONSULTING, c, "05"),
        (6, "transfer_return", State.CONSULTING, State.IN_PROCESS, o, "05"),
        (7, "request_supplement", State.IN_PROCESS, State.SUPPLEMENT_AFTER_REVIEW, c, "02"),
        (8, "supplement_complete", State.SUPPLEMENT_AFTER_REVIEW, State.IN_PROCESS, c, "01"),
        (9, "step_complete", State.IN_PROCESS, State.IN_PROCESS, c, "05"),
        (10, "approve", State.IN_PROCESS, State.RESULT_READY, c, ""),
        (11, "return_result", State.RESULT_READY, State.RETURNED, c, ""),
    ]
    assert d.version == 11
    actors = list(d.events.order_by("seq").values_list("actor_id", flat=True))
    assert actors[5] == district.specialist.pk and actors[-1] == commune.receiver.pk
    assert Transfer.objects.get(dossier=d).answer == "Đã xác minh"
    assert d.applicant_id_number == "036185001234"
