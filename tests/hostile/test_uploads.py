"""Hostile files (DOMAIN.md §10.1; OWASP file upload): content that does not match the name,
path tricks and control characters in names, oversized and empty files. The type is decided by
the content (magic bytes), the stored name is generated, and every refusal is in Vietnamese."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.accounts.models import UserKind
from motcua.core.errors import DomainError
from motcua.portal.services import upload_store
from motcua.portal.storage import get_private_storage
from motcua.portal.tests.conftest import PDF_BYTES, PNG_BYTES, make_commune, submitted
from tests.factories import ProcedureVersionFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def setting(db):
    commune = make_commune("Xã Tệp Lạ")
    citizen = UserFactory(username="tl_citizen", kind=UserKind.CITIZEN)
    version = ProcedureVersionFactory()
    dossier = submitted(commune, version, citizen)
    return citizen, dossier


def store(user, dossier, name, content, declared="application/pdf"):
    return upload_store(
        user=user, file=SimpleUploadedFile(name, content, content_type=declared), dossier=dossier
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("giay-to.pdf", b"<script>alert(1)</script>", "không phải PDF, JPEG hoặc PNG"),
        ("x.pdf", b"#!/bin/sh\nrm -rf /\n", "không phải PDF, JPEG hoặc PNG"),
        ("x.pdf", b"PK\x03\x04" + b"\x00" * 100, "không phải PDF, JPEG hoặc PNG"),  # zip/docx
        ("x.svg", b"<svg onload=alert(1)>", "không phải PDF, JPEG hoặc PNG"),
        ("rong.pdf", b"", "rỗng"),
    ],
    ids=["script-as-pdf", "shell-as-pdf", "zip-as-pdf", "svg", "empty"],
)
def test_content_that_is_not_an_accepted_type_is_refused(setting, name, content, message):
    citizen, dossier = setting
    with pytest.raises(DomainError) as info:
        store(citizen, dossier, name, content)
    assert message in info.value.message


def test_oversized_file_is_refused_before_it_is_read(setting, settings):
    citizen, dossier = setting
    settings.MOTCUA = {**settings.MOTCUA, "PORTAL_UPLOAD_MAX_BYTES": 1024}
    big_pdf = PDF_BYTES + b"0" * 4096  # a "bomb-ish" PDF: valid header, too large
    with pytest.raises(DomainError) as info:
        store(citizen, dossier, "lon.pdf", big_pdf)
    assert "quá lớn" in info.value.message and "tối đa" in info.value.message


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "..\\..\\windows\\system.ini",
        "/etc/passwd",
        "a" * 1000 + ".pdf",
        "gnp.exe\u202e.pdf",
        "<script>alert(1)</script>.pdf",
        "tệp có dấu và khoảng trắng.pdf",
    ],
    ids=["dotdot", "backslash", "absolute", "very-long", "rtl-override", "script", "unicode"],
)
def test_names_never_reach_the_file_system(setting, name):
    citizen, dossier = setting
    upload = store(citizen, dossier, name, PNG_BYTES)
    stored = str(upload.file.name)
    assert ".." not in stored and not stored.startswith("/") and "\\" not in stored
    assert "passwd" not in stored and "script" not in stored
    assert len(upload.original_name) <= 200
    storage = get_private_storage()
    assert storage.exists(stored)
    assert storage.path(stored).startswith(str(storage.location))


def test_png_named_pdf_is_stored_as_png(setting):
    citizen, dossier = setting
    assert store(citizen, dossier, "anh.pdf", PNG_BYTES).content_type == "image/png"


def test_download_of_a_hostile_name_is_sandboxed_and_not_executed(setting):
    citizen, dossier = setting
    upload = store(citizen, dossier, '"><script>alert(1)</script>.pdf', PDF_BYTES)
    client = Client()
    client.force_login(citizen)
    response = client.get(f"/cong-dan/tep/{upload.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        "<script>" not in response["Content-Disposition"]
        or '\\"' in response["Content-Disposition"]
    )


def test_multipart_file_name_with_nul_and_path_is_sanitised_by_the_parser(setting):
    """Django's multipart parser keeps the last path segment and drops non-printable
    characters, so NUL bytes and directories never reach `upload_store`."""
    from django.http.multipartparser import MultiPartParser

    parser = MultiPartParser.__new__(MultiPartParser)
    assert parser.sanitize_file_name("../../etc/pa\x00sswd.pdf") == "passwd.pdf"
    assert parser.sanitize_file_name("..") is None
