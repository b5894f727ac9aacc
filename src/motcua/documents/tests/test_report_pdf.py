"""The CCHC report as PDF (DOMAIN.md §8; layout of NĐ 30/2020/NĐ-CP Phụ lục I): same content as
the DOCX (one assembled `CchcReport`), A4 with the decree's margins, the Biểu 06 annex on an A4
landscape page, Vietnamese text with its glyphs embedded; command and download view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pypdf import PdfReader
from tests.factories import DossierFactory

from motcua.documents.tests.conftest import (
    A4,
    A4_LANDSCAPE,
    at,
    fonts,
    page_sizes,
    pdf_reader,
    pdf_text,
    same_size,
)
from motcua.dossiers.constants import Channel, State
from motcua.reform.services import report_draft_create

pytestmark = pytest.mark.django_db

MM = 72 / 25.4  # points per millimetre
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


@pytest.fixture
def dossiers(world: dict[str, Any]) -> list[Any]:
    commune = world["commune"]
    return [
        DossierFactory(
            unit=commune,
            channel=Channel.ONLINE,
            state=State.RETURNED,
            received_at=at(2023, 2, 1),
            due_at=at(2023, 2, 6, 10),
            finished_at=at(2023, 2, 2),
        ),
        DossierFactory(
            unit=commune,
            channel=Channel.COUNTER,
            state=State.IN_PROCESS,
            received_at=at(2023, 6, 28),
            due_at=at(2023, 7, 4, 10),
        ),
    ]


def _text_box(reader: PdfReader, page: int) -> tuple[float, float]:
    """Leftmost x and topmost y (points) at which text is drawn on a page."""
    xs: list[float] = []
    ys: list[float] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            xs.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])
            ys.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    reader.pages[page].extract_text(visitor_text=visit)
    return min(xs), max(ys)


def _docx_paragraphs(path: Path) -> list[str]:
    texts = (" ".join(p.text.split()) for p in docx.Document(str(path)).paragraphs)
    return [t for t in texts if t and set(t) != {"─"}]


def test_command_pdf_has_the_docx_content_in_the_nd30_2020_layout(
    world: dict[str, Any], dossiers: list[Any], tmp_path: Path
) -> None:
    unit = world["commune"].code
    options = {"unit": unit, "period": "2023-H1", "convention": "calendar"}
    call_command("cchc_report", out=str(tmp_path / "report.docx"), **options)
    call_command("cchc_report", out=str(tmp_path / "copy.docx"), pdf=True, **options)

    assert not (tmp_path / "copy.docx").exists()  # --pdf writes OUT with ".pdf"
    content = (tmp_path / "copy.pdf").read_bytes()
    sizes = page_sizes(content)
    assert len(sizes) >= 2
    assert all(same_size(size, A4) for size in sizes[:-1]), sizes
    assert same_size(sizes[-1], A4_LANDSCAPE), sizes  # the Biểu 06 annex

    text = pdf_text(content)
    for phrase in (QUOC_HIEU, TIEU_NGU, "ỦY BAN NHÂN DÂN", "XÃ TÁI SƠN", "BÁO CÁO", "Nơi nhận:"):
        assert phrase in text
    assert "Số: /BC-UBND" in text  # no number yet: room for the clerk
    assert "Tái Sơn, ngày tháng năm 2023" in text
    assert "Tổng số hồ sơ tiếp nhận: 2 hồ sơ" in text
    missing = [p for p in _docx_paragraphs(tmp_path / "report.docx") if p not in text]
    assert missing == []  # one source of content: every DOCX paragraph is in the PDF

    embedded = fonts(content)
    assert embedded and all(embedded.values()), embedded

    # Margins of Phụ lục I: left 30–35 mm, top 20–25 mm (text starts at the margin).
    left, top = _text_box(pdf_reader(content), 0)
    assert 30 * MM - 1 <= left <= 35 * MM
    assert A4[1] - top >= 20 * MM


def test_command_format_follows_the_file_name_and_refuses_contradictions(
    world: dict[str, Any], tmp_path: Path
) -> None:
    unit = world["commune"].code
    call_command("cchc_report", unit=unit, period="2023-Q1", out=str(tmp_path / "q1.pdf"))
    sizes = page_sizes((tmp_path / "q1.pdf").read_bytes())
    assert same_size(sizes[0], A4)
    with pytest.raises(CommandError, match="mâu thuẫn"):
        call_command(
            "cchc_report",
            unit=unit,
            period="2023-Q1",
            out=str(tmp_path / "x.docx"),
            pdf=True,
            format="docx",
        )
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "x.pdf").exists()


def test_download_view_serves_the_pdf_to_the_unit_staff_only(world: dict[str, Any]) -> None:
    commune = world["commune"]
    draft = report_draft_create(
        actor=world["leader"], unit=commune, period="2023-H1", signer_name="Nguyễn Thế Thọ"
    )
    leader = Client()
    leader.force_login(world["leader"])
    page = leader.get(f"/cai-cach/{commune.code}/bao-cao/{draft.pk}/").content.decode()
    url = f"/cai-cach/{commune.code}/bao-cao/{draft.pk}/pdf/"
    assert f'href="{url}"' in page

    response = leader.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = pdf_text(response.content)
    assert "Nguyễn Thế Thọ" in text and QUOC_HIEU in text

    stranger = Client()
    stranger.force_login(world["stranger"])
    assert stranger.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
