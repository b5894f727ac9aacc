"""PAKN pages: the public form (throttled, idempotent), the status look-up, published answers
(no sender data), and the staff pages (their units only — another unit's feedback is 404;
reads of the sender's data are logged, NĐ 13/2023 art. 38)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from motcua.core.models import AccessLog
from motcua.feedback import services
from motcua.feedback.constants import SUBMIT_MAX_TRIES, FeedbackTopic
from motcua.feedback.constants import FeedbackState as S
from motcua.feedback.models import Feedback
from motcua.feedback.tests.conftest import login, new_feedback

pytestmark = pytest.mark.django_db


def _form(unit, **extra):
    data = {
        "unit": unit.pk,
        "kind": "kien_nghi",
        "subject": "Đề nghị niêm yết phí",
        "content": "Đề nghị niêm yết mức lệ phí chứng thực tại quầy.",
        "sender_name": "Lê Văn Cường",
        "sender_phone": "0912 345 678",
        "idempotency_key": "abc123",
    }
    data.update(extra)
    return data


def test_public_form_creates_feedback_and_shows_code_and_secret(commune):
    client = Client()
    assert client.get(reverse("feedback:submit")).status_code == 200
    response = client.post(reverse("feedback:submit"), _form(commune.unit))
    f = Feedback.objects.get()
    page = response.content.decode()
    assert response.status_code == 200 and f.code in page and f.lookup_secret in page
    assert f.sender_phone == "0912345678" and f.channel == "portal"
    client.post(reverse("feedback:submit"), _form(commune.unit))  # double click: same key
    assert Feedback.objects.count() == 1


def test_public_form_errors_keep_what_was_typed(commune):
    response = Client().post(reverse("feedback:submit"), _form(commune.unit, sender_phone=""))
    page = response.content.decode()
    assert response.status_code == 200 and "số điện thoại hoặc thư điện tử" in page
    assert "Đề nghị niêm yết phí" in page and not Feedback.objects.exists()


def test_public_form_is_throttled(commune):
    client = Client()
    for i in range(SUBMIT_MAX_TRIES):
        client.post(reverse("feedback:submit"), _form(commune.unit, idempotency_key=f"k{i}"))
    response = client.post(reverse("feedback:submit"), _form(commune.unit, idempotency_key="last"))
    assert response.status_code == 429 and Feedback.objects.count() == SUBMIT_MAX_TRIES


def test_status_lookup_by_code_and_secret(commune):
    f = new_feedback(commune.unit)
    services.feedback_refuse(feedback=f, user=commune.receiver, reason="Không thuộc phạm vi")
    client = Client()
    wrong = client.post(reverse("feedback:lookup"), {"ma": f.code, "secret": "ABCDEFGH"})
    assert "không đúng" in wrong.content.decode()
    page = client.post(
        reverse("feedback:lookup"), {"ma": f.code, "secret": f.lookup_secret}
    ).content.decode()
    assert "Không thuộc phạm vi" in page and commune.receiver.display_name not in page


def test_published_list_shows_answer_not_sender(commune):
    f = new_feedback(commune.unit)
    f = services.feedback_accept(feedback=f, user=commune.receiver, topic="regulation")
    f = services.feedback_assign(feedback=f, user=commune.leader, assignee=commune.specialist)
    f = services.feedback_propose_answer(feedback=f, user=commune.specialist, answer="Đã niêm yết.")
    f = services.feedback_approve_answer(feedback=f, user=commune.leader)
    page = Client().get(reverse("feedback:published")).content.decode()
    assert "Đã niêm yết." not in page  # answered, not published yet
    services.feedback_publish(
        feedback=f, user=commune.leader, public_summary="Niêm yết phí chứng thực"
    )
    page = Client().get(reverse("feedback:published")).content.decode()
    assert "Đã niêm yết." in page and "Niêm yết phí chứng thực" in page
    for secret in (f.sender_name, f.sender_phone, f.sender_email, f.sender_address):
        assert secret not in page


def test_staff_detail_other_unit_is_404_and_reads_are_logged(commune, other_commune):
    f = new_feedback(commune.unit)
    url = reverse("feedback:staff_detail", args=[f.pk])
    assert login(other_commune.leader).get(url).status_code == 404
    response = login(commune.specialist).get(url)
    assert response.status_code == 200 and f.sender_phone in response.content.decode()
    log = AccessLog.objects.get()
    assert log.user == commune.specialist and log.unit == commune.unit and f.code in log.subject


def test_staff_list_shows_own_units_with_deadline_status(commune, other_commune):
    mine = new_feedback(commune.unit)
    theirs = new_feedback(other_commune.unit)
    page = login(commune.receiver).get(reverse("feedback:staff_list")).content.decode()
    assert mine.code in page and theirs.code not in page and "Quá hạn" in page


def test_citizen_gets_403_on_staff_pages(commune, citizen):
    assert login(citizen).get(reverse("feedback:staff_list")).status_code == 403


def test_actions_by_role_through_the_page(commune, other_commune):
    f = new_feedback(commune.unit)
    url = reverse("feedback:staff_action", args=[f.pk, "accept"])
    data = {"version": f.version, "topic": "regulation", "note": ""}
    assert login(other_commune.leader).post(url, data).status_code == 404
    page = login(commune.leader).get(reverse("feedback:staff_detail", args=[f.pk])).content.decode()
    assert reverse("feedback:staff_action", args=[f.pk, "forward"]) in page
    # The classification offers every topic of QĐ 766 indicator 5.1, from FeedbackTopic.
    for value, label in FeedbackTopic.choices:
        assert f'<option value="{value}">{label}</option>' in page
    assert login(commune.receiver).post(url, data).status_code == 302
    f.refresh_from_db()
    assert f.state == S.ACCEPTED
    # the receiver may not assign: 403, nothing changed
    assign = reverse("feedback:staff_action", args=[f.pk, "assign"])
    response = login(commune.receiver).post(
        assign, {"version": f.version, "assignee": commune.specialist.pk}
    )
    assert response.status_code == 403
    login(commune.leader).post(assign, {"version": f.version, "assignee": commune.specialist.pk})
    f.refresh_from_db()
    assert f.state == S.HANDLING and f.assignee == commune.specialist
    # a stale version is refused with a message, nothing changed
    stale = login(commune.specialist).post(
        reverse("feedback:staff_action", args=[f.pk, "propose_answer"]),
        {"version": 1, "answer": "x"},
        follow=True,
    )
    assert "người khác thay đổi" in stale.content.decode()
    f.refresh_from_db()
    assert f.state == S.HANDLING


def test_forward_through_the_page_redirects_to_the_list(commune, other_commune):
    f = new_feedback(commune.unit)
    response = login(commune.leader).post(
        reverse("feedback:staff_action", args=[f.pk, "forward"]),
        {"version": f.version, "to_unit": other_commune.unit.code, "note": "Thẩm quyền xã B"},
    )
    assert response.status_code == 302 and response.url == reverse("feedback:staff_list")
    f.refresh_from_db()
    assert f.unit == other_commune.unit


def test_staff_list_queries_do_not_grow_with_rows(commune, django_assert_max_num_queries):
    for _ in range(15):
        new_feedback(commune.unit)
    client = login(commune.leader)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("feedback:staff_list"))
    assert response.content.decode().count("/phan-anh/quan-ly/") >= 15
