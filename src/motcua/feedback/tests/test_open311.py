"""Open311 GeoReport v2 at /open311/v2/: field names and formats of the spec, the spec's error
array, filters, and never the sender's personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import FieldFactory, ProcedureFactory

from motcua.feedback import services
from motcua.feedback.models import Feedback
from motcua.feedback.tests.conftest import new_feedback

pytestmark = pytest.mark.django_db

SERVICE_KEYS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
REQUEST_KEYS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
    "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
}  # fmt: skip


def _published(commune, **extra):
    f = new_feedback(commune.unit, at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3), **extra)
    f = services.feedback_accept(feedback=f, user=commune.receiver, topic="regulation")
    f = services.feedback_assign(feedback=f, user=commune.leader, assignee=commune.specialist)
    f = services.feedback_propose_answer(
        feedback=f, user=commune.specialist, answer="Đã khắc phục."
    )
    f = services.feedback_approve_answer(feedback=f, user=commune.leader)
    return services.feedback_publish(feedback=f, user=commune.leader)


def test_services_json():
    FieldFactory(code="HT", name="Hộ tịch")
    response = Client().get("/open311/v2/services.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    rows = response.json()
    assert all(set(r) == SERVICE_KEYS for r in rows)
    row = next(r for r in rows if r["service_code"] == "HT")
    assert (
        row["metadata"] is False and row["type"] == "realtime" and row["service_name"] == "Hộ tịch"
    )
    assert rows[0]["service_code"] == "PAKN"


def test_requests_json_lists_published_only_without_sender(commune):
    field = FieldFactory(code="CT", name="Chứng thực")
    procedure = ProcedureFactory(field=field)
    published = _published(commune, procedure=procedure)
    hidden = new_feedback(commune.unit)  # received, not public
    response = Client().get(reverse("open311:requests"))
    body = response.content.decode()
    rows = response.json()
    assert [r["service_request_id"] for r in rows] == [published.code]
    row = rows[0]
    assert set(row) == REQUEST_KEYS
    assert row["status"] == "closed" and row["service_code"] == "CT"
    assert row["agency_responsible"] == commune.unit.name and row["status_notes"] == "Đã khắc phục."
    assert dt.datetime.fromisoformat(row["requested_datetime"]).utcoffset() == dt.timedelta(hours=7)
    assert hidden.code not in body
    for secret in (
        published.sender_name,
        published.sender_phone,
        published.sender_email,
        published.sender_address,
        published.lookup_secret,
    ):
        assert secret not in body


def test_requests_json_filters(commune, settings):
    settings.MOTCUA = {**settings.MOTCUA, "OPEN311_LIST_OPEN": True}
    closed = _published(commune)
    open_ = services.feedback_accept(
        feedback=new_feedback(commune.unit, at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)),
        user=commune.receiver,
        topic="other",
    )
    client = Client()

    def ids(**params):
        return [
            r["service_request_id"] for r in client.get("/open311/v2/requests.json", params).json()
        ]

    assert set(ids()) == {closed.code, open_.code}
    assert ids(status="open") == [open_.code]
    assert ids(status="closed") == [closed.code]
    assert ids(service_request_id=f"{closed.code},KHONG-CO", status="open") == [closed.code]
    assert ids(service_code="PAKN") and ids(service_code="HT") == []
    assert set(ids(jurisdiction_id=commune.unit.code)) == {closed.code, open_.code}
    assert ids(jurisdiction_id="X9999") == []
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert ids(start_date=future) == []
    assert set(ids(end_date=future)) == {closed.code, open_.code}
    bad = client.get("/open311/v2/requests.json", {"status": "done"})
    assert bad.status_code == 400 and bad.json()[0]["code"] == 400
    assert client.get("/open311/v2/requests.json", {"start_date": "hôm qua"}).status_code == 400


def test_request_detail(commune):
    f = _published(commune)
    response = Client().get(f"/open311/v2/requests/{f.code}.json")
    assert response.status_code == 200 and response.json()[0]["service_request_id"] == f.code
    missing = Client().get("/open311/v2/requests/PAKN-000000-000001.json")
    assert missing.status_code == 404
    assert set(missing.json()[0]) == {"code", "description"}


def _post(data, **headers):
    return Client().post("/open311/v2/requests.json", data, **headers)


def test_post_request_creates_feedback(commune):
    response = _post(
        {
            "service_code": "PAKN",
            "jurisdiction_id": commune.unit.code,
            "description": "Đèn đường thôn 3 hỏng\nđã lâu",
            "first_name": "Cường",
            "last_name": "Lê",
            "phone": "0912345678",
            "lat": "21.0285",
            "long": "105.8542",
        }
    )
    assert response.status_code == 201
    reply = response.json()
    assert set(reply[0]) == {"service_request_id", "service_notice", "account_id"}
    f = Feedback.objects.get(code=reply[0]["service_request_id"])
    assert f.channel == "open311" and f.subject == "Đèn đường thôn 3 hỏng"
    assert f.location == "21.0285, 105.8542" and f.lookup_secret in reply[0]["service_notice"]


ERROR_CASES = [
    ("missing service_code", {"service_code": ""}, 400),
    ("unknown service_code", {"service_code": "KHONG"}, 404),
    ("unknown jurisdiction", {"jurisdiction_id": "X9999"}, 400),
    ("no contact", {"phone": "", "email": ""}, 400),
    ("no description", {"description": ""}, 400),
]


@pytest.mark.parametrize(
    ("changes", "status"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
def test_post_errors_are_the_spec_array(commune, changes, status):
    data = {
        "service_code": "PAKN",
        "jurisdiction_id": commune.unit.code,
        "description": "Nội dung",
        "first_name": "Cường",
        "email": "cuong@example.vn",
    }
    data.update(changes)
    response = _post(data)
    assert response.status_code == status
    errors = response.json()
    assert (
        isinstance(errors, list)
        and errors
        and all(set(e) == {"code", "description"} for e in errors)
    )
    assert not Feedback.objects.exists()


def test_api_key_when_configured(commune, settings):
    settings.MOTCUA = {**settings.MOTCUA, "OPEN311_API_KEYS": ["khoa-1"]}
    data = {
        "service_code": "PAKN",
        "jurisdiction_id": commune.unit.code,
        "description": "x",
        "first_name": "A",
        "email": "a@b.vn",
    }
    refused = _post(data)
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403
    assert _post({**data, "api_key": "khoa-1"}).status_code == 201


def test_post_idempotency_key_header(commune):
    data = {
        "service_code": "PAKN",
        "jurisdiction_id": commune.unit.code,
        "description": "x",
        "first_name": "A",
        "email": "a@b.vn",
    }
    first = _post(data, HTTP_IDEMPOTENCY_KEY="k1").json()[0]["service_request_id"]
    second = _post(data, HTTP_IDEMPOTENCY_KEY="k1").json()[0]["service_request_id"]
    assert first == second and Feedback.objects.count() == 1
    conflict = _post({**data, "description": "khác"}, HTTP_IDEMPOTENCY_KEY="k1")
    assert conflict.status_code == 409


def test_xml_is_not_offered():
    assert Client().get("/open311/v2/services.xml").status_code == 404


def test_get_only_endpoints_refuse_post():
    response = Client().post("/open311/v2/services.json")
    assert response.status_code == 405


def _field_request(commune, service_code, **extra):
    return _post(
        {
            "service_code": service_code,
            "jurisdiction_id": commune.unit.code,
            "description": "Cán bộ hộ tịch hẹn lại nhiều lần",
            "first_name": "Cường",
            "phone": "0912345678",
            **extra,
        }
    )


def test_the_service_code_is_kept_and_listed_back(commune):
    """GeoReport v2: a request filed under a service is listed under that service (the field
    was validated and then dropped: it listed as the general PAKN)."""
    civil = FieldFactory(code="HT", name="Hộ tịch")
    response = _field_request(commune, "HT")
    assert response.status_code == 201
    f = Feedback.objects.get(code=response.json()[0]["service_request_id"])
    assert f.field == civil and f.procedure is None
    general = Feedback.objects.get(
        code=_field_request(commune, "PAKN").json()[0]["service_request_id"]
    )
    assert general.field is None
    published = _published(commune, field=civil)
    row = Client().get(f"/open311/v2/requests/{published.code}.json").json()[0]
    assert (row["service_code"], row["service_name"]) == ("HT", "Hộ tịch")

    def listed(code):
        rows = Client().get("/open311/v2/requests.json", {"service_code": code}).json()
        return [r["service_request_id"] for r in rows]

    assert listed("HT") == [published.code] and listed("PAKN") == []


def test_a_procedure_of_another_field_is_refused(commune):
    FieldFactory(code="HT", name="Hộ tịch")
    land = ProcedureFactory(code="DD.01", field=FieldFactory(code="DD", name="Đất đai"))
    response = _field_request(commune, "HT", **{"attribute[procedure]": land.code})
    assert response.status_code == 400
    assert any("không thuộc lĩnh vực “Hộ tịch”" in e["description"] for e in response.json())
    same = _field_request(commune, "DD", **{"attribute[procedure]": land.code})
    assert same.status_code == 201
    f = Feedback.objects.get(code=same.json()[0]["service_request_id"])
    assert f.procedure == land and f.field == land.field


def test_data_migration_gives_older_feedback_its_procedure_field(commune):
    from importlib import import_module

    from django.apps import apps

    land = ProcedureFactory(field=FieldFactory(code="DD", name="Đất đai"))
    with_procedure = new_feedback(commune.unit, procedure=land)
    general = new_feedback(commune.unit)
    Feedback.objects.update(field=None)  # as before the migration
    migration = import_module("motcua.feedback.migrations.0002_feedback_field")
    migration.fields_from_procedures(apps, None)
    assert Feedback.objects.get(pk=with_procedure.pk).field_id == land.field_id
    assert Feedback.objects.get(pk=general.pk).field_id is None
