"""Schemathesis: cases generated from the committed OpenAPI document, sent through the real
WSGI stack, and every answer checked against the document (status codes, media types,
response schemas, no server error)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from tests.factories import ProcedureFactory, ProcedureVersionFactory

from motcua.api.constants import ALL_SCOPES
from motcua.api.schema import SCHEMA_PATH
from motcua.api.services import api_token_create

from .conftest import make_commune, received_dossier

schema = schemathesis.openapi.from_dict(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
schema.app = get_wsgi_application()


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    """The WSGI handler closes the connection after each request; inside the test's
    transaction it must not (Django's own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db: None, wsgi_in_test_transaction: None, settings) -> dict[str, str]:
    settings.ALLOWED_HOSTS = ["*"]
    commune = make_commune()
    version = ProcedureVersionFactory(procedure=ProcedureFactory(code="1.000001"))
    received_dossier(commune, version)
    secret = api_token_create(user=commune.leader, name="schemathesis", scopes=ALL_SCOPES).secret
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, bearer: dict[str, str]) -> None:
    # Cursors are opaque strings: a random one is schema-valid yet rightly refused (400).
    case.call_and_validate(headers=bearer, excluded_checks=[positive_data_acceptance])
