"""`motcua api-schema [--check]`: write the OpenAPI document of `/api/v1/` to
`src/motcua/api/openapi.json`, or (`--check`) exit 1 when the committed file differs."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.api.schema import SCHEMA_PATH, openapi_text


class Command(BaseCommand):
    help = "Ghi (hoặc kiểm tra) tệp OpenAPI của /api/v1/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Chỉ kiểm tra; mã thoát 1 nếu tệp đã cũ"
        )
        parser.add_argument("--out", help="Ghi ra tệp khác (mặc định: tệp đã commit)")

    def handle(self, *args: Any, **opts: Any) -> None:
        text = openapi_text()
        path = opts["out"] or str(SCHEMA_PATH)
        if opts["check"]:
            try:
                with open(path, encoding="utf-8") as fh:
                    current = fh.read()
            except FileNotFoundError:
                current = ""
            if current != text:
                self.stderr.write(
                    _("%(f)s đã cũ: chạy `motcua api-schema` rồi commit tệp.") % {"f": path}
                )
                sys.exit(1)
            self.stdout.write(_("%(f)s khớp với mã nguồn.") % {"f": path})
            return
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        self.stdout.write(_("Đã ghi %(f)s.") % {"f": path})
