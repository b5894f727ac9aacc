"""Drafts ("Lưu nháp"): saved without submitting, listed under "Hồ sơ của tôi", resumed with
everything typed (unit, applicant, e-form), private to their owner, deletable."""

from __future__ import annotations

from motcua.dossiers.models import Dossier
from motcua.portal.constants import SubmissionState
from motcua.portal.models import Submission
from motcua.portal.tests.conftest import login
from motcua.portal.tests.test_submission import URL, form_key


def _save_draft(client, commune, key):
    return client.post(
        URL,
        {
            "idempotency_key": key,
            "unit": str(commune.unit.pk),
            "applicant_name": "Trần Thị Bình",
            "applicant_address": "Thôn Đông, xã Tái Sơn",
            "f_ho_ten_tre": "Nguyễn Minh An",
            "f_gioi_tinh": "Nữ",
            "action": "save",
        },
    )


def test_draft_is_listed_resumed_with_everything_typed_and_deleted(commune, birth, citizen):
    client = login(citizen)
    key = form_key(client)
    assert _save_draft(client, commune, key).status_code == 302
    assert not Dossier.objects.exists()
    # Saving again with the same key updates the same draft (no second one).
    assert _save_draft(client, commune, key).status_code == 302
    assert Submission.objects.filter(state=SubmissionState.DRAFT).count() == 1

    mine = client.get("/cong-dan/ho-so/").content.decode()
    assert "Bản nháp" in mine and f"?nhap={key}" in mine and "Đăng ký khai sinh" in mine

    html = client.get(URL, {"nhap": key}).content.decode()
    assert f'value="{key}"' in html
    assert f'<option value="{commune.unit.pk}" selected>' in html
    assert 'value="Thôn Đông, xã Tái Sơn"' in html and 'value="Nguyễn Minh An"' in html
    assert "<option selected>Nữ</option>" in html

    response = client.post(f"/cong-dan/nhap/{key}/xoa/")
    assert response.status_code == 302 and not Submission.objects.exists()
    assert "Bản nháp" not in client.get("/cong-dan/ho-so/").content.decode()


def test_a_draft_is_private_to_its_owner(commune, birth, citizen, other_citizen):
    client = login(citizen)
    key = form_key(client)
    _save_draft(client, commune, key)
    intruder = login(other_citizen)
    assert intruder.get(URL, {"nhap": key}).status_code == 404
    assert f"?nhap={key}" not in intruder.get("/cong-dan/ho-so/").content.decode()
    assert intruder.post(f"/cong-dan/nhap/{key}/xoa/").status_code == 404
    # Posting to another citizen's key changes nothing.
    stolen = intruder.post(
        URL, {"idempotency_key": key, "f_ho_ten_tre": "Kẻ gian", "action": "save"}
    )
    assert stolen.status_code == 302
    assert Submission.objects.get(idempotency_key=key).data["ho_ten_tre"] == "Nguyễn Minh An"
