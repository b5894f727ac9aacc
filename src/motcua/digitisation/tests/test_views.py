"""Staff digitisation pages (/so-hoa/ho-so/<pk>/): receivers of the unit upload, staff who may
read the dossier see the list, another commune gets 404 (NĐ 13/2023 art. 26–27)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.digitisation.constants import Source
from motcua.digitisation.models import DigitisedComponent
from motcua.digitisation.tests.conftest import PDF_BYTES, digitise
from motcua.portal.tests.conftest import login, make_commune, received

pytestmark = pytest.mark.django_db


def page(dossier) -> str:
    return f"/so-hoa/ho-so/{dossier.pk}/"


def post_scan(client, dossier, *, content=PDF_BYTES, source=Source.ORIGINAL, component=None):
    component = component or dossier.components.order_by("pk").first()
    return client.post(
        page(dossier),
        {
            "component": str(component.pk),
            "source": source,
            "file": SimpleUploadedFile("giay-to.pdf", content, "application/pdf"),
            "note": "quét tại quầy",
        },
    )


def test_receiver_uploads_and_sees_who_when_source_hash(commune, birth, citizen):
    dossier = received(commune, birth, citizen)
    client = login(commune.receiver)
    form = client.get(page(dossier)).content.decode()
    for field in ("component", "source", "file", "note"):
        assert f'<label for="id_{field}">' in form and f'id="id_{field}"' in form  # keyboard
    assert 'enctype="multipart/form-data"' in form

    response = post_scan(client, dossier, source=Source.CERTIFIED_COPY)

    assert response.status_code == 302 and response["Location"] == page(dossier)
    item = DigitisedComponent.objects.get()
    html = client.get(page(dossier)).content.decode()
    assert item.sha256[:16] in html and "Bản sao chứng thực" in html
    assert commune.receiver.display_name in html and "giay-to.pdf" in html
    assert dossier.events.order_by("-seq").first().note == "quét tại quầy"


def test_bad_file_shows_the_message_and_keeps_the_choice(commune, birth, citizen):
    dossier = received(commune, birth, citizen)
    component = dossier.components.order_by("pk").last()
    response = post_scan(login(commune.receiver), dossier, content=b"MZ\x90", component=component)
    html = response.content.decode()
    assert response.status_code == 400 and "không phải PDF, JPEG hoặc PNG" in html
    assert f'<option value="{component.pk}" selected>' in html
    assert not DigitisedComponent.objects.exists()


def test_result_choice_needs_the_electronic_result_source(commune, birth, citizen):
    dossier = received(commune, birth, citizen)
    response = login(commune.receiver).post(
        page(dossier),
        {
            "component": "ket-qua",
            "source": Source.ORIGINAL,
            "file": SimpleUploadedFile("kq.pdf", PDF_BYTES, "application/pdf"),
        },
    )
    assert response.status_code == 400 and "Kết quả điện tử" in response.content.decode()
    assert not DigitisedComponent.objects.exists()


def test_specialist_reads_the_list_but_cannot_upload(commune, birth, citizen):
    dossier = received(commune, birth, citizen)
    digitise(commune.receiver, dossier)
    client = login(commune.specialist)
    html = client.get(page(dossier)).content.decode()
    assert 'type="file"' not in html and "Thành phần đã số hóa" in html
    assert post_scan(client, dossier).status_code == 403
    assert DigitisedComponent.objects.count() == 1


def test_other_commune_gets_404_and_citizens_403(commune, birth, citizen):
    dossier = received(commune, birth, citizen)
    item = digitise(commune.receiver, dossier)
    other = make_commune("Xã Khác")
    outsider = login(other.receiver)
    assert outsider.get(page(dossier)).status_code == 404
    assert post_scan(outsider, dossier).status_code == 404
    assert outsider.get(f"/so-hoa/tep/{item.pk}/").status_code == 404
    assert login(citizen).get(page(dossier)).status_code == 403
    assert login(citizen).get(f"/so-hoa/tep/{item.pk}/").status_code == 403
    assert Client().get(page(dossier)).status_code == 302
    assert DigitisedComponent.objects.count() == 1


def test_staff_download_of_a_digitised_file_is_logged(commune, birth, citizen):
    from motcua.core.models import AccessLog

    dossier = received(commune, birth, citizen)
    item = digitise(commune.receiver, dossier)
    response = login(commune.specialist).get(f"/so-hoa/tep/{item.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert AccessLog.objects.filter(user=commune.specialist, dossier_id=dossier.pk).exists()
