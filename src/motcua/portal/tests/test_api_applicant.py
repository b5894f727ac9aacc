"""`/api/v1/me/…`: the applicant's API (motcua.api.applicant) over the portal services.

Same rules as the portal pages: a draft keyed by the caller's idempotency key, content-checked
files, one dossier per key (NĐ61 art. 16(3), 17(2)), supplements (art. 17(2)(a), 19(4)),
withdrawal (DOMAIN.md §1.10). Another citizen's dossier or draft answers 404; staff 403.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from motcua.api.constants import APPLICANT_SCOPE
from motcua.api.services import api_token_create
from motcua.core.errors import DomainError
from motcua.dossiers.constants import Channel, State
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_intake_request_supplement
from motcua.portal.models import Submission, Upload
from motcua.portal.tests.conftest import VALID_FORM, login, pdf, png, submitted

API = "/api/v1/me"
FORM = {k[2:]: v for k, v in VALID_FORM.items()}  # "f_ho_ten_tre" → "ho_ten_tre"


def draft_body(commune, birth, **extra):
    body = {
        "procedure_code": birth.procedure.code,
        "unit_code": commune.unit.code,
        "data": FORM,
        "applicant_name": "Trần Thị Bình",
        "applicant_phone": "0912345678",
    }
    body.update(extra)
    return body


def put(client: Client, url: str, body: dict, **headers):
    return client.put(url, json.dumps(body), content_type="application/json", **headers)


def post(client: Client, url: str, body: dict, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def full_draft(client, commune, birth) -> str:
    key = uuid.uuid4().hex
    assert put(client, f"{API}/submissions/{key}", draft_body(commune, birth)).status_code == 200
    for component, file in zip(birth.components.order_by("order"), (pdf(), png()), strict=True):
        response = client.post(
            f"{API}/submissions/{key}/files", {"component_id": component.pk, "file": file}
        )
        assert response.status_code == 200, response.content
    return key


def test_draft_files_submit_creates_one_online_dossier_and_a_retry_returns_it(
    commune, birth, citizen
):
    client = login(citizen)
    key = uuid.uuid4().hex
    first = put(client, f"{API}/submissions/{key}", draft_body(commune, birth)).json()
    assert first["state"] == "draft" and first["dossier_id"] is None
    assert first["problems"], "files are still missing, and the draft says so"
    key = full_draft(client, commune, birth)
    ready = client.get(f"{API}/submissions/{key}").json()
    assert ready["problems"] == [] and ready["errors"] == {} and len(ready["uploads"]) == 2

    answers = [post(client, f"{API}/submissions/{key}/submit", {"declaration": True}) for _ in "ab"]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    dossier = Dossier.objects.get()
    assert dossier.state == State.SUBMITTED and dossier.channel == Channel.ONLINE
    assert dossier.applicant_id == citizen.pk
    assert Upload.objects.filter(dossier=dossier).count() == 2

    mine = client.get(f"{API}/dossiers").json()
    assert [d["id"] for d in mine["items"]] == [dossier.pk] and mine["next_cursor"] is None
    detail = client.get(f"{API}/dossiers/{dossier.pk}").json()
    assert detail["applicant"] == "Trần Thị Bình"  # one's own dossier: not masked
    assert detail["can_withdraw"] is True and len(detail["uploads"]) == 2


def test_submit_without_declaration_or_files_is_refused_and_changes_nothing(
    commune, birth, citizen
):
    client = login(citizen)
    key = uuid.uuid4().hex
    put(client, f"{API}/submissions/{key}", draft_body(commune, birth))
    response = post(client, f"{API}/submissions/{key}/submit", {"declaration": False})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert "cam đoan" in response.json()["detail"].lower()
    assert not Dossier.objects.exists()
    assert Submission.objects.get(idempotency_key=key).state == "draft"


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("to-khai.pdf", b"#!/bin/sh\nrm -rf /\n", "a script renamed .pdf"),
        ("anh.png", b"GIF89a" + b"\x00" * 32, "a GIF named .png"),
    ],
)
def test_forged_upload_is_refused_by_content(commune, birth, citizen, name, content, why):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(citizen)
    key = uuid.uuid4().hex
    put(client, f"{API}/submissions/{key}", draft_body(commune, birth))
    component = birth.components.order_by("order").first()
    forged = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(
        f"{API}/submissions/{key}/files", {"component_id": component.pk, "file": forged}
    )
    assert response.status_code == 422, why
    assert not Upload.objects.exists()


def test_unknown_eform_field_and_foreign_unit_are_refused(commune, birth, citizen):
    client = login(citizen)
    key = uuid.uuid4().hex
    bad_field = put(client, f"{API}/submissions/{key}", draft_body(commune, birth, data={"x": "1"}))
    assert bad_field.status_code == 422 and "x" in bad_field.json()["detail"]
    bad_unit = put(client, f"{API}/submissions/{key}", draft_body(commune, birth, unit_code="ZZ"))
    assert bad_unit.status_code == 422
    assert not Submission.objects.filter(idempotency_key=key).exclude(data={}).exists()


def test_another_citizens_dossier_and_draft_answer_404_and_staff_403(
    commune, birth, citizen, other_citizen
):
    d = submitted(commune, birth, citizen)
    key = full_draft(login(citizen), commune, birth)
    stranger = login(other_citizen)
    assert stranger.get(f"{API}/dossiers/{d.pk}").status_code == 404
    assert stranger.get(f"{API}/submissions/{key}").status_code == 404
    assert post(stranger, f"{API}/dossiers/{d.pk}/withdraw", {"reason": "x"}).status_code == 404
    # Someone else's key cannot be taken over either, and is "not found" like the rest.
    assert put(stranger, f"{API}/submissions/{key}", draft_body(commune, birth)).status_code == 404
    assert login(commune.receiver).get(f"{API}/dossiers").status_code in (401, 403)
    assert Client().get(f"{API}/dossiers").status_code == 401
    d.refresh_from_db()
    assert d.state == State.SUBMITTED


def test_supplement_answers_the_intake_request_and_resubmits(commune, birth, citizen):
    d = submitted(commune, birth, citizen)
    d = dossier_intake_request_supplement(
        dossier=d, user=commune.receiver, reasons=["Ảnh giấy chứng sinh bị mờ"]
    )
    client = login(citizen)
    assert client.get(f"{API}/dossiers/{d.pk}").json()["can_supplement"] is True
    second = birth.components.order_by("order").last()
    response = client.post(
        f"{API}/dossiers/{d.pk}/supplement",
        {"files": [png("giay-chung-sinh.png")], "component_ids": str(second.pk)},
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.SUBMITTED
    assert Upload.objects.get(dossier=d, purpose="supplement").component == second


def test_withdraw_with_stale_version_is_409_then_withdraws(commune, birth, citizen):
    d = submitted(commune, birth, citizen)
    client = login(citizen)
    stale = post(
        client, f"{API}/dossiers/{d.pk}/withdraw", {"reason": "Nộp nhầm", "expected_version": 0}
    )
    assert stale.status_code == 409
    done = post(
        client,
        f"{API}/dossiers/{d.pk}/withdraw",
        {"reason": "Nộp nhầm", "expected_version": d.version},
    )
    assert done.status_code == 200 and done.json()["state"] == State.WITHDRAWN


def test_citizen_token_has_the_applicant_scope_only(commune, birth, citizen):
    with pytest.raises(DomainError):
        api_token_create(user=citizen, name="app", scopes=["dossiers:read"])
    secret = api_token_create(user=citizen, name="app", scopes=[APPLICANT_SCOPE]).secret
    d = submitted(commune, birth, citizen)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client = Client()
    assert client.get(f"{API}/dossiers/{d.pk}", **bearer).status_code == 200
    # The token reads nothing of the staff API.
    assert client.get("/api/v1/dossiers", **bearer).status_code == 403
    with pytest.raises(DomainError):
        api_token_create(user=commune.leader, name="x", scopes=[APPLICANT_SCOPE])
