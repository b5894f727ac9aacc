"""`motcua privacy export-subject (--id-number N | --username U) --out FILE.json`
`motcua privacy apply-retention [--dry-run]`

Personal-data workflows of NĐ 13/2023/NĐ-CP (DOMAIN.md §10.1): the data subject's copy
(art. 14(3)) and the retention schedule (art. 3(7)). Thin: parse, call the service, print.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.cli import output_file
from motcua.core.errors import DomainError
from motcua.privacy import services


class Command(BaseCommand):
    help = "Dữ liệu cá nhân (NĐ 13/2023): xuất dữ liệu cho chủ thể, áp dụng thời hạn lưu trữ."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = sub.add_parser("export-subject", help="Xuất dữ liệu của một chủ thể (JSON).")
        who = export.add_mutually_exclusive_group(required=True)
        who.add_argument("--id-number", default="", help="Số định danh cá nhân.")
        who.add_argument("--username", default="", help="Tài khoản công dân.")
        export.add_argument("--out", required=True, help="Tệp JSON ('-' để in ra màn hình).")
        retention = sub.add_parser("apply-retention", help="Áp dụng lịch lưu trữ.")
        retention.add_argument(
            "--dry-run", action="store_true", help="Chỉ báo cáo, không thay đổi dữ liệu."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export-subject":
            self._export(options)
        else:
            self._retention(dry_run=options["dry_run"])

    def _export(self, options: dict[str, Any]) -> None:
        user = None
        if options["username"]:
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(_("Không có tài khoản %(u)s.") % {"u": options["username"]})
        out = options["out"]
        path = None if out == "-" else output_file(out)
        try:
            data = services.subject_export(id_number=options["id_number"] or None, user=user)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if path is None:
            self.stdout.write(text)
            return
        path.write_text(text + "\n", encoding="utf-8")
        self.stdout.write(
            _("Đã ghi %(n)d hồ sơ vào %(file)s.") % {"n": data["dossier_count"], "file": path}
        )

    def _retention(self, *, dry_run: bool) -> None:
        lines = services.retention_apply(dry_run=dry_run)
        if dry_run:
            self.stdout.write(_("Chạy thử: không thay đổi dữ liệu."))
        for line in lines:
            cutoff = timezone.localtime(line.cutoff).strftime("%d/%m/%Y")
            text = _(
                "%(cls)s: lưu %(years)d năm (trước %(cutoff)s): %(found)d quá hạn, "
                "%(done)d đã ẩn danh"
            ) % {
                "cls": line.record_class,
                "years": line.keep_years,
                "cutoff": cutoff,
                "found": line.found,
                "done": line.anonymised,
            }
            if line.note:
                text += f" ({line.note})"
            self.stdout.write(text)
            if line.codes:
                self.stdout.write("  " + ", ".join(line.codes))
