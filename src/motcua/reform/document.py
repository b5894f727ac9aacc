"""DOCX of the CCHC report in the layout of Nghị định 30/2020/NĐ-CP, Phụ lục I (DOMAIN.md §7.2):
A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 14 pt; header
as a borderless two-column table (agency and number left, Quốc hiệu, Tiêu ngữ and place/date
right); "BÁO CÁO" and the summary centred bold; headings bold; body justified with a 1.27 cm
first-line indent; signature block and "Nơi nhận:" side by side; page numbers centred in the
top margin from page 2; the Biểu 06 table as an annex on a landscape page.

PDF: `render_pdf` renders the same `CchcReport` through the HTML template
`documents/cchc_report.html` with WeasyPrint (`motcua.documents.pdf`), in the same layout. The
annex content (`annex_content`) and the narrative paragraphs (`part_blocks`) are computed here
once for both formats, so the DOCX and the PDF never say different things.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from motcua.documents.pdf import render_template_pdf
from motcua.reform.figures import Figures
from motcua.reform.report import CchcReport, ReportPart

FONT = "Times New Roman"
BODY_PT = 14

#: Biểu 06 columns 3–13 (DOMAIN.md §3.2) in order.
ANNEX_KEYS = (
    "received_total",
    "received_online",
    "received_direct_postal",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending_total",
    "pending_within",
    "pending_overdue",
)


def part_blocks(part: ReportPart) -> list[str]:
    """The officer's narrative of a part as paragraphs (one per non-empty line)."""
    return [block.strip() for block in part.narrative.splitlines() if block.strip()]


@dataclass(frozen=True)
class AnnexRow:
    number: str
    label: str
    values: list[int]


@dataclass(frozen=True)
class Annex:
    """The Biểu 06 annex as printed (columns (1)–(13), DOMAIN.md §3.2)."""

    title: str
    subtitle: str
    caption: str
    headers: tuple[str, str]
    groups: list[tuple[str, int]]  # label, number of columns
    subheadings: list[str]
    rows: list[AnnexRow]
    total: AnnexRow
    note: str

    @property
    def column_numbers(self) -> range:
        return range(1, 3 + len(self.subheadings))


def _figure_values(figures: Figures) -> list[int]:
    values = figures.as_dict()
    return [int(values[key]) for key in ANNEX_KEYS]


def annex_content(report: CchcReport) -> Annex:
    """Texts and figures of the annex, shared by the DOCX and the PDF."""
    bieu = report.data.bieu06
    other = bieu.total
    note = ""
    if other.closed_other_total:
        note = _(
            "Ghi chú: hồ sơ kết thúc không có kết quả giải quyết (rút, dừng, trả lại), không "
            "tính vào các cột trên: %(n)d hồ sơ (rút %(w)d, dừng %(s)d)."
        ) % {"n": other.closed_other_total, "w": other.withdrawn, "s": other.stopped}
    return Annex(
        title=_("Phụ lục"),
        subtitle=_("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"),
        caption=_("(Kèm theo Báo cáo %(number)s; kỳ báo cáo từ ngày %(start)s đến ngày %(end)s)")
        % {
            "number": report.number_symbol.replace("Số: ", "số "),
            "start": report.period.date_from.strftime("%d/%m/%Y"),
            "end": report.period.date_to.strftime("%d/%m/%Y"),
        },
        headers=(_("STT"), _("Lĩnh vực, công việc giải quyết")),
        groups=[
            (_("Số hồ sơ nhận giải quyết"), 4),
            (_("Số hồ sơ đã giải quyết"), 4),
            (_("Số hồ sơ đang giải quyết"), 3),
        ],
        subheadings=[
            _("Tổng số"),
            _("Trực tuyến"),
            _("Trực tiếp, bưu chính"),
            _("Từ kỳ trước"),
            _("Tổng số"),
            _("Trước hạn"),
            _("Đúng hạn"),
            _("Quá hạn"),
            _("Tổng số"),
            _("Trong hạn"),
            _("Quá hạn"),
        ],
        rows=[
            AnnexRow(str(number), row.label, _figure_values(row.figures))
            for number, row in enumerate(bieu.rows, start=1)
        ],
        total=AnnexRow("", _("Tổng cộng"), _figure_values(bieu.total)),
        note=note,
    )


def _run(
    paragraph: Any,
    text: str,
    *,
    size: int = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
) -> Any:
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    run.underline = underline
    return run


def _para(
    container: Any,
    text: str = "",
    *,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    size: int = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    indent: bool = False,
    after: int = 0,
) -> Any:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic, underline=underline)
    return paragraph


def _cell_para(cell: Any, text: str, **kwargs: Any) -> Any:
    """Write into a table cell: reuse its first empty paragraph, then add more."""
    first = cell.paragraphs[0]
    if not first.text and len(cell.paragraphs) == 1 and not first.runs:
        first.alignment = kwargs.pop("align", WD_ALIGN_PARAGRAPH.CENTER)
        first.paragraph_format.space_after = Pt(0)
        if text:
            _run(first, text, **kwargs)
        return first
    return _para(cell, text, **kwargs)


def _no_borders(table: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _page_number_header(section: Any) -> None:
    """Page numbers centred in the top margin, not on the first page (Phụ lục I)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.name = FONT
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def _setup(document: Any) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    _page_number_header(section)


def _header(document: Any, report: CchcReport) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    if report.parent_agency:
        _cell_para(left, report.parent_agency.upper(), size=13)
    for line in report.agency_lines:
        _cell_para(left, line.upper(), size=13, bold=True)
    _cell_para(left, "─────", size=13)
    _cell_para(left, report.number_symbol, size=13)
    _cell_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True)
    _cell_para(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True, underline=True)
    _cell_para(right, "", size=13)
    _cell_para(right, report.place_date, size=14, italic=True)


def _title(document: Any, report: CchcReport) -> None:
    _para(document, "", after=6)
    _para(document, "BÁO CÁO", bold=True)
    _para(document, report.summary, bold=True)
    _para(document, "─────────", after=6)
    _para(
        document,
        report.cutoff_note,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent=True,
        after=6,
    )


def _body(document: Any, report: CchcReport) -> None:
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    _para(document, report.intro, align=justify, indent=True, after=6)
    for part in report.parts:
        heading = part.heading.upper() if part.level == 1 else part.heading
        _para(document, heading, align=justify, bold=True, indent=True, after=6)
        for sentence in part.generated:
            _para(document, sentence, align=justify, indent=True, after=6)
        for block in part_blocks(part):
            _para(document, block, align=justify, indent=True, after=6)
    _para(document, report.closing, align=justify, indent=True, after=6)


def _signature(document: Any, report: CchcReport) -> None:
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8.5), Cm(8)
    _cell_para(left, _("Nơi nhận:"), size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in report.recipients:
        _cell_para(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_para(right, report.signer_authority.upper(), bold=True)
    _cell_para(right, report.signer_title.upper(), bold=True)
    for _i in range(3):
        _cell_para(right, "")
    _cell_para(right, report.signer_name, bold=True)


def _figure_cells(row: Any, values: list[int], *, bold: bool = False) -> None:
    for offset, value in enumerate(values, start=2):
        _cell_para(row.cells[offset], str(value), size=11, bold=bold)


def _annex(document: Any, report: CchcReport) -> None:
    content = annex_content(report)
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(30), Mm(15)
    _para(document, content.title, bold=True)
    _para(document, content.subtitle, bold=True)
    _para(document, content.caption, italic=True, after=6)
    columns = len(content.column_numbers)
    table = document.add_table(rows=3, cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    top, sub, numbers = table.rows
    for idx, label in enumerate(content.headers):
        cell = top.cells[idx].merge(sub.cells[idx])
        _cell_para(cell, label, size=11, bold=True)
    first = len(content.headers)
    for label, span in content.groups:
        last = first + span - 1
        _cell_para(top.cells[first].merge(top.cells[last]), label, size=11, bold=True)
        first = last + 1
    for offset, label in enumerate(content.subheadings, start=len(content.headers)):
        _cell_para(sub.cells[offset], label, size=11, bold=True)
    for idx, number in enumerate(content.column_numbers):
        _cell_para(numbers.cells[idx], f"({number})", size=10, italic=True)
    for annex_row in content.rows:
        row = table.add_row()
        _cell_para(row.cells[0], annex_row.number, size=11)
        _cell_para(row.cells[1], annex_row.label, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        _figure_cells(row, annex_row.values)
    total = table.add_row()
    _cell_para(total.cells[1], content.total.label, size=11, bold=True)
    _figure_cells(total, content.total.values, bold=True)
    if content.note:
        _para(document, content.note, size=12, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)


def render_docx(report: CchcReport) -> bytes:
    """The report as DOCX bytes (layout of NĐ 30/2020, Phụ lục I)."""
    document = Document()
    _setup(document)
    _header(document, report)
    _title(document, report)
    _body(document, report)
    _signature(document, report)
    _annex(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_pdf(report: CchcReport) -> bytes:
    """The report as PDF bytes: the same content as `render_docx`, in the same layout, rendered
    from `documents/cchc_report.html` with WeasyPrint (A4, NĐ 30/2020 margins, annex landscape)."""
    parts = [
        {
            "heading": part.heading.upper() if part.level == 1 else part.heading,
            "level": part.level,
            "generated": part.generated,
            "blocks": part_blocks(part),
        }
        for part in report.parts
    ]
    context = {"report": report, "parts": parts, "annex": annex_content(report)}
    return render_template_pdf("documents/cchc_report.html", context)
