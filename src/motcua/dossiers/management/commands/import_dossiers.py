"""`motcua import-dossiers FILE.jsonl`: import historical dossiers (JSON Lines).

Format and rules: `motcua.dossiers.importing` and docs/dev/import-dossiers.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import ValidationReport
from motcua.dossiers.importing import import_dossiers


class Command(BaseCommand):
    help = "Nhập hồ sơ từ tệp JSON Lines (mỗi dòng một hồ sơ); tất cả hoặc không."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Đường dẫn tệp .jsonl.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            with path.open(encoding="utf-8") as handle:
                summary = import_dossiers(handle, source=path.name)
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"Tệp {path} không phải văn bản UTF-8 (byte lạ ở vị trí {exc.start}); "
                "hãy lưu lại tệp với mã hóa UTF-8."
            ) from exc
        except ValidationReport as report:
            raise CommandError(report.message) from report
        self.stdout.write(str(summary))
