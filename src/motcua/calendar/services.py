"""Writes of the working-day calendar: dated overrides and unit working schedules
(DOMAIN.md §6.2: an admin-maintained table, so a new decision needs no code change)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.calendar.constants import OverrideKind
from motcua.calendar.models import CalendarOverride, WorkingSchedule
from motcua.calendar.official import DEFAULT_FILE, LoadResult, apply_official_rows
from motcua.calendar.official import read_official_file as _read_official_file
from motcua.calendar.selectors import parse_time
from motcua.core.errors import DomainError
from motcua.organisation.models import Unit

TimeLike = dt.time | str


@transaction.atomic
def override_upsert(
    *,
    date: dt.date,
    kind: OverrideKind | str,
    label: str,
    legal_ref: str = "",
    unit: Unit | None = None,
) -> CalendarOverride:
    """Create or replace the override of `date` for `unit` (None: nationwide)."""
    if str(kind) not in OverrideKind.values:
        raise DomainError(_("Loại ngày không hợp lệ: %(kind)s.") % {"kind": kind})
    label = (label or "").strip()
    if not label:
        raise DomainError(_("Vui lòng nhập nội dung (lý do nghỉ hoặc làm bù)."))
    if len(label) > 200:
        raise DomainError(_("Nội dung không được dài quá 200 ký tự."))
    legal_ref = (legal_ref or "").strip()
    if len(legal_ref) > 300:
        raise DomainError(_("Căn cứ không được dài quá 300 ký tự."))
    override = CalendarOverride.objects.select_for_update().filter(date=date, unit=unit).first()
    if override is None:
        override = CalendarOverride(date=date, unit=unit)
    override.kind = str(kind)
    override.label = label
    override.legal_ref = legal_ref
    override.save()
    return override


@transaction.atomic
def override_delete(*, date: dt.date, unit: Unit | None = None) -> None:
    """Remove the override of `date` for `unit` (None: nationwide); the base rules apply again."""
    deleted, _detail = CalendarOverride.objects.filter(date=date, unit=unit).delete()
    if not deleted:
        raise DomainError(
            _("Không có ngày nghỉ/làm bù nào vào %(date)s để xóa.")
            % {"date": date.strftime("%d/%m/%Y")}
        )


def validate_schedule(
    weekdays: Iterable[int], sessions: Sequence[Sequence[TimeLike]]
) -> tuple[list[int], list[list[str]]]:
    """Check weekdays (0 = Monday … 6 = Sunday, at least one) and sessions (at least one,
    each start before end, ordered and not overlapping); return their stored form."""
    try:
        days = sorted({int(d) for d in weekdays})
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Ngày làm việc trong tuần phải là số từ 0 đến 6.")) from exc
    if not days:
        raise DomainError(_("Phải có ít nhất một ngày làm việc trong tuần."))
    if days[0] < 0 or days[-1] > 6:
        raise DomainError(_("Ngày làm việc trong tuần phải là số từ 0 (thứ Hai) đến 6 (Chủ nhật)."))
    if not sessions:
        raise DomainError(_("Phải có ít nhất một buổi làm việc."))
    parsed: list[tuple[dt.time, dt.time]] = []
    for number, pair in enumerate(sessions, start=1):
        try:
            start_raw, end_raw = pair
            start, end = parse_time(start_raw), parse_time(end_raw)
        except (TypeError, ValueError) as exc:
            raise DomainError(
                _("Buổi làm việc thứ %(n)s không hợp lệ (dạng HH:MM).") % {"n": number}
            ) from exc
        if start is None or end is None:
            raise DomainError(_("Buổi làm việc thứ %(n)s thiếu giờ.") % {"n": number})
        if start >= end:
            raise DomainError(
                _("Buổi làm việc thứ %(n)s phải kết thúc sau khi bắt đầu.") % {"n": number}
            )
        if parsed and start < parsed[-1][1]:
            raise DomainError(
                _(
                    "Buổi làm việc thứ %(n)s phải bắt đầu sau khi buổi trước kết thúc "
                    "(các buổi phải theo thứ tự và không chồng lên nhau)."
                )
                % {"n": number}
            )
        parsed.append((start, end))
    stored = [[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in parsed]
    return days, stored


@transaction.atomic
def schedule_set(
    *, unit: Unit, weekdays: Iterable[int], sessions: Sequence[Sequence[TimeLike]]
) -> WorkingSchedule:
    """Set the working weekdays and sessions of `unit` (its sub-units inherit them)."""
    days, stored = validate_schedule(weekdays, sessions)
    schedule, _created = WorkingSchedule.objects.select_for_update().get_or_create(
        unit=unit, defaults={"weekdays": days, "sessions": stored}
    )
    if not _created:
        schedule.weekdays = days
        schedule.sessions = stored
        schedule.save()
    return schedule


@transaction.atomic
def overrides_load_official(*, path: Path | str = DEFAULT_FILE) -> LoadResult:
    """Upsert the national overrides of an official calendar file (idempotent)."""
    return apply_official_rows(CalendarOverride, _read_official_file(path))
