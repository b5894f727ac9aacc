"""Reads owned by core: the personal-data access log for an inspection (NĐ 13/2023 art. 38)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from motcua.core.models import AccessLog
from motcua.core.privacy import mask_id_number

VN_TZ = dt.timezone(dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")
_LONG_NUMBER = re.compile(r"\d{9,}")

CSV_HEADER = [
    "Thời điểm",
    "Tài khoản",
    "Họ và tên",
    "Mã đơn vị",
    "Mã hồ sơ",
    "Chủ thể dữ liệu",
    "Thao tác",
    "Mục đích, trang",
    "Địa chỉ IP",
    "Kết quả",
    "Lý do từ chối",
]


def mask_numbers(text: str) -> str:
    """Mask every run of 9 or more digits (CMND/CCCD numbers) left in free text."""
    return _LONG_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text or "")


def access_log_between(
    *, date_from: dt.date, date_to: dt.date, unit_code: str = ""
) -> QuerySet[AccessLog]:
    """Rows whose local (Asia/Ho_Chi_Minh) date lies in [date_from, date_to], oldest first."""
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=VN_TZ)
    rows = AccessLog.objects.filter(at__gte=start)
    if date_to < dt.date.max:  # 31/12/9999 means "no end" (the next day would overflow)
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=VN_TZ)
        rows = rows.filter(at__lt=end)
    if unit_code:
        rows = rows.filter(unit__code=unit_code)
    return rows.select_related("user", "unit").order_by("at", "id")


def access_log_csv_rows(rows: QuerySet[AccessLog]) -> Iterator[list[str]]:
    """CSV cells per row; identity numbers are masked to the last 4 digits."""
    for row in rows.iterator(chunk_size=2000):
        user = row.user
        yield [
            timezone.localtime(row.at, VN_TZ).strftime("%d/%m/%Y %H:%M:%S"),
            user.get_username() if user is not None else "",
            getattr(user, "display_name", "") if user is not None else "",
            row.unit.code if row.unit is not None else "",
            row.dossier_code,
            mask_numbers(row.subject),
            str(row.get_action_display()),
            mask_numbers(row.purpose),
            row.ip or "",
            str(row.get_outcome_display()),
            row.reason,
        ]
