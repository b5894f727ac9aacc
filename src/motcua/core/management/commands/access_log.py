"""`motcua access-log export --from D --to D [--unit CODE] --out FILE.csv`.

Hands the personal-data access log (NĐ 13/2023/NĐ-CP art. 38) to an inspection as CSV
(UTF-8 with BOM, so spreadsheet software shows the diacritics); identity numbers are masked to
their last 4 digits. The export itself is recorded in the log ("xuất dữ liệu")."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.models import AccessLogAction
from motcua.core.selectors import CSV_HEADER, access_log_between, access_log_csv_rows
from motcua.core.services import access_log_record


def _date(value: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Ngày không hợp lệ: {value!r} (dùng dd/mm/yyyy hoặc yyyy-mm-dd).")


class Command(BaseCommand):
    help = "Xuất nhật ký truy cập dữ liệu cá nhân (NĐ 13/2023 Điều 38) ra tệp CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export"])
        parser.add_argument("--from", dest="date_from", required=True, help="Từ ngày.")
        parser.add_argument("--to", dest="date_to", required=True, help="Đến ngày.")
        parser.add_argument("--unit", default="", help="Mã đơn vị (bỏ trống: mọi đơn vị).")
        parser.add_argument("--out", required=True, help="Tệp CSV ('-' để in ra màn hình).")

    def handle(self, *args: Any, **options: Any) -> None:
        date_from, date_to = _date(options["date_from"]), _date(options["date_to"])
        if date_to < date_from:
            raise CommandError("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
        rows = access_log_between(date_from=date_from, date_to=date_to, unit_code=options["unit"])
        out = options["out"]
        count = 0
        if out == "-":
            writer = csv.writer(self.stdout)
            writer.writerow(CSV_HEADER)
            for cells in access_log_csv_rows(rows):
                writer.writerow(cells)
                count += 1
        else:
            try:
                with Path(out).open("w", encoding="utf-8-sig", newline="") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(CSV_HEADER)
                    for cells in access_log_csv_rows(rows):
                        writer.writerow(cells)
                        count += 1
            except OSError as exc:
                raise CommandError(f"Không ghi được tệp {out}: {exc}") from exc
        scope = options["unit"] or "*"
        access_log_record(
            user=None,
            action=AccessLogAction.EXPORT,
            subject=f"nhật ký truy cập {date_from:%d/%m/%Y}–{date_to:%d/%m/%Y} đơn vị {scope}",
            purpose=f"motcua access-log export ({count} dòng)",
        )
        if out != "-":
            self.stdout.write(f"Đã xuất {count} dòng nhật ký ra {out}.")
