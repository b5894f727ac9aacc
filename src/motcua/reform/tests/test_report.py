"""The generated CCHC report (DOMAIN.md §8.2): its sentences quote Biểu 06 exactly, its DOCX
follows NĐ 30/2020 Phụ lục I (DOMAIN.md §7.2)."""

from __future__ import annotations

import io
import re
from typing import Any

import docx
import pytest

from motcua.organisation.constants import StaffCategory
from motcua.organisation.models import StaffingQuota, StaffPosition, Unit
from motcua.reform.document import render_docx
from motcua.reform.report import build_report, figures_sentences
from motcua.reform.services import report_draft_create
from motcua.reports.constants import Source
from motcua.reports.stats import bieu06

pytestmark = pytest.mark.django_db

NUMBER = r"(\d+)"


def _numbers(pattern: str, text: str) -> tuple[int, ...]:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in {text!r}"
    return tuple(int(g) for g in match.groups())


def _all_text(document: Any) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_sentences_quote_bieu06_figures(commune: Unit, leader: Any, dossiers_h1_2023: Any) -> None:
    draft = report_draft_create(actor=leader, unit=commune, period="2023-H1", convention="calendar")
    report = build_report(draft)
    expected = bieu06(
        unit=commune,
        date_from=draft.date_from,
        date_to=draft.date_to,
        source=Source.ORACLE,
    ).total
    procedures = next(p for p in report.parts if p.section == "procedures")
    text = " ".join(procedures.generated)
    received = _numbers(
        rf"Tổng số hồ sơ tiếp nhận: {NUMBER} hồ sơ \(trong đó: tiếp nhận trong kỳ {NUMBER}, "
        rf"trực tuyến {NUMBER}, trực tiếp và bưu chính {NUMBER}; từ kỳ trước chuyển sang "
        rf"{NUMBER}\)",
        text,
    )
    assert received == (
        expected.received_total,
        expected.received_online + expected.received_direct_postal,
        expected.received_online,
        expected.received_direct_postal,
        expected.carried_over,
    )
    resolved = _numbers(
        rf"Đã giải quyết {NUMBER} hồ sơ \(trước hạn {NUMBER}, đúng hạn {NUMBER}, "
        rf"quá hạn {NUMBER}\)",
        text,
    )
    assert resolved == (
        expected.resolved_total,
        expected.resolved_early,
        expected.resolved_on_time,
        expected.resolved_late,
    )
    pending = _numbers(
        rf"Đang giải quyết {NUMBER} hồ sơ \(trong hạn {NUMBER}, quá hạn {NUMBER}\)", text
    )
    assert pending == (expected.pending_total, expected.pending_within, expected.pending_overdue)
    # The fixture itself: 8 dossiers touch H1 (2 carried over), 5 resolved (1 late), 2 pending,
    # 1 withdrawn.
    assert received[0] == 8 and received[4] == 2
    assert resolved == (5, 3, 1, 1)
    assert pending == (2, 1, 1)
    assert "(công dân rút 1, dừng xử lý 0, khác 0)" in text
    assert "phiếu xin lỗi và hẹn lại ngày trả kết quả đã ban hành: 1." in text
    assert report.data.apology_letters == 1


def test_online_share_uses_vietnamese_decimal_comma() -> None:
    from motcua.reform.figures import Figures

    seed = Figures(
        received_online=381,
        received_direct_postal=23,
        resolved_total=403,
        resolved_early=381,
        resolved_on_time=17,
        resolved_late=5,
    )
    rates = figures_sentences(seed)[-1]
    assert "94,3%" in rates and "98,8%" in rates  # DOMAIN.md §0.2 derived rates


def test_staffing_from_the_registry(commune: Unit, leader: Any) -> None:
    StaffingQuota.objects.create(unit=commune, year=2023, category=StaffCategory.CAN_BO, quota=10)
    StaffingQuota.objects.create(unit=commune, year=2023, category=StaffCategory.CONG_CHUC, quota=8)
    for i in range(9):
        StaffPosition.objects.create(
            unit=commune,
            full_name=f"Cán bộ {i}",
            position="Chức danh",
            category=StaffCategory.CAN_BO,
            is_party_member=True,
            political_theory_level="Trung cấp" if i else "Sơ cấp",
            professional_level="Đại học",
        )
    StaffPosition.objects.create(
        unit=commune,
        full_name="Công chức",
        position="Tư pháp - Hộ tịch",
        category=StaffCategory.CONG_CHUC,
        professional_level="Đại học",
    )
    draft = report_draft_create(actor=leader, unit=commune, period="2023-H1", convention="calendar")
    report = build_report(draft)
    organisation = next(p for p in report.parts if p.section == "organisation")
    assert organisation.generated[0].startswith(
        "Số lượng biên chế được giao: 18 (cán bộ 10, công chức 8); số có mặt đến ngày 30/06/2023:"
        " 10 (cán bộ 9, công chức 1)."
    )
    civil = next(p for p in report.parts if p.section == "civil_service")
    assert (
        "Cán bộ: đảng viên 09/09; trình độ lý luận chính trị: Sơ cấp 01/09, Trung cấp 08/09"
        in (civil.generated[0])
    )


def test_docx_layout_decree_30_2020(commune: Unit, leader: Any, dossiers_h1_2023: Any) -> None:
    draft = report_draft_create(
        actor=leader,
        unit=commune,
        period="2023-H1",
        convention="calendar",
        signer_name="Nguyễn Thế Thọ",
    )
    draft.narrative = {
        "assessment": "Đánh giá chung.",
        "next_tasks": "Nhiệm vụ.",
        "proposals": "Không.",
    }
    report = build_report(draft)
    document = docx.Document(io.BytesIO(render_docx(report)))
    text = _all_text(document)
    for expected in (
        "ỦY BAN NHÂN DÂN",
        "XÃ TÁI SƠN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số:       /BC-UBND",
        "Tái Sơn, ngày",
        "BÁO CÁO",
        "Kết quả công tác cải cách hành chính 6 tháng đầu năm 2023",
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
        "III. ĐÁNH GIÁ CHUNG",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Nguyễn Thế Thọ",
        "Đánh giá chung.",
    ):
        assert expected in text, expected
    first = document.sections[0]
    mm = {
        name: round(getattr(first, name).mm)
        for name in ("page_width", "page_height", "left_margin", "right_margin", "top_margin")
    }
    assert mm == {
        "page_width": 210,
        "page_height": 297,
        "left_margin": 30,
        "right_margin": 15,
        "top_margin": 20,
    }
    assert document.styles["Normal"].font.name == "Times New Roman"
    place = next(p for p in document.tables[0].rows[0].cells[1].paragraphs if "Tái Sơn" in p.text)
    assert all(run.italic for run in place.runs)
    # Annex: Biểu 06 table, header rows + 1 field row + total row, 13 columns.
    annex = document.tables[2]
    assert len(annex.columns) == 13
    total_row = [cell.text for cell in annex.rows[-1].cells]
    assert total_row[1] == "Tổng cộng"
    assert total_row[2:] == [str(v) for v in (8, 4, 2, 2, 5, 3, 1, 1, 2, 1, 1)]
