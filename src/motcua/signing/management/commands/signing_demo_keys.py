"""`motcua signing-demo-keys [--out var/signing/] [--force]`

Creates a demo CA and the PKCS#12 files of the demo leader and the agency seal, each with a
random passphrase in a `.pass` file beside it (owner-only permissions), and prints the
settings that make the project sign with them. Existing files are kept unless `--force`.
Demo keys have no legal value; never commit them (`var/` is git-ignored)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.signing.management.commands._common import bad_arguments
from motcua.signing.testca import write_demo_keys


class Command(BaseCommand):
    help = "Tạo khóa ký số demo (CA demo, lãnh đạo, dấu cơ quan) và in cấu hình cần đặt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", default=str(Path(settings.VAR_DIR) / "signing"), help="Thư mục ghi khóa"
        )
        parser.add_argument("--leader", default="Đỗ Văn Hùng", help="Tên người ký (lãnh đạo)")
        parser.add_argument(
            "--agency", default="Ủy ban nhân dân xã Tái Sơn", help="Tên cơ quan (dấu)"
        )
        parser.add_argument("--force", action="store_true", help="Tạo lại dù đã có")

    def handle(self, *args: Any, **opts: Any) -> None:
        folder = Path(opts["out"])
        if folder.exists() and not folder.is_dir():
            raise bad_arguments(_("%(f)s không phải là thư mục.") % {"f": folder})
        if not opts["leader"].strip() or not opts["agency"].strip():
            raise bad_arguments(_("Tên người ký và tên cơ quan không được để trống."))
        try:
            keys = write_demo_keys(
                folder, leader=opts["leader"], agency=opts["agency"], force=opts["force"]
            )
        except OSError as exc:
            raise bad_arguments(
                _("Không ghi được khóa vào %(f)s: %(e)s") % {"f": folder, "e": exc.strerror}
            ) from exc
        if keys.created:
            self.stdout.write(_("Đã tạo khóa ký số demo trong %(f)s.") % {"f": keys.folder})
        else:
            self.stdout.write(_("Khóa ký số demo đã có trong %(f)s.") % {"f": keys.folder})
        self.stdout.write(_("Đặt các biến môi trường sau (khóa demo, không có giá trị pháp lý):"))
        for name, value in keys.settings_env().items():
            self.stdout.write(f"{name}={value}")
