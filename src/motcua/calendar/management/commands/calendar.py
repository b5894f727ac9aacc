"""`motcua calendar …`: query the working-day calendar and load the official off days.

Stable output contract (docs/domain/calendar.md):

    motcua calendar is-working-day 2024-05-04          → true | false
    motcua calendar add-working-days 2024-04-26 3      → 2024-05-04
    motcua calendar due --received 2024-02-07T15:30 --amount 3 --unit working_days
                                                       → {"due_at": "…+07:00", "explanation": […]}
    motcua calendar explain 2026-01-02                 → 2026-01-02 (Thứ Sáu): nghỉ — <lý do>
    motcua calendar load-official [FILE]               → Đã nạp N ngày: …

Every sub-command takes `--unit-code CODE` (the unit's own calendar; default national).
Bad input: a Vietnamese message on stderr and exit status 1.
"""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.calendar.constants import LimitUnit
from motcua.calendar.official import DEFAULT_FILE
from motcua.calendar.selectors import calendar_for_unit
from motcua.calendar.services import overrides_load_official
from motcua.calendar.workdays import VN_TZ, WorkCalendar, to_hours, weekday_name
from motcua.core.errors import DomainError
from motcua.organisation.models import Unit


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ: {value!r} (dạng YYYY-MM-DD).") from exc


def _instant(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"Thời điểm không hợp lệ: {value!r} (dạng YYYY-MM-DDTHH:MM, giờ Việt Nam)."
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)


class Command(BaseCommand):
    help = "Lịch làm việc: ngày làm việc, cộng ngày làm việc, tính hạn giải quyết, nạp lịch nghỉ."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        def with_unit(p: ArgumentParser) -> ArgumentParser:
            p.add_argument("--unit-code", help="Mã đơn vị (mặc định: lịch toàn quốc).")
            return p

        p = with_unit(sub.add_parser("is-working-day", help="In true/false."))
        p.add_argument("date")
        p = with_unit(sub.add_parser("add-working-days", help="Ngày làm việc thứ N sau ngày."))
        p.add_argument("date")
        p.add_argument("n")
        p = with_unit(sub.add_parser("due", help="Tính hạn giải quyết (JSON)."))
        p.add_argument("--received", required=True)
        p.add_argument("--amount", required=True)
        p.add_argument("--unit", required=True, dest="limit_unit")
        p = with_unit(sub.add_parser("explain", help="Vì sao một ngày là ngày nghỉ/làm việc."))
        p.add_argument("date")
        p = sub.add_parser("load-official", help="Nạp lịch nghỉ chính thức (JSON).")
        p.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "load-official":
                self._load_official(options["file"])
                return
            calendar = self._calendar(options.get("unit_code"))
            if action == "is-working-day":
                day = _date(options["date"])
                self.stdout.write("true" if calendar.is_working_day(day) else "false")
            elif action == "add-working-days":
                day = _date(options["date"])
                try:
                    n = int(options["n"])
                except ValueError as exc:
                    raise CommandError(f"Số ngày phải là số nguyên: {options['n']!r}.") from exc
                self.stdout.write(calendar.add_working_days(day, n).isoformat())
            elif action == "due":
                self._due(calendar, options)
            elif action == "explain":
                day = _date(options["date"])
                info = calendar.day_info(day)
                state = "làm việc" if info.working else "nghỉ"
                self.stdout.write(
                    f"{day.isoformat()} ({weekday_name(day)}): {state} — {info.reason}"
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _calendar(self, unit_code: str | None) -> WorkCalendar:
        if not unit_code:
            return calendar_for_unit(None)
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise CommandError(f"Không tìm thấy đơn vị có mã {unit_code!r}.")
        return calendar_for_unit(unit)

    def _due(self, calendar: WorkCalendar, options: dict[str, Any]) -> None:
        received = _instant(options["received"])
        unit = options["limit_unit"]
        if unit not in LimitUnit.values:
            raise CommandError(
                f"Đơn vị thời hạn không hợp lệ: {unit!r} (dùng {', '.join(LimitUnit.values)})."
            )
        amount = to_hours(options["amount"])
        result = calendar.due(received, amount, unit)
        payload = {
            "due_at": result.due_at.astimezone(VN_TZ).isoformat(),
            "explanation": result.explanation,
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False))

    def _load_official(self, path: str) -> None:
        result = overrides_load_official(path=path)
        total = result.created + result.updated + result.unchanged
        self.stdout.write(
            f"Đã nạp {total} ngày: {result.created} thêm mới, {result.updated} cập nhật, "
            f"{result.unchanged} không đổi."
        )
