"""The recorded history behind the seed report: xã Tái Sơn, first half of 2023.

The commune's hand-typed report (shared/docs/seed-report-2023-H1.txt) gives: received 412 = 404 in
the period (381 online, 23 counter/postal) + 8 carried over; resolved 403 = 381 early + 17 on time
+ 5 late; pending 4 (4 within the deadline, 0 overdue). Those figures lose five dossiers
(412 − 403 − 4 = 5, DOMAIN.md §0.2). This module writes a plausible, deterministic event history
that produces exactly those figures — with the five made explicit as 3 withdrawn and 2 stopped —
in the `motcua import-dossiers` format, so the demo's statistics and CCHC report are generated
from records, not typed.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from motcua.calendar.workdays import WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD_START = dt.date(2023, 1, 1)
PERIOD_END = dt.date(2023, 6, 30)

# (national code, limit amount, limit unit, weight) — the commune's usual mix.
SAME_DAY = [("2.000815", 45), ("LOCAL-CT-01", 20), ("LOCAL-HT-01", 9), ("LOCAL-HT-03", 4),
            ("LOCAL-HT-02", 3), ("LOCAL-HT-07", 3)]  # fmt: skip
DAY_LIMITED = [("1.004873", 3), ("LOCAL-CT-02", 2), ("LOCAL-BTXH-02", 2), ("LOCAL-HT-04", 3),
               ("LOCAL-HT-05", 3)]  # fmt: skip
LONG = [("LOCAL-BTXH-01", 12)]

FAMILY = ["Nguyễn", "Trần", "Phạm", "Vũ", "Đỗ", "Hoàng", "Bùi", "Đặng", "Lê", "Phan"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Mai"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Lan", "Linh",
         "Long", "Nam", "Nga", "Phúc", "Phương", "Quân", "Sơn", "Thảo", "Tuấn", "Yến"]  # fmt: skip


@dataclass(frozen=True)
class Targets:
    """The seed report's figures, with the five lost dossiers made explicit."""

    carried_over: int = 8
    online: int = 381
    direct_postal: int = 23
    early: int = 381
    on_time: int = 17
    late: int = 5
    pending_within: int = 4
    withdrawn: int = 3
    stopped: int = 2


class _Gen:
    def __init__(self, cal: WorkCalendar, unit_code: str, code_prefix: str, seed: int) -> None:
        self.cal = cal
        self.unit_code = unit_code
        self.prefix = code_prefix
        self.rng = random.Random(seed)
        self.daily: Counter[dt.date] = Counter()
        self.days = [
            PERIOD_START + dt.timedelta(days=i)
            for i in range((PERIOD_END - PERIOD_START).days + 1)
            if cal.is_working_day(PERIOD_START + dt.timedelta(days=i))
        ]

    def instant(
        self, day: dt.date, earliest: int = 7 * 60 + 35, latest: int = 16 * 60
    ) -> dt.datetime:
        minute = self.rng.randint(earliest, latest)
        if 11 * 60 + 30 <= minute < 13 * 60 + 30:
            minute += 120
        minute = min(minute, 16 * 60 + 50)
        return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), VN)

    def applicant(self) -> dict[str, str]:
        female = self.rng.random() < 0.5
        middle = self.rng.choice(MIDDLE_F if female else MIDDLE_M)
        name = f"{self.rng.choice(FAMILY)} {middle} {self.rng.choice(GIVEN)}"
        year = self.rng.randint(1950, 2004)
        century_sex = (0 if year < 2000 else 2) + (1 if female else 0)
        id_number = f"030{century_sex}{year % 100:02d}{self.rng.randint(0, 999_999):06d}"
        phone = f"09{self.rng.randint(10_000_000, 99_999_999)}"
        return {"name": name, "id_number": id_number, "phone": phone}

    def code(self, received: dt.datetime) -> str:
        day = received.date()
        self.daily[day] += 1
        return f"{self.prefix}-{day:%y%m%d}-{self.daily[day]:04d}"

    def due(self, received: dt.datetime, amount: int, same_day: bool) -> dt.datetime:
        unit = "same_day" if same_day else "working_days"
        return self.cal.due(received, Decimal(amount), unit, explain=False).due_at.astimezone(VN)

    def line(
        self,
        *,
        procedure: str,
        channel: str,
        received: dt.datetime,
        due: dt.datetime,
        finished: dt.datetime | None = None,
        outcome: str | None = None,
        closed: dt.datetime | None = None,
    ) -> dict[str, object]:
        obj: dict[str, object] = {
            "unit": self.unit_code,
            "procedure": procedure,
            "channel": channel,
            "applicant": self.applicant(),
            "submitted_at": received.isoformat(),
            "received_at": received.isoformat(),
            "due_at": due.isoformat(),
        }
        if finished is not None:
            obj["finished_at"] = finished.isoformat()
            returned = finished + dt.timedelta(minutes=self.rng.randint(10, 90))
            obj["returned_at"] = returned.isoformat()
            obj["outcome"] = "returned"
        if outcome in {"withdrawn", "stopped"}:
            obj["outcome"] = outcome
            obj["closed_at"] = (closed or received).isoformat()
        return obj


def taison_2023_h1(
    *,
    cal: WorkCalendar,
    unit_code: str,
    code_prefix: str,
    targets: Targets = Targets(),
    seed: int = 2023,
) -> list[str]:
    """JSON Lines for `import_dossiers` that reproduce the seed report's figures exactly."""
    g = _Gen(cal, unit_code, code_prefix, seed)
    out: list[dict[str, object]] = []
    # 1. Carried over: received in the last working days of 2022, finished in January 2023.
    december = [dt.date(2022, 12, d) for d in (26, 27, 28, 29, 30)]
    for i in range(targets.carried_over):
        procedure, amount = LONG[0]
        received = g.instant(december[i % len(december)])
        due = g.due(received, amount, same_day=False)
        due_day = i < 2  # two of them finish exactly on their due day
        day = due.date() if due_day else cal.add_working_days(received.date(), amount - 3)
        out.append(
            g.line(
                procedure=procedure,
                channel="counter",
                received=received,
                due=due,
                finished=g.instant(day, 14 * 60, 16 * 60),
            )
        )
    # 2. Received in the period: classify first, then give channels.
    in_period = targets.online + targets.direct_postal
    early = targets.early - (targets.carried_over - 2)
    on_time = targets.on_time - 2
    kinds = (["early"] * early + ["on_time"] * on_time + ["late"] * targets.late
             + ["pending"] * targets.pending_within + ["withdrawn"] * targets.withdrawn
             + ["stopped"] * targets.stopped)  # fmt: skip
    if len(kinds) != in_period:
        raise ValueError("The targets do not add up: received ≠ resolved + pending + closed.")
    channels = ["online"] * targets.online + ["counter"] * (targets.direct_postal - 6)
    channels += ["postal"] * 6
    g.rng.shuffle(channels)
    usable = [d for d in g.days if d <= dt.date(2023, 6, 9)]
    for kind, channel in zip(kinds, channels, strict=True):
        if kind == "pending":
            procedure, amount = LONG[0]
            received = g.instant(g.rng.choice([d for d in g.days if d >= dt.date(2023, 6, 26)]))
            # Pending at 30/06 (within the deadline); finished early in July, so the demo of
            # today has no three-year-old dossier still open.
            finished = g.instant(cal.add_working_days(received.date(), amount - 3), 8 * 60)
            out.append(
                g.line(
                    procedure=procedure,
                    channel=channel,
                    received=received,
                    due=g.due(received, amount, same_day=False),
                    finished=finished,
                )
            )
            continue
        day = g.rng.choice(usable)
        if kind == "early" and g.rng.random() < 0.8:
            procedure = g.rng.choices([p for p, _ in SAME_DAY], [w for _, w in SAME_DAY])[0]
            received = g.instant(day, latest=14 * 60 + 30)
            due = g.due(received, 0, same_day=True)
            finished = received + dt.timedelta(minutes=g.rng.randint(15, 120))
            out.append(
                g.line(
                    procedure=procedure,
                    channel=channel,
                    received=received,
                    due=due,
                    finished=finished,
                )
            )
            continue
        procedure, amount = g.rng.choice(DAY_LIMITED)
        received = g.instant(day)
        due = g.due(received, amount, same_day=False)
        if kind == "early":
            fday = cal.add_working_days(received.date(), amount - 1)
            finished = g.instant(fday, 8 * 60, 16 * 60)
            out.append(
                g.line(
                    procedure=procedure,
                    channel=channel,
                    received=received,
                    due=due,
                    finished=finished,
                )
            )
        elif kind == "on_time":
            out.append(
                g.line(
                    procedure=procedure,
                    channel=channel,
                    received=received,
                    due=due,
                    finished=g.instant(due.date(), 9 * 60, 16 * 60),
                )
            )
        elif kind == "late":
            fday = cal.add_working_days(due.date(), g.rng.randint(1, 3))
            out.append(
                g.line(
                    procedure=procedure,
                    channel=channel,
                    received=received,
                    due=due,
                    finished=g.instant(fday, 8 * 60, 16 * 60),
                )
            )
        else:  # withdrawn / stopped, within the period
            closed = g.instant(cal.add_working_days(received.date(), 1))
            out.append(
                g.line(
                    procedure=procedure,
                    channel=channel,
                    received=received,
                    due=due,
                    outcome=kind,
                    closed=closed,
                )
            )
    out.sort(key=lambda o: str(o["received_at"]))
    for obj in out:  # daily sequences follow the order of receipt (DOMAIN.md §1.5)
        obj["code"] = g.code(dt.datetime.fromisoformat(str(obj["received_at"])))
    return [json.dumps(o, ensure_ascii=False) for o in out]
