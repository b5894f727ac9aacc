"""Script and markup typed into names end up as literal characters in every output: the HTML
pages (escaped), the printable forms as PDF (text extraction shows the characters; nothing is
interpreted, the layout does not break) and the DOCX documents (escaped XML, readable text)."""

from __future__ import annotations

import io
import logging
import zipfile

import pytest
from django.core.cache import cache
from django.test import Client
from pypdf import PdfReader

from motcua.organisation.models import Unit
from tests.matrix_roles import RECEIVER_A
from tests.test_security_matrix import build_world

from .values import XSS, XSS_ESCAPED

NAME = f"{XSS} Lê & Đỗ"


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture
def world(db):
    world = build_world()
    dossier_pk = world.values["__common__"]["pk"]
    from motcua.dossiers.models import Dossier

    Dossier.objects.filter(pk=dossier_pk).update(applicant_name=NAME)
    Unit.objects.filter(code=world.values["__common__"]["unit_code"]).update(name=f"Xã {XSS}")
    client = Client()
    client.force_login(world.users[RECEIVER_A])
    return world, client, dossier_pk


def test_html_pages_escape_the_name(world):
    world, client, pk = world
    for url in (f"/ho-so/{pk}/", f"/ho-so/{pk}/in/giay-tiep-nhan/", "/hang-doi/to_receive/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert XSS not in body, url
    page = client.get(f"/ho-so/{pk}/").content.decode()
    assert XSS_ESCAPED in page
    assert "Lê &amp; Đỗ" in page


def test_pdf_form_shows_the_literal_characters(world):
    world, client, pk = world
    response = client.get(f"/ho-so/{pk}/in/giay-tiep-nhan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    flat = " ".join(text.split())
    assert "<script>alert(1)</script>" in flat.replace(" ", "") or XSS in flat
    assert "&lt;" not in flat  # not double-escaped either
    assert "Lê & Đỗ" in flat


def test_docx_report_keeps_the_text_and_stays_valid_xml(world):
    world, client, _pk = world
    code = world.values["__common__"]["unit_code"]
    from motcua.reform.models import ReportDraft

    draft = ReportDraft.objects.get(unit__code=code)
    ReportDraft.objects.filter(pk=draft.pk).update(
        summary=f"Báo cáo {XSS} & <w:p>", signer_name=NAME
    )
    response = client.get(f"/cai-cach/{code}/bao-cao/{draft.pk}/docx/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    assert "<script>" not in xml and "&lt;w:p&gt;" in xml
    import docx

    document = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    for table in document.tables:
        text += "\n".join(cell.text for row in table.rows for cell in row.cells)
    assert XSS in text
