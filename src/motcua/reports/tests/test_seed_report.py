"""Reconstruction of the 2023 commune report (seed-report-2023-H1.txt, DOMAIN.md §0.2).

Figures of the hand-typed report: received 412 = in period 404 (online 381; direct and postal
23) + carried over 8; resolved 403 = early 381 + on time 17 + late 5; pending 4 (within 4,
overdue 0). The 412 − 403 − 4 = 5 missing dossiers are modelled as 3 withdrawn + 2 stopped.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from tests.factories import FieldFactory, UnitFactory

from motcua.calendar.constants import LimitUnit
from motcua.dossiers.constants import Channel, State
from motcua.dossiers.models import Dossier
from motcua.organisation.models import Unit
from motcua.reports.services import rollup_rebuild
from motcua.reports.stats import bieu06

from .helpers import at, dossier, figures_both, version

H1_FROM, H1_TO = dt.date(2023, 1, 1), dt.date(2023, 6, 30)
NOW = at(2023, 7, 15)


def build_seed(unit: Unit) -> None:
    pv_ht = version(FieldFactory(code="HT", name="Hộ tịch"), LimitUnit.WORKING_DAYS)
    pv_ct = version(FieldFactory(code="CT", name="Chứng thực"), LimitUnit.WORKING_DAYS)
    rows: list[Dossier] = []
    channels = [Channel.ONLINE] * 381 + [Channel.COUNTER] * 15 + [Channel.POSTAL] * 8
    n = 0

    def add(**kw: object) -> None:
        nonlocal n
        pv = pv_ht if n % 3 else pv_ct
        rows.append(dossier(unit, pv, save=False, **kw))  # type: ignore[arg-type]
        n += 1

    def in_period(i: int) -> dt.datetime:
        # spread over H1 on the hour grid, 08:00–15:00 local time
        return at(2023, 1, 2, 8) + dt.timedelta(days=(i * 37) % 170, hours=i % 7)

    # 8 carried over from December 2022, finished early in January.
    for i in range(8):
        received = at(2022, 12, 20 + i, 9)
        add(
            received=received,
            due=at(2023, 1, 6, 17),
            state=State.RETURNED,
            finished=at(2023, 1, 4, 10),
            returned=at(2023, 1, 5, 10),
        )
    k = 0
    # 373 received and finished early (2 of them refused after review, still "resolved").
    for i in range(373):
        received = in_period(k)
        state = State.REJECTED_AFTER_REVIEW if i < 2 else State.RETURNED
        add(
            received=received,
            due=received + dt.timedelta(days=5),
            state=state,
            channel=channels[k],
            finished=received + dt.timedelta(days=2),
        )
        k += 1
    # 17 on time: finished on the due day, some after office hours (DOMAIN.md §2.5 (a)).
    for i in range(17):
        received = in_period(k)
        due = received + dt.timedelta(days=3)
        add(
            received=received,
            due=due,
            state=State.RESULT_READY,
            channel=channels[k],
            finished=due.replace(hour=18) if i % 2 else due,
        )
        k += 1
    # 5 late: finished the day after the due day.
    for _i in range(5):
        received = in_period(k)
        due = received + dt.timedelta(days=3)
        add(
            received=received,
            due=due,
            state=State.RETURNED,
            channel=channels[k],
            finished=due + dt.timedelta(days=1),
        )
        k += 1
    # 4 pending within their deadline at 30/06 (due in July).
    for i in range(4):
        add(
            received=at(2023, 6, 26 + i, 9),
            due=at(2023, 7, 3 + i, 17),
            state=State.IN_PROCESS,
            channel=channels[k],
        )
        k += 1
    # The 5 that vanish from the report: 3 withdrawn, 2 stopped (closed without result).
    for i in range(5):
        received = in_period(k)
        add(
            received=received,
            due=received + dt.timedelta(days=3),
            state=State.WITHDRAWN if i < 3 else State.STOPPED,
            channel=channels[k],
            closed=received + dt.timedelta(days=1),
        )
        k += 1
    # Never received: refused at intake and a draft (DOMAIN.md §1.13) — not counted anywhere.
    add(received=None, due=None, state=State.DRAFT)
    add(received=None, due=None, state=State.INTAKE_REFUSED)
    assert k == 404
    Dossier.objects.bulk_create(rows)


@pytest.mark.django_db
def test_seed_report_2023_h1_is_reproduced_dom_0_2() -> None:
    unit = UnitFactory(code="TAISON", name="Xã Tái Sơn")
    build_seed(unit)
    t = figures_both(unit, H1_FROM, H1_TO, now=NOW)
    assert (t.carried_over, t.received_online, t.received_direct_postal) == (8, 381, 23)
    assert t.received_total == 412
    assert (t.resolved_total, t.resolved_early, t.resolved_on_time, t.resolved_late) == (
        403,
        381,
        17,
        5,
    )
    assert t.resolved_rejected == 2
    assert (t.pending_total, t.pending_within, t.pending_overdue) == (4, 4, 0)
    assert (t.closed_other_total, t.withdrawn, t.stopped) == (5, 3, 2)
    # DOMAIN.md §0.2: 412 = 403 + 4 + 5.
    assert t.received_total == t.resolved_total + t.pending_total + t.closed_other_total
    # Folded policy (§3.4): the 5 go into "Đúng hạn"; the invariant still holds.
    f = figures_both(unit, H1_FROM, H1_TO, now=NOW, policy="folded")
    assert (f.resolved_total, f.resolved_on_time, f.closed_other_total) == (408, 22, 0)
    assert f.received_total == f.resolved_total + f.pending_total + f.closed_other_total
    # The carry-over chain (§3.3): pending at 30/06 is carried into the next half-year.
    h2 = figures_both(unit, dt.date(2023, 7, 1), dt.date(2023, 12, 31), now=NOW)
    assert h2.carried_over == t.pending_total == 4


@pytest.mark.django_db
def test_seed_report_cli_json_contract() -> None:
    """`motcua stats ... --by field --format json`: keys exactly as the contract."""
    unit = UnitFactory(code="TAISON", name="Xã Tái Sơn")
    build_seed(unit)
    rollup_rebuild()
    out = StringIO()
    call_command(
        "stats",
        "--unit=TAISON",
        "--from=2023-01-01",
        "--to=2023-06-30",
        "--by=field",
        "--format=json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert list(data) == ["unit", "from", "to", "policy", "total", "by_field"]
    assert (data["unit"], data["from"], data["to"], data["policy"]) == (
        "TAISON",
        "2023-01-01",
        "2023-06-30",
        "strict",
    )
    keys = list(bieu06(unit=unit, date_from=H1_FROM, date_to=H1_TO).total.as_dict())
    assert list(data["total"]) == keys
    assert [list(row) for row in data["by_field"]] == [["field", "name", *keys]] * 2
    assert {row["field"] for row in data["by_field"]} == {"HT", "CT"}
    assert sum(row["received_total"] for row in data["by_field"]) == 412
    assert data["total"]["received_total"] == 412
