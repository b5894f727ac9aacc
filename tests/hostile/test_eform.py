"""Script and markup in the citizen's e-form values and name: stored as typed, shown escaped
on the citizen's page and on the officer's dossier page; hostile values in typed fields
(dates, integers, patterns) are refused in Vietnamese next to the field."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import Dossier
from motcua.portal.tests.conftest import PDF_BYTES, PNG_BYTES, VALID_FORM, login

from .values import XSS, XSS_ATTR, XSS_ESCAPED

URL = "/cong-dan/thu-tuc/LOCAL-HT-01/nop/"


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _payload(client, commune, birth, **fields):
    html = client.get(URL).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html).group(1)
    components = list(birth.components.order_by("order"))
    data = {
        "idempotency_key": key,
        "unit": str(commune.unit.pk),
        "applicant_name": f"{XSS} Trần Thị Bình",
        "applicant_phone": "0912345678",
        **VALID_FORM,
        "declaration": "on",
        "action": "submit",
        f"file_{components[0].pk}": SimpleUploadedFile("a.pdf", PDF_BYTES, "application/pdf"),
        f"file_{components[1].pk}": SimpleUploadedFile("b.png", PNG_BYTES, "image/png"),
    }
    data.update(fields)
    return data


def test_script_in_eform_values_is_stored_as_text_and_shown_escaped(commune, birth, citizen):
    client = login(citizen)
    response = client.post(
        URL,
        _payload(client, commune, birth, f_ho_ten_tre=XSS, f_quoc_tich=XSS_ATTR),
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.data["ho_ten_tre"] == XSS
    own = client.get(response["Location"]).content.decode()
    assert XSS not in own and "<img src=x onerror" not in own
    officer = login(commune.receiver)
    page = officer.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert XSS not in page and "<img src=x onerror" not in page
    assert XSS_ESCAPED in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("f_ngay_sinh", "31/02/2025"),
        ("f_ngay_sinh", "2025-13-01"),
        ("f_ngay_sinh", "01/01/0001"),
        ("f_so_con", "' OR 1=1 --"),
        ("f_so_con", "9" * 40),
        ("f_so_dinh_danh_nguoi_yeu_cau", "００１０９００１２３４５"),
        ("f_so_dinh_danh_nguoi_yeu_cau", "0о1090012345"),
        ("f_gioi_tinh", '{"$gt":""}'),
        ("f_ho_ten_tre", "A" * 5000),
    ],
    ids=[
        "feb-31",
        "month-13",
        "year-1",
        "sql-in-integer",
        "huge-integer",
        "full-width-id",
        "cyrillic-id",
        "json-in-enum",
        "too-long",
    ],
)
def test_hostile_typed_values_are_refused_next_to_the_field(commune, birth, citizen, field, value):
    client = login(citizen)
    response = client.post(URL, _payload(client, commune, birth, **{field: value}))
    assert response.status_code in (200, 400)
    assert not Dossier.objects.exists()
    body = response.content.decode()
    assert XSS not in body
    assert re.search(r'class="[^"]*error', body), "an error is shown"


def test_full_width_digits_in_an_integer_field_are_read_as_digits(commune, birth, citizen):
    client = login(citizen)
    response = client.post(URL, _payload(client, commune, birth, f_so_con="２"))
    assert response.status_code == 302
    assert Dossier.objects.get().data["so_con"] == 2
