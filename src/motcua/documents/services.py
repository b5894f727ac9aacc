"""Result documents from per-procedure DOCX templates, and the stored generated documents.

- `result_template_create()` checks an uploaded DOCX template (a real DOCX, Jinja tags that
  parse) and records its SHA-256 and the fields it needs.
- `result_context()` / `result_render()` fill a template from the dossier's e-form data
  (`Dossier.data`, copied from the portal submission or typed at the counter) plus standard
  fields; a field the template needs and the dossier does not have is reported
  (`MissingResultFields`), never printed blank.
- `result_render_pdf()` the same document as PDF: the filled DOCX is turned into simple HTML
  (paragraphs, runs, tables) and rendered by WeasyPrint at the DOCX's page size.
- `document_store()` writes one `GeneratedDocument` (private storage, SHA-256), idempotent per
  (event, kind, format).
"""

from __future__ import annotations

import hashlib
import html
import io
import zipfile
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalogue.models import ProcedureVersion
from motcua.core.errors import DomainError
from motcua.documents.models import DocumentFormat, GeneratedDocument, ResultTemplate
from motcua.dossiers.models import Dossier, DossierEvent

#: At most this many bytes in an uploaded template (a form letter, not a scanned book).
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
DOCX_MAIN_PART = "word/document.xml"

#: Standard fields every template may use besides the dossier's e-form data.
STANDARD_FIELDS: dict[str, str] = {
    "ma_ho_so": "Mã hồ sơ",
    "ten_nguoi_nop": "Họ tên người nộp hồ sơ",
    "dia_chi_nguoi_nop": "Địa chỉ người nộp hồ sơ",
    "ten_thu_tuc": "Tên thủ tục hành chính",
    "ten_don_vi": "Tên đơn vị",
    "ten_don_vi_in_hoa": "Tên đơn vị (in hoa)",
    "co_quan_cap_tren": "Cơ quan cấp trên (in hoa)",
    "ngay_nop": "Ngày nộp hồ sơ",
    "ngay_tiep_nhan": "Ngày tiếp nhận hồ sơ",
    "ngay_hen_tra": "Ngày hẹn trả kết quả",
    "ngay_ky": "Ngày ký (dd/mm/yyyy)",
    "ngay_ky_chu": "Ngày ký (ngày … tháng … năm …)",
    "dia_danh_ngay_ky": "Địa danh, ngày tháng năm ký",
    "so_vao_so": "Số vào sổ theo dõi hồ sơ",
}


#: Standard fields that may legitimately be empty (a unit without a parent authority).
OPTIONAL_STANDARD_FIELDS = frozenset({"co_quan_cap_tren"})


class MissingResultFields(DomainError):
    """The dossier lacks data a result template needs; `fields` lists the variable names."""

    def __init__(self, fields: list[str], labels: list[str]) -> None:
        self.fields = fields
        super().__init__(
            _("Chưa lập được văn bản kết quả: hồ sơ còn thiếu %(n)s thông tin: %(list)s.")
            % {"n": len(fields), "list": "; ".join(labels)},
            code="missing_fields",
        )


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------


def template_fields(content: bytes) -> list[str]:
    """The variables of a DOCX template, sorted; `DomainError` (Vietnamese) if it is not one."""
    if len(content) > MAX_TEMPLATE_BYTES:
        raise DomainError(_("Tệp mẫu quá lớn (tối đa 5 MB)."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if DOCX_MAIN_PART not in archive.namelist():
                raise DomainError(_("Tệp không phải văn bản Word (DOCX)."))
    except zipfile.BadZipFile as exc:
        raise DomainError(_("Tệp không phải văn bản Word (DOCX).")) from exc
    from docxtpl import DocxTemplate

    try:
        template = DocxTemplate(io.BytesIO(content))
        names = template.get_undeclared_template_variables()
    except Exception as exc:  # python-docx or Jinja refused the file
        raise DomainError(
            _("Không đọc được mẫu: thẻ Jinja sai cú pháp hoặc tệp DOCX hỏng (%(error)s).")
            % {"error": exc}
        ) from exc
    return sorted(names)


def result_template_create(
    *,
    procedure_version: ProcedureVersion,
    name: str,
    content: bytes,
    user: User | None,
) -> ResultTemplate:
    """Record an uploaded result template after checking it (nothing is saved if it fails)."""
    fields = template_fields(content)
    digest = hashlib.sha256(content).hexdigest()
    template = ResultTemplate(
        procedure_version=procedure_version,
        name=name,
        sha256=digest,
        required_fields=fields,
        uploaded_by=user,
    )
    with transaction.atomic():
        template.file.save(f"{digest}.docx", ContentFile(content), save=False)
        template.save()
    return template


def template_for(dossier: Dossier) -> ResultTemplate | None:
    """The latest template uploaded for the dossier's procedure version, if any."""
    return (
        ResultTemplate.objects.filter(procedure_version_id=dossier.procedure_version_id)
        .order_by("-uploaded_at", "-id")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Filling a template
# ---------------------------------------------------------------------------------------------


def _vn_date(value: Any) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%d/%m/%Y")


def form_value(value: Any) -> Any:
    """E-form values as printed: ISO dates (yyyy-mm-dd) become dd/mm/yyyy."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        year, month, day = value.split("-")
        if year.isdigit() and month.isdigit() and day.isdigit():
            return f"{day}/{month}/{year}"
    return value


def optional_fields(dossier: Dossier) -> dict[str, Any]:
    """Fields that may be empty, with what they print then: the e-form properties the schema
    does not require (their `default`, else ""), and `OPTIONAL_STANDARD_FIELDS`."""
    schema = dossier.procedure_version.eform_schema or {}
    required = set(schema.get("required") or [])
    optional = {
        name: spec.get("default", "")
        for name, spec in (schema.get("properties") or {}).items()
        if name not in required
    }
    optional.update({name: "" for name in OPTIONAL_STANDARD_FIELDS})
    return optional


def result_context(dossier: Dossier, *, at: Any = None) -> dict[str, Any]:
    """The values a result template is filled with: the standard fields, then the e-form data
    (`Dossier.data`, completed by the portal submission's data) which may not override them;
    optional e-form fields the applicant left out print their default or nothing."""
    from motcua.backoffice import presenters

    signed = at or dossier.finished_at or timezone.now()
    unit = dossier.unit
    parent = unit.parent.name.upper() if unit.parent_id and unit.parent else ""
    context: dict[str, Any] = dict(optional_fields(dossier))
    submission = getattr(dossier, "portal_submission", None) if dossier.pk else None
    if submission is not None:
        context.update({k: form_value(v) for k, v in (submission.data or {}).items()})
    context.update({k: form_value(v) for k, v in (dossier.data or {}).items()})
    context.update(
        {
            "ma_ho_so": dossier.code or "",
            "ten_nguoi_nop": dossier.applicant_name,
            "dia_chi_nguoi_nop": dossier.applicant_address,
            "ten_thu_tuc": dossier.procedure_version.procedure.name,
            "ten_don_vi": unit.name,
            "ten_don_vi_in_hoa": unit.name.upper(),
            "co_quan_cap_tren": parent,
            "ngay_nop": _vn_date(dossier.submitted_at),
            "ngay_tiep_nhan": _vn_date(dossier.received_at),
            "ngay_hen_tra": _vn_date(dossier.effective_due_at),
            "ngay_ky": _vn_date(signed),
            "ngay_ky_chu": presenters.vn_date_words(signed),
            "dia_danh_ngay_ky": f"{unit.name}, {presenters.vn_date_words(signed)}",
            # NĐ 30/2020 Phụ lục I: numbers below 10 are written with a leading 0.
            "so_vao_so": f"{dossier.ledger_number:02d}" if dossier.ledger_number else "",
        }
    )
    return context


def _labels(dossier: Dossier, names: list[str]) -> list[str]:
    """Vietnamese names of the missing fields: the e-form titles, else the standard ones."""
    schema = dossier.procedure_version.eform_schema or {}
    properties = schema.get("properties") or {}
    labels = []
    for name in names:
        title = (properties.get(name) or {}).get("title") or STANDARD_FIELDS.get(name)
        labels.append(f"{title} ({name})" if title else name)
    return labels


def _missing(dossier: Dossier, template: ResultTemplate, context: dict[str, Any]) -> list[str]:
    """The template's variables without a value (empty strings count), the optional aside."""
    optional = optional_fields(dossier)
    return [
        name
        for name in template.required_fields
        if name not in optional and (context.get(name) is None or not str(context[name]).strip())
    ]


def result_missing(dossier: Dossier) -> tuple[ResultTemplate, list[str]] | None:
    """(the result template, the Vietnamese labels of what the dossier still lacks for it) —
    shown on the dossier page before the approval; None when the version has no template."""
    template = template_for(dossier)
    if template is None:
        return None
    missing = _missing(dossier, template, result_context(dossier))
    return template, _labels(dossier, missing)


def result_render(dossier: Dossier, template: ResultTemplate, *, at: Any = None) -> bytes:
    """The filled result document (DOCX bytes). Raises `MissingResultFields` listing every
    variable of the template the dossier has no value for (empty strings count as missing),
    except the optional fields (`optional_fields`)."""
    from docxtpl import DocxTemplate

    with template.file.open("rb") as handle:
        content = handle.read()
    context = result_context(dossier, at=at)
    missing = _missing(dossier, template, context)
    if missing:
        raise MissingResultFields(missing, _labels(dossier, missing))
    document = DocxTemplate(io.BytesIO(content))
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# DOCX → HTML → PDF (WeasyPrint), for the result documents
# ---------------------------------------------------------------------------------------------

_ALIGN = {0: "left", 1: "center", 2: "right", 3: "justify"}


def _runs_html(paragraph: Any) -> str:
    parts = []
    for run in paragraph.runs:
        text = html.escape(run.text)
        if not text:
            continue
        classes = [
            name for name, on in (("b", run.bold), ("i", run.italic), ("u", run.underline)) if on
        ]
        size = run.font.size.pt if run.font.size is not None else None
        if size:
            classes.append(f"s{round(size)}")
        parts.append(f'<span class="{" ".join(classes)}">{text}</span>' if classes else text)
    return "".join(parts) or "&#8203;"


def _paragraph_html(paragraph: Any) -> str:
    align = _ALIGN.get(int(paragraph.alignment), "left") if paragraph.alignment is not None else ""
    cls = f' class="a-{align}"' if align else ""
    # This HTML goes only to WeasyPrint, never to a browser: style attributes are fine here.
    fmt = paragraph.paragraph_format
    styles = [
        f"{name}: {value.pt:.0f}pt"
        for name, value in (
            ("margin-top", fmt.space_before),
            ("margin-bottom", fmt.space_after),
            ("text-indent", fmt.first_line_indent),
        )
        if value is not None
    ]
    style = f' style="{"; ".join(styles)}"' if styles else ""
    return f"<p{cls}{style}>{_runs_html(paragraph)}</p>"


def docx_to_html(content: bytes) -> str:
    """A DOCX as a simple HTML page (paragraphs with bold/italic/underline and size, tables),
    at the page size and margins of its first section. Enough for the result documents, whose
    layout is paragraphs and the header table; not a general converter."""
    from docx import Document

    document = Document(io.BytesIO(content))
    section = document.sections[0]

    def mm(value: Any) -> str:
        return f"{value.mm:.1f}mm"

    body = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            from docx.text.paragraph import Paragraph

            body.append(_paragraph_html(Paragraph(block, document)))
        elif tag == "tbl":
            from docx.table import Table

            table = Table(block, document)
            widths = [cell.width for cell in table.rows[0].cells] if table.rows else []
            cols = (
                "".join(f'<col style="width: {w.mm:.1f}mm">' for w in widths)
                if widths and all(widths)
                else ""
            )
            rows = []
            for row in table.rows:
                cells = "".join(
                    "<td>" + "".join(_paragraph_html(p) for p in cell.paragraphs) + "</td>"
                    for cell in row.cells
                )
                rows.append(f"<tr>{cells}</tr>")
            body.append(f'<table class="layout">{cols}{"".join(rows)}</table>')
    page = (
        f"@page {{ size: {mm(section.page_width)} {mm(section.page_height)}; "
        f"margin: {mm(section.top_margin)} {mm(section.right_margin)} "
        f"{mm(section.bottom_margin)} {mm(section.left_margin)}; }}"
    )
    sizes = " ".join(f".s{n} {{ font-size: {n}pt; }}" for n in range(8, 21))
    css = (
        page + " body { font-family: 'Times New Roman', 'Liberation Serif', 'DejaVu Serif', serif;"
        " font-size: 13pt; line-height: 1.3; } p { margin: 0 0 3pt; }"
        " .b { font-weight: bold; } .i { font-style: italic; } .u { text-decoration: underline; }"
        " .a-center { text-align: center; } .a-right { text-align: right; }"
        " .a-justify { text-align: justify; } table.layout { width: 100%;"
        " border-collapse: collapse; table-layout: fixed; }"
        " table.layout td { vertical-align: top; }" + sizes
    )
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<style>{css}</style></head><body>{''.join(body)}</body></html>"
    )


def result_render_pdf(docx_content: bytes) -> bytes:
    """The PDF of a filled result document (from its DOCX bytes)."""
    from motcua.documents.pdf import html_to_pdf

    return html_to_pdf(docx_to_html(docx_content))


# ---------------------------------------------------------------------------------------------
# Stored documents
# ---------------------------------------------------------------------------------------------


def document_store(
    *,
    dossier: Dossier,
    kind: str,
    format: str,
    content: bytes,
    title: str = "",
    event: DossierEvent | None = None,
    result_template: ResultTemplate | None = None,
) -> GeneratedDocument:
    """Store one generated file privately with its SHA-256. For an event the row is unique per
    (event, kind, format): a second call returns the existing row and writes nothing."""
    if event is not None:
        existing = GeneratedDocument.objects.filter(event=event, kind=kind, format=format).first()
        if existing is not None:
            return existing
    document = GeneratedDocument(
        dossier=dossier,
        kind=kind,
        title=title,
        format=DocumentFormat(format),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        event=event,
        result_template=result_template,
        created_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            document.file.save(f"{document.sha256}.{format}", ContentFile(content), save=False)
            document.save()
    except IntegrityError:  # a concurrent run stored it first
        document.file.delete(save=False)
        return GeneratedDocument.objects.get(event=event, kind=kind, format=format)
    return document


def result_templates_load_samples() -> list[tuple[str, str]]:
    """Record the sample result templates (documents/data/result_templates/) for the versions in
    force of the starter-catalogue procedures they belong to; idempotent (a template with the
    same SHA-256 for a version is not added twice). Returns (outcome, message) per sample, the
    outcome being "loaded", "exists" or "skipped"."""
    from motcua.catalogue.models import Procedure
    from motcua.catalogue.selectors import version_in_force
    from motcua.documents import samples

    today = timezone.localdate()
    report: list[tuple[str, str]] = []
    for sample in samples.SAMPLES:
        procedure = Procedure.objects.filter(code=sample.procedure_code).first()
        version = version_in_force(procedure, today) if procedure else None
        if version is None:
            report.append(
                (
                    "skipped",
                    f"Bỏ qua {sample.filename}: chưa có thủ tục {sample.procedure_code} "
                    "đang có hiệu lực (chạy `motcua catalogue load-starter` trước).",
                )
            )
            continue
        content = samples.sample_path(sample).read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        if ResultTemplate.objects.filter(procedure_version=version, sha256=digest).exists():
            report.append(("exists", f"Đã có: {sample.name} ({version})."))
            continue
        result_template_create(
            procedure_version=version, name=sample.name, content=content, user=None
        )
        report.append(("loaded", f"Đã nạp: {sample.name} ({version})."))
    return report
