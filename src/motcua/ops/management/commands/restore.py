"""`motcua restore DIR [--force]`: into an empty, migrated database (see motcua.ops.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Khôi phục bản sao lưu vào cơ sở dữ liệu trống đã chạy migrate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="Thư mục sao lưu")
        parser.add_argument(
            "--force", action="store_true", help="Xoá dữ liệu hiện có trước khi khôi phục"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            counts = restore(Path(opts["directory"]), force=opts["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Đã khôi phục %(rows)s bản ghi.") % {"rows": sum(counts.values())})
