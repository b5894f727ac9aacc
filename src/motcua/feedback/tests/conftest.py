"""Fixtures of the feedback tests: two communes with staff (leaders with e-mail), a procedure,
returned dossiers made by the dossier services, and PAKN made by the feedback services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client
from tests.factories import MembershipFactory, ProcedureVersionFactory, UnitFactory, UserFactory

from motcua.accounts.models import User, UserKind
from motcua.catalogue.models import ProcedureVersion
from motcua.dossiers import services as dos
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier
from motcua.feedback import services
from motcua.feedback.models import Feedback
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
#: Monday 10/03/2025, 09:00: an ordinary working day.
MONDAY = dt.datetime(2025, 3, 10, 9, 0, tzinfo=VN)


@dataclass
class Commune:
    unit: Unit
    receiver: User
    specialist: User
    leader: User


def make_commune() -> Commune:
    unit = UnitFactory()
    staff = {}
    for role in (Role.RECEIVER, Role.SPECIALIST, Role.LEADER):
        user = UserFactory(email=f"{role}.{unit.code}@xa.example.vn")
        MembershipFactory(user=user, unit=unit, role=role)
        staff[role] = user
    return Commune(unit, staff[Role.RECEIVER], staff[Role.SPECIALIST], staff[Role.LEADER])


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()  # throttles
    yield
    cache.clear()


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
    return UserFactory(kind=UserKind.CITIZEN, full_name="Trần Thị Bình")


def received_dossier(
    commune: Commune, version: ProcedureVersion, applicant: User | None = None
) -> Dossier:
    d = dos.dossier_create_at_counter(
        user=commune.receiver,
        unit=commune.unit,
        procedure=version.procedure,
        applicant_name="Trần Thị Bình",
        provided_component_ids=list(version.components.values_list("pk", flat=True)),
        at=MONDAY,
    )
    d = dos.dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
    if applicant is not None:
        Dossier.objects.filter(pk=d.pk).update(applicant=applicant)
        d.refresh_from_db()
    return d


def returned_dossier(
    commune: Commune, version: ProcedureVersion, applicant: User | None = None
) -> Dossier:
    """Received, then the result handed over (the processing steps are not what is tested)."""
    d = received_dossier(commune, version, applicant)
    Dossier.objects.filter(pk=d.pk).update(state=State.RESULT_READY)
    d = dos.dossier_return_result(
        dossier=d.pk, user=commune.receiver, recipient_name="Trần Thị Bình"
    )
    d.refresh_from_db()
    return d


def new_feedback(unit: Unit, at: dt.datetime = MONDAY, **extra: object) -> Feedback:
    data: dict[str, object] = {
        "unit": unit,
        "kind": "phan_anh",
        "subject": "Cán bộ yêu cầu thêm giấy tờ",
        "content": "Khi nộp hồ sơ khai sinh tôi bị yêu cầu bản sao sổ hộ khẩu.",
        "sender_name": "Lê Văn Cường",
        "sender_phone": "0912345678",
        "sender_email": "cuong@example.vn",
        "sender_address": "Thôn 3, xã Thử Nghiệm",
        "at": at,
    }
    data.update(extra)
    return services.feedback_submit(**data)  # type: ignore[arg-type]


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
