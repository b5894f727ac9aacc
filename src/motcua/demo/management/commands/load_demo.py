"""`motcua load-demo`: load the demo data set and print the demo log-ins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.demo.services import demo_load


class Command(BaseCommand):
    help = "Nạp dữ liệu trình diễn (chạy lại nhiều lần không tạo trùng)."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_load()
        for name, message in summary.steps:
            self.stdout.write(f"[{name}] {message}")
        headers = ("Tên đăng nhập", "Vai trò", "Đơn vị", "Mật khẩu")
        rows = [(x.username, x.role, x.unit, x.password) for x in summary.logins]
        widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(4)]
        line = "  ".join("-" * w for w in widths)
        self.stdout.write("")
        self.stdout.write("Tài khoản trình diễn (CHỈ DÙNG ĐỂ TRÌNH DIỄN):")
        self.stdout.write(
            "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
        )
        self.stdout.write(line)
        for row in rows:
            self.stdout.write(
                "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            )
