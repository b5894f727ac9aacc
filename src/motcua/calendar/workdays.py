"""Working-day arithmetic: pure, typed functions over an immutable calendar (no ORM).

A `WorkCalendar` is the base rules (Labour Code 2019 arts. 111–112 as computed by the `holidays`
package for VN, DOMAIN.md §6.1) with dated overrides layered on top (Prime Minister / MoHA day
swaps and the official civil-service off days, DOMAIN.md §6.2–6.3). `motcua.calendar.selectors`
builds one per unit from the database; everything here is computation only, so a thousand due
dates cost no query.

Counting rules (DOMAIN.md §2, docs/domain/calendar.md):

- the clock starts at the next working session after the receipt (receipt outside working time —
  weekend, holiday, before opening, lunch break, after closing — counts from the next session,
  DOMAIN §2.3); with the cut-off enabled for the unit kind, a receipt after the cut-off (15:00)
  counts from the next working day (NĐ 61/2018 art. 18(2)–(3); NĐ 23/2015 art. 7);
- `working_days` N: the day of receipt is not counted (Civil Code arts. 147–148); due at the end
  of the last session of the Nth working day after it;
- `working_hours` N: N working hours inside the sessions (OpenCPS approach, DOMAIN §2.1, §2.3);
- `calendar_days` N: receipt day + N days, moved to the next working day when that day is off
  (Civil Code art. 148(5)); due at the end of that day;
- `same_day`: end of the (effective) receipt day;
- fractional day amounts become working hours at 8 h per day (DOMAIN §2.1, BLLĐ art. 105(1)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from motcua.calendar.constants import OFF_KINDS, LimitUnit, OverrideKind
from motcua.core.errors import DomainError

date = dt.date
time = dt.time
datetime = dt.datetime
timedelta = dt.timedelta

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HOURS_PER_DAY = Decimal(8)
"""Working hours per working day used to convert fractional day amounts (DOMAIN §2.1)."""

# Safety net against calendars without any working day (an endless search).
_MAX_SEARCH_DAYS = 3700

Override = tuple[str, str, str]
"""(kind, label, legal_ref); kind is an `OverrideKind` value."""

_OFF_KIND_VALUES = frozenset(str(k) for k in OFF_KINDS)
_WORK_KIND_VALUES = frozenset({str(OverrideKind.SWAP_WORK)})

_WEEKDAY_NAMES = (  # gettext_noop: translated by weekday_name()
    "Thứ Hai",
    "Thứ Ba",
    "Thứ Tư",
    "Thứ Năm",
    "Thứ Sáu",
    "Thứ Bảy",
    "Chủ nhật",
)


def weekday_name(d: date) -> str:
    """Vietnamese weekday name ("Thứ Hai" … "Chủ nhật")."""
    return _(_WEEKDAY_NAMES[d.weekday()])


def fmt_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def fmt_instant(instant: datetime, tz: ZoneInfo = VN_TZ) -> str:
    local = instant.astimezone(tz)
    return _("%(time)s ngày %(date)s (%(weekday)s)") % {
        "time": local.strftime("%H:%M"),
        "date": fmt_date(local.date()),
        "weekday": weekday_name(local.date()),
    }


@dataclass(frozen=True)
class Session:
    """A working session of a day, [start, end) in local time."""

    start: time
    end: time


DEFAULT_SESSIONS: tuple[Session, ...] = (
    Session(time(7, 30), time(11, 30)),
    Session(time(13, 30), time(17, 0)),
)
DEFAULT_WEEKDAYS: frozenset[int] = frozenset(range(5))
DEFAULT_CUTOFF = time(15, 0)


@dataclass(frozen=True)
class DayInfo:
    date: date
    working: bool
    reason: str


@dataclass(frozen=True)
class DueResult:
    due_at: datetime
    explanation: list[str]


def to_hours(amount: Decimal | float | int | str) -> Decimal:
    """Parse an amount into a Decimal; raises DomainError on garbage."""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("Thời hạn không hợp lệ: %(value)s.") % {"value": amount}) from exc
    if not value.is_finite():
        raise DomainError(_("Thời hạn không hợp lệ: %(value)s.") % {"value": amount})
    return value


def _hours_delta(hours: Decimal) -> timedelta:
    micros = (hours * 3_600_000_000).to_integral_value(rounding=ROUND_HALF_UP)
    return timedelta(microseconds=int(micros))


def _fmt_amount(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


@dataclass(frozen=True, eq=False)
class WorkCalendar:
    """Working days and sessions of one unit. Immutable; build with `base_calendar()` or
    `motcua.calendar.selectors.calendar_for_unit()`; layer overrides with `with_overrides()`."""

    overrides: Mapping[date, Override] = field(default_factory=dict)
    weekdays: frozenset[int] = DEFAULT_WEEKDAYS
    sessions: tuple[Session, ...] = DEFAULT_SESSIONS
    tz: ZoneInfo = VN_TZ
    cutoff: time | None = DEFAULT_CUTOFF
    cutoff_applies_to: frozenset[str] = frozenset({str(LimitUnit.SAME_DAY)})

    def __post_init__(self) -> None:
        if not self.sessions:
            raise ValueError("A calendar needs at least one session.")
        previous_end: time | None = None
        for session in self.sessions:
            if session.start >= session.end:
                raise ValueError(f"Session {session} ends before it starts.")
            if previous_end is not None and session.start < previous_end:
                raise ValueError("Sessions must be ordered and must not overlap.")
            previous_end = session.end
        object.__setattr__(self, "overrides", MappingProxyType(dict(self.overrides)))
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        object.__setattr__(self, "cutoff_applies_to", frozenset(self.cutoff_applies_to))

    # -- construction ---------------------------------------------------------------------
    def with_overrides(self, overrides: Mapping[date, Override]) -> WorkCalendar:
        """A copy with `overrides` layered on top (they win over the existing ones)."""
        merged = dict(self.overrides)
        merged.update(overrides)
        return WorkCalendar(
            overrides=merged,
            weekdays=self.weekdays,
            sessions=self.sessions,
            tz=self.tz,
            cutoff=self.cutoff,
            cutoff_applies_to=self.cutoff_applies_to,
        )

    def with_settings(
        self,
        *,
        weekdays: Iterable[int] | None = None,
        sessions: tuple[Session, ...] | None = None,
        cutoff: time | bool | None = True,
        cutoff_applies_to: Iterable[str] | None = None,
    ) -> WorkCalendar:
        """A copy with other schedule settings (`cutoff=True` keeps the current cut-off)."""
        return WorkCalendar(
            overrides=self.overrides,
            weekdays=frozenset(weekdays) if weekdays is not None else self.weekdays,
            sessions=sessions if sessions is not None else self.sessions,
            tz=self.tz,
            cutoff=self.cutoff if cutoff is True else (cutoff or None),
            cutoff_applies_to=(
                frozenset(cutoff_applies_to)
                if cutoff_applies_to is not None
                else self.cutoff_applies_to
            ),
        )

    # -- days -----------------------------------------------------------------------------
    def day_info(self, d: date) -> DayInfo:
        """Whether `d` is a working day and why (override first, then the weekly rest)."""
        override = self.overrides.get(d)
        if override is not None:
            kind, label, legal_ref = override
            reason = f"{label} ({legal_ref})" if legal_ref else label
            return DayInfo(d, kind in _WORK_KIND_VALUES, reason)
        if d.weekday() in self.weekdays:
            return DayInfo(d, True, _("Ngày làm việc (%(weekday)s)") % {"weekday": weekday_name(d)})
        return DayInfo(d, False, weekday_name(d))

    def is_working_day(self, d: date) -> bool:
        override = self.overrides.get(d)
        if override is not None:
            return override[0] not in _OFF_KIND_VALUES
        return d.weekday() in self.weekdays

    def add_working_days(self, d: date, n: int) -> date:
        """The Nth working day strictly after `d` (before it if n < 0); `d` itself if n == 0."""
        step = timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        current = d
        searched = 0
        while remaining:
            current += step
            searched += 1
            if self.is_working_day(current):
                remaining -= 1
                searched = 0
            elif searched > _MAX_SEARCH_DAYS:
                raise DomainError(_("Lịch làm việc không có ngày làm việc nào."))
        return current

    def next_working_day(self, d: date) -> date:
        """`d` if it is a working day, else the first working day after it."""
        return d if self.is_working_day(d) else self.add_working_days(d, 1)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative when b < a."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        current = a
        while current < b:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    # -- instants -------------------------------------------------------------------------
    def local(self, instant: datetime) -> datetime:
        """`instant` in the calendar's time zone (a naive value is read as local time)."""
        if instant.tzinfo is None:
            return instant.replace(tzinfo=self.tz)
        return instant.astimezone(self.tz)

    def at(self, d: date, t: time) -> datetime:
        return datetime.combine(d, t, tzinfo=self.tz)

    def day_end(self, d: date) -> datetime:
        """End of the last session of `d`."""
        return self.at(d, self.sessions[-1].end)

    def day_start(self, d: date) -> datetime:
        return self.at(d, self.sessions[0].start)

    def _session_at(self, local: datetime) -> Session | None:
        if not self.is_working_day(local.date()):
            return None
        t = local.time()
        for session in self.sessions:
            if session.start <= t < session.end:
                return session
        return None

    def is_working_time(self, instant: datetime) -> bool:
        return self._session_at(self.local(instant)) is not None

    def next_working_start(self, instant: datetime) -> datetime:
        """`instant` itself if inside a session, else the start of the next session."""
        local = self.local(instant)
        d = local.date()
        if self.is_working_day(d):
            t = local.time()
            for session in self.sessions:
                if t < session.end:
                    return local if t >= session.start else self.at(d, session.start)
        return self.day_start(self.add_working_days(d, 1))

    def add_working_hours(self, instant: datetime, hours: Decimal | float | int) -> datetime:
        """`instant` plus `hours` of working time counted inside the sessions.

        The result may be the end of a session (never the start of the next one); 0 hours
        returns `instant` unchanged."""
        remaining = _hours_delta(to_hours(hours))
        if remaining < timedelta(0):
            raise DomainError(_("Số giờ làm việc không được âm."))
        current = self.local(instant)
        if not remaining:
            return current
        current = self.next_working_start(current)
        while True:
            session = self._session_at(current)
            assert session is not None  # next_working_start always lands inside a session
            end = self.at(current.date(), session.end)
            available = end - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self.next_working_start(end)

    # -- due dates ------------------------------------------------------------------------
    def clock_start(
        self, received_at: datetime, unit: LimitUnit | str, lines: list[str] | None = None
    ) -> datetime:
        """When the clock starts for a receipt: the next working session, moved to the next
        working day when the receipt is after the cut-off and the cut-off applies to `unit`."""
        received = self.local(received_at)
        start = self.next_working_start(received)
        if start != received and lines is not None:
            lines.append(
                _("Tiếp nhận ngoài giờ làm việc: tính từ %(start)s.")
                % {"start": fmt_instant(start, self.tz)}
            )
        if (
            self.cutoff is not None
            and str(unit) in self.cutoff_applies_to
            and start.time() > self.cutoff
        ):
            start = self.day_start(self.add_working_days(start.date(), 1))
            if lines is not None:
                lines.append(
                    _(
                        "Tiếp nhận sau %(cutoff)s (NĐ 61/2018 Điều 18 khoản 2–3; NĐ 23/2015 "
                        "Điều 7): tính từ ngày làm việc tiếp theo, %(start)s."
                    )
                    % {
                        "cutoff": self.cutoff.strftime("%H:%M"),
                        "start": fmt_instant(start, self.tz),
                    }
                )
        return start

    def _skipped_lines(self, first: date, last: date) -> list[str]:
        lines = []
        current = first
        while current <= last:
            if not self.is_working_day(current):  # (the reason's text only for these days)
                info = self.day_info(current)
                reason = info.reason if current in self.overrides else _("nghỉ hằng tuần")
                lines.append(
                    _("Bỏ qua %(date)s (%(weekday)s): %(reason)s.")
                    % {
                        "date": fmt_date(current),
                        "weekday": weekday_name(current),
                        "reason": reason,
                    }
                )
            current += timedelta(days=1)
        return lines

    def due(
        self,
        received_at: datetime,
        amount: Decimal | int | float | str,
        unit: LimitUnit | str,
        *,
        explain: bool = True,
    ) -> DueResult:
        """The appointment time (hạn giải quyết) for a limit of `amount` `unit` counted from
        `received_at`, with a Vietnamese explanation of every step (DOMAIN.md §2); with
        `explain=False` the same time and an empty explanation (nothing is formatted)."""
        try:
            kind = LimitUnit(str(unit))
        except ValueError as exc:
            raise DomainError(
                _("Đơn vị thời hạn không hợp lệ: %(unit)s (dùng %(choices)s).")
                % {"unit": unit, "choices": ", ".join(LimitUnit.values)}
            ) from exc
        value = to_hours(amount)
        if value < 0:
            raise DomainError(_("Thời hạn không được âm."))
        received = self.local(received_at)
        lines: list[str] | None = [] if explain else None

        def say(text: Callable[[], str]) -> None:
            if lines is not None:
                lines.append(text())

        def skipped(first: date, last: date) -> None:
            if lines is not None:
                lines.extend(self._skipped_lines(first, last))

        say(lambda: _("Tiếp nhận: %(at)s.") % {"at": fmt_instant(received, self.tz)})
        start = self.clock_start(received, kind, lines)
        fractional_days = kind == LimitUnit.WORKING_DAYS and value != value.to_integral_value()

        if kind == LimitUnit.SAME_DAY:
            say(lambda: _("Thời hạn: trong ngày làm việc."))
            due_at = self.day_end(start.date())
            skipped(received.date(), due_at.date())
        elif kind == LimitUnit.WORKING_HOURS or fractional_days:
            hours = value * HOURS_PER_DAY if fractional_days else value
            if fractional_days:
                say(
                    lambda: (
                        _("Thời hạn: %(days)s ngày làm việc = %(hours)s giờ làm việc (8 giờ/ngày).")
                        % {"days": _fmt_amount(value), "hours": _fmt_amount(hours)}
                    )
                )
            else:
                say(
                    lambda: (
                        _("Thời hạn: %(hours)s giờ làm việc, chỉ tính trong giờ làm việc.")
                        % {"hours": _fmt_amount(hours)}
                    )
                )
            due_at = self.add_working_hours(start, hours)
            skipped(received.date(), due_at.date())
        elif kind == LimitUnit.WORKING_DAYS:
            n = int(value)
            say(
                lambda: (
                    _(
                        "Thời hạn: %(n)s ngày làm việc, không tính ngày tiếp nhận %(date)s "
                        "(BLDS 2015 Điều 147–148)."
                    )
                    % {"n": n, "date": fmt_date(start.date())}
                )
            )
            due_day = self.add_working_days(start.date(), n)
            due_at = self.day_end(due_day)
            skipped(received.date(), due_day)
        else:  # calendar days
            n = int(value.to_integral_value(rounding=ROUND_HALF_UP))
            if n != value:
                raise DomainError(_("Thời hạn tính theo ngày phải là số nguyên."))
            end_day = start.date() + timedelta(days=n)
            say(
                lambda: (
                    _(
                        "Thời hạn: %(n)s ngày, không tính ngày tiếp nhận %(date)s; ngày cuối là "
                        "%(end)s (BLDS 2015 Điều 147–148)."
                    )
                    % {"n": n, "date": fmt_date(start.date()), "end": fmt_date(end_day)}
                )
            )
            due_day = self.next_working_day(end_day)
            if due_day != end_day:
                skipped(end_day, due_day)
                say(
                    lambda: (
                        _(
                            "Ngày cuối là ngày nghỉ: chuyển sang ngày làm việc tiếp theo %(date)s "
                            "(BLDS 2015 Điều 148 khoản 5)."
                        )
                        % {"date": fmt_date(due_day)}
                    )
                )
            due_at = self.day_end(due_day)
        say(lambda: _("Hạn giải quyết: %(at)s.") % {"at": fmt_instant(due_at, self.tz)})
        return DueResult(due_at=due_at, explanation=lines or [])


# -- base rules from the `holidays` package ---------------------------------------------------

BASE_LEGAL_REF = "BLLĐ 2019 Điều 111–112; thư viện holidays"


def _kind_of(name: str) -> str:
    lowered = name.lower()
    if "thay cho" in lowered:
        return str(OverrideKind.SWAP_OFF)
    if "nghỉ bù" in lowered:
        return str(OverrideKind.COMPENSATORY)
    return str(OverrideKind.HOLIDAY)


@lru_cache(maxsize=32)
def _base_overrides(years: tuple[int, ...]) -> Mapping[date, Override]:
    import holidays

    table = holidays.country_holidays("VN", years=years, language="vi")
    ref = f"{BASE_LEGAL_REF} {holidays.__version__}"
    result: dict[date, Override] = {}
    for day in sorted(table.keys()):
        names = table.get_list(day)
        label = "; ".join(names)
        result[day] = (_kind_of(names[0]), label, ref)
    for day in sorted(getattr(table, "weekend_workdays", ())):
        if day.year not in years:
            continue
        needle = day.strftime("%d/%m/%Y")
        swapped = [d for d, name in result.items() if needle in name[1]]
        label = (
            f"Làm bù cho ngày {swapped[0].strftime('%d/%m/%Y')}"
            if swapped
            else "Ngày làm bù (hoán đổi ngày làm việc)"
        )
        result[day] = (str(OverrideKind.SWAP_WORK), label, ref)
    return MappingProxyType(result)


def base_calendar(years: Iterable[int] | int) -> WorkCalendar:
    """The national base calendar of `years`: Labour Code holidays with their compensatory days
    and the swaps known to the `holidays` package (VN), Mon–Fri, 07:30–11:30 and 13:30–17:00,
    cut-off 15:00 for same-day limits. Layer the official overrides with `with_overrides()`."""
    year_tuple = (years,) if isinstance(years, int) else tuple(sorted(set(years)))
    return WorkCalendar(overrides=_base_overrides(year_tuple))
