"""Fixtures of the integrations tests: two communes under one province, a procedure, dossiers
made by the services, and a REAL local HTTP receiver that checks webhook signatures."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from tests.factories import MembershipFactory, ProcedureVersionFactory, UnitFactory, UserFactory

from motcua.accounts.models import User
from motcua.catalogue.models import ProcedureVersion
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.organisation.constants import Role, UnitKind
from motcua.organisation.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2025, 3, 10, 9, 0, tzinfo=VN)


@dataclass
class Commune:
    unit: Unit
    receiver: User
    specialist: User
    leader: User
    admin: User


def make_commune(parent: Unit | None = None, code: str | None = None) -> Commune:
    extra: dict[str, Any] = {"parent": parent} if parent else {}
    if code:
        extra["code"] = code
    unit = UnitFactory(**extra)
    staff = {}
    for role in (Role.RECEIVER, Role.SPECIALIST, Role.LEADER, Role.UNIT_ADMIN):
        user = UserFactory()
        MembershipFactory(user=user, unit=unit, role=role)
        staff[role] = user
    return Commune(
        unit,
        staff[Role.RECEIVER],
        staff[Role.SPECIALIST],
        staff[Role.LEADER],
        staff[Role.UNIT_ADMIN],
    )


def received_dossier(
    commune: Commune,
    version: ProcedureVersion,
    at: dt.datetime = MONDAY,
    name: str = "Trần Thị Bình",
    id_number: str = "001090012345",
) -> Dossier:
    d = services.dossier_create_at_counter(
        user=commune.receiver,
        unit=commune.unit,
        procedure=version.procedure,
        applicant_name=name,
        applicant_id_number=id_number,
        provided_component_ids=list(version.components.values_list("pk", flat=True)),
        at=at,
    )
    return services.dossier_receive(dossier=d, user=commune.receiver, at=at)


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def province(db: None) -> Unit:
    return UnitFactory(kind=UnitKind.PROVINCE, name="Tỉnh Tích Hợp")


@pytest.fixture
def commune(province: Unit) -> Commune:
    return make_commune(parent=province)


@pytest.fixture
def other_commune(province: Unit) -> Commune:
    return make_commune(parent=province)


@pytest.fixture
def version(db: None) -> ProcedureVersion:
    return ProcedureVersionFactory()


# ---------------------------------------------------------------------------------------------
# A real HTTP receiver
# ---------------------------------------------------------------------------------------------


@dataclass
class Received:
    body: dict[str, Any]
    headers: dict[str, str]
    signature_ok: bool


@dataclass
class Receiver:
    """What the receiver saw; `secret` verifies signatures; `fail_first` answers 500 that
    many times before answering 204."""

    url: str = ""
    secret: str = ""
    fail_first: int = 0
    calls: int = 0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accepted(self) -> list[Received]:
        return [r for r in self.received if r.headers.get("x-accepted") == "1"]


def _handler(state: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            expected = "sha256=" + hmac.new(state.secret.encode(), raw, hashlib.sha256).hexdigest()
            given = self.headers.get("X-Motcua-Signature", "")
            ok = hmac.compare_digest(expected, given)
            with state.lock:
                state.calls += 1
                fail = state.calls <= state.fail_first or not ok
                headers = {k.lower(): v for k, v in self.headers.items()}
                headers["x-accepted"] = "0" if fail else "1"
                state.received.append(Received(json.loads(raw), headers, ok))
            self.send_response(500 if fail else 204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            """Keep the test output free of the server's access log."""

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
