"""`motcua webhook create|list|disable`: outgoing webhook subscriptions.

    motcua webhook create --unit 26734 --url https://doi-tac.example.vn/motcua \
        [--name "Hệ thống X"] [--type vn.motcua.dossier.received --type …]
    motcua webhook list
    motcua webhook disable <id>

The signing secret is printed once by `create`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.integrations.models import WebhookSubscription
from motcua.integrations.webhooks import subscription_create
from motcua.organisation.models import Unit


class Command(BaseCommand):
    help = "Tạo, liệt kê, tắt đăng ký webhook."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="Tạo đăng ký (khóa ký in ra một lần duy nhất)")
        create.add_argument("--unit", required=True, help="Mã đơn vị (gồm các đơn vị trực thuộc)")
        create.add_argument("--url", required=True, help="Địa chỉ nhận (https://…)")
        create.add_argument("--name", default="", help="Tên hệ thống nhận")
        create.add_argument(
            "--type", action="append", default=[], help="Loại sự kiện (lặp lại được; bỏ: tất cả)"
        )
        sub.add_parser("list", help="Liệt kê đăng ký")
        disable = sub.add_parser("disable", help="Tắt đăng ký")
        disable.add_argument("id", type=int)

    def handle(self, *args: Any, **opts: Any) -> None:
        verb = opts["verb"]
        if verb == "create":
            unit = Unit.objects.filter(code=opts["unit"]).first()
            if unit is None:
                raise CommandError(_("Không tìm thấy đơn vị có mã “%(c)s”.") % {"c": opts["unit"]})
            try:
                created = subscription_create(
                    unit=unit, name=opts["name"], target_url=opts["url"], event_types=opts["type"]
                )
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stderr.write(
                _("Đăng ký số %(id)s. Khóa ký chỉ hiện MỘT LẦN, hãy lưu lại ngay:")
                % {"id": created.subscription.pk}
            )
            self.stdout.write(created.secret)
        elif verb == "disable":
            count = WebhookSubscription.objects.filter(pk=opts["id"]).update(active=False)
            if not count:
                raise CommandError(_("Không có đăng ký số %(id)s.") % {"id": opts["id"]})
            self.stdout.write(_("Đã tắt đăng ký số %(id)s.") % {"id": opts["id"]})
        else:
            for s in WebhookSubscription.objects.select_related("unit").order_by("pk"):
                state = _("hoạt động") if s.active else _("đã tắt")
                types = ",".join(s.event_types) or "*"
                self.stdout.write(
                    f"{s.pk}\t{s.unit.code}\t{s.target_url}\t{types}\t{state}\t{s.name}"
                )
