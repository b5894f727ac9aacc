"""The whole life of a counter dossier driven through HTTP (NĐ 61/2018/NĐ-CP arts. 17–20):
intake → receipt (Mẫu 01) → assignment → steps → liên thông to the district and back →
supplement after review (Mẫu 02) → complete supplement → approval → return of the result."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from tests.factories import UserFactory

from motcua.backoffice.tests.helpers import VALID_ID, act, client_for, intake_data
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier

PASSWORD = "mat-khau-thu-nghiem"


def test_counter_dossier_whole_path_over_http_nd61_arts_17_to_20(world):
    # -- the receiver logs in through the login form -----------------------------------------
    receiver = Client()
    login = receiver.post("/dang-nhap/", {"username": "tiepnhan", "password": PASSWORD})
    assert login.status_code == 302
    home = receiver.get("/")
    assert "Tiếp nhận hồ sơ mới" in home.content.decode()

    # -- counter intake: accent-insensitive search, checklist by htmx (art. 17(1)) ------------
    page = receiver.get("/tiep-nhan/moi/").content.decode()
    assert "Tiếp nhận (Mẫu 01)" in page and "Alt+1" in page
    found = receiver.get("/tiep-nhan/thu-tuc/", {"q": "dang ky KHAI sinh"}, HTTP_HX_REQUEST="true")
    assert "Đăng ký khai sinh thử nghiệm" in found.content.decode()
    checklist = receiver.get("/tiep-nhan/thanh-phan/", {"procedure": world["procedure"].pk})
    assert "Tờ khai theo mẫu" in checklist.content.decode()

    response = receiver.post("/tiep-nhan/moi/", intake_data(world))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.state == State.RECEIVED and dossier.code and dossier.lookup_secret
    assert response["Location"] == f"/ho-so/{dossier.pk}/?in=receipt"

    page = receiver.get(response["Location"]).content.decode()
    assert dossier.code in page and "Đã tiếp nhận" in page
    assert "••••••••4567" in page and VALID_ID not in page  # DOMAIN §10.1 masking
    assert "In Mẫu 01" in page
    revealed = receiver.post(f"/ho-so/{dossier.pk}/dinh-danh/", HTTP_HX_REQUEST="true")
    assert VALID_ID in revealed.content.decode()

    # -- Mẫu 01 prints with the code, the QR (look-up URL without the secret), the secret ----
    receipt = receiver.get(f"/ho-so/{dossier.pk}/in/giay-tiep-nhan/").content.decode()
    assert "Mẫu số 01" in receipt and "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt
    assert (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in receipt and "Độc lập - Tự do - Hạnh phúc" in receipt
    )
    assert dossier.code in receipt and "<svg" in receipt
    assert "Mã tra cứu" in receipt and dossier.lookup_secret in receipt
    svg = re.search(r"<svg.*?</svg>", receipt, re.S)
    assert svg is not None
    assert f"/tra-cuu/?ma={dossier.code}" in svg.group(0)
    assert dossier.lookup_secret not in svg.group(0)

    # -- another commune sees nothing --------------------------------------------------------
    stranger = client_for(world["stranger"])
    assert stranger.get(f"/ho-so/{dossier.pk}/").status_code == 404
    assert stranger.get(f"/ho-so/{dossier.pk}/in/giay-tiep-nhan/").status_code == 404
    assert act(stranger, dossier, "assign", assignee=world["stranger"].pk).status_code == 404
    year = dossier.ledger_year
    assert stranger.get(f"/so-theo-doi/{world['commune'].pk}/{year}/").status_code == 404

    # -- the leader assigns, the specialist appraises (art. 18, 19(1)) -----------------------
    leader, specialist = client_for(world["leader"]), client_for(world["specialist"])
    page = leader.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "Chuyển, phân công xử lý" in page and "Trả kết quả" not in page.split("Thao tác")[-1]
    response = act(leader, dossier, "assign", assignee=world["specialist"].pk, note="Thẩm định")
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS and dossier.assignee == world["specialist"]
    assert "Đã chuyển, phân công xử lý" in response.content.decode()

    response = act(specialist, dossier, "step_complete", note="Hồ sơ hợp lệ")
    dossier.refresh_from_db()
    assert dossier.current_step.order == 2
    assert "Phê duyệt kết quả" in response.content.decode()

    # -- liên thông to the district, whose staff returns it (art. 19(7)) ----------------------
    response = act(
        specialist,
        dossier,
        "transfer_send",
        to_unit=world["district"].pk,
        content="Đề nghị xác nhận",
        amount="2",
    )
    dossier.refresh_from_db()
    assert dossier.state == State.CONSULTING and dossier.current_unit == world["district"]
    assert "Huyện Thử Nghiệm" in response.content.decode()
    district = client_for(world["district_staff"])
    page = district.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "Trả kết quả liên thông" in page
    act(district, dossier, "transfer_return", answer="Đã xác nhận")
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS and dossier.current_unit == world["commune"]

    # -- supplement after review, Mẫu 02 (art. 19(4)), then complete -------------------------
    response = act(specialist, dossier, "request_supplement", reasons="Thiếu bản sao giấy tờ")
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT_AFTER_REVIEW
    assert "Chờ bổ sung sau thẩm định" in response.content.decode()
    form02 = specialist.get(f"/ho-so/{dossier.pk}/in/phieu-bo-sung/").content.decode()
    assert "Mẫu số 02" in form02 and "Thiếu bản sao giấy tờ" in form02
    components = [c.component_id for c in dossier.components.all()]
    response = act(
        client_for(world["receiver"]), dossier, "supplement_complete", components=components
    )
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS and dossier.current_step.order == 1

    # -- steps, approval (art. 19(1)-(2)) and return (art. 20) --------------------------------
    act(specialist, dossier, "step_complete")
    response = act(leader, dossier, "approve", note="Đồng ý")
    dossier.refresh_from_db()
    assert dossier.state == State.RESULT_READY and dossier.finished_at is not None
    assert "Đã có kết quả, chờ trả" in response.content.decode()

    response = act(receiver, dossier, "return_result", recipient_name="Trần Thị Bình")
    dossier.refresh_from_db()
    assert dossier.state == State.RETURNED
    page = response.content.decode()
    assert "Đã trả kết quả" in page and "Trả kết quả" in page
    assert '<details class="card action"' not in page  # a closed dossier offers no action

    # -- the control sheet and the tracking ledger list it -----------------------------------
    sheet = receiver.get(f"/ho-so/{dossier.pk}/in/phieu-kiem-soat/").content.decode()
    assert "Mẫu số 0" in sheet and "THỜI GIAN GIAO, NHẬN HỒ SƠ" in sheet
    assert "Huyện Thử Nghiệm" in sheet
    ledger = receiver.get(f"/so-theo-doi/{world['commune'].pk}/{year}/").content.decode()
    assert dossier.code in ledger and "SỔ THEO DÕI HỒ SƠ" in ledger


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12345", "Số định danh cá nhân phải gồm đúng 12 chữ số."),
        ("123456789", "Số CMND 9 số không còn giá trị từ 01/01/2025"),
        ("003203004567", "Mã tỉnh “003”"),
    ],
    ids=["dom-10-2-twelve-digits", "luat-can-cuoc-2023-cmnd", "dom-10-2-province-code"],
)
def test_invalid_cccd_is_shown_inline_and_nothing_is_saved(world, value, message):
    receiver = client_for(world["receiver"])
    response = receiver.post("/tiep-nhan/moi/", intake_data(world, applicant_id_number=value))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'value="Trần Thị Bình"' in page  # the form keeps what was typed
    assert not Dossier.objects.exists()


def test_missing_required_component_refuses_receipt_and_saves_nothing_nd61_17_1(world):
    receiver = client_for(world["receiver"])
    first = world["version"].components.order_by("order").first()
    response = receiver.post("/tiep-nhan/moi/", intake_data(world, components=[first.pk]))
    assert response.status_code == 400
    assert "Hồ sơ còn thiếu thành phần bắt buộc" in response.content.decode()
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("decision", "state", "slug", "number"),
    [
        ("supplement", State.INTAKE_SUPPLEMENT, "phieu-bo-sung", "02"),
        ("refuse", State.INTAKE_REFUSED, "phieu-tu-choi", "03"),
    ],
    ids=["nd61-art17-1-a-mau02", "nd61-art17-1-b-mau03"],
)
def test_intake_supplement_or_refusal_prints_its_form(world, decision, state, slug, number):
    receiver = client_for(world["receiver"])
    missing = intake_data(world, decision=decision, note="")
    response = receiver.post("/tiep-nhan/moi/", missing)
    assert response.status_code == 400 and "Vui lòng nêu rõ lý do" in response.content.decode()
    assert not Dossier.objects.exists()
    response = receiver.post(
        "/tiep-nhan/moi/", intake_data(world, decision=decision, note="Thiếu tờ khai có chữ ký")
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.state == state and dossier.code is None
    printed = receiver.get(f"/ho-so/{dossier.pk}/in/{slug}/").content.decode()
    assert f"Mẫu số {number}" in printed and "Thiếu tờ khai có chữ ký" in printed
    assert receiver.get(f"/ho-so/{dossier.pk}/in/giay-tiep-nhan/").status_code == 404


def test_stale_expected_version_shows_conflict_and_changes_nothing(world):
    receiver = client_for(world["receiver"])
    receiver.post("/tiep-nhan/moi/", intake_data(world))
    dossier = Dossier.objects.get()
    stale = dossier.version
    leader = client_for(world["leader"])
    act(leader, dossier, "assign", assignee=world["specialist"].pk)
    response = leader.post(
        f"/ho-so/{dossier.pk}/thao-tac/step_complete/",
        {"expected_version": stale, "note": "x"},
    )
    assert response.status_code == 409
    assert "Hồ sơ vừa được người khác thay đổi" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.current_step.order == 1
    # a stale page offering an action that no longer applies gets the same message, not 403
    response = client_for(world["receiver"]).post(
        f"/ho-so/{dossier.pk}/thao-tac/intake_refuse/",
        {"expected_version": stale - 1, "reasons": "x"},
    )
    assert response.status_code == 409
    assert "Hồ sơ vừa được người khác thay đổi" in response.content.decode()


def test_domain_error_is_shown_and_form_kept(world):
    """The specialist may not approve (art. 19: the leader signs): the action is not offered
    and a forged POST is refused without any change."""
    receiver = client_for(world["receiver"])
    receiver.post("/tiep-nhan/moi/", intake_data(world))
    dossier = Dossier.objects.get()
    specialist = client_for(world["specialist"])
    response = act(specialist, dossier, "approve")
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.state == State.RECEIVED


def test_citizen_account_cannot_open_the_back_office(world):
    citizen = UserFactory(kind="citizen")
    assert client_for(citizen).get("/").status_code == 403
