"""Online submission (NĐ61 art. 16(3), 17(2)): e-form, uploads, declaration, drafts and the
idempotency key; state changes only through `dossiers.services.dossier_submit_online`."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.catalogue.constants import OnlineLevel
from motcua.dossiers.constants import Channel, State
from motcua.dossiers.models import Dossier
from motcua.portal.constants import SubmissionState
from motcua.portal.models import Submission, Upload
from motcua.portal.tests.conftest import VALID_FORM, login, pdf, png, submitted

URL = "/cong-dan/thu-tuc/LOCAL-HT-01/nop/"


def form_key(client) -> str:
    html = client.get(URL).content.decode()
    match = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html)
    assert match, "the form carries a hidden idempotency key"
    return match.group(1)


def payload(commune, birth, key, **extra):
    components = list(birth.components.order_by("order"))
    data = {
        "idempotency_key": key,
        "unit": str(commune.unit.pk),
        "applicant_name": "Trần Thị Bình",
        "applicant_phone": "0912345678",
        **VALID_FORM,
        "declaration": "on",
        "action": "submit",
        f"file_{components[0].pk}": pdf(),
        f"file_{components[1].pk}": png("cccd.pdf"),
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_form_renders_eform_fields_in_order_with_vietnamese_titles(commune, birth, citizen):
    html = login(citizen).get(URL).content.decode()
    positions = [html.index(t) for t in ["Họ, chữ đệm, tên của trẻ", "Ngày, tháng, năm sinh",
                                          "Giới tính", "Con thứ mấy"]]  # fmt: skip
    assert positions == sorted(positions)
    assert 'name="f_gioi_tinh"' in html and "<option>Nữ</option>" in html
    assert "Tôi cam đoan" in html and 'type="file"' in html


def test_submit_creates_one_online_dossier_through_the_service(commune, birth, citizen):
    client = login(citizen)
    key = form_key(client)
    response = client.post(URL, payload(commune, birth, key))
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cong-dan/ho-so/{dossier.pk}/"
    assert dossier.state == State.SUBMITTED and dossier.channel == Channel.ONLINE
    assert dossier.applicant == citizen
    assert dossier.data["ngay_sinh"] == "2025-09-05" and dossier.data["so_con"] == 1
    event = dossier.events.get()
    assert event.action == "submit" and event.payload["idempotency_key"] == key
    assert event.payload["missing"] == []  # both components uploaded
    assert set(Upload.objects.values_list("dossier_id", flat=True)) == {dossier.pk}
    submission = Submission.objects.get(idempotency_key=key)
    assert submission.dossier == dossier and submission.state == SubmissionState.SUBMITTED


def test_double_submit_creates_one_dossier(commune, birth, citizen):
    client = login(citizen)
    key = form_key(client)
    first = client.post(URL, payload(commune, birth, key))
    second = client.post(URL, payload(commune, birth, key))  # double tap / retry
    assert Dossier.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert Upload.objects.filter(dossier__isnull=True).count() == 0


def test_draft_saved_without_validation_and_resumed(commune, birth, citizen):
    client = login(citizen)
    key = form_key(client)
    components = list(birth.components.order_by("order"))
    response = client.post(
        URL,
        {
            "idempotency_key": key,
            "unit": str(commune.unit.pk),
            "f_ho_ten_tre": "Nguyễn Minh An",
            "f_ngay_sinh": "ngày mai",  # invalid, but a draft may be incomplete
            "action": "save",
            f"file_{components[0].pk}": pdf(),
        },
    )
    assert response.status_code == 302 and f"?nhap={key}" in response["Location"]
    assert not Dossier.objects.exists()
    draft = Submission.objects.get(idempotency_key=key)
    assert draft.state == SubmissionState.DRAFT and draft.data["ho_ten_tre"] == "Nguyễn Minh An"
    assert draft.uploads.count() == 1
    html = client.get(response["Location"]).content.decode()
    assert 'value="Nguyễn Minh An"' in html and 'value="ngày mai"' in html
    assert "đã tải lên" in html
    assert "Đăng ký khai sinh" in client.get("/cong-dan/ho-so/").content.decode()
    # Finish later: the file uploaded with the draft counts, only the other one is added.
    final = payload(commune, birth, key, **{f"file_{components[0].pk}": None})
    assert client.post(URL, final).status_code == 302
    assert Dossier.objects.get().events.get().payload["missing"] == []


def test_eform_errors_are_shown_in_vietnamese_and_nothing_is_submitted(commune, birth, citizen):
    client = login(citizen)
    key = form_key(client)
    response = client.post(
        URL,
        payload(
            commune,
            birth,
            key,
            f_ho_ten_tre="",
            f_ngay_sinh="31/02/2025",
            f_so_dinh_danh_nguoi_yeu_cau="123",
            declaration=None,
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng nhập “Họ, chữ đệm, tên của trẻ”." in html
    assert "phải là một ngày hợp lệ" in html
    assert "không đúng định dạng" in html
    assert "Vui lòng đánh dấu cam đoan" in html
    assert not Dossier.objects.exists()
    assert Submission.objects.get().uploads.count() == 2  # files kept for the next try


def test_full_online_requires_each_required_component(commune, birth, citizen):
    client = login(citizen)
    key = form_key(client)
    first = birth.components.order_by("order").first()
    html = client.post(
        URL, payload(commune, birth, key, **{f"file_{first.pk}": None})
    ).content.decode()
    assert "Vui lòng tải lên: Tờ khai theo mẫu." in html
    assert not Dossier.objects.exists()


def test_bad_file_refused_with_message(commune, birth, citizen):
    client = login(citizen)
    key = form_key(client)
    first = birth.components.order_by("order").first()
    fake = SimpleUploadedFile("to-khai.pdf", b"chi la chu", content_type="application/pdf")
    html = client.post(URL, payload(commune, birth, key, **{f"file_{first.pk}": fake}))
    assert html.status_code == 400
    assert "không phải PDF, JPEG hoặc PNG" in html.content.decode()
    assert not Dossier.objects.exists()


def test_procedure_not_online_cannot_be_submitted(commune, birth, citizen):
    birth.online_level = OnlineLevel.NONE
    birth.save()
    response = login(citizen).get(URL)
    assert response.status_code == 302 and response["Location"] == "/cong-dan/thu-tuc/LOCAL-HT-01/"


def test_anonymous_and_staff_cannot_submit(commune, birth):
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and "/cong-dan/dang-nhap/" in anonymous["Location"]
    assert login(commune.receiver).get(URL).status_code == 403


def test_another_citizens_form_key_is_refused(commune, birth, citizen, other_citizen):
    client = login(citizen)
    key = form_key(client)
    client.post(URL, payload(commune, birth, key, action="save"))
    response = login(other_citizen).post(URL, payload(commune, birth, key))
    assert response.status_code == 302
    assert not Dossier.objects.exists()
    assert Submission.objects.get().user == citizen


def test_citizen_never_sees_another_citizens_dossier(commune, birth, citizen, other_citizen):
    mine = submitted(commune, birth, citizen)
    theirs = submitted(commune, birth, other_citizen)
    client = login(citizen)
    assert client.get(f"/cong-dan/ho-so/{mine.pk}/").status_code == 200
    assert client.get(f"/cong-dan/ho-so/{theirs.pk}/").status_code == 404
    listing = client.get("/cong-dan/ho-so/").content.decode()
    assert f"/cong-dan/ho-so/{mine.pk}/" in listing
    assert f"/cong-dan/ho-so/{theirs.pk}/" not in listing
    for action in ("rut", "bo-sung"):
        assert client.post(f"/cong-dan/ho-so/{theirs.pk}/{action}/").status_code == 404


def test_partial_online_accepts_submission_without_files(commune, birth, citizen):
    birth.online_level = OnlineLevel.PARTIAL
    birth.save()
    client = login(citizen)
    key = form_key(client)
    components = list(birth.components.order_by("order"))
    data = payload(
        commune, birth, key, **{f"file_{components[0].pk}": None, f"file_{components[1].pk}": None}
    )
    assert client.post(URL, data).status_code == 302
    event = Dossier.objects.get().events.get()
    assert event.payload["missing"] == ["Tờ khai theo mẫu", "Giấy tờ tùy thân"]
