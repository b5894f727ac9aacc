"""The PAKN state machine (data in `workflow.TRANSITIONS`): every change is one transaction and
one appended event; wrong state or role is refused with nothing written; submission is
idempotent by key (Nghị định 20/2008/NĐ-CP: tiếp nhận → phân loại → xử lý → trả lời → công khai)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.calendar.selectors import calendar_for_unit
from motcua.core.errors import ConcurrentChange, DomainError, PermissionDenied
from motcua.feedback import selectors, services
from motcua.feedback.constants import FeedbackState as S
from motcua.feedback.models import Feedback, FeedbackEvent
from motcua.feedback.services import FeedbackInvalid
from motcua.feedback.tests.conftest import MONDAY, VN, new_feedback
from motcua.feedback.workflow import TRANSITIONS, Action

pytestmark = pytest.mark.django_db

LATER = MONDAY + dt.timedelta(hours=2)


def _full_path(commune):
    f = new_feedback(commune.unit)
    f = services.feedback_accept(feedback=f, user=commune.receiver, topic="behaviour", at=LATER)
    f = services.feedback_assign(
        feedback=f, user=commune.leader, assignee=commune.specialist, at=LATER
    )
    f = services.feedback_propose_answer(
        feedback=f, user=commune.specialist, answer="Dự thảo", at=LATER
    )
    f = services.feedback_return_draft(
        feedback=f, user=commune.leader, note="Bổ sung căn cứ", at=LATER
    )
    f = services.feedback_propose_answer(
        feedback=f, user=commune.specialist, answer="Theo Điều 6 NĐ 63/2010 …", at=LATER
    )
    f = services.feedback_approve_answer(feedback=f, user=commune.leader, at=LATER)
    return services.feedback_publish(feedback=f, user=commune.leader, at=LATER)


def test_full_path_one_event_per_change(commune):
    f = _full_path(commune)
    assert f.state == S.PUBLISHED and f.current_due_at is None
    events = list(FeedbackEvent.objects.filter(feedback=f).order_by("seq"))
    assert [e.action for e in events] == [
        Action.SUBMIT,
        Action.ACCEPT,
        Action.ASSIGN,
        Action.PROPOSE_ANSWER,
        Action.RETURN_DRAFT,
        Action.PROPOSE_ANSWER,
        Action.APPROVE_ANSWER,
        Action.PUBLISH,
    ]
    assert [e.seq for e in events] == list(range(1, 9))
    assert f.version == len(events)
    assert [(e.from_state, e.to_state) for e in events][-2:] == [
        (S.ANSWER_PROPOSED, S.ANSWERED),
        (S.ANSWERED, S.PUBLISHED),
    ]
    assert f.topic == "behaviour" and f.public_summary == f.subject
    assert f.publish_due_at == calendar_for_unit(commune.unit).day_end(dt.date(2025, 3, 12))


def test_events_are_append_only(commune):
    event = new_feedback(commune.unit).events.get()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


@pytest.mark.parametrize(
    "action", [a for a in TRANSITIONS if S.RECEIVED not in TRANSITIONS[a].sources]
)
def test_actions_not_allowed_from_received_change_nothing(commune, action):
    f = new_feedback(commune.unit)
    with pytest.raises(DomainError) as exc:
        services.feedback_act(
            feedback=f,
            action=action,
            user=commune.leader,
            data={"note": "x", "answer": "x", "assignee": commune.specialist, "topic": "other"},
        )
    assert not isinstance(exc.value, PermissionDenied)
    f.refresh_from_db()
    assert f.state == S.RECEIVED and f.version == 1 and f.events.count() == 1


ROLE_CASES = [
    ("receiver may classify", Action.ACCEPT, "receiver", True),
    ("specialist may classify", Action.ACCEPT, "specialist", True),
    ("another unit's leader may not", Action.ACCEPT, "other_leader", False),
    ("only the leader assigns", Action.ASSIGN, "specialist", False),
    ("only the leader forwards", Action.FORWARD, "receiver", False),
]


@pytest.mark.parametrize(
    ("action", "who", "allowed"), [c[1:] for c in ROLE_CASES], ids=[c[0] for c in ROLE_CASES]
)
def test_roles(commune, other_commune, action, who, allowed):
    f = new_feedback(commune.unit)
    if action != Action.ACCEPT and action != Action.FORWARD:
        f = services.feedback_accept(feedback=f, user=commune.receiver, topic="other")
    user = other_commune.leader if who == "other_leader" else getattr(commune, who)
    data = {
        "topic": "regulation",
        "note": "lý do",
        "assignee": commune.specialist,
        "to_unit": other_commune.unit,
    }
    if allowed:
        services.feedback_act(feedback=f, action=action, user=user, data=data)
    else:
        version = f.version
        with pytest.raises(PermissionDenied):
            services.feedback_act(feedback=f, action=action, user=user, data=data)
        f.refresh_from_db()
        assert f.version == version


def test_refuse_needs_a_reason_and_the_sender_reads_it(commune):
    f = new_feedback(commune.unit)
    with pytest.raises(DomainError, match="lý do"):
        services.feedback_refuse(feedback=f, user=commune.receiver, reason="  ")
    f = services.feedback_refuse(
        feedback=f,
        user=commune.receiver,
        reason="Nội dung là khiếu nại, hướng dẫn gửi theo Luật Khiếu nại.",
    )
    assert f.state == S.REFUSED and f.current_due_at is None
    status = selectors.feedback_status(f)
    assert "Luật Khiếu nại" in status.refusal_reason
    assert any("Luật Khiếu nại" in h.note for h in status.history)


def test_forward_moves_unit_and_restarts_deadlines(commune, other_commune):
    f = new_feedback(commune.unit)
    at = dt.datetime(2025, 3, 11, 10, tzinfo=VN)
    f = services.feedback_forward(
        feedback=f,
        user=commune.leader,
        to_unit=other_commune.unit,
        note="Thuộc thẩm quyền xã B",
        at=at,
    )
    assert f.unit == other_commune.unit and f.received_unit == commune.unit
    assert f.state == S.RECEIVED and f.unit_received_at == at
    cal = calendar_for_unit(other_commune.unit)
    assert f.classify_due_at == cal.day_end(dt.date(2025, 3, 13))
    # the old unit no longer reads it; the new unit does
    assert not selectors.feedback_for_user(commune.leader).filter(pk=f.pk).exists()
    assert selectors.feedback_for_user(other_commune.receiver).filter(pk=f.pk).exists()
    with pytest.raises(DomainError):
        services.feedback_forward(
            feedback=f, user=other_commune.leader, to_unit=other_commune.unit, note="x"
        )


def test_only_the_assignee_drafts_the_answer(commune):
    second = type(commune.specialist).objects.create(username="sp2", kind=commune.specialist.kind)
    from tests.factories import MembershipFactory

    MembershipFactory(user=second, unit=commune.unit, role="specialist")
    f = services.feedback_accept(
        feedback=new_feedback(commune.unit), user=commune.receiver, topic="other"
    )
    f = services.feedback_assign(feedback=f, user=commune.leader, assignee=commune.specialist)
    with pytest.raises(PermissionDenied):
        services.feedback_propose_answer(feedback=f, user=second, answer="x")


def test_assignee_must_belong_to_the_unit(commune, other_commune):
    f = services.feedback_accept(
        feedback=new_feedback(commune.unit), user=commune.receiver, topic="other"
    )
    with pytest.raises(DomainError, match="chuyên viên"):
        services.feedback_assign(feedback=f, user=commune.leader, assignee=other_commune.specialist)


def test_request_info_keeps_state_and_first_time(commune):
    f = services.feedback_accept(
        feedback=new_feedback(commune.unit), user=commune.receiver, topic="other"
    )
    first = dt.datetime(2025, 3, 12, 9, tzinfo=VN)
    f = services.feedback_request_info(
        feedback=f, user=commune.specialist, note="Số hồ sơ?", at=first
    )
    f = services.feedback_request_info(
        feedback=f, user=commune.specialist, note="Nhắc lại", at=first + dt.timedelta(days=1)
    )
    assert f.state == S.ACCEPTED and f.info_requested_at == first and f.events.count() == 4


def test_expected_version_mismatch_is_a_conflict(commune):
    f = new_feedback(commune.unit)
    with pytest.raises(ConcurrentChange):
        services.feedback_accept(
            feedback=f, user=commune.receiver, topic="other", expected_version=0
        )
    assert Feedback.objects.get(pk=f.pk).version == 1


# --- submission -------------------------------------------------------------------------------


def test_idempotent_submission(commune):
    first = new_feedback(commune.unit, idempotency_key="k-1")
    again = new_feedback(commune.unit, idempotency_key="k-1")
    assert again.pk == first.pk and Feedback.objects.count() == 1
    with pytest.raises(DomainError) as exc:
        new_feedback(commune.unit, idempotency_key="k-1", subject="Nội dung khác")
    assert exc.value.code == "idempotency_conflict"
    new_feedback(commune.unit, idempotency_key="k-2")
    assert Feedback.objects.count() == 2


def test_code_and_secret(commune):
    f = new_feedback(commune.unit)
    assert f.code == f"PAKN-250310-{f.pk:06d}"
    assert len(f.lookup_secret) == 8
    assert selectors.feedback_lookup(code=f.code.lower(), secret=f.lookup_secret.lower()) == f
    assert selectors.feedback_lookup(code=f.code, secret="SAI12345") is None


SUBMIT_ERRORS = [
    ("no contact", {"sender_phone": "", "sender_email": ""}, "sender_phone"),
    ("no name", {"sender_name": " "}, "sender_name"),
    ("bad phone", {"sender_phone": "12ab"}, "sender_phone"),
    ("bad email", {"sender_email": "khong-hop-le"}, "sender_email"),
    ("empty content", {"content": ""}, "content"),
    ("bad kind", {"kind": "khieu_nai"}, "kind"),
]


@pytest.mark.parametrize(
    ("changes", "field"), [c[1:] for c in SUBMIT_ERRORS], ids=[c[0] for c in SUBMIT_ERRORS]
)
def test_submission_errors_name_the_field(commune, changes, field):
    with pytest.raises(FeedbackInvalid) as exc:
        new_feedback(commune.unit, **changes)
    assert field in [name for name, _ in exc.value.errors]
    assert Feedback.objects.count() == 0


def test_anonymous_with_phone_only_is_accepted(commune):
    f = new_feedback(commune.unit, sender_email="", sender_address="")
    assert f.sender_user is None and f.state == S.RECEIVED


def test_queue_overdue_first(commune):
    late = new_feedback(commune.unit, at=dt.datetime(2025, 3, 3, 9, tzinfo=VN))
    fresh = new_feedback(commune.unit, at=dt.datetime(2025, 3, 10, 9, tzinfo=VN))
    done = services.feedback_refuse(
        feedback=new_feedback(commune.unit), user=commune.receiver, reason="x"
    )
    rows = selectors.feedback_queue(commune.leader)
    assert [f.pk for f in rows] == [late.pk, fresh.pk]
    assert [f.pk for f in selectors.feedback_queue(commune.leader, only_open=False)] == [
        late.pk,
        fresh.pk,
        done.pk,
    ]
    statuses = selectors.with_status(rows, now=dt.datetime(2025, 3, 10, 10, tzinfo=VN))
    assert [r.status for r in statuses] == ["overdue", "on_track"]


def test_summary_for_evaluation(commune):
    """QĐ 766 indicators 5.1 and 5.2 (DOMAIN.md §4.2)."""
    _full_path(commune)  # classified, answered and published on Monday: on time
    late = new_feedback(commune.unit)
    services.feedback_refuse(
        feedback=late, user=commune.receiver, reason="x", at=dt.datetime(2025, 3, 20, 9, tzinfo=VN)
    )
    new_feedback(commune.unit)  # still open
    summary = selectors.feedback_summary(
        [commune.unit.pk], dt.date(2025, 3, 1), dt.date(2025, 3, 31)
    )
    assert (summary.received, summary.regulation_or_behaviour) == (3, 1)
    assert (summary.finished, summary.finished_on_time, summary.on_time_ratio) == (2, 1, 50.0)


def test_sender_is_told_after_commit_once(commune, django_capture_on_commit_callbacks):
    from django.core import mail

    from motcua.feedback.tasks import notify_sender

    f = services.feedback_accept(
        feedback=new_feedback(commune.unit), user=commune.receiver, topic="other"
    )
    f = services.feedback_assign(feedback=f, user=commune.leader, assignee=commune.specialist)
    f = services.feedback_propose_answer(
        feedback=f, user=commune.specialist, answer="Đã chấn chỉnh cán bộ."
    )
    assert mail.outbox == []  # internal steps tell nobody
    with django_capture_on_commit_callbacks(execute=True):
        f = services.feedback_approve_answer(feedback=f, user=commune.leader)
    assert [m.to for m in mail.outbox] == [["cuong@example.vn"]]
    assert "Đã chấn chỉnh cán bộ." in mail.outbox[0].body and f.code in mail.outbox[0].body
    assert notify_sender(f.pk) == 0 and len(mail.outbox) == 1


def test_refusal_by_sms_when_only_a_phone(commune, django_capture_on_commit_callbacks):
    from motcua.portal.notify import LoggingSmsBackend

    LoggingSmsBackend.outbox.clear()
    f = new_feedback(commune.unit, sender_email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_refuse(feedback=f, user=commune.receiver, reason="Là khiếu nại")
    assert [(phone, "Là khiếu nại" in text) for phone, text in LoggingSmsBackend.outbox] == [
        ("0912345678", True)
    ]
