"""Test helpers: dossier rows with explicit timestamps (built with the shared factories)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.factories import DossierFactory, FieldFactory, ProcedureFactory, ProcedureVersionFactory

from motcua.calendar.constants import LimitUnit
from motcua.catalogue.models import Field, ProcedureVersion
from motcua.dossiers.constants import Channel, State
from motcua.dossiers.models import Dossier
from motcua.organisation.models import Unit
from motcua.reports.services import rollup_rebuild
from motcua.reports.stats import Bieu06Figures, bieu06

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    """A local (Asia/Ho_Chi_Minh) instant."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN)


def version(field: Field | None = None, unit: str = LimitUnit.WORKING_DAYS) -> ProcedureVersion:
    field = field or FieldFactory()
    amount = {LimitUnit.WORKING_HOURS: Decimal(8), LimitUnit.SAME_DAY: Decimal(0)}.get(
        unit, Decimal(3)
    )
    return ProcedureVersionFactory(
        procedure=ProcedureFactory(field=field),
        time_limit_unit=unit,
        time_limit_amount=amount,
        with_steps=False,
    )


def dossier(
    unit: Unit,
    pv: ProcedureVersion,
    *,
    received: dt.datetime | None,
    due: dt.datetime | None,
    state: str = State.IN_PROCESS,
    channel: str = Channel.ONLINE,
    finished: dt.datetime | None = None,
    returned: dt.datetime | None = None,
    closed: dt.datetime | None = None,
    extended: dt.datetime | None = None,
    current_unit: Unit | None = None,
    save: bool = True,
) -> Dossier:
    kwargs = {
        "unit": unit,
        "current_unit": current_unit or unit,
        "procedure_version": pv,
        "field": pv.procedure.field,
        "state": state,
        "channel": channel,
        "received_at": received,
        "clock_started_at": received,
        "due_at": due,
        "extended_due_at": extended,
        "finished_at": finished,
        "returned_at": returned,
        "closed_at": closed,
    }
    if save:
        return DossierFactory(**kwargs)
    return DossierFactory.build(**kwargs)


def figures_both(
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    *,
    now: dt.datetime,
    policy: str = "strict",
) -> Bieu06Figures:
    """The oracle total, after checking that the rollup path gives the same figures."""
    rollup_rebuild()
    kwargs = {"unit": unit, "date_from": date_from, "date_to": date_to, "now": now}
    oracle = bieu06(source="oracle", policy=policy, **kwargs)  # type: ignore[arg-type]
    rollup = bieu06(source="rollup", policy=policy, **kwargs)  # type: ignore[arg-type]
    assert oracle.total == rollup.total
    assert [(r.code, r.figures) for r in oracle.by_field] == [
        (r.code, r.figures) for r in rollup.by_field
    ]
    return oracle.total
