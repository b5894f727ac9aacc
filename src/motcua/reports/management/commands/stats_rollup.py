"""`motcua stats-rollup rebuild|check|extend-months`: maintain and verify the statistics rollups."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.reports.management.commands._common import get_unit, parse_date, parse_period
from motcua.reports.services import rollup_check, rollup_extend_months, rollup_rebuild


class Command(BaseCommand):
    help = "Lập lại (rebuild) hoặc đối chiếu (check) bảng tổng hợp số liệu thống kê."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "check", "extend-months"])
        parser.add_argument("--unit", help="Mã đơn vị (mặc định: tất cả khi rebuild)")
        parser.add_argument("--from", dest="date_from")
        parser.add_argument("--to", dest="date_to")
        parser.add_argument("--policy", choices=["strict", "folded"])

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "extend-months":
            horizon = rollup_extend_months()
            if horizon is None:
                raise CommandError(_("Chưa lập bảng tổng hợp: chạy “motcua stats-rollup rebuild”."))
            self.stdout.write(
                _("Bảng tổng hợp theo tháng đã tính đến hết tháng trước %(d)s.")
                % {"d": horizon.strftime("%m/%Y")}
            )
            return
        unit = get_unit(opts["unit"]) if opts["unit"] else None
        if opts["action"] == "rebuild":
            day_from = parse_date(opts["date_from"], "--from") if opts["date_from"] else None
            day_to = parse_date(opts["date_to"], "--to") if opts["date_to"] else None
            if day_from and day_to and day_to < day_from:
                raise CommandError(_("Ngày kết thúc (--to) phải không trước ngày bắt đầu."))
            n = rollup_rebuild(unit=unit, day_from=day_from, day_to=day_to)
            self.stdout.write(_("Đã tổng hợp lại số liệu của %(n)d hồ sơ.") % {"n": n})
            return
        if unit is None or not opts["date_from"] or not opts["date_to"]:
            raise CommandError(_("Lệnh check cần --unit, --from và --to."))
        date_from, date_to = parse_period(opts["date_from"], opts["date_to"])
        try:
            check = rollup_check(
                unit=unit, date_from=date_from, date_to=date_to, policy=opts["policy"]
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if not check.ok:
            raise CommandError(
                _("Bảng tổng hợp lệch với số liệu hồ sơ:\n%(d)s")
                % {"d": "\n".join(check.differences)}
            )
        self.stdout.write(_("Bảng tổng hợp khớp với số liệu hồ sơ."))
