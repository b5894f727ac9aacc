"""Every form of DOMAIN.md §1.14 for both rule sets — TT 01/2018/TT-VPCP Mẫu 01–06 and
TT 03/2025/TT-VPCP Mẫu 01–07 — as PDF (WeasyPrint) and DOCX (python-docx), from one context.

Checks: the Quốc hiệu and Tiêu ngữ of NĐ 30/2020 and the applicant's name with diacritics
round-trip through the PDF text layer and the DOCX; paper size (A5 148×210 mm, the ledger A4
landscape, TT 01/2018 art. 9(2)); one page for each A5 form. Page images for a human look are
written to var/test-artefacts/documents/ (pdftoppm, when installed).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.template.loader import get_template
from django.test import Client
from docx import Document
from docx.shared import Mm
from tests.factories import MembershipFactory, UserFactory

from motcua.backoffice.tests.helpers import client_for
from motcua.catalogue.models import Component
from motcua.core.models import AccessLog, AccessLogAction
from motcua.documents import printforms
from motcua.documents.docx_forms import BUILDERS, FONT, form_docx
from motcua.documents.generation import form_pdf
from motcua.documents.pdf import FONTS_CSS, html_to_pdf
from motcua.documents.tests.conftest import (
    A4_LANDSCAPE,
    A5,
    APPLICANT,
    page_sizes,
    pdf_text,
    same_size,
)
from motcua.dossiers import services
from motcua.dossiers.constants import RuleSet
from motcua.dossiers.transitions import FormKind, form_number
from motcua.organisation.constants import Role

pytestmark = pytest.mark.django_db

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
ARTEFACTS = Path(settings.BASE_DIR).parent.parent / "var" / "test-artefacts" / "documents"

#: DOMAIN.md §1.14: (rule set, form number, kind, title) — TT 01/2018 art. 9(1) and the
#: numbering reported for TT 03/2025 (◐ [S22]).
FORMS = [
    (RuleSet.ND61_2018, "01", FormKind.RECEIPT, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    (RuleSet.ND61_2018, "02", FormKind.SUPPLEMENT, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    (RuleSet.ND61_2018, "03", FormKind.REFUSAL, "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    (RuleSet.ND61_2018, "04", FormKind.APOLOGY, "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    (
        RuleSet.ND61_2018,
        "05",
        FormKind.CONTROL_SHEET,
        "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    ),
    (RuleSet.ND61_2018, "06", FormKind.LEDGER, "Sổ theo dõi hồ sơ"),
    (RuleSet.ND118_2025, "01", FormKind.RECEIPT, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    (RuleSet.ND118_2025, "02", FormKind.SUPPLEMENT, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    (RuleSet.ND118_2025, "03", FormKind.REFUSAL, "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    (
        RuleSet.ND118_2025,
        "04",
        FormKind.APOLOGY,
        "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    ),
    (RuleSet.ND118_2025, "05", FormKind.STOP_NOTICE, "Thông báo dừng giải quyết hồ sơ"),
    (
        RuleSet.ND118_2025,
        "06",
        FormKind.CONTROL_SHEET,
        "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    ),
    (RuleSet.ND118_2025, "07", FormKind.LEDGER, "Sổ theo dõi hồ sơ"),
]


@pytest.mark.parametrize(("rule_set", "number", "kind", "title"), FORMS)
def test_every_form_of_domain_1_14_exists_for_its_rule_set(
    rule_set: str, number: str, kind: FormKind, title: str
) -> None:
    assert form_number(rule_set, kind) == number
    assert printforms.form_title(rule_set, kind) == title
    get_template(f"backoffice/print/{kind.value}.html")  # the HTML/PDF layout
    assert kind.value in BUILDERS  # the DOCX layout


def test_tt01_2018_has_no_stop_notice_and_seven_forms_only_under_tt03_2025() -> None:
    assert form_number(RuleSet.ND61_2018, FormKind.STOP_NOTICE) == ""
    assert len([f for f in FORMS if f[0] == RuleSet.ND61_2018]) == 6
    assert len([f for f in FORMS if f[0] == RuleSet.ND118_2025]) == 7


def _artefact(name: str, content: bytes) -> None:
    """Keep the file and, when poppler is installed, its page images (60 dpi) for a look."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / name
    path.write_bytes(content)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm and name.endswith(".pdf"):
        subprocess.run(
            [pdftoppm, "-png", "-r", "60", str(path), str(path.with_suffix(""))],
            check=True,
            timeout=60,
        )


def _docx_text(content: bytes) -> tuple[str, Any]:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts), document


def _check_pdf(content: bytes, *, size: tuple[float, float], pages: int | None) -> str:
    sizes = page_sizes(content)
    assert sizes and all(same_size(s, size) for s in sizes), sizes
    if pages is not None:
        assert len(sizes) == pages, f"{len(sizes)} pages"
    text = pdf_text(content)
    assert QUOC_HIEU in text and TIEU_NGU in text
    return text


def _check_docx(content: bytes, *, width_mm: float, height_mm: float) -> str:
    text, document = _docx_text(content)
    assert QUOC_HIEU in text and TIEU_NGU in text
    section = document.sections[0]
    assert abs(section.page_width - Mm(width_mm)) < Mm(1)
    assert abs(section.page_height - Mm(height_mm)) < Mm(1)
    assert document.styles["Normal"].font.name == FONT  # NĐ 30/2020: Times New Roman
    return text


@pytest.fixture
def specialist(world: dict[str, Any]) -> Any:
    user = UserFactory(username="chuyenvien", full_name="Trần Văn Bình")
    MembershipFactory(user=user, unit=world["commune"], role=Role.SPECIALIST)
    return user


@pytest.mark.parametrize(
    "rule_set",
    [RuleSet.ND61_2018, RuleSet.ND118_2025],
    ids=["tt01-2018", "tt03-2025"],
)
def test_every_form_renders_to_pdf_and_docx(
    world: dict[str, Any], issued: Any, rule_set: str
) -> None:
    forms = issued(rule_set)
    expected = {kind for rs, _n, kind, _t in FORMS if rs == rule_set} - {FormKind.LEDGER}
    assert set(forms) == expected
    for kind, (dossier, event) in forms.items():
        context = printforms.form_context(dossier, kind, event)
        label = f"{rule_set}-mau-{context['number']}-{kind.value}"
        pdf = form_pdf(context)
        _artefact(f"{label}.pdf", pdf)
        text = _check_pdf(pdf, size=A5, pages=1)
        assert f"Mẫu số {context['number']}" in text, label
        assert APPLICANT in text, label
        if dossier.code:
            assert dossier.code in text, label
        docx = form_docx(context)
        _artefact(f"{label}.docx", docx)
        words = _check_docx(docx, width_mm=148, height_mm=210)
        assert APPLICANT in words and context["title"].upper() in words, label
        if dossier.code:
            assert dossier.code in words, label
    unit = world["commune"]
    year = next(iter(forms.values()))[0].ledger_year
    ledger = printforms.ledger_context(unit, year)
    assert ledger["number"] == form_number(rule_set, FormKind.LEDGER)
    html = get_template("backoffice/print/ledger.html").render(ledger)
    pdf = html_to_pdf(html, stylesheets=[FONTS_CSS])
    _artefact(f"{rule_set}-mau-{ledger['number']}-ledger.pdf", pdf)
    assert APPLICANT in _check_pdf(pdf, size=A4_LANDSCAPE, pages=None)
    docx = form_docx(ledger)
    _artefact(f"{rule_set}-mau-{ledger['number']}-ledger.docx", docx)
    assert APPLICANT in _check_docx(docx, width_mm=297, height_mm=210)


def test_receipt_mau01_fits_one_a5_page_with_a_long_dossier(world: dict[str, Any]) -> None:
    """The signature block stays on page 1 (TT 01/2018 art. 9(2): Mẫu 01 is an A5 sheet)."""
    version = world["version"]
    for order in range(3, 8):
        Component.objects.create(
            version=version,
            order=order,
            name=f"Giấy tờ chứng minh nơi cư trú của người yêu cầu, bản số {order}",
            kind="copy",
        )
    dossier = services.dossier_create_at_counter(
        user=world["receiver"],
        unit=world["commune"],
        procedure=version.procedure,
        applicant_name=APPLICANT,
        applicant_id_number="001190012345",
        applicant_phone="0912345678",
        applicant_email="ngoc.anh@example.vn",
        applicant_address="Số 12, ngõ 34 đường Nguyễn Trãi, thôn Đông, xã Tái Sơn, huyện Tứ Kỳ",
        provided_component_ids=[c.pk for c in version.components.all()],
    )
    dossier = services.dossier_receive(dossier=dossier, user=world["receiver"])
    context = printforms.form_context(dossier, FormKind.RECEIPT)
    pdf = form_pdf(context)
    _artefact("receipt-long.pdf", pdf)
    text = _check_pdf(pdf, size=A5, pages=1)
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and "NGƯỜI NỘP HỒ SƠ" in text


def test_form_docx_view_checks_access_like_the_html_page(
    world: dict[str, Any], issued: Any
) -> None:
    forms = issued(RuleSet.ND118_2025)
    dossier = forms[FormKind.RECEIPT][0]
    url = f"/ho-so/{dossier.pk}/in/giay-tiep-nhan.docx"
    logged = AccessLog.objects.filter(action=AccessLogAction.PRINT_FORM).count()
    response = client_for(world["receiver"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    text, _document = _docx_text(response.content)
    assert dossier.code in text and APPLICANT in text
    assert AccessLog.objects.filter(action=AccessLogAction.PRINT_FORM).count() == logged + 1
    assert client_for(world["stranger"]).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the log-in page
    not_received = forms[FormKind.SUPPLEMENT][0]  # guided at intake: no Mẫu 01
    missing = f"/ho-so/{not_received.pk}/in/giay-tiep-nhan.docx"
    assert client_for(world["receiver"]).get(missing).status_code == 404
    ledger = f"/so-theo-doi/{world['commune'].pk}/{dossier.ledger_year}.docx"
    answer = client_for(world["receiver"]).get(ledger)
    assert answer.status_code == 200 and APPLICANT in _docx_text(answer.content)[0]
    assert client_for(world["stranger"]).get(ledger).status_code == 404


def test_page_images_are_written_for_a_human_look(world: dict[str, Any], issued: Any) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian poppler-utils) is not installed: no page images")
    dossier, event = issued(RuleSet.ND61_2018)[FormKind.REFUSAL]
    context = printforms.form_context(dossier, FormKind.REFUSAL, event)
    _artefact("page-image-check.pdf", form_pdf(context))
    image = ARTEFACTS / "page-image-check-1.png"
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
