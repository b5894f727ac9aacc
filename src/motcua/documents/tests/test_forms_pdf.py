"""Printable forms as PDF (TT 01/2018/TT-VPCP art. 9(2): Mẫu 01–05 on A5, the ledger Mẫu 06 on
A4 landscape): the same views, templates and access checks as the HTML forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.core.models import AccessLog, AccessLogAction
from motcua.documents.tests.conftest import (
    A4_LANDSCAPE,
    A5,
    fonts,
    page_sizes,
    pdf_text,
    same_size,
)
from motcua.dossiers import services
from motcua.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def received(world: dict[str, Any]) -> Dossier:
    dossier = services.dossier_create_at_counter(
        user=world["receiver"],
        unit=world["commune"],
        procedure=world["version"].procedure,
        applicant_name="Lê Văn Cường",
        provided_component_ids=[c.pk for c in world["version"].components.all()],
    )
    return services.dossier_receive(dossier=dossier, user=world["receiver"], at=timezone.now())


def test_receipt_mau01_is_an_a5_pdf_with_the_dossier_code_tt01_2018_art9_2(
    world: dict[str, Any], received: Dossier
) -> None:
    client = _client(world["receiver"])
    logged = AccessLog.objects.filter(action=AccessLogAction.PRINT_FORM).count()
    response = client.get(f"/ho-so/{received.pk}/in/giay-tiep-nhan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    sizes = page_sizes(response.content)
    assert sizes and all(same_size(size, A5) for size in sizes), sizes
    text = pdf_text(response.content)
    assert received.code and received.code in text
    for phrase in (
        "Mẫu số 01",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Lê Văn Cường",
    ):
        assert phrase in text
    assert "Về trang hồ sơ" not in text  # the screen toolbar is not printed
    embedded = fonts(response.content)
    assert embedded and all(embedded.values()), embedded
    # Printing the PDF is logged like printing the page (NĐ 13/2023 on personal data).
    assert AccessLog.objects.filter(action=AccessLogAction.PRINT_FORM).count() == logged + 1


def test_form_pdf_of_another_commune_is_hidden(world: dict[str, Any], received: Dossier) -> None:
    url = f"/ho-so/{received.pk}/in/giay-tiep-nhan.pdf"
    assert _client(world["stranger"]).get(url).status_code == 404
    assert _client(world["receiver"]).get(f"/ho-so/{received.pk}/in/khong-co.pdf").status_code == (
        404
    )
    assert Client().get(url).status_code == 302  # to the login page


def test_ledger_mau06_is_an_a4_landscape_pdf_tt01_2018_art9_2(
    world: dict[str, Any], received: Dossier
) -> None:
    url = f"/so-theo-doi/{world['commune'].pk}/{received.ledger_year}.pdf"
    response = _client(world["receiver"]).get(url)
    assert response.status_code == 200
    sizes = page_sizes(response.content)
    assert sizes and all(same_size(size, A4_LANDSCAPE) for size in sizes), sizes
    text = pdf_text(response.content)
    assert "SỔ THEO DÕI HỒ SƠ" in text and received.code in text
    assert _client(world["stranger"]).get(url).status_code == 404
