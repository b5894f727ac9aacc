"""Fixtures of the API tests: two communes with staff, a procedure, dossiers made by the
services, tokens and a JSON client."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client
from tests.factories import MembershipFactory, ProcedureVersionFactory, UnitFactory, UserFactory

from motcua.accounts.models import User
from motcua.api.constants import ALL_SCOPES
from motcua.api.services import api_token_create
from motcua.catalogue.models import ProcedureVersion
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
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
        user = UserFactory()
        MembershipFactory(user=user, unit=unit, role=role)
        staff[role] = user
    return Commune(unit, staff[Role.RECEIVER], staff[Role.SPECIALIST], staff[Role.LEADER])


def received_dossier(
    commune: Commune, version: ProcedureVersion, at: dt.datetime = MONDAY
) -> Dossier:
    d = services.dossier_create_at_counter(
        user=commune.receiver,
        unit=commune.unit,
        procedure=version.procedure,
        applicant_name="Trần Thị Bình",
        provided_component_ids=list(version.components.values_list("pk", flat=True)),
        at=at,
    )
    return services.dossier_receive(dossier=d, user=commune.receiver, at=at)


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()  # the look-up counters
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
def make_token(db: None) -> Callable[..., str]:
    def make(user: User, scopes: Any = ALL_SCOPES, **kwargs: Any) -> str:
        return api_token_create(user=user, name="thử", scopes=scopes, **kwargs).secret

    return make


class ApiClient:
    """GET/POST JSON with an optional bearer token."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, token: str | None = None, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.get(f"/api/v1{path}", params, headers=headers)

    def post(self, path: str, body: Any, token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.post(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=headers
        )


@pytest.fixture
def api(client: Client) -> ApiClient:
    return ApiClient(client)
