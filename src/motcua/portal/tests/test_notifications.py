"""The applicant is told by SMS and e-mail of every change that concerns them, after the
commit, once (NĐ61 art. 20: notify in advance by SMS/e-mail; TT 22/2019 art. 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from motcua.dossiers import services as dos
from motcua.dossiers import tasks
from motcua.dossiers.models import Dossier
from motcua.portal.models import Notification
from motcua.portal.notifications import on_dossier_event, send_event_notification
from motcua.portal.notify import LoggingSmsBackend
from motcua.portal.tests.conftest import in_process, submitted


def _with_email(d: Dossier) -> Dossier:
    Dossier.objects.filter(pk=d.pk).update(applicant_email="binh@example.vn")
    d.refresh_from_db()
    return d


def test_hook_is_registered_on_the_dossier_services():
    assert on_dossier_event in tasks.HOOKS


@pytest.mark.parametrize(
    ("act", "expected"),
    [
        (
            lambda c, d: dos.dossier_intake_request_supplement(
                dossier=d, user=c.receiver, reasons=["Ảnh giấy chứng sinh bị mờ"]
            ),
            ["cần bổ sung", "Ảnh giấy chứng sinh bị mờ"],
        ),
        (
            lambda c, d: dos.dossier_intake_refuse(
                dossier=d, user=c.receiver, reasons=["Không thuộc thẩm quyền"]
            ),
            ["không được tiếp nhận", "Không thuộc thẩm quyền"],
        ),
    ],
    ids=["supplement-art17-2-a", "refusal-art17-2-b"],
)
def test_intake_decisions_are_sent_by_sms_and_email(
    commune, birth, citizen, django_capture_on_commit_callbacks, act, expected
):
    d = _with_email(submitted(commune, birth, citizen))
    LoggingSmsBackend.outbox.clear()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(commune, d)
    assert [phone for phone, _t in LoggingSmsBackend.outbox] == ["0912345678"]
    text = LoggingSmsBackend.outbox[0][1]
    for words in expected:
        assert words in text
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["binh@example.vn"]
    assert mail.outbox[0].body == text


def test_apology_result_and_repeat_are_sent_once(
    commune, birth, citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        d = in_process(commune, birth, citizen)
    assert any("đã được tiếp nhận" in t for _p, t in LoggingSmsBackend.outbox)
    LoggingSmsBackend.outbox.clear()
    new_due = (d.due_at or timezone.now()) + dt.timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        d = dos.dossier_apologise(
            dossier=d, user=commune.leader, reason="Chờ xác minh", new_due_at=new_due
        )
    text = LoggingSmsBackend.outbox[-1][1]
    assert "xin lỗi" in text
    assert timezone.localtime(d.extended_due_at).strftime("%d/%m/%Y") in text
    # The hook may be re-run (a retried task): nothing is sent twice.
    event = d.events.order_by("-seq").first()
    assert send_event_notification(event.pk) == 0
    assert Notification.objects.filter(event_id=event.pk, sent=1).exists()
    assert len(LoggingSmsBackend.outbox) == 1


def test_result_ready_is_sent(commune, birth, citizen, django_capture_on_commit_callbacks):
    d = in_process(commune, birth, citizen)
    LoggingSmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for step in range(3):
            d.refresh_from_db()
            if d.current_step and d.current_step.role == "leader":
                break
            d = dos.dossier_step_complete(
                dossier=d, user=commune.specialist if step == 0 else commune.leader
            )
        d = dos.dossier_approve(dossier=d, user=commune.leader)
    texts = [t for _p, t in LoggingSmsBackend.outbox]
    assert any("Đã có kết quả" in t and commune.unit.name in t for t in texts), texts


def test_back_dated_events_and_internal_steps_are_not_sent(
    commune, birth, citizen, django_capture_on_commit_callbacks
):
    old = timezone.now() - dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        d = submitted(commune, birth, citizen, at=old)
        dos.dossier_receive(dossier=d, user=commune.receiver, at=old)
    assert LoggingSmsBackend.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        d = in_process(commune, birth, citizen)  # submit, receive, assign
    sent = [t for _p, t in LoggingSmsBackend.outbox]
    assert len(sent) == 1 and "đã được tiếp nhận" in sent[0]  # not the assignment
