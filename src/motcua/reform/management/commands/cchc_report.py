"""`motcua cchc-report --unit CODE --period 2023-H1 --out report.docx [--draft ID] [--pdf]`

Writes the periodic CCHC report of a unit (DOMAIN.md §8) as DOCX in the layout of NĐ 30/2020,
or as PDF in the same layout (WeasyPrint) with `--pdf` / `--format pdf` / an OUT ending in
".pdf"; with `--pdf` an OUT ending in ".docx" is written with ".pdf" instead. Without
`--draft`, an unsaved draft with the default header and no narrative is used: the figures are
complete, sections III–V empty.
The consistency problems are printed on stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.cli import output_file
from motcua.core.errors import DomainError
from motcua.organisation.models import Unit
from motcua.reform.constants import PeriodConvention
from motcua.reform.document import render_docx, render_pdf
from motcua.reform.models import ReportDraft
from motcua.reform.periods import parse_period
from motcua.reform.report import build_report, default_agency_lines, default_place
from motcua.reform.services import DEFAULT_RECIPIENTS


class Command(BaseCommand):
    help = "Xuất báo cáo cải cách hành chính định kỳ (DOCX hoặc PDF)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="Mã đơn vị (Unit.code)")
        parser.add_argument("--period", help="Kỳ báo cáo: 2023, 2023-H1, 2023-Q2, 2023-9M, …")
        parser.add_argument("--out", required=True, help="Tệp kết quả (.docx hoặc .pdf)")
        parser.add_argument("--draft", type=int, help="Id của bản dự thảo báo cáo")
        parser.add_argument(
            "--convention",
            choices=PeriodConvention.values,
            help="Cách chốt số liệu (mặc định theo MOTCUA['REPORT_PERIOD_CONVENTION'])",
        )
        parser.add_argument("--pdf", action="store_true", help="Xuất PDF (như --format pdf)")
        parser.add_argument(
            "--format",
            choices=("docx", "pdf"),
            help="Định dạng tệp (mặc định theo đuôi của --out, nếu không rõ thì DOCX)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if options["pdf"] and options["format"] == "docx":
            raise CommandError("--pdf và --format docx mâu thuẫn nhau.")
        fmt = options["format"] or ("pdf" if out.suffix.lower() == ".pdf" else "docx")
        if options["pdf"]:
            fmt = "pdf"
        if fmt == "pdf" and out.suffix.lower() != ".pdf":
            out = out.with_suffix(".pdf")
        elif fmt == "docx" and out.suffix.lower() == ".pdf":
            out = out.with_suffix(".docx")
        try:
            unit = Unit.objects.get(code=options["unit"])
        except Unit.DoesNotExist as exc:
            raise CommandError(f"Không có đơn vị mã {options['unit']}.") from exc
        try:
            if options["draft"]:
                draft = ReportDraft.objects.select_related("unit").get(
                    pk=options["draft"], unit=unit
                )
            else:
                if not options["period"]:
                    raise CommandError("Cần --period hoặc --draft.")
                period = parse_period(options["period"], options["convention"])
                draft = ReportDraft(
                    unit=unit,
                    period=period.label,
                    period_kind=period.kind,
                    convention=period.convention,
                    date_from=period.date_from,
                    date_to=period.date_to,
                    place=default_place(unit),
                    agency="\n".join(default_agency_lines(unit)),
                    recipients=DEFAULT_RECIPIENTS,
                    narrative={},
                )
            report = build_report(draft)
            content = render_pdf(report) if fmt == "pdf" else render_docx(report)
        except ReportDraft.DoesNotExist as exc:
            raise CommandError(
                f"Không có bản dự thảo {options['draft']} của đơn vị {unit.code}."
            ) from exc
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        output_file(out).write_bytes(content)
        for problem in report.problems:
            self.stderr.write(f"[{problem.severity.label}] {problem.message}")
        self.stdout.write(
            f"Đã ghi {out} ({report.period.title}, "
            f"{report.period.date_from:%d/%m/%Y}–{report.period.date_to:%d/%m/%Y})."
        )
