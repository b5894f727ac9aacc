"""`motcua backup --output DIR`: database rows (JSON), media files (tar) and a manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và tệp (định dạng di chuyển được giữa SQLite và PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, help="Thư mục sao lưu (mới hoặc rỗng)")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            result = backup(Path(opts["output"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Đã sao lưu %(rows)s bản ghi và %(files)s tệp vào %(dir)s.")
            % {"rows": result.rows, "files": result.files, "dir": result.directory}
        )
