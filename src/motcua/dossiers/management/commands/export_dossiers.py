"""`motcua export-dossiers --unit CODE [--from dd/mm/yyyy --to dd/mm/yyyy] --output FILE`:
write a unit's dossiers in the JSON Lines format `motcua import-dossiers` reads.

What the format carries and what it does not: `motcua.dossiers.exporting`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.core.cli import output_file
from motcua.core.models import AccessLogAction
from motcua.core.services import access_log_record
from motcua.dossiers.exporting import export_dossiers
from motcua.organisation.models import Unit


def _day(text: str, name: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise CommandError(
        _("%(n)s phải là ngày dd/mm/yyyy (nhận được “%(v)s”).") % {"n": name, "v": text}
    )


class Command(BaseCommand):
    help = "Xuất hồ sơ của một đơn vị ra tệp JSON Lines đúng định dạng import-dossiers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="Mã đơn vị tiếp nhận")
        parser.add_argument("--from", dest="date_from", help="Từ ngày tiếp nhận (dd/mm/yyyy)")
        parser.add_argument("--to", dest="date_to", help="Đến ngày tiếp nhận (dd/mm/yyyy, tính cả)")
        parser.add_argument("--output", required=True, help="Tệp .jsonl được ghi")

    def handle(self, *args: Any, **opts: Any) -> None:
        unit = Unit.objects.filter(code=opts["unit"]).first()
        if unit is None:
            raise CommandError(_("Không tìm thấy đơn vị có mã “%(c)s”.") % {"c": opts["unit"]})
        date_from = _day(opts["date_from"], "--from") if opts.get("date_from") else None
        date_to = _day(opts["date_to"], "--to") if opts.get("date_to") else None
        if date_from and date_to and date_to < date_from:
            raise CommandError(_("--to phải sau hoặc bằng --from."))
        path = output_file(opts["output"])
        with path.open("w", encoding="utf-8") as handle:
            summary = export_dossiers(handle, unit=unit, date_from=date_from, date_to=date_to)
        # NĐ 13/2023 art. 38: an export of applicants' personal data is recorded.
        access_log_record(
            user=None,
            action=AccessLogAction.EXPORT,
            unit=unit,
            subject=_("%(n)s hồ sơ") % {"n": summary.written},
            purpose=f"motcua export-dossiers --unit {unit.code} → {path.name}",
        )
        self.stdout.write(str(summary))
