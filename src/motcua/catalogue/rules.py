"""Pure catalogue rules shared by the services and the importer (no database access).

Time allotments of the internal process are compared with the legal time limit in one unit:

- limits in working days, working hours or "same day" are compared in **working hours**:
  1 working day = 8 working hours (DOMAIN §2.1), a "same day" limit or step counts as one
  working day (8 working hours);
- a limit in **calendar days** is compared in days: a step in working days or calendar days counts
  its amount, a step in working hours counts amount / 8, a "same day" step counts one day;
- a step counted in calendar days cannot be compared with a working-time limit and is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from motcua.calendar.constants import LimitUnit
from motcua.catalogue.constants import HOURS_PER_WORKING_DAY

_HOURS = Decimal(HOURS_PER_WORKING_DAY)


def limit_problem(amount: Decimal, unit: str) -> str | None:
    """The legal time limit must be > 0 unless it is "same day" (trong ngày)."""
    if unit not in LimitUnit.values:
        return _("Đơn vị thời hạn không hợp lệ: %(unit)s.") % {"unit": unit}
    if amount < 0:
        return _("Thời hạn giải quyết không được âm.")
    if unit != LimitUnit.SAME_DAY and amount <= 0:
        return _("Thời hạn giải quyết phải lớn hơn 0 (trừ thủ tục giải quyết trong ngày).")
    return None


def _in_hours(amount: Decimal, unit: str) -> Decimal | None:
    if unit == LimitUnit.WORKING_DAYS:
        return amount * _HOURS
    if unit == LimitUnit.WORKING_HOURS:
        return amount
    if unit == LimitUnit.SAME_DAY:
        return _HOURS
    return None


def _in_days(amount: Decimal, unit: str) -> Decimal:
    if unit == LimitUnit.WORKING_HOURS:
        return amount / _HOURS
    if unit == LimitUnit.SAME_DAY:
        return Decimal(1)
    return amount


def steps_problem(
    limit_amount: Decimal, limit_unit: str, steps: Sequence[tuple[Decimal, str]]
) -> str | None:
    """Step allotments (amount, unit) must sum to at most the legal limit (module docstring)."""
    for amount, unit in steps:
        if unit not in LimitUnit.values:
            return _("Đơn vị thời gian của bước không hợp lệ: %(unit)s.") % {"unit": unit}
        if amount < 0:
            return _("Thời gian của bước xử lý không được âm.")
    if limit_unit == LimitUnit.CALENDAR_DAYS:
        total_days = sum((_in_days(a, u) for a, u in steps), Decimal(0))
        if total_days > limit_amount:
            return _(
                "Tổng thời gian các bước (%(total)s ngày) vượt thời hạn giải quyết "
                "(%(limit)s ngày)."
            ) % {"total": _fmt(total_days), "limit": _fmt(limit_amount)}
        return None
    limit_hours = _in_hours(limit_amount, limit_unit)
    if limit_hours is None:
        return _("Đơn vị thời hạn không hợp lệ: %(unit)s.") % {"unit": limit_unit}
    total_hours = Decimal(0)
    for amount, unit in steps:
        hours = _in_hours(amount, unit)
        if hours is None:
            return _(
                "Bước xử lý tính theo ngày lịch không so sánh được với thời hạn tính theo "
                "thời gian làm việc."
            )
        total_hours += hours
    if total_hours > limit_hours:
        return _(
            "Tổng thời gian các bước (%(total)s giờ làm việc) vượt thời hạn giải quyết "
            "(%(limit)s giờ làm việc; 1 ngày làm việc = 8 giờ)."
        ) % {"total": _fmt(total_hours), "limit": _fmt(limit_hours)}
    return None


def _fmt(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def period_problem(valid_from: dt.date, valid_to: dt.date | None) -> str | None:
    if valid_to is not None and valid_to < valid_from:
        return _("Ngày hết hiệu lực phải sau hoặc bằng ngày bắt đầu hiệu lực.")
    return None


def periods_overlap(
    a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None
) -> bool:
    """Closed periods [from, to]; `None` means open-ended."""
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def overlap_problems(
    periods: Iterable[tuple[int, dt.date, dt.date | None]],
) -> list[tuple[int, int]]:
    """Pairs of version numbers whose published periods overlap."""
    items = sorted(periods, key=lambda p: (p[1], p[0]))
    clashes: list[tuple[int, int]] = []
    for i, (num_a, from_a, to_a) in enumerate(items):
        for num_b, from_b, to_b in items[i + 1 :]:
            if periods_overlap(from_a, to_a, from_b, to_b):
                clashes.append((num_a, num_b))
    return clashes


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else _("không thời hạn")


def fee_line_problem(
    *, provincial: bool, valid_from: dt.date | None, valid_to: dt.date | None
) -> str | None:
    """A fee line's dates: only a provincial line has its own period (the HĐND resolution's);
    a national line follows its version."""
    if not provincial and (valid_from is not None or valid_to is not None):
        return _(
            "Chỉ khoản thu theo tỉnh, thành phố mới có thời gian áp dụng riêng; khoản thu chung "
            "áp dụng theo hiệu lực của phiên bản."
        )
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        return _("Ngày hết áp dụng phải sau hoặc bằng ngày bắt đầu áp dụng.")
    return None
