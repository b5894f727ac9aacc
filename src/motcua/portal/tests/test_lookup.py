"""Public look-up by dossier code + the secret printed on the receipt (NĐ61 art. 17(3);
TT 22/2019 art. 4 status display; DOMAIN.md §10 minimal personal data)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from motcua.dossiers import services as dos
from motcua.dossiers.models import DossierEvent
from motcua.portal.constants import LOOKUP_MAX_TRIES
from motcua.portal.selectors import mask_name
from motcua.portal.tests.conftest import MONDAY, in_process, received, submitted


def post(client: Client, code: str, secret: str, ip: str = "10.0.0.1"):
    return client.post("/tra-cuu/", {"ma": code, "secret": secret}, REMOTE_ADDR=ip)


def test_qr_target_prefills_code_and_asks_for_secret(commune, birth, citizen):
    d = received(commune, birth, citizen)
    response = Client().get("/tra-cuu/", {"ma": d.code})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{d.code}"' in html and 'name="secret"' in html
    # The code alone reveals nothing: no state, no name, no procedure.
    assert "Đăng ký khai sinh" not in html and "T*** T** B***" not in html
    assert "Đã tiếp nhận" not in html


def test_code_with_wrong_secret_gives_no_data(commune, birth, citizen):
    d = received(commune, birth, citizen)
    wrong = "222222" if d.lookup_secret != "222222" else "333333"
    html = post(Client(), d.code, wrong).content.decode()
    assert "không đúng" in html
    assert "Đăng ký khai sinh" not in html


def test_code_and_secret_show_plain_state_date_and_masked_name(commune, birth, citizen):
    d = received(commune, birth, citizen)
    response = post(Client(), d.code.lower(), " " + d.lookup_secret.lower())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đã tiếp nhận, đang chuyển xử lý" in html
    assert "Đăng ký khai sinh" in html
    due = timezone.localtime(d.due_at).strftime("%d/%m/%Y")
    assert f"<b>{due}</b>" in html
    assert "T*** T** B***" in html and "Trần Thị Bình" not in html
    assert "001190012345" not in html  # never the identity number
    assert "Nộp hồ sơ" in html and "Tiếp nhận hồ sơ" in html  # history


def test_history_shows_only_events_visible_to_the_applicant(commune, birth, citizen):
    d = received(commune, birth, citizen)
    DossierEvent.objects.create(
        dossier=d, seq=99, at=timezone.now(), action="assign", note="ghi chú nội bộ",
        visible_to_applicant=False,
    )  # fmt: skip
    html = post(Client(), d.code, d.lookup_secret).content.decode()
    assert "Chuyển cán bộ xử lý" not in html and "ghi chú nội bộ" not in html


def test_supplement_notice_lists_the_papers(commune, birth, citizen):
    d = in_process(commune, birth, citizen)
    dos.dossier_request_supplement(
        dossier=d, user=commune.specialist, reasons=["Bản sao giấy chứng sinh", "Giấy ủy quyền"]
    )
    html = post(Client(), d.code, d.lookup_secret).content.decode()
    assert "Cần bổ sung hồ sơ" in html
    assert "<li>Bản sao giấy chứng sinh</li>" in html and "<li>Giấy ủy quyền</li>" in html


def test_refusal_reasons_are_shown(commune, birth, citizen):
    d = in_process(commune, birth, citizen)
    dos.dossier_reject(dossier=d, user=commune.leader, reasons="Người yêu cầu không có thẩm quyền")
    html = post(Client(), d.code, d.lookup_secret).content.decode()
    assert "Lý do không giải quyết" in html and "Người yêu cầu không có thẩm quyền" in html


def test_nd61_art19_9_apology_shows_new_date(commune, birth, citizen):
    d = in_process(commune, birth, citizen, at=MONDAY)  # 3 working days: due Thursday
    new_due = d.due_at + dt.timedelta(days=5)
    dos.dossier_apologise(
        dossier=d, user=commune.leader, reason="Chờ xác minh", new_due_at=new_due, at=MONDAY
    )
    html = post(Client(), d.code, d.lookup_secret).content.decode()
    assert "xin lỗi" in html and "Chờ xác minh" in html
    assert timezone.localtime(new_due).strftime("%d/%m/%Y") in html


def test_result_ready_notice(commune, birth, citizen):
    d = in_process(commune, birth, citizen)
    d = dos.dossier_approve(dossier=d, user=commune.leader)
    html = post(Client(), d.code, d.lookup_secret).content.decode()
    assert "Kết quả đã sẵn sàng" in html and "Xã Tái Sơn" in html


def test_rate_limit_per_ip_answers_429(commune, birth, citizen):
    d = received(commune, birth, citizen)
    client = Client()
    for i in range(LOOKUP_MAX_TRIES):
        assert post(client, f"X-250101-{i:04d}", "ABCDEF").status_code == 200
    response = post(client, d.code, d.lookup_secret)
    assert response.status_code == 429
    html = response.content.decode()
    assert "quá nhiều lần" in html and "Đăng ký khai sinh" not in html
    assert post(client, d.code, d.lookup_secret, ip="10.0.0.2").status_code == 200


def test_rate_limit_per_code_across_addresses(commune, birth, citizen):
    d = received(commune, birth, citizen)
    client = Client()
    for i in range(LOOKUP_MAX_TRIES):
        post(client, d.code, "ZZZZZZ", ip=f"10.1.0.{i}")
    assert post(client, d.code, d.lookup_secret, ip="10.2.0.1").status_code == 429


def test_not_yet_received_dossier_has_no_code_to_look_up(commune, birth, citizen):
    d = submitted(commune, birth, citizen)
    assert d.code is None and d.lookup_secret == ""


@pytest.mark.parametrize(
    ("name", "masked"),
    [("Trần Thị Bình", "T*** T** B***"), ("Lê A", "L* A"), ("", "")],
    ids=["three-words", "short-words", "empty"],
)
def test_mask_name_nd13_minimal_data(name, masked):
    assert mask_name(name) == masked


def test_unknown_code_with_non_ascii_secret_is_a_plain_miss_not_an_error(commune, birth, citizen):
    response = post(Client(), "KHONG-CO-260101-0001", "ĐĂNGKÝ")
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()


def test_catalogue_search_with_a_nul_character_does_not_crash(commune, birth):
    """A NUL character is refused everywhere with a Vietnamese message (core.input_guard)."""
    response = Client().get("/cong-dan/", {"q": "khai\x00 sinh"})
    assert response.status_code == 400
    assert "ký tự NUL" in response.content.decode()
