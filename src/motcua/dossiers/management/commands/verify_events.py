"""`motcua verify-events [--dossier CODE]`: check the hash chain of dossier events.

Prints every break (dossier code, seq, what is wrong, expected vs found) and exits with status
1 if there is any, 0 otherwise (usable from cron or monitoring)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.dossiers.hashchain import verify_events
from motcua.dossiers.models import DossierEvent


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn (chuỗi mã băm) của nhật ký hồ sơ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossier", default="", help="Chỉ kiểm tra một mã hồ sơ.")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["dossier"]
        breaks = verify_events(dossier_code=code)
        events = DossierEvent.objects.all()
        if code:
            events = events.filter(dossier__code=code)
        total = events.count()
        for item in breaks:
            self.stdout.write(
                f"{item.dossier_code or '#' + str(item.dossier_id)}\tseq={item.seq}\t"
                f"{item.problem}\tcần={item.expected or '∅'}\tthấy={item.found or '∅'}"
            )
        if breaks:
            self.stderr.write(f"PHÁT HIỆN {len(breaks)} chỗ đứt chuỗi trong {total} sự kiện hồ sơ.")
            sys.exit(1)
        self.stdout.write(f"Toàn vẹn: {total} sự kiện hồ sơ, không có chỗ đứt chuỗi.")
