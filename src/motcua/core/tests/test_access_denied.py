"""Refused reads are recorded (NĐ 13/2023/NĐ-CP art. 26–27 technical measures, art. 38 log):
an officer asking for another commune's dossier gets 404 and a denied-access row."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from tests.factories import MembershipFactory, ProcedureVersionFactory, UnitFactory, UserFactory

from motcua.core.models import DENIED_OUT_OF_SCOPE, AccessLog, AccessLogAction, AccessOutcome
from motcua.dossiers import services
from motcua.organisation.constants import Role

RECEIVED = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    unit_a = UnitFactory(name="Xã Trong Phạm Vi")
    unit_b = UnitFactory(name="Xã Ngoài Phạm Vi")
    officer_a = UserFactory(username="dn_officer_a")
    officer_b = UserFactory(username="dn_officer_b")
    MembershipFactory(user=officer_a, unit=unit_a, role=Role.RECEIVER)
    MembershipFactory(user=officer_b, unit=unit_b, role=Role.RECEIVER)
    version = ProcedureVersionFactory()
    draft = services.dossier_create_at_counter(
        user=officer_a,
        unit=unit_a,
        procedure=version.procedure,
        applicant_name="Lê Thị Riêng Tư",
        applicant_id_number="001090012345",
        provided_component_ids=[c.pk for c in version.components.all()],
        at=RECEIVED,
    )
    dossier = services.dossier_receive(dossier=draft, user=officer_a, at=RECEIVED)

    def client(user):
        c = Client(REMOTE_ADDR="10.9.8.7")
        c.force_login(user)
        return c

    return {
        "a": client(officer_a),
        "b": client(officer_b),
        "officer_a": officer_a,
        "officer_b": officer_b,
        "unit_a": unit_a,
        "dossier": dossier,
    }


def test_officer_of_b_gets_404_and_a_denied_record(world):
    d = world["dossier"]
    response = world["b"].get(f"/ho-so/{d.pk}/")
    assert response.status_code == 404
    assert "Lê Thị Riêng Tư" not in response.content.decode()
    row = AccessLog.objects.get(user=world["officer_b"])
    assert row.outcome == AccessOutcome.DENIED
    assert row.reason == DENIED_OUT_OF_SCOPE == "ngoài phạm vi đơn vị"
    assert row.dossier_id == d.pk
    assert row.dossier_code == d.code
    assert row.action == AccessLogAction.VIEW_DOSSIER
    assert row.purpose == f"GET /ho-so/{d.pk}/"
    assert row.ip == "10.9.8.7"
    assert row.subject == ""  # the officer saw nothing: no personal data in the row


def test_officer_of_a_gets_200_and_a_granted_record(world):
    d = world["dossier"]
    assert world["a"].get(f"/ho-so/{d.pk}/").status_code == 200
    row = AccessLog.objects.get(user=world["officer_a"])
    assert (row.outcome, row.reason, row.dossier_id) == (AccessOutcome.GRANTED, "", d.pk)
    assert row.subject.endswith("2345")


@pytest.mark.parametrize(
    ("method", "path", "action"),
    [
        ("post", "/ho-so/{pk}/dinh-danh/", AccessLogAction.REVEAL_ID),
        ("get", "/ho-so/{pk}/in/giay-tiep-nhan/", AccessLogAction.PRINT_FORM),
        ("get", "/ho-so/{pk}/in/giay-tiep-nhan.pdf", AccessLogAction.PRINT_FORM),
        ("post", "/ho-so/{pk}/thao-tac/assign/", AccessLogAction.VIEW_DOSSIER),
        ("get", "/api/v1/dossiers/{code}", AccessLogAction.VIEW_DOSSIER),
    ],
    ids=["reveal-id", "print", "print-pdf", "action", "api"],
)
def test_every_dossier_page_records_the_refusal(world, method, path, action):
    d = world["dossier"]
    url = path.format(pk=d.pk, code=d.code)
    response = getattr(world["b"], method)(url)
    assert response.status_code == 404
    row = AccessLog.objects.get(user=world["officer_b"])
    assert (row.outcome, row.action, row.dossier_id) == (AccessOutcome.DENIED, action, d.pk)
    assert url in row.purpose


def test_ledger_of_another_unit_is_refused_and_recorded(world):
    response = world["b"].get(f"/so-theo-doi/{world['unit_a'].pk}/2025/")
    assert response.status_code == 404
    row = AccessLog.objects.get(user=world["officer_b"])
    assert (row.outcome, row.action, row.unit_id) == (
        AccessOutcome.DENIED,
        AccessLogAction.VIEW_LEDGER,
        world["unit_a"].pk,
    )


def test_unknown_dossier_writes_nothing(world):
    assert world["b"].get("/ho-so/987654321/").status_code == 404
    assert not AccessLog.objects.exists()


def test_denied_rows_are_in_the_csv_export_and_the_admin(world, tmp_path):
    d = world["dossier"]
    world["b"].get(f"/ho-so/{d.pk}/")
    world["a"].get(f"/ho-so/{d.pk}/")
    out = tmp_path / "log.csv"
    call_command(
        "access_log", "export", "--from", "01/01/2020", "--to", "31/12/2099", "--out", str(out)
    )
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][-2:] == ["Kết quả", "Lý do từ chối"]
    by_user = {r[1]: r for r in rows[1:] if r[1]}
    assert by_user["dn_officer_b"][-2:] == ["bị từ chối", "ngoài phạm vi đơn vị"]
    assert by_user["dn_officer_a"][-2:] == ["được phép", ""]
    admin = UserFactory(username="dn_admin", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    page = client.get("/quan-tri/core/accesslog/?outcome__exact=denied")
    assert page.status_code == 200
    listed = list(page.context["cl"].result_list)
    assert [(r.user.username, r.outcome) for r in listed] == [("dn_officer_b", "denied")]
    assert "ngoài phạm vi đơn vị" in page.content.decode()
