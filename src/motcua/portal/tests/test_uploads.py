"""Uploads: type by content (magic bytes), size limit, private storage and permission checks
(DOMAIN.md §10.1: personal data reachable only by the applicant and competent staff)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.factories import MembershipFactory, UserFactory

from motcua.core.errors import DomainError
from motcua.portal.models import Upload
from motcua.portal.services import upload_store
from motcua.portal.storage import get_private_storage
from motcua.portal.tests.conftest import (
    PDF_BYTES,
    PNG_BYTES,
    file_bytes,
    login,
    make_commune,
    submitted,
)


@pytest.fixture
def dossier(commune, birth, citizen):
    return submitted(commune, birth, citizen)


def store(user, dossier, name, content, declared="application/pdf"):
    return upload_store(
        user=user, file=SimpleUploadedFile(name, content, content_type=declared), dossier=dossier
    )


def test_png_renamed_pdf_is_accepted_as_png_by_content(citizen, dossier):
    upload = store(citizen, dossier, "giay-chung-sinh.pdf", PNG_BYTES)
    assert upload.content_type == "image/png"
    assert upload.file.name.endswith(".png") and "giay-chung-sinh" not in upload.file.name
    assert upload.original_name == "giay-chung-sinh.pdf"
    assert upload.size == len(PNG_BYTES) and len(upload.sha256) == 64


def test_pdf_and_jpeg_accepted(citizen, dossier):
    assert store(citizen, dossier, "a.pdf", PDF_BYTES).content_type == "application/pdf"
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
    assert store(citizen, dossier, "a.jpg", jpeg, "image/jpeg").content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("to-khai.pdf", b"Day la van ban thuong, khong phai PDF"),
        ("anh.png", b"<html><script>alert(1)</script></html>"),
        ("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),
    ],
    ids=["text-named-pdf", "html-named-png", "exe-named-pdf"],
)
def test_wrong_content_refused_whatever_the_name(citizen, dossier, name, content):
    with pytest.raises(DomainError, match="không phải PDF, JPEG hoặc PNG"):
        store(citizen, dossier, name, content)
    assert not Upload.objects.exists()


def test_oversize_refused(citizen, dossier, settings):
    settings.MOTCUA = {**settings.MOTCUA, "PORTAL_UPLOAD_MAX_BYTES": 1024}
    with pytest.raises(DomainError, match="quá lớn"):
        store(citizen, dossier, "big.pdf", PDF_BYTES + b"0" * 2048)
    assert store(citizen, dossier, "small.pdf", PDF_BYTES).size == len(PDF_BYTES)


def test_stored_privately_under_media_root_private_without_url(citizen, dossier):
    upload = store(citizen, dossier, "a.pdf", PDF_BYTES)
    path = Path(upload.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT) / "private")
    assert path.read_bytes() == PDF_BYTES
    with pytest.raises(ValueError):
        get_private_storage().url(upload.file.name)


def test_owner_and_competent_staff_can_download(commune, citizen, dossier):
    upload = store(citizen, dossier, "a.pdf", PDF_BYTES)
    response = login(citizen).get(f"/cong-dan/tep/{upload.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert login(commune.receiver).get(f"/cong-dan/tep/{upload.pk}/").status_code == 200
    assert file_bytes(upload) == PDF_BYTES


def test_other_citizen_anonymous_and_other_commune_cannot_download(citizen, other_citizen, dossier):
    upload = store(citizen, dossier, "a.pdf", PDF_BYTES)
    url = f"/cong-dan/tep/{upload.pk}/"
    assert login(other_citizen).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/cong-dan/dang-nhap/" in anonymous["Location"]
    elsewhere = make_commune("Xã Khác")
    assert login(elsewhere.receiver).get(url).status_code == 404
    stranger = UserFactory()
    MembershipFactory(user=stranger, unit=elsewhere.unit)
    assert login(stranger).get(url).status_code == 404
