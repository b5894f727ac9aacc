"""`motcua api-token create|revoke|list`: API tokens of partner systems (ADR 0002).

    motcua api-token create --user canbo01 --scopes dossiers:read,stats:read --days 90 \
        [--name "Cổng DVC tỉnh"] [--unit X0001 --unit X0002]
    motcua api-token revoke <id>
    motcua api-token list [--user canbo01]

The token is printed once by `create`; only its SHA-256 is stored.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.api.models import ApiToken
from motcua.api.services import api_token_create, api_token_revoke
from motcua.core.errors import DomainError
from motcua.organisation.models import Unit


class Command(BaseCommand):
    help = "Tạo, thu hồi, liệt kê khóa API."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="Tạo khóa (in ra một lần duy nhất)")
        create.add_argument("--user", required=True, help="Tên đăng nhập của cán bộ")
        create.add_argument(
            "--scopes",
            required=True,
            help="Phân cách bằng dấu phẩy: dossiers:read,dossiers:write,stats:read",
        )
        create.add_argument("--days", type=int, default=90, help="Số ngày hiệu lực (mặc định 90)")
        create.add_argument("--name", default="", help="Tên hệ thống dùng khóa")
        create.add_argument(
            "--unit", action="append", default=[], help="Giới hạn theo mã đơn vị (lặp lại được)"
        )
        create.add_argument(
            "--rate-limit",
            type=int,
            default=None,
            help="Số yêu cầu tối đa mỗi phút (mặc định: MOTCUA_API_RATE_LIMIT_PER_MINUTE)",
        )
        revoke = sub.add_parser("revoke", help="Thu hồi khóa")
        revoke.add_argument("id", type=int)
        listing = sub.add_parser("list", help="Liệt kê khóa")
        listing.add_argument("--user", help="Tên đăng nhập")

    def handle(self, *args: Any, **opts: Any) -> None:
        verb = opts["verb"]
        if verb == "create":
            self._create(opts)
        elif verb == "revoke":
            token = ApiToken.objects.filter(pk=opts["id"]).first()
            if token is None:
                raise CommandError(_("Không có khóa số %(id)s.") % {"id": opts["id"]})
            token = api_token_revoke(token=token)
            at = timezone.localtime(token.revoked_at).strftime("%d/%m/%Y %H:%M")
            self.stdout.write(_("Đã thu hồi khóa %(t)s lúc %(at)s.") % {"t": token, "at": at})
        else:
            self._list(opts)

    def _create(self, opts: dict[str, Any]) -> None:
        if opts.get("rate_limit") is not None and opts["rate_limit"] < 1:
            raise CommandError(_("--rate-limit phải là số nguyên dương."))
        user = get_user_model().objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(_("Không có tài khoản “%(u)s”.") % {"u": opts["user"]})
        units = []
        for code in opts["unit"]:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(_("Không tìm thấy đơn vị có mã “%(c)s”.") % {"c": code})
            units.append(unit)
        scopes = [s.strip() for s in opts["scopes"].split(",") if s.strip()]
        try:
            created = api_token_create(
                user=user, name=opts["name"], scopes=scopes, days=opts["days"], units=units
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        token = created.token
        if opts.get("rate_limit") is not None:
            ApiToken.objects.filter(pk=token.pk).update(rate_limit_per_minute=opts["rate_limit"])
        self.stderr.write(
            _(
                "Khóa số %(id)s cho %(user)s, phạm vi %(scopes)s, hết hạn %(exp)s. Khóa chỉ hiện "
                "MỘT LẦN, hãy lưu lại ngay:"
            )
            % {
                "id": token.pk,
                "user": user.username,
                "scopes": ", ".join(token.scopes),
                "exp": timezone.localtime(token.expires_at).strftime("%d/%m/%Y"),
            }
        )
        self.stdout.write(created.secret)

    def _list(self, opts: dict[str, Any]) -> None:
        qs = ApiToken.objects.select_related("user").order_by("pk")
        if opts.get("user"):
            qs = qs.filter(user__username=opts["user"])
        now = timezone.now()
        for t in qs:
            if t.revoked_at:
                state = _("đã thu hồi")
            elif t.expires_at <= now:
                state = _("hết hạn")
            else:
                state = _("hiệu lực")
            used = (
                timezone.localtime(t.last_used_at).strftime("%d/%m/%Y %H:%M")
                if t.last_used_at
                else "—"
            )
            self.stdout.write(
                f"{t.pk}\t{t.prefix}…\t{t.user.username}\t{','.join(t.scopes)}\t"
                f"{timezone.localtime(t.expires_at):%d/%m/%Y}\t{state}\t{used}\t{t.name}"
            )
