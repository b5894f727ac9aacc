"""Report periods (kỳ báo cáo) and their data cut-off (DOMAIN.md §3.6).

Two conventions, chosen by `settings.MOTCUA["REPORT_PERIOD_CONVENTION"]`:

- ``calendar`` (default): whole calendar months — "2023-H1" is 01/01/2023–30/06/2023.
- ``cutoff_15``: Nghị định 09/2019/NĐ-CP (chế độ báo cáo của cơ quan hành chính nhà nước),
  data cut-off from the 15th of the month before the period to the 14th of its last month —
  "2023-Q1" is 15/12/2022–14/03/2023, "2023" is 15/12/2022–14/12/2023 ◐; the 6- and 9-month
  periods follow the same pattern ❓ ("2023-H1" is 15/12/2022–14/06/2023).

Period labels: "2023" (year), "2023-H1"/"2023-H2", "2023-Q1".."2023-Q4", "2023-9M", and custom
ranges "2023-01-01..2023-06-30" (also "01/01/2023-30/06/2023"), which both conventions take as
they are.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.reform.constants import PeriodConvention, PeriodKind

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_YEAR = re.compile(r"^(\d{4})$")
_NAMED = re.compile(r"^(\d{4})-(H[12]|Q[1-4]|9M)$", re.IGNORECASE)
_ISO_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/|–| - )\s*(\d{4}-\d{2}-\d{2})$")
_VN_RANGE = re.compile(r"^(\d{1,2}/\d{1,2}/\d{4})\s*(?:\.\.|-|–)\s*(\d{1,2}/\d{1,2}/\d{4})$")


@dataclass(frozen=True)
class Period:
    label: str
    kind: PeriodKind
    convention: PeriodConvention
    date_from: dt.date
    date_to: dt.date
    title: str  # "6 tháng đầu năm 2023", used in the summary line of the report

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        return self.date_from, self.date_to

    @property
    def cutoff_note(self) -> str:
        """The sentence the report prints about how its figures were cut off."""
        text = _("Số liệu báo cáo tính từ ngày %(start)s đến ngày %(end)s") % {
            "start": self.date_from.strftime("%d/%m/%Y"),
            "end": self.date_to.strftime("%d/%m/%Y"),
        }
        if self.convention == PeriodConvention.CUTOFF_15 and self.kind != PeriodKind.CUSTOM:
            text += _(" (thời gian chốt số liệu theo Nghị định số 09/2019/NĐ-CP)")
        return text + "."


def year_to_date(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """From 01/01 of the current year to today (local time): what the statistics and
    evaluation pages show before the user chooses a period."""
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today


def default_convention() -> PeriodConvention:
    """The convention of the settings (`MOTCUA["REPORT_PERIOD_CONVENTION"]`)."""
    value = str(settings.MOTCUA.get("REPORT_PERIOD_CONVENTION", PeriodConvention.CALENDAR))
    try:
        return PeriodConvention(value)
    except ValueError as exc:
        raise DomainError(
            _("Cách chốt số liệu “%(value)s” không hợp lệ (calendar hoặc cutoff_15).")
            % {"value": value}
        ) from exc


def _month_span(
    year: int, first_month: int, last_month: int, convention: PeriodConvention
) -> tuple[dt.date, dt.date]:
    if convention == PeriodConvention.CUTOFF_15:
        # From the 15th of the month before the first month to the 14th of the last month.
        start_year, start_month = (year - 1, 12) if first_month == 1 else (year, first_month - 1)
        return dt.date(start_year, start_month, 15), dt.date(year, last_month, 14)
    last_day = calendar.monthrange(year, last_month)[1]
    return dt.date(year, first_month, 1), dt.date(year, last_month, last_day)


def _parse_date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise DomainError(_("Ngày “%(text)s” không hợp lệ.") % {"text": text})


def parse_period(period: str, convention: PeriodConvention | str | None = None) -> Period:
    """Parse a period label into its kind, bounds and title (see the module docstring)."""
    conv = default_convention() if convention is None else PeriodConvention(convention)
    label = period.strip()
    if match := _YEAR.match(label):
        year = int(match.group(1))
        start, end = _month_span(year, 1, 12, conv)
        return Period(label, PeriodKind.YEAR, conv, start, end, _("năm %(y)d") % {"y": year})
    if match := _NAMED.match(label):
        year, part = int(match.group(1)), match.group(2).upper()
        if part == "H1":
            kind, months, title = PeriodKind.HALF_YEAR, (1, 6), _("6 tháng đầu năm %(y)d")
        elif part == "H2":
            kind, months, title = PeriodKind.HALF_YEAR, (7, 12), _("6 tháng cuối năm %(y)d")
        elif part == "9M":
            kind, months, title = PeriodKind.NINE_MONTHS, (1, 9), _("9 tháng đầu năm %(y)d")
        else:
            quarter = int(part[1])
            kind, months = PeriodKind.QUARTER, (3 * quarter - 2, 3 * quarter)
            title = _("quý %(q)s năm %(y)d")
        start, end = _month_span(year, months[0], months[1], conv)
        roman = _ROMAN.get(int(part[1]), "") if part.startswith("Q") else ""
        return Period(label.upper(), kind, conv, start, end, title % {"y": year, "q": roman})
    match = _ISO_RANGE.match(label) or _VN_RANGE.match(label)
    if match:
        start, end = _parse_date(match.group(1)), _parse_date(match.group(2))
        if end < start:
            raise DomainError(_("Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu."))
        title = _("từ ngày %(start)s đến ngày %(end)s") % {
            "start": start.strftime("%d/%m/%Y"),
            "end": end.strftime("%d/%m/%Y"),
        }
        return Period(
            f"{start.isoformat()}..{end.isoformat()}", PeriodKind.CUSTOM, conv, start, end, title
        )
    raise DomainError(
        _(
            "Kỳ báo cáo “%(period)s” không hợp lệ. Ví dụ: 2023, 2023-H1, 2023-Q2, 2023-9M "
            "hoặc 2023-01-01..2023-06-30."
        )
        % {"period": period}
    )


def period_bounds(
    period: str, convention: PeriodConvention | str | None = None
) -> tuple[dt.date, dt.date]:
    """(date_from, date_to), both inclusive, of `period` under `convention` (DOMAIN.md §3.6)."""
    return parse_period(period, convention).bounds
