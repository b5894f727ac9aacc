"""The public verification page /xac-thuc-van-ban/ (no JavaScript, POST with CSRF)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.signing import forms, services, views
from motcua.signing.testca import TestCA
from motcua.signing.tests.conftest import AGENCY, LEADER, tamper

URL = "/xac-thuc-van-ban/"


@pytest.fixture(autouse=True)
def _setup(settings: Any, tmp_path: Path, test_ca: TestCA) -> Iterator[None]:
    root = tmp_path / "root.pem"
    root.write_bytes(test_ca.root_pem())
    settings.MOTCUA = {**settings.MOTCUA, "SIGNING_TRUST_ROOTS": [str(root)]}
    cache.clear()
    yield
    cache.clear()


def _upload(client: Client, data: bytes, name: str = "ket-qua.pdf") -> Any:
    return client.post(URL, {"pdf": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_url_name_and_form() -> None:
    assert reverse("signing:verify") == URL
    response = Client().get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body and "csrfmiddlewaretoken" in body
    assert "<script" not in body


def test_good_file_shows_signers_time_trust_and_hash(signed_twice: bytes) -> None:
    response = _upload(Client(), signed_twice)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hợp lệ: tài liệu nguyên vẹn, mọi chữ ký đều được tin cậy." in body
    assert services.pdf_sha256(signed_twice) in body
    assert f"{LEADER} ({AGENCY})" in body and "Chữ ký 2" in body
    result = response.context["result"]
    assert result.valid and len(result.signatures) == 2
    local = result.signatures[0].signed_at.astimezone(services.VN_TZ)
    assert local.strftime("%d/%m/%Y %H:%M") in body  # shown in Vietnam time


def test_tampered_file_is_reported_not_intact(signed_twice: bytes) -> None:
    bad = tamper(signed_twice)
    response = _upload(Client(), bad)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Không hợp lệ: tài liệu đã bị thay đổi sau khi ký" in body
    assert "mã băm không khớp" in body
    assert services.pdf_sha256(bad) in body
    assert not response.context["result"].intact


def test_untrusted_signer_is_intact_but_flagged(signed_once: bytes, settings: Any) -> None:
    settings.MOTCUA = {**settings.MOTCUA, "SIGNING_TRUST_ROOTS": []}
    body = _upload(Client(), signed_once).content.decode()
    assert "Tài liệu nguyên vẹn, nhưng có chữ ký không được tin cậy." in body


def test_unsigned_pdf_says_so(vietnamese_pdf: bytes) -> None:
    body = _upload(Client(), vietnamese_pdf).content.decode()
    assert "Tài liệu không có chữ ký số nào." in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"PK\x03\x04 this is a zip",
            "Tệp không phải là tài liệu PDF (nội dung không bắt đầu như một tệp PDF).",
        ),
        (b"%PDF-1.7\nbroken", "Tệp không phải là tài liệu PDF hợp lệ."),
    ],
)
def test_non_pdf_gets_a_form_error(data: bytes, message: str) -> None:
    response = _upload(Client(), data, name="x.pdf")
    assert response.status_code == 200
    assert response.context["form"].errors["pdf"] == [message]
    assert "result" not in response.context


def test_empty_post_gets_a_form_error() -> None:
    response = Client().post(URL, {})
    assert response.status_code == 200
    assert response.context["form"].errors["pdf"] == ["Vui lòng chọn tệp PDF."]


def test_over_20_mb_is_refused() -> None:
    just_over = b"%PDF-1.7\n" + b"0" * forms.MAX_UPLOAD_BYTES
    response = _upload(Client(), just_over)
    assert response.status_code == 200
    assert response.context["form"].errors["pdf"] == ["Tệp lớn hơn 20 MB."]
    # far over: refused from the Content-Length, the upload is not read
    response = _upload(Client(), just_over + b"0" * 100_000)
    assert response.status_code == 413
    assert "Tệp lớn hơn 20 MB." in response.content.decode()


def test_size_limit_of_the_form_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below the request-size guard, the form checks the file size too."""
    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 100)
    response = _upload(Client(), b"%PDF-1.7\n" + b"0" * 200)
    assert response.status_code == 200
    assert response.context["form"].errors["pdf"] == ["Tệp lớn hơn 20 MB."]


def test_post_needs_the_csrf_token(signed_once: bytes) -> None:
    client = Client(enforce_csrf_checks=True)
    assert _upload(client, signed_once).status_code == 403


def test_rate_limited_per_ip(monkeypatch: pytest.MonkeyPatch, vietnamese_pdf: bytes) -> None:
    monkeypatch.setattr(views, "VERIFY_MAX_TRIES", 2)
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert _upload(client, vietnamese_pdf).status_code == 200
    assert _upload(client, vietnamese_pdf).status_code == 200
    response = _upload(client, vietnamese_pdf)
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()
    # another address is not affected
    assert _upload(Client(REMOTE_ADDR="203.0.113.8"), vietnamese_pdf).status_code == 200


def test_lookup_page_links_to_the_verification_page() -> None:
    body = Client().get(reverse("lookup")).content.decode()
    assert f'href="{URL}"' in body
