"""`motcua catalogue import FILE` / `motcua catalogue export FILE` (.json or .csv)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalogue import services
from motcua.core.errors import DomainError, ValidationReport


class Command(BaseCommand):
    help = "Nhập / xuất danh mục thủ tục hành chính (JSON hoặc CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Nhập danh mục từ tệp .json hoặc .csv")
        imp.add_argument("file", type=Path)
        exp = sub.add_parser("export", help="Xuất danh mục ra tệp .json hoặc .csv")
        exp.add_argument("file", type=Path)
        exp.add_argument(
            "--on",
            type=dt.date.fromisoformat,
            default=None,
            help="CSV: ngày xác định phiên bản hiện hành (YYYY-MM-DD), mặc định hôm nay",
        )
        sub.add_parser("load-starter", help="Nạp danh mục khởi đầu (DOMAIN §9)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "import":
                path: Path = options["file"]
                if not path.exists():
                    raise CommandError(f"Không tìm thấy tệp {path}.")
                self._report(services.catalogue_import(path=path))
            elif action == "export":
                count = services.catalogue_export(path=options["file"], on=options["on"])
                self.stdout.write(f"Đã xuất {count} thủ tục ra {options['file']}.")
            else:
                self._report(services.catalogue_load_starter())
        except ValidationReport as exc:
            raise CommandError(str(exc)) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _report(self, summary: services.ImportSummary) -> None:
        self.stdout.write(
            f"Thủ tục: {summary.procedures_created} mới, {summary.procedures_updated} cập nhật; "
            f"phiên bản: {summary.versions_created} mới, {summary.versions_updated} cập nhật, "
            f"{summary.versions_unchanged} không đổi."
        )
