"""Argument parsing shared by the `stats` and `stats_rollup` commands."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from motcua.organisation.models import Unit


def parse_date(value: str, name: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(
        _("Ngày %(name)s không hợp lệ: “%(v)s” (dùng yyyy-mm-dd hoặc dd/mm/yyyy).")
        % {"name": name, "v": value}
    )


def get_unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise CommandError(_("Không tìm thấy đơn vị có mã “%(c)s”.") % {"c": code})
    return unit


def parse_period(date_from: str, date_to: str) -> tuple[dt.date, dt.date]:
    start = parse_date(date_from, "--from")
    end = parse_date(date_to, "--to")
    if end < start:
        raise CommandError(_("Ngày kết thúc (--to) phải không trước ngày bắt đầu (--from)."))
    return start, end
