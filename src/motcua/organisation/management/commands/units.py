"""`motcua units import FILE.json` / `motcua units export FILE.json`.

Format and rules: `motcua.organisation.importing`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.cli import output_file
from motcua.core.errors import ValidationReport
from motcua.organisation.importing import parse_units, units_export, units_import
from motcua.organisation.models import Unit


class Command(BaseCommand):
    help = "Nhập / xuất danh mục đơn vị hành chính (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("file", help="Đường dẫn tệp JSON ('-' để xuất ra màn hình).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra tệp, không ghi dữ liệu."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        if options["action"] == "export":
            text = units_export()
            if path == "-":
                self.stdout.write(text, ending="")
            else:
                output_file(path).write_text(text, encoding="utf-8")
                self.stdout.write(f"Đã xuất {Unit.objects.count()} đơn vị ra {path}.")
            return
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc}") from exc
        try:
            if options["dry_run"]:
                entries = parse_units(text)
                self.stdout.write(f"Tệp hợp lệ: {len(entries)} đơn vị. Không ghi dữ liệu.")
                return
            summary = units_import(text)
        except ValidationReport as report:
            raise CommandError(report.message) from report
        self.stdout.write(
            f"Đã nhập {summary.total} đơn vị: thêm mới {summary.created}, "
            f"cập nhật {summary.updated}, không đổi {summary.unchanged}."
        )
