"""Rules of the dossier lifecycle (DOMAIN.md §1–§2), through the services.

Test names cite the article they check.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.factories import MembershipFactory, ProcedureVersionFactory, UserFactory

from motcua.calendar.constants import LimitUnit
from motcua.core.errors import ConcurrentChange, DomainError, PermissionDenied
from motcua.dossiers import services, tasks
from motcua.dossiers.constants import Channel, RuleSet, State
from motcua.dossiers.models import Dossier, DossierEvent, Transfer
from motcua.dossiers.tests.conftest import (
    MONDAY,
    Commune,
    counter_dossier,
    in_process_dossier,
    local,
    make_commune,
    received_dossier,
)
from motcua.dossiers.transitions import rule_set_for

pytestmark = pytest.mark.django_db


def events(d: Dossier) -> list[str]:
    return list(d.events.order_by("seq").values_list("action", flat=True))


# -- intake: NĐ61 art. 17 -------------------------------------------------------------------


def test_art17_1_c_receipt_issues_form_01_assigns_code_and_starts_clock(commune, version):
    d = counter_dossier(commune, version)
    assert d.state == State.SUBMITTED and d.due_at is None and d.clock_started_at is None
    d = services.dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
    assert d.state == State.RECEIVED
    assert d.code == f"{commune.unit.dossier_code_prefix}-250310-0001"
    assert d.received_at == MONDAY and d.clock_started_at == MONDAY
    # 3 working days, the day of receipt not counted: Thursday 13/03/2025, end of day.
    assert d.due_at == local(2025, 3, 13, 17, 0)
    assert d.rule_set == RuleSet.ND61_2018
    assert d.ledger_year == 2025 and d.ledger_number == 1
    assert len(d.lookup_secret) == 6
    event = d.events.get(action="receive")
    assert event.form == "01" and event.from_state == State.SUBMITTED
    assert event.payload["due_explanation"], "the computed date is explained"
    assert d.current_step is not None and d.current_step.order == 1
    assert d.current_step_due_at == local(2025, 3, 11, 9, 30)  # 8 working hours (7.5 h days)


def test_art17_1_c_missing_required_component_cannot_be_received(commune, version):
    first = version.components.order_by("order").first()
    d = counter_dossier(commune, version, provided_component_ids=[first.pk])
    with pytest.raises(DomainError, match="thiếu thành phần"):
        services.dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
    d.refresh_from_db()
    assert d.state == State.SUBMITTED and d.code is None
    # Ticking the missing component at receipt makes it receivable.
    all_ids = list(version.components.values_list("pk", flat=True))
    d = services.dossier_receive(
        dossier=d, user=commune.receiver, provided_component_ids=all_ids, at=MONDAY
    )
    assert d.state == State.RECEIVED


def test_art17_1_a_intake_supplement_issues_form_02_and_no_clock(commune, version):
    d = counter_dossier(commune, version)
    d = services.dossier_intake_request_supplement(
        dossier=d, user=commune.receiver, reasons=["Thiếu bản sao giấy khai sinh"], at=MONDAY
    )
    assert d.state == State.INTAKE_SUPPLEMENT
    assert d.clock_started_at is None and d.due_at is None and d.code is None
    assert d.events.get(action="intake_request_supplement").form == "02"
    # Back with the complete dossier: received, the clock starts at that receipt.
    later = local(2025, 3, 12, 10)
    d = services.dossier_receive(dossier=d, user=commune.receiver, at=later)
    assert d.clock_started_at == later and d.code.endswith("-250312-0001")


def test_art17_1_b_intake_refusal_issues_form_03_and_closes(commune, version):
    d = counter_dossier(commune, version)
    d = services.dossier_intake_refuse(
        dossier=d, user=commune.receiver, reasons="Không thuộc thẩm quyền", at=MONDAY
    )
    assert d.state == State.INTAKE_REFUSED and d.closed_at == MONDAY
    assert d.events.get(action="intake_refuse").form == "03"
    assert d.due_at is None


def test_art17_refusal_requires_reasons(commune, version):
    d = counter_dossier(commune, version)
    with pytest.raises(DomainError, match="lý do"):
        services.dossier_intake_refuse(dossier=d, user=commune.receiver, reasons=" ", at=MONDAY)


def test_nd118_receipt_after_01_07_2025_uses_new_rule_set_and_forms(commune, version):
    at = local(2025, 7, 7)
    d = received_dossier(commune, version, at)
    assert d.rule_set == RuleSet.ND118_2025
    d = services.dossier_assign(dossier=d, user=commune.leader, assignee=commune.specialist, at=at)
    d = services.dossier_stop(dossier=d, user=commune.leader, reasons="Theo yêu cầu", at=at)
    assert d.events.get(action="stop").form == "05"  # TT 03/2025 Mẫu 05 (stop notice)
    old = in_process_dossier(commune, version)
    old = services.dossier_stop(dossier=old, user=commune.leader, reasons="x", at=MONDAY)
    assert old.events.get(action="stop").form == ""  # TT 01/2018 has no stop form


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 6, 30), RuleSet.ND61_2018),
        (dt.date(2025, 7, 1), RuleSet.ND118_2025),
        (dt.date(2019, 1, 6), RuleSet.ND61_2018),
    ],
    ids=["ND61-last-day-30/06/2025", "ND118-first-day-01/07/2025", "TT01-2018-in-force"],
)
def test_domain_0_1_rule_set_by_receipt_date(day, expected):
    assert rule_set_for(day) == expected


# -- clock: DOMAIN §2 ------------------------------------------------------------------------


def test_domain_2_3_same_day_procedure_after_15h_due_next_working_day(commune):
    version = ProcedureVersionFactory(same_day=True)
    before = received_dossier(commune, version, local(2025, 3, 14, 14, 30))  # Friday
    assert before.due_at == local(2025, 3, 14, 17, 0)
    after = received_dossier(commune, version, local(2025, 3, 14, 15, 30))
    # NĐ 23/2015 art. 7: returned within the next working day (Monday 17/03).
    assert after.due_at == local(2025, 3, 17, 17, 0)
    assert any(
        "15:00" in line for line in after.events.get(action="receive").payload["due_explanation"]
    )


def test_domain_2_1_verification_adds_the_extra_time(commune):
    version = ProcedureVersionFactory(verification_extra_amount=Decimal(2))
    d = counter_dossier(commune, version, needs_verification=True)
    d = services.dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
    assert d.due_at == local(2025, 3, 17, 17, 0)  # 3 + 2 working days


def test_domain_2_2_online_clock_starts_at_officer_receipt(commune, version, citizen):
    saturday = local(2025, 3, 8, 10)
    d = services.dossier_submit_online(
        user=citizen,
        unit=commune.unit,
        procedure=version.procedure,
        idempotency_key="k1",
        provided_component_ids=list(version.components.values_list("pk", flat=True)),
        at=saturday,
    )
    assert d.state == State.SUBMITTED and d.channel == Channel.ONLINE
    assert d.submitted_at == saturday and d.clock_started_at is None
    d = services.dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
    assert d.clock_started_at == MONDAY and d.submitted_at == saturday


def test_domain_2_3_online_clock_from_submission_when_configured(
    commune, version, citizen, settings
):
    settings.MOTCUA = {**settings.MOTCUA, "ONLINE_CLOCK_START": "submission"}
    d = services.dossier_submit_online(
        user=citizen,
        unit=commune.unit,
        procedure=version.procedure,
        idempotency_key="k1",
        provided_component_ids=list(version.components.values_list("pk", flat=True)),
        at=local(2025, 3, 8, 10),
    )
    d = services.dossier_receive(dossier=d, user=commune.receiver, at=local(2025, 3, 11, 9))
    assert d.clock_started_at == local(2025, 3, 10, 7, 30)  # next working session


def test_art16_online_submission_is_idempotent_by_key(commune, version, citizen):
    kwargs = dict(user=citizen, unit=commune.unit, procedure=version.procedure, at=MONDAY)
    first = services.dossier_submit_online(idempotency_key="same", **kwargs)
    again = services.dossier_submit_online(idempotency_key="same", **kwargs)
    other = services.dossier_submit_online(idempotency_key="other", **kwargs)
    assert first.pk == again.pk != other.pk
    assert Dossier.objects.filter(applicant=citizen).count() == 2


def test_art16_only_citizens_submit_online(commune, version):
    with pytest.raises(PermissionDenied):
        services.dossier_submit_online(
            user=commune.receiver,
            unit=commune.unit,
            procedure=version.procedure,
            idempotency_key="x",
            at=MONDAY,
        )


# -- processing: NĐ61 art. 19 ----------------------------------------------------------------


def test_art19_4_supplement_after_review_within_3_working_days_restarts_clock(commune, version):
    d = in_process_dossier(commune, version)  # received Monday 10/03
    thursday = local(2025, 3, 13, 10)  # 3 working days after receipt
    d = services.dossier_request_supplement(
        dossier=d, user=commune.specialist, reasons=["Ảnh chụp không rõ"], at=thursday
    )
    assert d.state == State.SUPPLEMENT_AFTER_REVIEW and d.supplement_count == 1
    assert d.events.get(action="request_supplement").form == "02"
    back = local(2025, 3, 20, 14)  # Thursday next week
    d = services.dossier_supplement_complete(dossier=d, user=commune.receiver, at=back)
    assert d.state == State.IN_PROCESS
    assert d.clock_started_at == back
    assert d.due_at == local(2025, 3, 25, 17, 0)  # 3 working days from zero
    event = d.events.get(action="supplement_complete")
    iso = dt.datetime.fromisoformat
    assert iso(event.payload["previous_clock_started_at"]) == MONDAY
    assert iso(event.payload["previous_due_at"]) == local(2025, 3, 13, 17)
    assert d.current_step.order == 1


def test_art19_4_supplement_after_review_refused_after_3_working_days(commune, version):
    d = in_process_dossier(commune, version)
    friday = local(2025, 3, 14, 10)  # 4 working days after receipt
    before = (Dossier.objects.get(pk=d.pk).version, d.events.count())
    with pytest.raises(DomainError, match="03 ngày làm việc"):
        services.dossier_request_supplement(
            dossier=d, user=commune.specialist, reasons="x", at=friday
        )
    d.refresh_from_db()
    assert (d.version, d.events.count()) == before and d.state == State.IN_PROCESS


def test_art19_4_three_working_days_skip_the_weekend(commune, version):
    d = in_process_dossier(commune, version, local(2025, 3, 13, 9))  # Thursday
    tuesday = local(2025, 3, 18, 16)  # Fri, Mon, Tue = 3 working days
    d = services.dossier_request_supplement(
        dossier=d, user=commune.specialist, reasons="x", at=tuesday
    )
    assert d.state == State.SUPPLEMENT_AFTER_REVIEW


def test_art19_8_refusal_after_review_within_time_limit(commune, version):
    d = in_process_dossier(commune, version)
    d = services.dossier_reject(
        dossier=d, user=commune.leader, reasons="Không đủ điều kiện", at=local(2025, 3, 12)
    )
    assert d.state == State.REJECTED_AFTER_REVIEW
    assert d.finished_at == local(2025, 3, 12) and d.closed_at == local(2025, 3, 12)
    assert d.events.get(action="reject").form == "03"


def test_art19_8_refusal_after_the_time_limit_is_refused(commune, version):
    d = in_process_dossier(commune, version)
    with pytest.raises(DomainError, match="Điều 19 khoản 8"):
        services.dossier_reject(
            dossier=d, user=commune.leader, reasons="x", at=local(2025, 3, 14, 9)
        )
    assert Dossier.objects.get(pk=d.pk).state == State.IN_PROCESS


def test_art19_9_apology_once_at_least_one_day_before_deadline(commune, version):
    d = in_process_dossier(commune, version)  # due Thursday 13/03 17:00
    new_due = local(2025, 3, 18, 17)
    d = services.dossier_apologise(
        dossier=d,
        user=commune.leader,
        reason="Chờ xác minh",
        new_due_at=new_due,
        at=local(2025, 3, 12, 16),
    )
    assert d.extended_due_at == new_due and d.effective_due_at == new_due
    assert d.apology_issued_at == local(2025, 3, 12, 16)
    assert d.due_at == local(2025, 3, 13, 17)  # original kept for statistics
    assert d.events.get(action="apology").form == "04"
    with pytest.raises(DomainError, match="một lần"):
        services.dossier_apologise(
            dossier=d,
            user=commune.leader,
            reason="x",
            new_due_at=local(2025, 3, 20, 17),
            at=local(2025, 3, 12, 16),
        )


def test_art19_9_apology_on_the_deadline_day_is_too_late(commune, version):
    d = in_process_dossier(commune, version)
    with pytest.raises(DomainError, match="01 ngày trước hạn"):
        services.dossier_apologise(
            dossier=d,
            user=commune.leader,
            reason="x",
            new_due_at=local(2025, 3, 18, 17),
            at=local(2025, 3, 13, 8),
        )
    d.refresh_from_db()
    assert d.extended_due_at is None and d.apology_issued_at is None


def test_art19_9_new_appointment_must_be_later(commune, version):
    d = in_process_dossier(commune, version)
    with pytest.raises(DomainError, match="sau ngày hẹn"):
        services.dossier_apologise(
            dossier=d,
            user=commune.leader,
            reason="x",
            new_due_at=local(2025, 3, 12, 17),
            at=local(2025, 3, 11),
        )


def test_art19_1_step_complete_moves_to_next_step_with_its_own_deadline(commune, version):
    d = in_process_dossier(commune, version)
    d = services.dossier_step_complete(
        dossier=d, user=commune.specialist, at=local(2025, 3, 10, 14)
    )
    assert d.current_step.order == 2
    assert d.current_step_due_at == local(2025, 3, 11, 8, 30)  # 4 working hours
    event = d.events.get(action="step_complete")
    assert event.payload["completed_on_time"] is True and event.form == "05"


def test_art19_1_step_of_another_role_is_refused(commune, version):
    d = in_process_dossier(commune, version)
    with pytest.raises(PermissionDenied, match="Thẩm định"):
        services.dossier_step_complete(dossier=d, user=commune.leader, at=MONDAY)


def test_art19_5_consultation_sent_and_answered_by_the_consulted_unit(commune, version):
    other = make_commune()
    d = in_process_dossier(commune, version)
    d = services.dossier_consult_send(
        dossier=d,
        user=commune.specialist,
        to_unit=other.unit,
        content="Xin ý kiến",
        amount=2,
        at=MONDAY,
    )
    assert d.state == State.CONSULTING and d.current_unit == commune.unit
    transfer = Transfer.objects.get(dossier=d)
    assert transfer.kind == Transfer.Kind.CONSULT and transfer.due_at == local(2025, 3, 12, 17)
    with pytest.raises(PermissionDenied):  # the lead unit cannot answer for the consulted one
        services.dossier_consult_answer(dossier=d, user=commune.specialist, answer="x")
    d = services.dossier_consult_answer(
        dossier=d, user=other.specialist, answer="Đồng ý", at=local(2025, 3, 11)
    )
    assert d.state == State.IN_PROCESS
    event = d.events.get(action="consult_answer")
    assert event.unit == other.unit and event.payload["on_time"] is True


def test_art19_6_transfer_moves_the_dossier_to_the_other_units_queue(commune, version):
    other = make_commune()
    d = in_process_dossier(commune, version)
    d = services.dossier_transfer_send(
        dossier=d,
        user=commune.specialist,
        to_unit=other.unit,
        content="Liên thông",
        amount=Decimal(5),
        limit_unit=LimitUnit.WORKING_DAYS,
        at=MONDAY,
    )
    assert d.state == State.CONSULTING and d.current_unit == other.unit
    # The sending commune can no longer act; the receiving unit's staff can.
    with pytest.raises(PermissionDenied):
        services.dossier_transfer_return(dossier=d, user=commune.specialist, result="x")
    d = services.dossier_transfer_return(
        dossier=d, user=other.specialist, result="Đã xử lý", at=local(2025, 3, 12)
    )
    assert d.current_unit == commune.unit and d.state == State.IN_PROCESS
    units = list(d.events.order_by("seq").values_list("unit_id", flat=True))
    assert units[-2:] == [commune.unit.pk, other.unit.pk]
    assert Transfer.objects.get(dossier=d).answered_at == local(2025, 3, 12)


def test_art22_financial_obligation_and_payment(commune, version):
    d = in_process_dossier(commune, version)
    d = services.dossier_financial_obligation(
        dossier=d,
        user=commune.specialist,
        amount=Decimal(50000),
        description="Lệ phí",
        at=MONDAY,
    )
    assert d.state == State.FINANCIAL_OBLIGATION
    d = services.dossier_financial_paid(
        dossier=d, user=commune.receiver, receipt_number="BL-01", at=MONDAY
    )
    assert d.state == State.IN_PROCESS


# -- return and closing: art. 20, DOMAIN §1.10 ----------------------------------------------


def test_art20_return_result_records_the_recipient(commune, version):
    d = in_process_dossier(commune, version)
    d = services.dossier_approve(dossier=d, user=commune.leader, at=local(2025, 3, 12))
    assert d.state == State.RESULT_READY and d.finished_at == local(2025, 3, 12)
    d = services.dossier_return_result(
        dossier=d,
        user=commune.receiver,
        recipient_name="Trần Thị Bình",
        recipient_id_number="001190012345",
        at=local(2025, 3, 13),
    )
    assert d.state == State.RETURNED
    assert d.returned_at == local(2025, 3, 13) == d.closed_at
    assert d.events.get(action="return_result").payload["recipient_id_number"] == "001190012345"


@pytest.mark.parametrize("by", ["citizen", "receiver"])
def test_domain_1_10_withdraw_ends_the_clock(commune, version, citizen, by):
    d = services.dossier_submit_online(
        user=citizen,
        unit=commune.unit,
        procedure=version.procedure,
        idempotency_key="w",
        provided_component_ids=list(version.components.values_list("pk", flat=True)),
        at=MONDAY,
    )
    d = services.dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
    user = citizen if by == "citizen" else commune.receiver
    d = services.dossier_withdraw(dossier=d, user=user, reason="Không có nhu cầu", at=MONDAY)
    assert d.state == State.WITHDRAWN and d.closed_at == MONDAY and d.current_step is None


def test_domain_1_10_citizen_cannot_withdraw_someone_elses_dossier(commune, version):
    d = received_dossier(commune, version)
    stranger = UserFactory(kind="citizen")
    with pytest.raises(PermissionDenied):
        services.dossier_withdraw(dossier=d, user=stranger)


def test_domain_1_10_stop_by_leader(commune, version):
    d = in_process_dossier(commune, version)
    d = services.dossier_stop(dossier=d, user=commune.leader, reasons="Dừng", at=MONDAY)
    assert d.state == State.STOPPED and d.closed_at == MONDAY


# -- roles -------------------------------------------------------------------------------------


def test_roles_user_of_another_commune_cannot_receive(commune, other_commune, version):
    d = counter_dossier(commune, version)
    with pytest.raises(PermissionDenied):
        services.dossier_receive(dossier=d, user=other_commune.receiver, at=MONDAY)
    assert Dossier.objects.get(pk=d.pk).state == State.SUBMITTED


def test_roles_citizen_cannot_receive(commune, version, citizen):
    d = counter_dossier(commune, version)
    with pytest.raises(PermissionDenied):
        services.dossier_receive(dossier=d, user=citizen, at=MONDAY)


@pytest.mark.parametrize(
    ("role_attr", "action"),
    [
        ("specialist", "approve"),
        ("receiver", "approve"),
        ("specialist", "receive"),
        ("specialist", "stop"),
        ("receiver", "reject"),
    ],
    ids=[
        "approve-by-specialist",
        "approve-by-receiver",
        "receive-by-specialist",
        "stop-by-specialist",
        "reject-by-receiver",
    ],
)
def test_roles_wrong_role_is_refused(commune, version, role_attr, action):
    d = (
        counter_dossier(commune, version)
        if action == "receive"
        else in_process_dossier(commune, version)
    )
    user = getattr(commune, role_attr)
    call = {
        "approve": lambda: services.dossier_approve(dossier=d, user=user),
        "receive": lambda: services.dossier_receive(dossier=d, user=user),
        "stop": lambda: services.dossier_stop(dossier=d, user=user, reasons="x"),
        "reject": lambda: services.dossier_reject(dossier=d, user=user, reasons="x"),
    }[action]
    count = d.events.count()
    with pytest.raises(PermissionDenied):
        call()
    assert d.events.count() == count


def test_counter_intake_requires_receiver_role(commune, version):
    with pytest.raises(PermissionDenied):
        counter_dossier(
            Commune(commune.unit, commune.specialist, commune.specialist, commune.leader), version
        )


def test_assign_to_someone_outside_the_unit_is_refused(commune, other_commune, version):
    d = received_dossier(commune, version)
    with pytest.raises(DomainError, match="không phải chuyên viên"):
        services.dossier_assign(dossier=d, user=commune.leader, assignee=other_commune.specialist)


# -- versions, events, side effects -----------------------------------------------------------


def test_optimistic_version_mismatch_raises_concurrent_change(commune, version):
    d = received_dossier(commune, version)
    stale = d.version - 1
    with pytest.raises(ConcurrentChange, match="người khác thay đổi"):
        services.dossier_assign(
            dossier=d, user=commune.leader, assignee=commune.specialist, expected_version=stale
        )
    d = services.dossier_assign(
        dossier=d, user=commune.leader, assignee=commune.specialist, expected_version=d.version
    )
    assert d.state == State.IN_PROCESS


def test_every_action_appends_exactly_one_event_with_consecutive_seq(commune, version):
    d = in_process_dossier(commune, version)
    assert list(d.events.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3]
    assert events(d) == ["submit", "receive", "assign"]
    assert d.version == 3


def test_side_effects_run_only_after_commit(commune, version, django_capture_on_commit_callbacks):
    seen: list[int] = []
    tasks.register(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            d = received_dossier(commune, version)
        assert len(callbacks) == 2
        assert seen == list(d.events.order_by("seq").values_list("pk", flat=True))
    finally:
        tasks.unregister(seen.append)


def test_events_are_append_only(commune, version):
    d = received_dossier(commune, version)
    event = d.events.first()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
    assert DossierEvent.objects.filter(pk=event.pk).exists()


def test_receipt_query_count_is_bounded(commune, version):
    d = counter_dossier(commune, version)
    with CaptureQueriesContext(connection) as ctx:
        services.dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
    assert len(ctx.captured_queries) < 40


def test_membership_added_later_is_seen_by_a_fresh_user_object(commune, version):
    extra = UserFactory()
    MembershipFactory(user=extra, unit=commune.unit, role="receiver")
    d = counter_dossier(commune, version)
    d = services.dossier_receive(dossier=d, user=extra, at=MONDAY)
    assert d.state == State.RECEIVED


def test_art19_2_approval_skips_to_the_hand_over_step(commune, version):
    d = in_process_dossier(commune, version)  # still at step 1 (appraisal)
    d = services.dossier_approve(dossier=d, user=commune.leader, at=local(2025, 3, 11))
    assert d.current_step.order == 3 and d.current_step.role == "receiver"


def test_handover_completes_the_desks_intake_step(commune):
    """Processes published by provinces start with the one-stop desk's step ("Tiếp nhận hồ sơ",
    e.g. 4 working hours; NĐ61 art. 18: the desk hands the dossier over for processing). The
    assignment is that hand-over: the step is complete and the next one starts with its own
    deadline (the first row of the control sheet, Mẫu 06) — it stayed current, then overdue,
    until the desk pressed "complete step" (the demo showed such a dossier overdue)."""
    from tests.factories import ProcedureVersionFactory

    from motcua.catalogue.models import ProcessStep
    from motcua.organisation.constants import Role

    version = ProcedureVersionFactory(with_steps=False)
    for order, (name, role, hours) in enumerate(
        [("Tiếp nhận hồ sơ", Role.RECEIVER, 4), ("Thẩm định", Role.SPECIALIST, 16)], start=1
    ):
        ProcessStep.objects.create(
            version=version,
            order=order,
            name=name,
            role=role,
            allotted_amount=Decimal(hours),
            allotted_unit=LimitUnit.WORKING_HOURS,
        )
    d = received_dossier(commune, version)
    assert d.current_step.name == "Tiếp nhận hồ sơ"
    at = local(2025, 3, 10, 10, 0)
    d = services.dossier_assign(dossier=d, user=commune.leader, assignee=commune.specialist, at=at)
    assert d.current_step.name == "Thẩm định"
    # 16 working hours from Mon 10:00 (7.5-hour days): 5.5 on Monday, 7.5 on Tuesday, 3 on Wed.
    assert d.current_step_due_at == local(2025, 3, 12, 11, 0)
    payload = d.events.get(action="assign").payload
    assert payload["completed_step"] == 1 and payload["completed_on_time"] is True
    assert payload["step"] == 2
    # A second assignment (another specialist) leaves the specialist's step as it is.
    again = services.dossier_assign(
        dossier=d, user=commune.leader, assignee=commune.leader, at=local(2025, 3, 10, 11, 0)
    )
    assert again.current_step.name == "Thẩm định"
    assert "completed_step" not in again.events.order_by("-seq").first().payload
