"""Renderings of a Biểu 06 result: the stable JSON contract, a text table, an XLSX workbook."""

from __future__ import annotations

import unicodedata
from typing import IO, Any

from django.utils.translation import gettext as _

from motcua.reports.constants import BIEU06_COLUMNS, FIGURE_KEYS, Policy
from motcua.reports.stats import Bieu06Figures, Bieu06Result

FORM_CODE = "Biểu số 06/VPCP/KSTT"


def result_to_json(result: Bieu06Result) -> dict[str, Any]:
    """The stable contract of `motcua stats --format json` (docs/domain/statistics.md)."""
    return {
        "unit": result.unit.code,
        "from": result.date_from.isoformat(),
        "to": result.date_to.isoformat(),
        "policy": result.policy,
        "total": result.total.as_dict(),
        "by_field": [
            {"field": row.code, "name": row.name, **row.figures.as_dict()}
            for row in result.by_field
        ],
    }


def column_headings() -> list[str]:
    """Short Vietnamese headings of columns 3–13 (DOMAIN.md §3.2)."""
    return [
        _("Nhận: Tổng số"),
        _("Trực tuyến"),
        _("Trực tiếp, BCCI"),
        _("Kỳ trước"),
        _("Đã GQ: Tổng số"),
        _("Trước hạn"),
        _("Đúng hạn"),
        _("Quá hạn"),
        _("Đang GQ: Tổng số"),
        _("Trong hạn"),
        _("Quá hạn"),
    ]


def footnote(result: Bieu06Result) -> str:
    t = result.total
    if result.policy == Policy.STRICT:
        return _(
            "Hồ sơ rút, dừng xử lý (không tính vào cột 7–13): %(n)d (rút: %(w)d; dừng: %(s)d)."
        ) % {"n": t.closed_other_total, "w": t.withdrawn, "s": t.stopped}
    return _(
        "Cột Đúng hạn bao gồm %(n)d hồ sơ rút/dừng xử lý; cột Trong hạn bao gồm hồ sơ chờ bổ sung."
    ) % {"n": t.withdrawn + t.stopped}


def _width(text: str) -> int:
    return sum(1 for ch in unicodedata.normalize("NFC", text) if not unicodedata.combining(ch))


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _figure_cells(f: Bieu06Figures) -> list[str]:
    return [str(getattr(f, key)) for _col, key in BIEU06_COLUMNS]


def render_table(result: Bieu06Result) -> str:
    """An aligned text table (STT, field, columns 3–13), total row and footnote."""
    head = [_("STT"), _("Lĩnh vực"), *column_headings()]
    numbers = [str(n) for n in range(1, 14)]
    rows = [
        [str(i), row.name, *_figure_cells(row.figures)]
        for i, row in enumerate(result.by_field, start=1)
    ]
    rows.append(["", _("Tổng cộng"), *_figure_cells(result.total)])
    table = [head, numbers, *rows]
    widths = [max(_width(r[i]) for r in table) for i in range(len(head))]
    lines = [
        f"{FORM_CODE} – {result.unit.name}",
        _("Kỳ báo cáo: Từ ngày %(a)s đến ngày %(b)s")
        % {"a": result.date_from.strftime("%d/%m/%Y"), "b": result.date_to.strftime("%d/%m/%Y")},
    ]
    for r in table:
        lines.append(
            "  ".join(_pad(cell, widths[i], right=i != 1) for i, cell in enumerate(r)).rstrip()
        )
    lines.append(footnote(result))
    return "\n".join(lines) + "\n"


def write_xlsx(result: Bieu06Result, out: str | IO[bytes]) -> None:
    """A workbook laid out like Biểu 06: header block, 13 columns with merged group headings,
    column numbers, level and field rows, total row, footnote."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Bieu06"
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    receiving = result.unit.parent.name if result.unit.parent is not None else ""

    ws["A1"] = FORM_CODE
    ws["A1"].font = bold
    ws["A2"] = _("Đơn vị báo cáo: %(u)s") % {"u": result.unit.name}
    ws["A3"] = _("Đơn vị nhận báo cáo: %(u)s") % {"u": receiving}
    ws.merge_cells("D1:M1")
    ws["D1"] = _("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC")
    ws["D1"].font = bold
    ws["D1"].alignment = center
    ws.merge_cells("D2:M2")
    ws["D2"] = _("Kỳ báo cáo: Từ ngày %(a)s đến ngày %(b)s") % {
        "a": result.date_from.strftime("%d/%m/%Y"),
        "b": result.date_to.strftime("%d/%m/%Y"),
    }
    ws["D2"].alignment = center
    ws["M3"] = _("Đơn vị tính: Số hồ sơ TTHC")

    top, sub, num = 5, 6, 7
    ws.merge_cells(start_row=top, start_column=1, end_row=sub, end_column=1)
    ws.cell(top, 1, _("STT"))
    ws.merge_cells(start_row=top, start_column=2, end_row=sub, end_column=2)
    ws.cell(top, 2, _("Lĩnh vực, công việc giải quyết theo cấp"))
    groups = [
        (3, 6, _("Số hồ sơ nhận giải quyết")),
        (7, 10, _("Số hồ sơ đã giải quyết")),
        (11, 13, _("Số hồ sơ đang giải quyết")),
    ]
    for first, last, title in groups:
        ws.merge_cells(start_row=top, start_column=first, end_row=top, end_column=last)
        ws.cell(top, first, title)
    subheads = [
        _("Tổng số"),
        _("Trong đó: Trực tuyến"),
        _("Trong đó: Trực tiếp, dịch vụ bưu chính"),
        _("Từ kỳ trước"),
        _("Tổng số"),
        _("Trước hạn"),
        _("Đúng hạn"),
        _("Quá hạn"),
        _("Tổng số"),
        _("Trong hạn"),
        _("Quá hạn"),
    ]
    for offset, text in enumerate(subheads):
        ws.cell(sub, 3 + offset, text)
    for col in range(1, 14):
        ws.cell(num, col, f"({col})")
    for r in (top, sub, num):
        for col in range(1, 14):
            cell = ws.cell(r, col)
            cell.font = bold
            cell.alignment = center
            cell.border = box

    def put(row_no: int, stt: str, label: str, figures: Bieu06Figures, strong: bool) -> None:
        ws.cell(row_no, 1, stt)
        ws.cell(row_no, 2, label)
        for col, key in BIEU06_COLUMNS:
            ws.cell(row_no, col, getattr(figures, key))
        for col in range(1, 14):
            ws.cell(row_no, col).border = box
            if strong:
                ws.cell(row_no, col).font = bold

    row_no = num + 1
    put(row_no, "I", _("Cấp %(k)s") % {"k": result.unit.get_kind_display()}, result.total, True)
    for i, row in enumerate(result.by_field, start=1):
        row_no += 1
        put(row_no, str(i), row.name, row.figures, False)
    row_no += 1
    put(row_no, "", _("Tổng cộng"), result.total, True)
    ws.cell(row_no + 2, 1, _("Ghi chú: %(n)s") % {"n": footnote(result)})
    ws.column_dimensions["B"].width = 40
    for letter in "CDEFGHIJKLM":
        ws.column_dimensions[letter].width = 12
    ws.row_dimensions[sub].height = 60
    # Printed like the paper form: A4 landscape, all 13 columns on one page width.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    wb.save(out)


__all__ = ["FIGURE_KEYS", "render_table", "result_to_json", "write_xlsx"]
