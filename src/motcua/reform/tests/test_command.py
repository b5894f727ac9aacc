"""`motcua cchc-report` writes the DOCX, or the PDF with `--pdf`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import CommandError, call_command

from motcua.organisation.models import Unit

pytestmark = pytest.mark.django_db


def test_command_writes_docx(commune: Unit, dossiers_h1_2023: Any, tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    call_command(
        "cchc_report", unit=commune.code, period="2023-H1", out=str(out), convention="calendar"
    )
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "BÁO CÁO" in text
    assert "Tổng số hồ sơ tiếp nhận: 8 hồ sơ" in text
    assert "Số liệu báo cáo tính từ ngày 01/01/2023 đến ngày 30/06/2023." in text


def test_pdf_is_written_next_to_the_docx_name(commune: Unit, tmp_path: Path) -> None:
    """`--pdf` renders with WeasyPrint (motcua.documents); the PDF tests live there."""
    call_command(
        "cchc_report", unit=commune.code, period="2023-H1", out=str(tmp_path / "r.docx"), pdf=True
    )
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"
    assert not (tmp_path / "r.docx").exists()


def test_unknown_unit_and_period(commune: Unit, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command("cchc_report", unit="NOPE", period="2023-H1", out=str(tmp_path / "a.docx"))
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command(
            "cchc_report", unit=commune.code, period="2023-H9", out=str(tmp_path / "a.docx")
        )
