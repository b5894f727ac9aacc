"""Result documents from per-procedure DOCX templates (docxtpl), the stored generated documents
(`GeneratedDocument`, task `documents.tasks.generate_documents`) and their download."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from docx.shared import Mm

from motcua.backoffice.tests.helpers import client_for
from motcua.catalogue.models import ProcedureVersion
from motcua.core.errors import DomainError
from motcua.documents import samples
from motcua.documents.admin import ResultTemplateForm
from motcua.documents.models import GeneratedDocument, ResultTemplate
from motcua.documents.services import (
    MissingResultFields,
    result_render,
    result_render_pdf,
    result_template_create,
    template_fields,
)
from motcua.documents.tasks import generate_documents
from motcua.documents.tests.conftest import A4, APPLICANT, RULE_SET_DAYS, page_sizes, pdf_text
from motcua.documents.tests.conftest import same_size as same
from motcua.documents.tests.test_every_form import _artefact
from motcua.dossiers import services
from motcua.dossiers.models import Dossier

pytestmark = pytest.mark.django_db

CATALOGUE = Path(samples.__file__).resolve().parent.parent / "catalogue" / "data"
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"

#: E-form data of each sample's procedure (field names of starter_catalogue.json).
DATA: dict[str, dict[str, str]] = {
    "LOCAL-HT-01": {
        "ho_ten_tre": "Phạm Gia Hưng",
        "ngay_sinh": "2025-08-30",
        "gioi_tinh": "Nam",
        "noi_sinh": "Trạm y tế xã Tái Sơn",
        "dan_toc": "Kinh",
        "ho_ten_me": APPLICANT,
        "ho_ten_cha": "Phạm Văn Đức",
        "nguoi_yeu_cau": APPLICANT,
        "so_dinh_danh_nguoi_yeu_cau": "001190012345",
    },
    "1.004873": {
        "ho_ten": APPLICANT,
        "ngay_sinh": "1990-01-15",
        "so_dinh_danh": "001190012345",
        "noi_cu_tru": "Thôn Đông, xã Tái Sơn",
        "tinh_trang_hon_nhan": "Chưa kết hôn",
        "muc_dich_su_dung": "Đăng ký kết hôn",
    },
    "LOCAL-HT-02": {
        "ho_ten_chong": "Phạm Văn Đức",
        "ngay_sinh_chong": "1988-05-02",
        "so_dinh_danh_chong": "001088098765",
        "noi_cu_tru_chong": "Thôn Tây, xã Tái Sơn",
        "ho_ten_vo": APPLICANT,
        "ngay_sinh_vo": "1990-01-15",
        "so_dinh_danh_vo": "001190012345",
        "noi_cu_tru_vo": "Thôn Đông, xã Tái Sơn",
        "lan_ket_hon_thu": "1",
    },
}
#: A value of each sample that must appear in its result (ISO dates printed dd/mm/yyyy).
EXPECTED = {"LOCAL-HT-01": "30/08/2025", "1.004873": "15/01/1990", "LOCAL-HT-02": "02/05/1988"}


def _schema(code: str) -> dict[str, Any]:
    procedures = json.loads((CATALOGUE / "starter_catalogue.json").read_text(encoding="utf-8"))
    procedure = next(p for p in procedures if p["code"] == code)
    return procedure["versions"][0]["eform_schema"]


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture
def received(world: dict[str, Any]) -> Any:
    """`received(code, data)` → a dossier received under a version with that e-form."""

    def make(code: str, data: dict[str, str]) -> Dossier:
        version: ProcedureVersion = world["version"]
        version.eform_schema = _schema(code)
        version.save(update_fields=["eform_schema"])
        at = RULE_SET_DAYS["ND118-2025"]
        dossier = services.dossier_create_at_counter(
            user=world["receiver"],
            unit=world["commune"],
            procedure=version.procedure,
            applicant_name=APPLICANT,
            applicant_address="Thôn Đông, xã Tái Sơn",
            provided_component_ids=[c.pk for c in version.components.all()],
            data=data,
            at=at,
        )
        return services.dossier_receive(dossier=dossier, user=world["receiver"], at=at)

    return make


def test_sample_templates_are_generated_by_the_committed_script() -> None:
    for sample in samples.SAMPLES:
        assert samples.sample_path(sample).read_bytes() == samples.build(sample), sample.filename


@pytest.mark.parametrize("sample", samples.SAMPLES, ids=lambda s: s.procedure_code)
def test_sample_result_renders_to_docx_and_pdf_with_the_dossier_data(
    world: dict[str, Any], received: Any, sample: samples.Sample
) -> None:
    dossier = received(sample.procedure_code, DATA[sample.procedure_code])
    content = samples.sample_path(sample).read_bytes()
    template = result_template_create(
        procedure_version=world["version"], name=sample.name, content=content, user=None
    )
    assert template.sha256 == hashlib.sha256(content).hexdigest()
    assert "ma_ho_so" in template.required_fields
    docx = result_render(dossier, template)
    _artefact(f"result-{sample.procedure_code}.docx", docx)
    text = _docx_text(docx)
    assert "{{" not in text and "}}" not in text
    for expected in (QUOC_HIEU, dossier.code, APPLICANT, sample.name.upper()):
        assert expected in text, expected
    assert EXPECTED[sample.procedure_code] in text
    section = Document(io.BytesIO(docx)).sections[0]
    assert abs(section.left_margin - Mm(30)) < Mm(1) and abs(section.top_margin - Mm(20)) < Mm(1)
    pdf = result_render_pdf(docx)
    _artefact(f"result-{sample.procedure_code}.pdf", pdf)
    sizes = page_sizes(pdf)
    assert len(sizes) == 1 and same(sizes[0], A4), sizes
    words = pdf_text(pdf)
    for expected in (QUOC_HIEU, dossier.code, APPLICANT, EXPECTED[sample.procedure_code]):
        assert expected in words, expected


def test_missing_fields_are_reported_in_vietnamese_never_printed_blank(
    world: dict[str, Any], received: Any
) -> None:
    data = dict(DATA["1.004873"])
    del data["tinh_trang_hon_nhan"]
    data["muc_dich_su_dung"] = "  "
    dossier = received("1.004873", data)
    sample = samples.SAMPLES[1]
    template = result_template_create(
        procedure_version=world["version"],
        name=sample.name,
        content=samples.sample_path(sample).read_bytes(),
        user=None,
    )
    with pytest.raises(MissingResultFields) as caught:
        result_render(dossier, template)
    assert caught.value.fields == ["muc_dich_su_dung", "tinh_trang_hon_nhan"]
    assert "Tình trạng hôn nhân" in caught.value.message
    assert "Mục đích sử dụng Giấy xác nhận" in caught.value.message


def test_optional_e_form_fields_print_their_default(world: dict[str, Any], received: Any) -> None:
    data = dict(DATA["LOCAL-HT-01"])
    del data["ho_ten_cha"]  # not required by the e-form: the father may be unknown
    dossier = received("LOCAL-HT-01", data)
    sample = samples.SAMPLES[0]
    template = result_template_create(
        procedure_version=world["version"],
        name=sample.name,
        content=samples.sample_path(sample).read_bytes(),
        user=None,
    )
    text = _docx_text(result_render(dossier, template))
    assert "Quốc tịch: Việt Nam" in text  # the schema's default
    assert "Phạm Văn Đức" not in text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("mau.docx", b"not a zip file", "không phải văn bản Word"),
        ("mau.pdf", b"%PDF-1.4", "định dạng .docx"),
        ("mau.docx", "broken", "thẻ Jinja sai cú pháp"),
    ],
    ids=["not-docx", "wrong-extension", "bad-jinja"],
)
def test_admin_upload_refuses_what_is_not_a_docx_template(
    world: dict[str, Any], name: str, content: Any, message: str
) -> None:
    if content == "broken":
        document = Document()
        document.add_paragraph("Họ tên: {{ ho_ten ")
        buffer = io.BytesIO()
        document.save(buffer)
        content = buffer.getvalue()
    form = ResultTemplateForm(
        data={"procedure_version": world["version"].pk, "name": "Trích lục"},
        files={"file": SimpleUploadedFile(name, content)},
    )
    assert not form.is_valid()
    assert message in " ".join(form.errors["file"])


def test_admin_upload_records_hash_fields_and_uploader(
    world: dict[str, Any], admin_client: Any, admin_user: Any
) -> None:
    sample = samples.SAMPLES[2]
    content = samples.sample_path(sample).read_bytes()
    response = admin_client.post(
        "/quan-tri/documents/resulttemplate/add/",
        {
            "procedure_version": world["version"].pk,
            "name": sample.name,
            "file": SimpleUploadedFile(sample.filename, content),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    template = ResultTemplate.objects.get()
    assert template.uploaded_by == admin_user
    assert template.sha256 == hashlib.sha256(content).hexdigest()
    assert template.required_fields == template_fields(content)
    with template.file.open("rb") as handle:
        assert handle.read() == content


def test_template_fields_refuses_a_zip_that_is_not_word() -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(DomainError, match="không phải văn bản Word"):
        template_fields(buffer.getvalue())


# ---------------------------------------------------------------------------------------------
# Generated documents: the after-commit task, idempotence, the list and the download
# ---------------------------------------------------------------------------------------------


def test_receipt_event_stores_pdf_and_docx_once(
    world: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MOTCUA = {**settings.MOTCUA, "GENERATE_DOCUMENTS": True}
    version = world["version"]
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_create_at_counter(
            user=world["receiver"],
            unit=world["commune"],
            procedure=version.procedure,
            applicant_name=APPLICANT,
            provided_component_ids=[c.pk for c in version.components.all()],
        )
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_receive(dossier=dossier, user=world["receiver"])
    event = dossier.events.get(action="receive")
    documents = {d.format: d for d in GeneratedDocument.objects.filter(dossier=dossier)}
    assert set(documents) == {"pdf", "docx"}
    for document in documents.values():
        assert document.event == event and document.kind == "receipt"
        with document.file.open("rb") as handle:
            content = handle.read()
        assert hashlib.sha256(content).hexdigest() == document.sha256
        assert len(content) == document.size
    assert APPLICANT in pdf_text(documents["pdf"].file.open("rb").read())
    # Idempotent: a second run (a retried task) creates nothing and returns the same rows.
    again = generate_documents(event.pk)
    assert sorted(again) == sorted(d.pk for d in documents.values())
    assert GeneratedDocument.objects.filter(dossier=dossier).count() == 2
    # Events that issue no form store nothing.
    submit = dossier.events.get(action="submit")
    assert generate_documents(submit.pk) == []

    # The dossier page lists them with their hash; the download checks access like the page.
    receiver = client_for(world["receiver"])
    page = receiver.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert documents["pdf"].sha256 in page
    url = f"/ho-so/{dossier.pk}/van-ban/{documents['pdf'].pk}/"
    assert url in page
    response = receiver.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.content
    assert hashlib.sha256(body).hexdigest() == documents["pdf"].sha256
    assert client_for(world["stranger"]).get(url).status_code == 404
    other = f"/ho-so/{dossier.pk + 999}/van-ban/{documents['pdf'].pk}/"
    assert receiver.get(other).status_code == 404


def test_generation_can_be_turned_off(
    world: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MOTCUA = {**settings.MOTCUA, "GENERATE_DOCUMENTS": False}
    version = world["version"]
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_create_at_counter(
            user=world["receiver"],
            unit=world["commune"],
            procedure=version.procedure,
            applicant_name=APPLICANT,
            provided_component_ids=[c.pk for c in version.components.all()],
        )
        dossier = services.dossier_receive(dossier=dossier, user=world["receiver"])
    assert dossier.state == "received"
    assert not GeneratedDocument.objects.exists()


def test_approval_stores_the_result_document_when_a_template_exists(
    world: dict[str, Any], received: Any
) -> None:
    sample = samples.SAMPLES[0]
    dossier = received(sample.procedure_code, DATA[sample.procedure_code])
    result_template_create(
        procedure_version=world["version"],
        name=sample.name,
        content=samples.sample_path(sample).read_bytes(),
        user=None,
    )
    at = RULE_SET_DAYS["ND118-2025"] + dt.timedelta(hours=1)
    dossier = services.dossier_assign(
        dossier=dossier, user=world["leader"], assignee=world["leader"], at=at
    )
    dossier = services.dossier_approve(dossier=dossier, user=world["leader"], at=at)
    event = dossier.events.get(action="approve")
    generate_documents(event.pk)
    generate_documents(event.pk)
    results = GeneratedDocument.objects.filter(dossier=dossier, kind="result")
    assert sorted(results.values_list("format", flat=True)) == ["docx", "pdf"]
    docx = results.get(format="docx")
    assert docx.title == sample.name and docx.result_template is not None
    text = _docx_text(docx.file.open("rb").read())
    assert "Phạm Gia Hưng".upper() in text and "09/09/2025" in text


def test_approval_with_missing_data_stores_no_result(world: dict[str, Any], received: Any) -> None:
    sample = samples.SAMPLES[1]
    dossier = received(sample.procedure_code, {"ho_ten": APPLICANT})
    result_template_create(
        procedure_version=world["version"],
        name=sample.name,
        content=samples.sample_path(sample).read_bytes(),
        user=None,
    )
    at = RULE_SET_DAYS["ND118-2025"] + dt.timedelta(hours=1)
    dossier = services.dossier_assign(
        dossier=dossier, user=world["leader"], assignee=world["leader"], at=at
    )
    dossier = services.dossier_approve(dossier=dossier, user=world["leader"], at=at)
    assert generate_documents(dossier.events.get(action="approve").pk) == []
    assert not GeneratedDocument.objects.filter(kind="result").exists()


def test_load_samples_command_records_the_templates_once(db: Any) -> None:
    from django.core.management import call_command

    call_command("catalogue", "load-starter")
    out = io.StringIO()
    call_command("result_templates", "load-samples", stdout=out)
    assert ResultTemplate.objects.count() == 3
    codes = set(ResultTemplate.objects.values_list("procedure_version__procedure__code", flat=True))
    assert codes == {s.procedure_code for s in samples.SAMPLES}
    call_command("result_templates", "load-samples", stdout=out)
    assert ResultTemplate.objects.count() == 3
    assert "Đã có: Trích lục khai sinh" in out.getvalue()


# --- the officer types the tờ khai of a counter dossier (the result's data) ------------------


def _approved_without_data(world: dict[str, Any], received: Any) -> Dossier:
    """The demo's case: 1.004873 received at the counter with no e-form data, approved."""
    sample = samples.SAMPLES[1]
    dossier = received(sample.procedure_code, {})
    result_template_create(
        procedure_version=world["version"],
        name=sample.name,
        content=samples.sample_path(sample).read_bytes(),
        user=None,
    )
    at = RULE_SET_DAYS["ND118-2025"] + dt.timedelta(hours=1)
    dossier = services.dossier_assign(
        dossier=dossier, user=world["leader"], assignee=world["leader"], at=at
    )
    return services.dossier_approve(dossier=dossier, user=world["leader"], at=at)


def _typed(data: dict[str, str]) -> dict[str, str]:
    """As an officer types them: dates dd/mm/yyyy."""
    return {k: f"{v[8:]}/{v[5:7]}/{v[:4]}" if k == "ngay_sinh" else v for k, v in data.items()}


def test_the_page_says_what_the_result_lacks_and_typing_it_issues_the_result(
    world: dict[str, Any], received: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.MOTCUA = {**settings.MOTCUA, "GENERATE_DOCUMENTS": True}
    dossier = _approved_without_data(world, received)
    assert not GeneratedDocument.objects.filter(kind="result").exists()
    leader = client_for(world["leader"])
    page = leader.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "chưa lập được: còn thiếu 6 thông tin" in page
    assert "Số định danh cá nhân (so_dinh_danh)" in page
    assert 'name="f_tinh_trang_hon_nhan"' in page  # the edit form is offered

    with django_capture_on_commit_callbacks(execute=True):  # the hooks, run eagerly
        response = leader.post(
            f"/ho-so/{dossier.pk}/to-khai/",
            {f"f_{k}": v for k, v in _typed(DATA["1.004873"]).items()}
            | {"expected_version": dossier.version},
        )
    assert response.status_code == 302 and response["Location"].endswith("#to-khai")
    dossier.refresh_from_db()
    assert dossier.data == DATA["1.004873"]  # dates stored ISO, as the portal's
    event = dossier.events.order_by("-seq").first()
    assert event is not None and event.action == "form_data_updated"
    assert event.payload == {"fields": sorted(DATA["1.004873"])}  # names, never the values
    assert not event.visible_to_applicant
    results = GeneratedDocument.objects.filter(dossier=dossier, kind="result")
    assert sorted(results.values_list("format", flat=True)) == ["docx", "pdf"]
    text = _docx_text(results.get(format="docx").file.open("rb").read())
    assert "15/01/1990" in text and "Chưa kết hôn" in text

    page = leader.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "chưa lập được" not in page and 'name="f_ho_ten"' not in page  # issued: read-only
    assert "••••••••2345" in page and "001190012345" not in page  # DOMAIN §10.1 masking
    assert "Ký số" in page  # the leader can now sign the result


def test_bad_values_change_nothing_and_come_back_with_their_messages(
    world: dict[str, Any], received: Any
) -> None:
    dossier = _approved_without_data(world, received)
    version = dossier.version
    response = client_for(world["receiver"]).post(
        f"/ho-so/{dossier.pk}/to-khai/",
        {"f_ho_ten": APPLICANT, "f_so_dinh_danh": "12345", "f_ngay_sinh": "31/02/1990"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tờ khai chưa lưu: 2 thông tin chưa hợp lệ." in page
    assert f'value="{APPLICANT}"' in page and 'value="31/02/1990"' in page  # nothing lost
    dossier.refresh_from_db()
    assert dossier.version == version and not dossier.data


def test_only_the_units_staff_may_type_the_form_and_not_once_the_result_is_issued(
    world: dict[str, Any], received: Any
) -> None:
    dossier = received("1.004873", {})
    with pytest.raises(DomainError, match="Chỉ cán bộ của đơn vị"):
        services.dossier_form_data_update(
            dossier=dossier, user=world["stranger"], values={"ho_ten": "X"}
        )
    dossier = services.dossier_form_data_update(
        dossier=dossier, user=world["receiver"], values={"ho_ten": APPLICANT}
    )
    assert dossier.data == {"ho_ten": APPLICANT}
    same = services.dossier_form_data_update(
        dossier=dossier, user=world["receiver"], values={"ho_ten": APPLICANT}
    )
    assert same.version == dossier.version  # nothing changed, no event
    cleared = services.dossier_form_data_update(
        dossier=dossier, user=world["receiver"], values={"ho_ten": ""}
    )
    assert cleared.data == {}

    issued = _approved_without_data(world, received)
    services.dossier_form_data_update(dossier=issued, user=world["leader"], values=DATA["1.004873"])
    generate_documents(issued.events.order_by("-seq").values_list("pk", flat=True)[0])
    with pytest.raises(DomainError, match="Văn bản kết quả đã được lập"):
        services.dossier_form_data_update(
            dossier=issued, user=world["leader"], values={"ho_ten": "Khác"}
        )
