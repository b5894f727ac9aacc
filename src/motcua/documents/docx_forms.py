"""The printable forms (Mẫu 01–06 of TT 01/2018/TT-VPCP, Mẫu 01–07 of TT 03/2025/TT-VPCP) as
DOCX, built with python-docx from the same context as the HTML print page
(`printforms.form_context` / `printforms.ledger_context`): the values are computed once, this
module only lays them out (docs/dev/documents.md).

Layout after NĐ 30/2020/NĐ-CP Phụ lục I (DOMAIN.md §7.2): Times New Roman (Word substitutes a
metric-compatible font where it is missing; the PDFs embed Liberation Serif), the header as a
borderless two-column table (agency left, Quốc hiệu and Tiêu ngữ right), place and date in
italics. Paper per TT 01/2018 art. 9(2): A5 portrait for the forms, A4 landscape for the ledger.
The A4 margins are those of NĐ 30 (top/bottom 20 mm, left 30 mm, right 15 mm); on A5 they are
halved (10/15/10 mm), as on the printed page, or a form would not fit its sheet.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import segno
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from motcua.catalogue.constants import ComponentKind

#: NĐ 30/2020 Phụ lục I: Times New Roman (TCVN 6909:2001 Unicode).
FONT = "Times New Roman"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
LEFT = WD_ALIGN_PARAGRAPH.LEFT


def kind_label(value: str) -> str:
    try:
        return str(ComponentKind(value).label)
    except ValueError:
        return value


def local(value: Any, fmt: str = "%d/%m/%Y") -> str:
    """An instant as Vietnam local time (`dd/mm/yyyy` by default); "" for None."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime(fmt)


def qr_png(data: str) -> bytes:
    """The look-up QR code as PNG (segno, error correction M, as the SVG of the HTML form)."""
    buffer = io.BytesIO()
    segno.make_qr(data, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


class FormDocument:
    """A python-docx document with the helpers of the NĐ 30 layout."""

    def __init__(self, *, a5: bool = True, landscape: bool = False, body_pt: float = 13) -> None:
        self.document = Document()
        self.a5 = a5
        self.body_pt = body_pt
        style = self.document.styles["Normal"]
        style.font.name = FONT
        style.font.size = Pt(body_pt)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
        style.paragraph_format.space_after = Pt(2)
        style.paragraph_format.space_before = Pt(0)
        section = self.document.sections[0]
        if a5:
            section.page_width, section.page_height = Mm(148), Mm(210)
            section.top_margin = section.bottom_margin = Mm(10)
            section.left_margin, section.right_margin = Mm(15), Mm(10)
        else:
            width, height = Mm(210), Mm(297)
            if landscape:
                section.orientation = WD_ORIENT.LANDSCAPE
                width, height = height, width
            section.page_width, section.page_height = width, height
            section.top_margin = section.bottom_margin = Mm(20)
            section.left_margin, section.right_margin = Mm(30), Mm(15)

    @property
    def text_width(self) -> int:
        section = self.document.sections[0]
        page, left, right = section.page_width, section.left_margin, section.right_margin
        return int(page or 0) - int(left or 0) - int(right or 0)

    def para(
        self,
        text: str = "",
        *,
        bold: bool = False,
        italic: bool = False,
        size: float | None = None,
        align: Any = None,
        container: Any = None,
        underline: bool = False,
    ) -> Any:
        target = container if container is not None else self.document
        paragraph = target.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if text:
            self.run(paragraph, text, bold=bold, italic=italic, size=size, underline=underline)
        return paragraph

    def run(
        self,
        paragraph: Any,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        size: float | None = None,
        underline: bool = False,
    ) -> Any:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.name = FONT
        run.font.size = Pt(size or self.body_pt)
        return run

    def labelled(self, label: str, value: str, *, strong: bool = False) -> Any:
        paragraph = self.para(f"{label} ")
        self.run(paragraph, value or "…", bold=strong)
        return paragraph

    def cell_para(self, cell: Any, text: str, **kwargs: Any) -> Any:
        paragraph = cell.paragraphs[0] if not cell.paragraphs[0].text else cell.add_paragraph()
        if "align" not in kwargs:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            paragraph.alignment = kwargs.pop("align")
        if text:
            self.run(paragraph, text, **kwargs)
        return paragraph

    @staticmethod
    def borders(table: Any, value: str) -> None:
        """All borders of `table` set to `value` ("nil": none, "single": a thin line)."""
        element = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            border = OxmlElement(f"w:{edge}")
            border.set(qn("w:val"), value)
            if value != "nil":
                border.set(qn("w:sz"), "4")
                border.set(qn("w:color"), "000000")
            element.append(border)
        table._tbl.tblPr.append(element)

    def grid(
        self,
        head: list[str],
        rows: list[list[str]],
        *,
        size: float = 10,
        widths: list[float] | None = None,
    ) -> Any:
        """A bordered table; `widths` are fractions of the text width per column."""
        table = self.document.add_table(rows=1, cols=len(head))
        self.borders(table, "single")
        if widths:
            table.autofit = False
            for column, fraction in zip(table.columns, widths, strict=True):
                column.width = int(self.text_width * fraction)
        for cell, text in zip(table.rows[0].cells, head, strict=True):
            self.cell_para(cell, text, bold=True, size=size)
        for values in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, values, strict=True):
                self.cell_para(cell, str(text), size=size, align=WD_ALIGN_PARAGRAPH.LEFT)
        if widths:  # Word reads the cell widths, LibreOffice the grid columns: set both
            for row in table.rows:
                for cell, fraction in zip(row.cells, widths, strict=True):
                    cell.width = int(self.text_width * fraction)
        return table

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _top(doc: FormDocument, context: dict[str, Any], place_date: str, docno: str) -> None:
    """Form number, NĐ 30 header table, title and the dossier code box with its QR code."""
    small = 10 if doc.a5 else 11
    head = 11 if doc.a5 else 13
    note = doc.para(align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.run(note, _("Mẫu số %(n)s") % {"n": context["number"]}, italic=True, size=small)
    note.add_run().add_break()
    doc.run(
        note,
        _("(Ban hành kèm theo %(c)s)") % {"c": context["circular"]},
        italic=True,
        size=small,
    )
    table = doc.document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    doc.borders(table, "nil")
    left, right = table.rows[0].cells
    left.width, right.width = int(doc.text_width * 0.45), int(doc.text_width * 0.55)
    doc.cell_para(left, context["header"]["parent"], size=head)
    doc.cell_para(left, context["header"]["agency"], size=head, bold=True)
    doc.cell_para(left, "────", size=head)
    if docno:
        doc.cell_para(left, docno, size=head)
    doc.cell_para(right, QUOC_HIEU, size=head, bold=True)
    doc.cell_para(right, TIEU_NGU, size=head + 1, bold=True, underline=True)
    doc.cell_para(right, place_date, size=head + 1, italic=True)
    doc.para(
        context["heading"] if "heading" in context else context["title"].upper(),
        bold=True,
        size=doc.body_pt + 1,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )


def _code_box(doc: FormDocument, context: dict[str, Any], extra: list[tuple[str, str]]) -> None:
    dossier = context["dossier"]
    if not dossier.code:
        return
    table = doc.document.add_table(rows=1, cols=2)
    table.autofit = False
    doc.borders(table, "single")
    qr_cell, text_cell = table.rows[0].cells
    qr_cell.width = Mm(24)
    text_cell.width = doc.text_width - Mm(24)
    picture = qr_cell.paragraphs[0]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.add_run().add_picture(io.BytesIO(qr_png(context["lookup_url"])), width=Mm(20))
    paragraph = doc.cell_para(text_cell, _("Mã hồ sơ:") + " ", align=WD_ALIGN_PARAGRAPH.LEFT)
    doc.run(paragraph, dossier.code, bold=True)
    for label, value in extra:
        paragraph = doc.cell_para(text_cell, label + " ", align=WD_ALIGN_PARAGRAPH.LEFT)
        doc.run(paragraph, value, bold=True)
    doc.cell_para(
        text_cell,
        _("Tra cứu tình trạng hồ sơ:") + " " + context["lookup_url"],
        size=10,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )


def _signatures(doc: FormDocument, left: list[tuple[str, dict[str, Any]]], right: Any) -> None:
    """The signature table: `left` and `right` are lists of (text, run options)."""
    table = doc.document.add_table(rows=1, cols=2)
    doc.borders(table, "nil")
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        for text, options in lines:
            doc.cell_para(cell, text, **options)


def _signer(title: str, name: str, hint: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    lines: list[tuple[str, dict[str, Any]]] = [(title, {"bold": True})]
    if hint:
        lines.append((hint, {"italic": True}))
    lines += [("", {}), ("", {}), (name, {"bold": True})]
    return lines


def _recipients(*names: str) -> list[tuple[str, dict[str, Any]]]:
    lines: list[tuple[str, dict[str, Any]]] = [
        (_("Nơi nhận:"), {"bold": True, "italic": True, "size": 12, "align": LEFT})
    ]
    lines += [(f"- {name}", {"size": 11, "align": LEFT}) for name in names]
    return lines


def _actor(context: dict[str, Any]) -> str:
    actor = context["event"].actor
    return actor.display_name if actor is not None else ""


def _applicant_lines(doc: FormDocument, dossier: Any) -> None:
    doc.labelled(_("Hồ sơ của:"), dossier.applicant_name, strong=True)
    doc.labelled(_("Nội dung yêu cầu giải quyết:"), dossier.procedure_version.procedure.name)
    paragraph = doc.labelled(_("Địa chỉ:"), dossier.applicant_address)
    doc.run(paragraph, "   " + _("Số điện thoại:") + " " + (dossier.applicant_phone or "…"))


def _numbered(doc: FormDocument, items: list[str]) -> None:
    for number, item in enumerate(items, start=1):
        doc.para(f"{number}. {item}")


def _receipt(doc: FormDocument, context: dict[str, Any]) -> None:
    dossier = context["dossier"]
    version = dossier.procedure_version
    docno = _("Số:") + f" {dossier.ledger_number or 0:02d}/TNHS"
    _top(doc, context, context["place_date"], docno)
    _code_box(doc, context, [(_("Mã tra cứu:"), dossier.lookup_secret)])
    doc.labelled(_("Bộ phận tiếp nhận và trả kết quả:"), dossier.unit.name)
    doc.labelled(_("Tiếp nhận hồ sơ của:"), dossier.applicant_name, strong=True)
    if dossier.applicant_id_number:
        doc.labelled(_("Số định danh cá nhân:"), dossier.applicant_id_number)
    doc.labelled(_("Địa chỉ:"), dossier.applicant_address)
    paragraph = doc.labelled(_("Số điện thoại:"), dossier.applicant_phone)
    doc.run(paragraph, "   " + _("Email:") + " " + (dossier.applicant_email or "…"))
    doc.labelled(_("Nội dung yêu cầu giải quyết:"), version.procedure.name, strong=True)
    doc.para(_("1. Thành phần hồ sơ nộp gồm:"))
    provided = [c for c in context["components"] if c.provided]
    doc.grid(
        [_("STT"), _("Tên giấy tờ"), _("Hình thức (bản chính, bản sao)"), _("Số lượng")],
        [
            [str(i), c.name, kind_label(c.kind), str(c.quantity)]
            for i, c in enumerate(provided, start=1)
        ],
        widths=[0.08, 0.6, 0.2, 0.12],
    )
    doc.para(_("2. Số lượng hồ sơ:") + f" {dossier.copies} " + _("(bộ)"))
    if version.time_limit_text:
        limit = version.time_limit_text
    else:
        amount = f"{version.time_limit_amount.normalize():f}"
        limit = f"{amount} {version.get_time_limit_unit_display().lower()}"
    doc.para(_("3. Thời gian giải quyết hồ sơ theo quy định là:") + f" {limit}")
    doc.para(_("4. Thời gian nhận hồ sơ:") + f" {context['received_words']}")
    doc.labelled(_("5. Thời gian trả kết quả giải quyết hồ sơ:"), context["due_words"], strong=True)
    doc.para(_("6. Đăng ký nhận kết quả tại:") + f" {dossier.unit.name}")
    doc.para(
        _("Vào Sổ theo dõi hồ sơ năm %(y)s, số thứ tự: %(n)s")
        % {"y": dossier.ledger_year, "n": dossier.ledger_number}
    )
    hint = _("(Ký và ghi rõ họ tên)")
    _signatures(
        doc,
        _signer(_("NGƯỜI NỘP HỒ SƠ"), dossier.applicant_name, hint),
        _signer(_("NGƯỜI TIẾP NHẬN HỒ SƠ"), _actor(context), hint),
    )


def _supplement(doc: FormDocument, context: dict[str, Any]) -> None:
    _top(doc, context, context["place_date"], _("Số:") + " …/HDHS")
    _code_box(doc, context, [])
    _applicant_lines(doc, context["dossier"])
    doc.para(_("Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:"))
    _numbered(doc, context["items"])
    if context["missing"]:
        doc.para(_("Thành phần hồ sơ còn thiếu:"))
        for c in context["missing"]:
            doc.para(f"- {c.name} ({kind_label(c.kind)})")
    doc.para(
        _(
            "Lý do: hồ sơ chưa đầy đủ, chính xác theo quy định (NĐ 61/2018/NĐ-CP Điều 17 khoản 1 "
            "điểm a, Điều 19 khoản 4). Quá trình hoàn thiện hồ sơ nếu có vướng mắc, ông/bà liên "
            "hệ Bộ phận Một cửa để được hướng dẫn."
        )
    )
    _signatures(doc, [], _signer(_("NGƯỜI HƯỚNG DẪN"), _actor(context), _("(Ký và ghi rõ họ tên)")))


def _refusal(doc: FormDocument, context: dict[str, Any]) -> None:
    _top(doc, context, context["place_date"], _("Số:") + " …/TCHS")
    _code_box(doc, context, [])
    _applicant_lines(doc, context["dossier"])
    doc.para(_("Ngày nộp, xử lý: %(at)s.") % {"at": context["event_time_words"]})
    doc.para(_("Cơ quan, đơn vị từ chối giải quyết hồ sơ với lý do sau:"))
    _numbered(doc, context["items"])
    doc.para(_("Xin thông báo để ông/bà được biết và thực hiện."))
    _signatures(doc, [], _signer(_("NGƯỜI LẬP PHIẾU"), _actor(context), _("(Ký và ghi rõ họ tên)")))


def _apology(doc: FormDocument, context: dict[str, Any]) -> None:
    dossier = context["dossier"]
    _top(doc, context, context["place_date"], _("Số:") + " …/PXL")
    _code_box(doc, context, [])
    doc.labelled(_("Kính gửi:"), dossier.applicant_name, strong=True)
    paragraph = doc.labelled(_("Địa chỉ:"), dossier.applicant_address)
    doc.run(paragraph, "   " + _("Số điện thoại:") + " " + (dossier.applicant_phone or "…"))
    doc.para(
        _(
            "Ngày %(at)s, cơ quan, đơn vị tiếp nhận giải quyết hồ sơ của ông/bà, mã hồ sơ "
            "%(code)s (%(name)s); thời gian hẹn trả kết quả: %(due)s."
        )
        % {
            "at": context["received_words"],
            "code": dossier.code,
            "name": dossier.procedure_version.procedure.name,
            "due": context["due_words"],
        }
    )
    doc.para(
        _(
            "Tuy nhiên đến nay, cơ quan, đơn vị chưa trả kết quả giải quyết hồ sơ của ông/bà "
            "đúng hạn."
        )
    )
    doc.para(_("Lý do:") + f" {context['event'].note}")
    paragraph = doc.para(
        _(
            "Sự chậm trễ này đã gây phiền hà cho ông/bà. Cơ quan, đơn vị xin lỗi ông/bà và sẽ trả "
            "kết quả giải quyết hồ sơ cho ông/bà vào"
        )
        + " "
    )
    doc.run(paragraph, context["extended_words"], bold=True)
    doc.labelled(
        _("Thời gian hẹn trả kết quả lại:"),
        local(dossier.extended_due_at, "%H:%M %d/%m/%Y"),
        strong=True,
    )
    doc.para(_("Xin trân trọng cảm ơn./."))
    _signatures(
        doc,
        _recipients(_("Như trên;"), _("Bộ phận Một cửa;"), _("Lưu: VT.")),
        _signer(
            _("THỦ TRƯỞNG CƠ QUAN GIẢI QUYẾT"), _actor(context), _("(Ký, ghi rõ họ tên, đóng dấu)")
        ),
    )


def _stop_notice(doc: FormDocument, context: dict[str, Any]) -> None:
    dossier = context["dossier"]
    _top(doc, context, context["place_date"], _("Số:") + " …/TB")
    _code_box(doc, context, [])
    doc.labelled(_("Kính gửi:"), dossier.applicant_name, strong=True)
    doc.para(
        _("Hồ sơ mã %(code)s (%(name)s) được dừng giải quyết với lý do sau:")
        % {"code": dossier.code, "name": dossier.procedure_version.procedure.name}
    )
    _numbered(doc, context["items"])
    _signatures(
        doc,
        _recipients(_("Như trên;"), _("Lưu: VT.")),
        _signer(_("THỦ TRƯỞNG CƠ QUAN GIẢI QUYẾT"), _actor(context)),
    )


def _on_time(payload: dict[str, Any]) -> str:
    for key in ("completed_on_time", "on_time"):
        if payload.get(key) is not None:
            return _("Đúng hạn") if payload[key] else _("Quá hạn")
    return ""


def _control_sheet(doc: FormDocument, context: dict[str, Any]) -> None:
    dossier = context["dossier"]
    _top(doc, context, context["place_date"], "")
    _code_box(doc, context, [])
    procedure, applicant = _("Tên thủ tục:"), _("Người nộp:")
    received, due = _("Thời gian nhận hồ sơ:"), _("Hẹn trả:")
    doc.para(
        f"{procedure} {dossier.procedure_version.procedure.name} · "
        f"{applicant} {dossier.applicant_name}"
    )
    doc.para(f"{received} {context['received_words']} · {due} {context['due_words']}")
    given, giver_label, taker_label = _("Giao:"), _("Người giao"), _("Người nhận")
    rows = []
    for entry in context["timeline"]:
        event = entry.event
        giver = event.actor.display_name if event.actor is not None else "…"
        rows.append(
            [
                event.unit.name if event.unit is not None else dossier.unit.name,
                f"{given} {local(event.at, '%H:%M %d/%m/%Y')}\n{entry.label}\n"
                f"{giver_label}: {giver}   {taker_label}: …",
                _on_time(event.payload or {}),
                event.note,
            ]
        )
    doc.grid(
        [
            _("TÊN CƠ QUAN"),
            _("THỜI GIAN GIAO, NHẬN HỒ SƠ"),
            _("KẾT QUẢ GIẢI QUYẾT HỒ SƠ (trước hạn/đúng hạn/quá hạn)"),
            _("GHI CHÚ"),
        ],
        rows,
        size=9,
        widths=[0.22, 0.38, 0.2, 0.2],
    )


def _ledger(doc: FormDocument, context: dict[str, Any]) -> None:
    year = context["year"]
    # One sentence, as the print page's (ledger.html): "NĂM" alone left "… YEAR 2026" in English.
    context = {**context, "heading": _("SỔ THEO DÕI HỒ SƠ NĂM %(year)s") % {"year": year}}
    _top(doc, context, _("Năm %(year)s") % {"year": year}, "")
    rows = []
    for d in context["rows"]:
        transfers = " ".join(
            f"{local(t.sent_at)} {t.to_unit.name}"
            for t in d.transfers.all()
            if t.kind == "transfer"
        )
        address = d.applicant_address + (f", {d.applicant_phone}" if d.applicant_phone else "")
        rows.append(
            [
                str(d.ledger_number),
                d.code or "",
                d.procedure_version.procedure.name,
                str(d.copies),
                d.applicant_name,
                address,
                d.current_unit.name,
                local(d.received_at),
                local(d.effective_due_at),
                transfers,
                local(d.finished_at),
                local(d.returned_at),
                "",
                str(d.get_state_display()),
            ]
        )
    doc.grid(
        [
            _("STT"),
            _("Mã hồ sơ"),
            _("Tên TTHC"),
            _("Số lượng hồ sơ (bộ)"),
            _("Tên cá nhân, tổ chức"),
            _("Địa chỉ, số điện thoại"),
            _("Cơ quan chủ trì giải quyết"),
            _("Ngày nhận hồ sơ"),
            _("Ngày hẹn trả"),
            _("Ngày chuyển hồ sơ đến cơ quan giải quyết"),
            _("Ngày nhận kết quả từ cơ quan giải quyết"),
            _("Ngày trả kết quả"),
            _("Ký nhận"),
            _("Ghi chú"),
        ],
        rows,
        size=9,
    )
    if not rows:
        doc.para(_("Chưa có hồ sơ nào trong sổ."), italic=True)


BUILDERS: dict[str, Callable[[FormDocument, dict[str, Any]], None]] = {
    "receipt": _receipt,
    "supplement": _supplement,
    "refusal": _refusal,
    "apology": _apology,
    "stop_notice": _stop_notice,
    "control_sheet": _control_sheet,
    "ledger": _ledger,
}


def form_docx(context: dict[str, Any]) -> bytes:
    """The DOCX of a form from its `printforms` context (the key "kind" picks the layout)."""
    kind = context["kind"]
    ledger = kind == "ledger"
    # 12 pt: the A5 forms must hold on one A5 sheet and the ledger has 14 columns; NĐ 30's
    # 13–14 pt is kept by the A4 text documents (result templates, CCHC report).
    doc = FormDocument(a5=not ledger, landscape=ledger, body_pt=12)
    BUILDERS[kind](doc, context)
    return doc.save()


def docx_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
