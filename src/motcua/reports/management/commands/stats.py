"""`motcua stats`: Biểu số 06/VPCP/KSTT for a unit and period (stable contract,
docs/domain/statistics.md)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.core.cli import output_file
from motcua.core.errors import DomainError
from motcua.reports.constants import Policy, Source
from motcua.reports.exports import render_table, result_to_json, write_xlsx
from motcua.reports.management.commands._common import get_unit, parse_period
from motcua.reports.stats import bieu06


class Command(BaseCommand):
    help = "Biểu số 06/VPCP/KSTT: tình hình, kết quả giải quyết TTHC của một đơn vị trong kỳ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="Mã đơn vị")
        parser.add_argument("--from", dest="date_from", required=True, help="yyyy-mm-dd")
        parser.add_argument("--to", dest="date_to", required=True, help="yyyy-mm-dd (tính cả)")
        parser.add_argument("--by", choices=["field"], help="Chia theo lĩnh vực")
        parser.add_argument("--policy", choices=list(Policy.values))
        parser.add_argument("--format", choices=["json", "table", "xlsx"], default="json")
        parser.add_argument("--out", help="Tệp kết quả (bắt buộc với xlsx)")
        parser.add_argument(
            "--source",
            choices=list(Source.values),
            default=Source.ROLLUP,
            help="rollup (mặc định) hoặc oracle (tính trực tiếp từ hồ sơ)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        unit = get_unit(opts["unit"])
        date_from, date_to = parse_period(opts["date_from"], opts["date_to"])
        fmt = opts["format"]
        if fmt == "xlsx" and not opts["out"]:
            raise CommandError(_("Định dạng xlsx cần tham số --out (tên tệp)."))
        try:
            result = bieu06(
                unit=unit,
                date_from=date_from,
                date_to=date_to,
                by_field=opts["by"] == "field",
                policy=opts["policy"],
                source=opts["source"],
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if fmt == "xlsx":
            write_xlsx(result, str(output_file(opts["out"])))
            self.stdout.write(_("Đã ghi %(f)s.") % {"f": opts["out"]})
            return
        text = (
            json.dumps(result_to_json(result), ensure_ascii=False, indent=2) + "\n"
            if fmt == "json"
            else render_table(result)
        )
        if opts["out"]:
            with output_file(opts["out"]).open("w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            self.stdout.write(text, ending="")
