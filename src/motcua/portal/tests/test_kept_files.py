"""Files across a refused online submission: what was uploaded is kept (the page says so and the
citizen need not select it again); a file selected again for a component replaces its file and
identical content is never stored twice — the dossier lists each paper once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.errors import DomainError
from motcua.digitisation.models import StoreItemUse
from motcua.digitisation.tests.test_reuse import store_item_of
from motcua.dossiers.models import Dossier
from motcua.portal import services
from motcua.portal.models import Submission, Upload
from motcua.portal.storage import get_private_storage
from motcua.portal.tests.conftest import PDF_BYTES, VALID_FORM, file_bytes, login, pdf, png

pytestmark = pytest.mark.django_db

URL = "/cong-dan/thu-tuc/LOCAL-HT-01/nop/"
KEPT_NOTE = "Tệp đã được lưu cùng hồ sơ, không cần chọn lại."
KEPT_SUMMARY = "các tệp đã tải lên được giữ lại"


def form_key(client) -> str:
    match = re.search(
        r'name="idempotency_key" value="([0-9a-f]{32})"', client.get(URL).content.decode()
    )
    assert match
    return match.group(1)


def components(birth):
    return list(birth.components.order_by("order"))


def filled(commune, birth, key, *, declaration: bool, files: bool = True, **extra):
    first, second = components(birth)
    data = {
        "idempotency_key": key,
        "unit": str(commune.unit.pk),
        "applicant_name": "Trần Thị Bình",
        "applicant_id_number": "001190012345",
        "applicant_phone": "0912345678",
        "applicant_address": "Thôn Đông, xã Tái Sơn",
        **VALID_FORM,
        "action": "submit",
    }
    if declaration:
        data["declaration"] = "on"
    if files:
        data[f"file_{first.pk}"] = pdf("to-khai.pdf")
        data[f"file_{second.pk}"] = png("cccd.png")
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def other_pdf(name: str = "to-khai-moi.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES + b"% sua lai\n", content_type="application/pdf")


def refused_once(client, commune, birth):
    """Everything filled and attached, the declaration left unticked: refused, files kept."""
    key = form_key(client)
    response = client.post(URL, filled(commune, birth, key, declaration=False))
    assert response.status_code == 400
    assert not Submission.objects.filter(idempotency_key=key, dossier__isnull=False).exists()
    return key, response.content.decode()


def test_refused_submission_keeps_inputs_and_says_files_need_not_be_selected_again(
    commune, birth, citizen
):
    client = login(citizen)
    _key, html = refused_once(client, commune, birth)
    assert "Vui lòng đánh dấu cam đoan" in html
    # nothing typed is lost
    for value in ("Nguyễn Minh An", "05/09/2025", "001090012345", "001190012345",
                  "Thôn Đông, xã Tái Sơn"):  # fmt: skip
        assert f'value="{value}"' in html
    assert "<option selected>Nam</option>" in html
    assert f'<option value="{commune.unit.pk}" selected>' in html
    assert 'name="declaration">' in html  # still unticked: the citizen must tick it
    # the files are kept, shown, and the page says they need not be selected again
    assert Upload.objects.count() == 2 and not Dossier.objects.exists()
    first, second = components(birth)
    for c, name in ((first, "to-khai.pdf"), (second, "cccd.png")):
        block = re.search(rf'<span class="kept" id="kept_{c.pk}">(.*?)</span>', html, re.S)
        assert block and name in block.group(1) and KEPT_NOTE in block.group(1)
        assert f'name="file_{c.pk}" accept="application/pdf,image/jpeg,image/png"' in html
        assert f'aria-describedby="kept_{c.pk}"' in html
    assert KEPT_SUMMARY in html


def test_reselecting_the_same_files_stores_each_once(commune, birth, citizen):
    """The audit's case: the citizen selects the files again and submits."""
    client = login(citizen)
    key, _html = refused_once(client, commune, birth)
    response = client.post(URL, filled(commune, birth, key, declaration=True))
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cong-dan/ho-so/{dossier.pk}/"
    uploads = list(Upload.objects.filter(dossier=dossier))
    assert len(uploads) == 2
    assert {u.component_id for u in uploads} == {c.pk for c in components(birth)}
    assert dossier.events.get().payload["missing"] == []
    html = client.get(response["Location"]).content.decode()
    sent = html.split("Tệp đã gửi", 1)[1].split("</ul>", 1)[0]
    assert sent.count("<li>") == 2
    for c in components(birth):
        assert sent.count(f">{c.name}</a>") == 1
    # nothing stored twice on disk either: one file per upload
    stored = [p for p in (Path(settings.MEDIA_ROOT) / "private").rglob("*") if p.is_file()]
    assert len(stored) == 2


def test_submitting_again_without_reselecting_uses_the_kept_files(commune, birth, citizen):
    client = login(citizen)
    key, _html = refused_once(client, commune, birth)
    response = client.post(URL, filled(commune, birth, key, declaration=True, files=False))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert Upload.objects.filter(dossier=dossier).count() == 2
    assert dossier.events.get().payload["missing"] == []
    assert dossier.applicant_address == "Thôn Đông, xã Tái Sơn"


def test_a_new_file_replaces_the_kept_one(
    commune, birth, citizen, django_capture_on_commit_callbacks
):
    client = login(citizen)
    key, _html = refused_once(client, commune, birth)
    first, second = components(birth)
    old = Upload.objects.get(component=first)
    old_name = str(old.file.name)
    storage = get_private_storage()
    assert storage.exists(old_name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            filled(
                commune, birth, key, declaration=False, files=False,
                **{f"file_{first.pk}": other_pdf()},
            ),
        )  # fmt: skip
    assert response.status_code == 400  # still no declaration
    html = response.content.decode()
    assert "to-khai-moi.pdf" in html and "to-khai.pdf<" not in html
    new = Upload.objects.get(component=first)  # exactly one
    assert new.pk != old.pk and file_bytes(new).endswith(b"% sua lai\n")
    assert not Upload.objects.filter(pk=old.pk).exists()
    assert not storage.exists(old_name)  # the replaced file is deleted too
    assert Upload.objects.filter(component=second).count() == 1  # the other one untouched


def test_identical_content_is_not_stored_again(commune, birth, citizen):
    client = login(citizen)
    key, _html = refused_once(client, commune, birth)
    first, _second = components(birth)
    kept = Upload.objects.get(component=first)
    # same bytes, another name (e.g. picked again from the phone's downloads)
    again = SimpleUploadedFile("IMG_0001.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        URL, filled(commune, birth, key, declaration=False, files=False,
                    **{f"file_{first.pk}": again}),
    )  # fmt: skip
    assert response.status_code == 400
    assert list(Upload.objects.filter(component=first)) == [kept]


def test_a_refused_replacement_keeps_the_file_already_uploaded(commune, birth, citizen):
    client = login(citizen)
    key, _html = refused_once(client, commune, birth)
    first, _second = components(birth)
    kept = Upload.objects.get(component=first)
    bad = SimpleUploadedFile("to-khai.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(
        URL, filled(commune, birth, key, declaration=True, files=False,
                    **{f"file_{first.pk}": bad}),
    )  # fmt: skip
    assert response.status_code == 400 and not Dossier.objects.exists()
    assert "không phải PDF, JPEG hoặc PNG" in response.content.decode()
    assert list(Upload.objects.filter(component=first)) == [kept]
    # and the citizen can still submit with the kept file
    assert (
        client.post(URL, filled(commune, birth, key, declaration=True, files=False)).status_code
        == 302
    )
    assert Upload.objects.filter(dossier=Dossier.objects.get()).count() == 2


def test_draft_saves_replace_too(commune, birth, citizen):
    client = login(citizen)
    key = form_key(client)
    first, _second = components(birth)
    for f in (pdf(), pdf(), other_pdf()):
        client.post(URL, {"idempotency_key": key, "action": "save", f"file_{first.pk}": f})
    uploads = list(Submission.objects.get(idempotency_key=key).uploads.all())
    assert len(uploads) == 1 and uploads[0].original_name == "to-khai-moi.pdf"


def test_duplicates_left_in_an_older_draft_are_removed(commune, birth, citizen):
    """Drafts saved before the fix may hold the same file twice: the next save removes the copy."""
    client = login(citizen)
    key = form_key(client)
    client.post(URL, {"idempotency_key": key, "action": "save"})
    submission = Submission.objects.get(idempotency_key=key)
    first, second = components(birth)
    for _ in range(2):  # the old behaviour: stored again on each submission
        services.upload_store(user=citizen, file=pdf(), submission=submission, component=first)
    services.upload_store(user=citizen, file=png(), submission=submission, component=second)
    assert submission.uploads.count() == 3
    response = client.post(URL, filled(commune, birth, key, declaration=True, files=False))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert Upload.objects.filter(dossier=dossier).count() == 2
    assert sorted(Upload.objects.values_list("component_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )


def test_a_store_pick_replaces_the_uploaded_file(commune, birth, citizen):
    item = store_item_of(commune, birth, citizen)
    client = login(citizen)
    key, _html = refused_once(client, commune, birth)
    first, _second = components(birth)
    data = filled(commune, birth, key, declaration=True, files=False,
                  **{f"store_{first.pk}": str(item.pk)})  # fmt: skip
    assert client.post(URL, data).status_code == 302
    dossier = Dossier.objects.get(portal_submission__idempotency_key=key)
    mine = Upload.objects.filter(dossier=dossier)
    assert mine.count() == 2
    picked = mine.get(component=first)
    assert picked.sha256 == item.sha256
    assert StoreItemUse.objects.filter(upload=picked, item=item).exists()


def test_files_of_a_submitted_dossier_cannot_be_replaced(commune, birth, citizen):
    client = login(citizen)
    key, _html = refused_once(client, commune, birth)
    client.post(URL, filled(commune, birth, key, declaration=True, files=False))
    submission = Submission.objects.get(idempotency_key=key)
    first, _second = components(birth)
    with pytest.raises(DomainError):
        services.submission_upload_put(
            user=citizen, file=other_pdf(), submission=submission, component=first
        )
    assert Upload.objects.filter(component=first).count() == 1
