"""Input validators shared by the forms of every app.

`plausible_date`: a date (or instant) between 01/01/1900 and 31/12/2100. Python accepts years
1–9999, but one day around year 1 or 9999 overflows (`date + timedelta`, time-zone conversion,
the database adapters) and turns a typo into a server error; no dossier, plan or report of
Một Cửa lies outside this range."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)


def plausible_date(value: dt.date | dt.datetime | None) -> None:
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValidationError(
            _("Ngày %(date)s nằm ngoài khoảng cho phép (01/01/1900 – 31/12/2100).")
            % {"date": f"{day.day:02d}/{day.month:02d}/{day.year:04d}"},
            code="date_range",
        )
