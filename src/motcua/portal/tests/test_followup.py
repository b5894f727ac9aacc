"""After submission: respond to a supplement request and withdraw, through HTTP
(NĐ61 art. 17(2)(a), 19(4); DOMAIN.md §1.10)."""

from __future__ import annotations

from motcua.dossiers.constants import State
from motcua.dossiers.services import dossier_intake_request_supplement, dossier_request_supplement
from motcua.portal.models import Upload
from motcua.portal.tests.conftest import in_process, login, png, submitted


def test_art17_2_a_intake_supplement_answered_online_resubmits(commune, birth, citizen):
    d = submitted(commune, birth, citizen)
    d = dossier_intake_request_supplement(
        dossier=d, user=commune.receiver, reasons=["Ảnh giấy chứng sinh bị mờ"]
    )
    client = login(citizen)
    page = client.get(f"/cong-dan/ho-so/{d.pk}/").content.decode()
    assert "Ảnh giấy chứng sinh bị mờ" in page and "Gửi bổ sung" in page
    second = birth.components.order_by("order").last()
    response = client.post(
        f"/cong-dan/ho-so/{d.pk}/bo-sung/",
        {"version": str(d.version), f"file_{second.pk}": png("giay-chung-sinh.jpg")},
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == State.SUBMITTED
    assert d.events.order_by("-seq").first().payload == {"resubmission": True}
    upload = Upload.objects.get(dossier=d)
    assert upload.purpose == "supplement" and upload.component == second
    assert upload.content_type == "image/png"


def test_art19_4_supplement_after_review_attaches_files_for_the_officer(commune, birth, citizen):
    d = in_process(commune, birth, citizen)
    d = dossier_request_supplement(dossier=d, user=commune.specialist, reasons="Giấy ủy quyền")
    client = login(citizen)
    response = client.post(f"/cong-dan/ho-so/{d.pk}/bo-sung/", {"file_other": png()})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == State.SUPPLEMENT_AFTER_REVIEW  # the officer records completeness
    assert Upload.objects.filter(dossier=d, purpose="supplement").count() == 1
    assert (
        login(commune.receiver).get(f"/cong-dan/tep/{Upload.objects.get().pk}/").status_code == 200
    )


def test_supplement_without_request_is_refused(commune, birth, citizen):
    d = submitted(commune, birth, citizen)
    client = login(citizen)
    response = client.post(f"/cong-dan/ho-so/{d.pk}/bo-sung/", {"file_other": png()}, follow=True)
    assert "không có yêu cầu bổ sung" in response.content.decode()
    assert not Upload.objects.exists()


def test_withdraw_through_http(commune, birth, citizen):
    d = submitted(commune, birth, citizen)
    client = login(citizen)
    refused = client.post(f"/cong-dan/ho-so/{d.pk}/rut/", {"reason": "Nộp nhầm"}, follow=True)
    assert "Vui lòng đánh dấu xác nhận" in refused.content.decode()
    d.refresh_from_db()
    assert d.state == State.SUBMITTED
    response = client.post(
        f"/cong-dan/ho-so/{d.pk}/rut/",
        {"reason": "Nộp nhầm thủ tục", "confirm": "on", "version": str(d.version)},
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == State.WITHDRAWN and d.closed_at is not None
    event = d.events.order_by("-seq").first()
    assert (
        event.action == "withdraw" and event.actor == citizen and event.note == "Nộp nhầm thủ tục"
    )
    page = client.get(f"/cong-dan/ho-so/{d.pk}/").content.decode()
    assert "Đã rút hồ sơ theo yêu cầu" in page and "Rút hồ sơ</button>" not in page


def test_withdraw_with_stale_version_is_refused(commune, birth, citizen):
    d = submitted(commune, birth, citizen)
    client = login(citizen)
    response = client.post(
        f"/cong-dan/ho-so/{d.pk}/rut/",
        {"confirm": "on", "version": str(d.version - 1)},
        follow=True,
    )
    assert "vừa được người khác thay đổi" in response.content.decode()
    d.refresh_from_db()
    assert d.state == State.SUBMITTED
