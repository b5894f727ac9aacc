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
from schemathesis.checks import negative_data_rejection, positive_data_acceptance
from tests.factories import ProcedureFactory, ProcedureVersionFactory

from motcua.api.constants import ALL_SCOPES
from motcua.api.schema import SCHEMA_PATH
from motcua.api.services import api_token_create
from motcua.dossiers.models import Dossier

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


#: An e-form with one field of each kind `portal.eform` supports.
EFORM = {
    "title": "Tờ khai thử",
    "type": "object",
    "properties": {
        "ho_ten": {"title": "Họ tên", "type": "string", "maxLength": 100},
        "ngay_sinh": {"title": "Ngày sinh", "type": "string", "format": "date"},
        "so_dinh_danh": {"title": "Số định danh", "type": "string", "pattern": "^[0-9]{12}$"},
        "gioi_tinh": {"title": "Giới tính", "type": "string", "enum": ["Nam", "Nữ"]},
        "so_ban": {"title": "Số bản", "type": "integer", "minimum": 1, "maximum": 10},
        "buu_dien": {"title": "Nhận qua bưu điện", "type": "boolean"},
    },
    "required": ["ho_ten", "ngay_sinh"],
}


@pytest.fixture
def form_dossier(db: None, wsgi_in_test_transaction: None, settings) -> tuple[Dossier, str]:
    settings.ALLOWED_HOSTS = ["*"]
    commune = make_commune()
    version = ProcedureVersionFactory(procedure=ProcedureFactory(code="1.000002"))
    version.eform_schema = EFORM
    version.save(update_fields=["eform_schema"])
    d = received_dossier(commune, version)
    secret = api_token_create(user=commune.receiver, name="schemathesis", scopes=ALL_SCOPES).secret
    return d, f"Bearer {secret}"


@pytest.mark.django_db
@schema.include(path_regex="/form-data$").parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_form_data_on_a_real_dossier_conforms_to_the_schema(
    case, form_dossier: tuple[Dossier, str]
) -> None:
    """The e-form endpoints on a dossier that exists and has an e-form (a random code only
    reaches the 404), at its current version: reads, updates and per-field problems."""
    d, authorization = form_dossier
    d.refresh_from_db()
    case.path_parameters = {"code": d.code}
    if isinstance(case.body, dict) and "expected_version" in case.body:
        case.body = {**case.body, "expected_version": d.version}
    # The code and the credential are replaced by valid ones, so a case generated as invalid
    # through them alone is a valid request here: its acceptance is no failure.
    case.call_and_validate(
        headers={"Authorization": authorization},
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )
