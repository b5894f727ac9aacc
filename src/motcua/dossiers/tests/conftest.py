"""Fixtures of the dossier lifecycle tests: a commune with its staff and a procedure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from tests.factories import MembershipFactory, ProcedureVersionFactory, UnitFactory, UserFactory

from motcua.accounts.models import User, UserKind
from motcua.catalogue.models import ProcedureVersion
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    """An aware instant in Asia/Ho_Chi_Minh."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN)


#: Monday 10/03/2025, 09:00 — an ordinary working day under ND61-2018.
MONDAY = local(2025, 3, 10)


@dataclass
class Commune:
    unit: Unit
    receiver: User
    specialist: User
    leader: User


def make_commune(code: str | None = None) -> Commune:
    unit = UnitFactory(**({"code": code} if code else {}))
    staff = {}
    for role in (Role.RECEIVER, Role.SPECIALIST, Role.LEADER):
        user = UserFactory()
        MembershipFactory(user=user, unit=unit, role=role)
        staff[role] = user
    return Commune(unit, staff[Role.RECEIVER], staff[Role.SPECIALIST], staff[Role.LEADER])


@pytest.fixture
def commune(db: None) -> Commune:
    return make_commune()


@pytest.fixture
def other_commune(db: None) -> Commune:
    return make_commune()


@pytest.fixture
def version(db: None) -> ProcedureVersion:
    return ProcedureVersionFactory()


@pytest.fixture
def citizen(db: None) -> User:
    return UserFactory(kind=UserKind.CITIZEN)


def counter_dossier(
    commune: Commune, version: ProcedureVersion, at: dt.datetime = MONDAY, **kwargs: object
) -> Dossier:
    ids = list(version.components.values_list("pk", flat=True))
    return services.dossier_create_at_counter(
        user=commune.receiver,
        unit=commune.unit,
        procedure=version.procedure,
        applicant_name="Trần Thị Bình",
        provided_component_ids=kwargs.pop("provided_component_ids", ids),  # type: ignore[arg-type]
        at=at,
        **kwargs,  # type: ignore[arg-type]
    )


def received_dossier(
    commune: Commune, version: ProcedureVersion, at: dt.datetime = MONDAY
) -> Dossier:
    d = counter_dossier(commune, version, at)
    return services.dossier_receive(dossier=d, user=commune.receiver, at=at)


def in_process_dossier(
    commune: Commune, version: ProcedureVersion, at: dt.datetime = MONDAY
) -> Dossier:
    d = received_dossier(commune, version, at)
    return services.dossier_assign(
        dossier=d, user=commune.leader, assignee=commune.specialist, at=at
    )
