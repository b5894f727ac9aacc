"""`/api/v1/` endpoints of the feedback app: RFC 9457 problems, throttles, idempotency,
staff list by unit with cursor paging, ratings once only."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from motcua.api.constants import ALL_SCOPES
from motcua.api.services import api_token_create
from motcua.feedback.constants import LOOKUP_MAX_TRIES
from motcua.feedback.models import Feedback, Rating
from motcua.feedback.tests.conftest import VN, new_feedback, returned_dossier

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def post(path, body, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().post(
        f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=headers
    )


def get(path, token=None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().get(f"/api/v1{path}", params, headers=headers)


def _body(unit, **extra):
    body = {
        "unit": unit.code,
        "kind": "phan_anh",
        "subject": "Thu phí sai",
        "content": "Bị thu phí photo 5.000 đồng/trang.",
        "sender_name": "Lê Văn Cường",
        "sender_email": "cuong@example.vn",
    }
    body.update(extra)
    return body


def test_submit_and_status(commune):
    response = post("/feedback", _body(commune.unit, idempotency_key="k1"))
    assert response.status_code == 201
    created = response.json()
    assert (
        post("/feedback", _body(commune.unit, idempotency_key="k1")).json()["code"]
        == created["code"]
    )
    conflict = post("/feedback", _body(commune.unit, idempotency_key="k1", subject="Khác"))
    assert conflict.status_code == 409 and conflict["Content-Type"] == PROBLEM
    assert Feedback.objects.count() == 1
    status = post("/feedback/status", {"code": created["code"], "secret": created["secret"]})
    assert status.status_code == 200 and status.json()["state"] == "received"
    assert "cuong@example.vn" not in status.content.decode()
    wrong = post("/feedback/status", {"code": created["code"], "secret": "SAI"})
    assert wrong.status_code == 404 and wrong.json()["type"] == "urn:motcua:problem:not-found"


def test_submit_problems(commune):
    unknown = post("/feedback", {**_body(commune.unit), "unit": "X0000"})
    assert unknown.status_code == 404
    invalid = post("/feedback", _body(commune.unit, sender_email=""))
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["name"] == "sender_phone"
    bad_kind = post("/feedback", _body(commune.unit, kind="khieu_nai"))
    assert bad_kind.status_code == 400 and bad_kind["Content-Type"] == PROBLEM


def test_status_lookup_is_throttled(commune):
    f = new_feedback(commune.unit)
    for _ in range(LOOKUP_MAX_TRIES):
        post("/feedback/status", {"code": f.code, "secret": "SAI"})
    response = post("/feedback/status", {"code": f.code, "secret": f.lookup_secret})
    assert response.status_code == 429 and response["Retry-After"]


def test_rating_once(commune, version):
    d = returned_dossier(commune, version)
    body = {
        "code": d.code,
        "secret": d.lookup_secret,
        "satisfied": False,
        "reasons": ["late"],
        "comment": "Chậm",
    }
    first = post("/ratings", body)
    assert first.status_code == 201 and first.json()["reasons"] == ["late"]
    again = post("/ratings", body)
    assert again.status_code == 422 and "một lần" in again.json()["detail"]
    assert Rating.objects.count() == 1
    assert post("/ratings", {**body, "reasons": ["bribe"]}).status_code == 400
    assert post("/ratings", {**body, "secret": "SAI"}).status_code == 404


def test_staff_list_units_and_cursor(commune, other_commune):
    token = api_token_create(user=commune.leader, name="thử", scopes=ALL_SCOPES).secret
    mine = [new_feedback(commune.unit, at=dt.datetime(2025, 3, d, 9, tzinfo=VN)) for d in (3, 4, 5)]
    new_feedback(other_commune.unit)
    assert get("/feedback").status_code == 401
    first = get("/feedback", token, limit=2).json()
    assert [i["code"] for i in first["items"]] == [mine[0].code, mine[1].code]
    assert first["items"][0]["deadline_status"] == "overdue"
    assert "sender_name" not in first["items"][0]
    second = get("/feedback", token, limit=2, cursor=first["next_cursor"]).json()
    assert [i["code"] for i in second["items"]] == [mine[2].code] and second["next_cursor"] is None
    bad = get("/feedback", token, cursor="rac")
    assert bad.status_code == 400 and bad.json()["errors"][0]["name"] == "cursor"
