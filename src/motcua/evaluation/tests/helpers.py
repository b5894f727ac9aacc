"""Builders for the evaluation tests: dossiers with timestamps, events and transfers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.factories import DossierFactory

from motcua.dossiers.constants import Channel, State
from motcua.dossiers.models import Dossier, DossierEvent, Transfer
from motcua.evaluation.tests.conftest import at
from motcua.organisation.models import Unit

#: A working-day procedure received Wed 01/03/2023, due Mon 06/03/2023 17:00.
RECEIVED = at(2023, 3, 1)
DUE = at(2023, 3, 6, 17)
EARLY = at(2023, 3, 3)  # shorter than the legal time
EQUAL = at(2023, 3, 6, 10)  # same day as the appointment (day limits compare dates)
LATE = at(2023, 3, 7)  # longer


def finished(unit: Unit, done: dt.datetime = EARLY, **kwargs: Any) -> Dossier:
    """A dossier received on RECEIVED, due DUE, finished (result returned) at `done`."""
    values: dict[str, Any] = {
        "unit": unit,
        "state": State.RETURNED,
        "channel": Channel.ONLINE,
        "received_at": RECEIVED,
        "due_at": DUE,
        "finished_at": done,
        "returned_at": done,
    }
    values.update(kwargs)
    return DossierFactory(**values)


def event(dossier: Dossier, action: str, when: dt.datetime, **kwargs: Any) -> DossierEvent:
    seq = DossierEvent.objects.filter(dossier=dossier).count() + 1
    return DossierEvent.objects.create(dossier=dossier, seq=seq, at=when, action=action, **kwargs)


def transfer(
    dossier: Dossier,
    to_unit: Unit,
    *,
    due: dt.datetime | None,
    answered: dt.datetime | None,
    kind: str = Transfer.Kind.CONSULT,
) -> Transfer:
    return Transfer.objects.create(
        dossier=dossier,
        kind=kind,
        from_unit=dossier.unit,
        to_unit=to_unit,
        sent_at=RECEIVED + dt.timedelta(hours=2),
        due_at=due,
        answered_at=answered,
    )
