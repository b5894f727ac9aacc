"""`motcua indices --unit CODE --from DD/MM/YYYY --to DD/MM/YYYY [--format json|table]`

Prints the TT 01/2018 indices of the unit (with its subtree) and the QĐ 766 early-warning
indicators for the period (DOMAIN.md §1.15, §4). N/A values are `null` in JSON.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import DomainError
from motcua.evaluation import indices
from motcua.organisation.models import Unit


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def report_dict(
    unit: Unit, result: indices.UnitIndices, qd766: list[indices.IndicatorResult]
) -> dict[str, Any]:
    """The JSON document of the command (plain numbers; None for N/A)."""
    return {
        "unit": {"code": unit.code, "name": unit.name},
        "date_from": result.date_from.strftime("%d/%m/%Y") if result.date_from else None,
        "date_to": result.date_to.strftime("%d/%m/%Y") if result.date_to else None,
        "tt01": {
            "dossier_count": result.dossier_count,
            "indices": [
                {
                    "number": s.number,
                    "label": s.label,
                    "score": _num(s.score),
                    "count": s.count,
                    "reason": s.reason,
                }
                for s in result.indices
            ],
            "total": _num(result.total),
            "rating": result.rating,
            "rating_label": result.rating_label,
        },
        "qd766": [
            {
                **{
                    k: v
                    for k, v in dataclasses.asdict(r).items()
                    if k not in ("value", "pmax", "threshold", "points", "details")
                },
                "value": _num(r.value),
                "pmax": _num(r.pmax),
                "threshold": _num(r.threshold),
                "points": _num(r.points),
                "status_label": r.status_label,
                "details": [{**d, "average": _num(d["average"])} for d in r.details],
            }
            for r in qd766
        ],
    }


def _fmt(value: Decimal | None) -> str:
    return "N/A" if value is None else str(value)


def _pts(value: Decimal | None) -> str:
    return "—" if value is None else str(value)


class Command(BaseCommand):
    help = "Tính chỉ số đánh giá TT 01/2018/TT-VPCP và chỉ số QĐ 766/QĐ-TTg của một đơn vị."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="Mã đơn vị (Unit.code)")
        parser.add_argument("--from", dest="date_from", required=True, help="Từ ngày dd/mm/yyyy")
        parser.add_argument("--to", dest="date_to", required=True, help="Đến ngày dd/mm/yyyy")
        parser.add_argument("--format", choices=("json", "table"), default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {options['unit']}.")
        try:
            date_from = indices.parse_day(options["date_from"])
            date_to = indices.parse_day(options["date_to"])
            result = indices.unit_indices(unit, date_from, date_to)
            qd766 = indices.qd766_indicators(unit, date_from, date_to)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(report_dict(unit, result, qd766), ensure_ascii=False, indent=2)
            )
            return
        self.stdout.write(
            f"{unit.code} – {unit.name}: {date_from:%d/%m/%Y} – {date_to:%d/%m/%Y} "
            f"({result.dossier_count} hồ sơ)"
        )
        self.stdout.write("Thông tư 01/2018/TT-VPCP")
        for s in result.indices:
            self.stdout.write(f"  {s.number}. {s.label:<70} {_fmt(s.score):>5}  {s.reason}")
        self.stdout.write(f"  Tổng: {_fmt(result.total)} – {result.rating_label}")
        self.stdout.write("Quyết định 766/QĐ-TTg")
        for r in qd766:
            value = _fmt(r.value) + (r.unit_of_value if r.value is not None else "")
            self.stdout.write(
                f"  {r.code:<4} {r.name:<55} {value:>8}  {_pts(r.points):>6}/{_pts(r.pmax):<6} "
                f"{r.status_label}  {r.reason}"
            )
