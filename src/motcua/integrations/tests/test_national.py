"""National portal (Cổng DVCQG): status push with retries, pull of online submissions through
the online-submission service, the unsynced report, QĐ 766 indicator 1.4, the simulated
endpoint and the HTTP adapter (against a local stub, never a real portal)."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.constants import Channel, State
from motcua.dossiers.models import Dossier
from motcua.evaluation.constants import Status
from motcua.evaluation.indices import qd766_indicators
from motcua.integrations import national, selectors, tasks
from motcua.integrations.models import NationalSync, SyncState
from motcua.integrations.national import (
    HttpNationalPortal,
    InMemoryNationalPortal,
    NationalSubmission,
)

from .conftest import MONDAY, received_dossier

pytestmark = pytest.mark.django_db
FAKE = "motcua.integrations.national.InMemoryNationalPortal"


@pytest.fixture
def portal(settings) -> Iterator[type[InMemoryNationalPortal]]:
    settings.MOTCUA = {**settings.MOTCUA, "NATIONAL_PORTAL_ADAPTER": FAKE}
    InMemoryNationalPortal.reset()
    yield InMemoryNationalPortal
    InMemoryNationalPortal.reset()


def _commit(capture, make):
    with capture(execute=True):
        return make()


def test_sync_is_off_without_an_adapter(
    commune, version, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA = {**settings.MOTCUA, "NATIONAL_PORTAL_ADAPTER": "", "NATIONAL_PORTAL_URL": ""}
    _commit(django_capture_on_commit_callbacks, lambda: received_dossier(commune, version))
    assert not NationalSync.objects.exists()
    result = {
        r.code: r for r in qd766_indicators(commune.unit, dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    }["1.4"]
    assert result.status == Status.NA and "chưa có dữ liệu" in result.reason


def test_push_after_commit_marks_synced_without_identity_numbers(
    commune, version, portal, django_capture_on_commit_callbacks
):
    dossier = _commit(
        django_capture_on_commit_callbacks, lambda: received_dossier(commune, version)
    )
    sync = NationalSync.objects.get(dossier=dossier)
    assert sync.state == SyncState.SYNCED
    assert sync.national_id == f"GL-{dossier.code}"
    assert sync.last_event_id == dossier.events.order_by("-seq").first().pk
    pushed = portal.statuses[sync.national_id]
    assert pushed["state"] == State.RECEIVED and pushed["code"] == dossier.code
    assert "001090012345" not in json.dumps(pushed)


def test_rollback_pushes_nothing(commune, version, portal, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        received_dossier(commune, version)
        raise RuntimeError("rollback")
    assert portal.pushes == 0 and not NationalSync.objects.exists()


def test_failure_waits_then_the_beat_task_retries(
    commune, version, portal, django_capture_on_commit_callbacks
):
    portal.fail_next = 1
    dossier = _commit(
        django_capture_on_commit_callbacks, lambda: received_dossier(commune, version)
    )
    sync = NationalSync.objects.get(dossier=dossier)
    # The first push (submit) failed; the receive event re-marked the dossier and went through.
    assert portal.pushes == 2 and sync.state == SyncState.SYNCED
    portal.fail_next = 5
    NationalSync.objects.filter(pk=sync.pk).update(state=SyncState.PENDING, next_attempt_at=None)
    assert national.national_push_dossier(dossier.pk) == "retry"
    sync.refresh_from_db()
    assert sync.state == SyncState.PENDING and sync.attempts == 1
    assert sync.next_attempt_at > timezone.now() and "simulated outage" in sync.last_error
    assert tasks.national_sync_due() == 0  # not due yet
    portal.fail_next = 0
    NationalSync.objects.filter(pk=sync.pk).update(next_attempt_at=timezone.now())
    assert tasks.national_sync_due() == 1
    sync.refresh_from_db()
    assert sync.state == SyncState.SYNCED and sync.attempts == 0 and not sync.last_error


def test_gives_up_after_max_attempts_and_the_report_shows_it(
    commune, version, portal, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA = {**settings.MOTCUA, "NATIONAL_PORTAL_MAX_ATTEMPTS": 1}
    portal.fail_next = 100
    dossier = _commit(
        django_capture_on_commit_callbacks, lambda: received_dossier(commune, version)
    )
    sync = NationalSync.objects.get(dossier=dossier)
    assert sync.state == SyncState.FAILED
    [row] = selectors.unsynced_report([commune.unit.pk])
    assert (row.total, row.synced, row.failed) == (1, 0, 1)
    assert row.unsynced == [dossier]
    out = io.StringIO()
    call_command("national_sync", "report", unit=[commune.unit.code], stdout=out)
    assert dossier.code in out.getvalue() and "simulated outage" in out.getvalue()
    portal.fail_next = 0
    out = io.StringIO()
    call_command("national_sync", "push", failed=True, stdout=out)
    sync.refresh_from_db()
    assert sync.state == SyncState.SYNCED
    assert "synced 1" in out.getvalue()


def _three_received_two_synced(commune, version, portal, settings, capture) -> list[Dossier]:
    """Three dossiers received in March 2025; the portal refuses the third one for good."""
    settings.MOTCUA = {**settings.MOTCUA, "NATIONAL_PORTAL_MAX_ATTEMPTS": 1}
    made = []
    for day in (10, 11, 12):
        if day == 12:
            portal.fail_next = 100
        made.append(
            _commit(
                capture, lambda day=day: received_dossier(commune, version, MONDAY.replace(day=day))
            )
        )
    return made


def _march_2025(commune) -> dict[str, Any]:
    return {
        r.code: r for r in qd766_indicators(commune.unit, dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    }


def test_indicator_14_is_the_synced_share(
    commune, version, portal, settings, django_capture_on_commit_callbacks
):
    _three_received_two_synced(
        commune, version, portal, settings, django_capture_on_commit_callbacks
    )
    result = _march_2025(commune)["1.4"]
    assert (result.numerator, result.denominator) == (2, 3)
    assert result.value == Decimal("66.67")
    assert result.points == Decimal("4.00")  # 66.67 × 6 / 100, no threshold


def _submission(national_id: str, unit: str, procedure: str, **extra: Any) -> NationalSubmission:
    return NationalSubmission(
        national_id=national_id,
        unit=unit,
        procedure=procedure,
        submitted_at=dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC),
        applicant={"name": "Lê Thị Trực Tuyến", "phone": "0912345678", "id_number": ""},
        **extra,
    )


def test_pull_creates_online_dossiers_once(
    commune, version, portal, django_capture_on_commit_callbacks
):
    portal.submissions = [
        _submission("DVCQG-0001", commune.unit.code, version.procedure.code),
        _submission("DVCQG-0002", "KHONG-CO", version.procedure.code),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        summary = national.national_pull()
    assert (summary.read, summary.created, summary.unchanged) == (2, 1, 0)
    assert "DVCQG-0002" in summary.problems[0]
    sync = NationalSync.objects.get(national_id="DVCQG-0001")
    dossier = sync.dossier
    assert dossier.channel == Channel.ONLINE and dossier.state == State.SUBMITTED
    assert dossier.unit == commune.unit and dossier.applicant_name == "Lê Thị Trực Tuyến"
    assert sync.state == SyncState.SYNCED
    assert portal.pushes == 0  # the portal already knows its own submission
    assert not dossier.applicant.is_active  # the system account cannot log in
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("national_sync", "pull", stdout=out)
    assert "tạo mới 0, đã có 1" in out.getvalue()
    assert Dossier.objects.filter(channel=Channel.ONLINE).count() == 1
    # The officer receives it: the new status is pushed under the portal's id.
    from motcua.dossiers import services

    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_receive(
            dossier=dossier,
            user=commune.receiver,
            provided_component_ids=list(version.components.values_list("pk", flat=True)),
            at=MONDAY,
        )
    assert portal.statuses["DVCQG-0001"]["state"] == State.RECEIVED


def test_pull_without_adapter_is_a_clear_error(settings):
    from django.core.management.base import CommandError

    settings.MOTCUA = {**settings.MOTCUA, "NATIONAL_PORTAL_ADAPTER": "", "NATIONAL_PORTAL_URL": ""}
    with pytest.raises(CommandError, match="Chưa cấu hình"):
        call_command("national_sync", "pull")


# --- pages -----------------------------------------------------------------------------------


def test_report_page_shows_the_units_the_user_reads(
    commune, other_commune, version, portal, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA = {**settings.MOTCUA, "NATIONAL_PORTAL_MAX_ATTEMPTS": 1}
    portal.fail_next = 100
    dossier = _commit(
        django_capture_on_commit_callbacks, lambda: received_dossier(commune, version)
    )
    client = Client()
    client.force_login(commune.receiver)
    page = client.get(reverse("integrations:national_report")).content.decode()
    assert dossier.code in page and commune.unit.name in page
    client.force_login(other_commune.receiver)
    response = client.get(reverse("integrations:national_report"))
    assert response.status_code == 200 and dossier.code not in response.content.decode()


def test_fake_endpoint_needs_the_switch_and_the_credential(settings):
    url = reverse("integrations:fake_national_status")
    body = json.dumps({"code": "X-250310-0001", "state": "received"})
    settings.MOTCUA = {
        **settings.MOTCUA,
        "NATIONAL_PORTAL_FAKE": False,
        "NATIONAL_PORTAL_TOKEN": "t",
    }
    client = Client()
    auth = {"Authorization": "Bearer t"}
    assert client.post(url, body, content_type="application/json", headers=auth).status_code == 404
    settings.MOTCUA = {**settings.MOTCUA, "NATIONAL_PORTAL_FAKE": True}
    assert client.post(url, body, content_type="application/json").status_code == 401
    wrong = {"Authorization": "Bearer sai"}
    assert client.post(url, body, content_type="application/json", headers=wrong).status_code == 401
    answer = client.post(url, body, content_type="application/json", headers=auth)
    assert answer.status_code == 200 and answer.json() == {"national_id": "GL-X-250310-0001"}
    seeds = reverse("integrations:fake_national_submissions")
    item = _submission("DVCQG-9", "U1", "1.000001").to_json()
    created = client.post(seeds, json.dumps(item), content_type="application/json", headers=auth)
    assert created.status_code == 201
    listed = client.get(seeds, headers=auth).json()["items"]
    assert [i["national_id"] for i in listed] == ["DVCQG-9"]
    later = client.get(seeds, {"since": "2025-03-11T00:00:00+00:00"}, headers=auth).json()
    assert later["items"] == []
    assert client.get(seeds).status_code == 401


# --- the HTTP adapter, against a local stub ---------------------------------------------------


@pytest.fixture
def stub() -> Iterator[dict[str, Any]]:
    state: dict[str, Any] = {"seen": [], "items": []}

    class Handler(BaseHTTPRequestHandler):
        def _auth(self) -> bool:
            if self.headers.get("Authorization") != "Bearer bi-mat":
                self.send_response(401)
                self.end_headers()
                return False
            return True

        def _json(self, status: int, payload: Any) -> None:
            raw = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self) -> None:
            if not self._auth():
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state["seen"].append((self.path, body))
            self._json(200, {"national_id": "QG-" + body["code"]})

        def do_GET(self) -> None:
            if not self._auth():
                return
            state["seen"].append((self.path, None))
            self._json(200, {"items": state["items"]})

        def log_message(self, *args: Any) -> None:
            """Keep the test output free of the server's access log."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/api/dvcqg/"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def test_http_adapter_speaks_the_documented_json(commune, version, stub):
    dossier = received_dossier(commune, version)
    adapter = HttpNationalPortal(stub["url"], "bi-mat", timeout=5)
    event = dossier.events.order_by("-seq").first()
    assert adapter.push_status(dossier, event) == f"QG-{dossier.code}"
    path, body = stub["seen"][0]
    assert path == "/api/dvcqg/trang-thai/"
    assert body["state"] == "received" and body["event"]["id"] == event.pk
    stub["items"] = [_submission("QG-1", commune.unit.code, version.procedure.code).to_json()]
    since = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    [item] = adapter.pull_submissions(since)
    assert item.national_id == "QG-1" and item.submitted_at.tzinfo is not None
    assert stub["seen"][-1][0].startswith("/api/dvcqg/ho-so/?since=2025-03-01")
    with pytest.raises(national.NationalPortalError, match="401"):
        HttpNationalPortal(stub["url"], "sai").pull_submissions(None)
    with pytest.raises(national.NationalPortalError):
        HttpNationalPortal("http://127.0.0.1:9/", "x", timeout=1).pull_submissions(None)


def test_adapter_is_chosen_from_settings(settings):
    settings.MOTCUA = {**settings.MOTCUA, "NATIONAL_PORTAL_ADAPTER": "", "NATIONAL_PORTAL_URL": ""}
    assert national.get_adapter() is None and not national.sync_enabled()
    settings.MOTCUA = {**settings.MOTCUA, "NATIONAL_PORTAL_URL": "https://lgsp.example.vn/dvcqg"}
    adapter = national.get_adapter()
    assert isinstance(adapter, HttpNationalPortal) and national.sync_enabled()
    settings.MOTCUA = {**settings.MOTCUA, "NATIONAL_PORTAL_ADAPTER": FAKE}
    assert isinstance(national.get_adapter(), InMemoryNationalPortal)


def test_pull_lists_a_submission_to_a_merged_commune_as_a_problem(
    commune, version, portal, django_capture_on_commit_callbacks
):
    """A submission addressed to a commune merged before its date creates no dossier; the
    pull's problems name the unit that took it over (organisation.md, units in force)."""
    from motcua.organisation.constants import UnitKind
    from motcua.organisation.services import unit_create, unit_merge

    successor = unit_create(code="X2025", name="Xã Hợp Nhất", kind=UnitKind.COMMUNE)
    unit_merge(predecessors=[commune.unit], successor=successor, on=dt.date(2025, 3, 1))
    portal.submissions = [_submission("DVCQG-0009", commune.unit.code, version.procedure.code)]
    with django_capture_on_commit_callbacks(execute=True):
        summary = national.national_pull()
    assert (summary.read, summary.created) == (1, 0)
    assert summary.problems[0].startswith("DVCQG-0009: ")
    assert "Xã Hợp Nhất" in summary.problems[0]
    assert not Dossier.objects.exists()


def test_indicator_33_is_multiplied_by_the_synced_share(
    commune, version, portal, settings, django_capture_on_commit_callbacks
):
    """DOMAIN §4.2, QĐ 766 id 3.3: online ÷ received × sync ratio (1.4) once the sync log has
    data — here 1 online of 3 received, 2 of 3 synced: 33.33 % × 66.67 % = 22.22 %."""
    from motcua.dossiers.constants import Channel as DossierChannel

    made = _three_received_two_synced(
        commune, version, portal, settings, django_capture_on_commit_callbacks
    )
    Dossier.objects.filter(pk=made[0].pk).update(channel=DossierChannel.ONLINE)
    result = _march_2025(commune)["3.3"]
    assert (result.numerator, result.denominator) == (1, 3)
    assert result.value == Decimal("22.22")
    assert "2/3" in result.reason and "1.4" in result.reason
