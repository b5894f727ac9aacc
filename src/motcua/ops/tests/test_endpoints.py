"""Liveness, readiness, request ids, JSON logs and Prometheus metrics (issue 7)."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu.exceptions import OperationalError
from pythonjsonlogger.json import JsonFormatter

from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_assign, dossier_receive
from motcua.dossiers.tests.conftest import MONDAY, counter_dossier
from motcua.ops import checks
from motcua.ops.requestid import RequestIdFilter, request_id_context, valid_request_id
from motcua.ops.selectors import backlog_by_unit

# --------------------------------------------------------------------------------------------
# /healthz and /readyz
# --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_is_liveness_without_a_database_query(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert ctx.captured_queries == []


@pytest.mark.django_db
def test_readyz_reports_each_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok", "broker": "skipped"},
    }
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_readyz_is_503_with_an_unapplied_migration_and_tells_no_details(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(checks, "_migrations_ok_until", 0.0)
    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("ops", "9999_future")]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "fail"
    assert b"9999" not in response.content


@pytest.mark.django_db
def test_readyz_is_503_when_a_dependency_raises_and_hides_the_error(client, monkeypatch):
    def down() -> str:
        raise ConnectionError("redis://secret-host:6379 refused")

    monkeypatch.setitem(checks.CHECKS, "broker", down)
    monkeypatch.setitem(checks.CHECKS, "cache", lambda: "fail")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "cache": "fail",
        "broker": "fail",
    }
    assert b"secret-host" not in response.content


def test_broker_check_is_skipped_when_eager_and_tried_otherwise(settings, monkeypatch):
    assert checks.check_broker() == "skipped"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from motcua.config.celery import app

    monkeypatch.setattr(checks, "_broker_ok_until", 0.0)
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens
    with pytest.raises(OperationalError):
        checks.check_broker()
    with pytest.raises(OperationalError):  # a failure is not remembered
        checks.check_broker()


def test_a_broker_that_answered_is_trusted_for_a_few_seconds(settings, monkeypatch):
    """A load balancer probing /readyz every few seconds opens one broker connection per
    `BROKER_CACHE_SECONDS`, not one per probe."""
    from motcua.config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(checks, "_broker_ok_until", 0.0)
    opened = []

    class Connection:
        def __enter__(self):
            opened.append(1)
            return self

        def __exit__(self, *exc):
            return False

        def ensure_connection(self, **kwargs):
            return self

    monkeypatch.setattr(app, "connection_for_write", Connection)
    assert [checks.check_broker() for _ in range(3)] == ["ok"] * 3
    assert len(opened) == 1
    assert 0 < checks._broker_ok_until - time.monotonic() <= checks.BROKER_CACHE_SECONDS
    monkeypatch.setattr(checks, "_broker_ok_until", time.monotonic() - 0.1)  # the window ends
    assert checks.check_broker() == "ok"
    assert len(opened) == 2


# --------------------------------------------------------------------------------------------
# Request id and logs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("abc-123_X.y", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("", False),
        ("bad id", False),
        ("x\r\nSet-Cookie: a=b", False),
        ("ngày", False),
    ],
)
def test_request_id_validation(value, ok):
    assert (valid_request_id(value) == value) is ok


@pytest.mark.django_db
def test_request_id_is_taken_from_the_header_or_made(client):
    given = client.get("/healthz", HTTP_X_REQUEST_ID="edge-42.a_b")
    assert given["X-Request-ID"] == "edge-42.a_b"
    made = client.get("/healthz")
    bad = client.get("/healthz", HTTP_X_REQUEST_ID="x" * 65)
    for response in (made, bad):
        rid = response["X-Request-ID"]
        assert valid_request_id(rid) == rid and len(rid) == 32
    assert made["X-Request-ID"] != bad["X-Request-ID"]


@pytest.mark.django_db
def test_every_log_record_of_a_request_carries_its_id_in_json(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(request_id)s %(message)s"))
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.get("/khong-co-trang-nay-ops/", HTTP_X_REQUEST_ID="req-7")
    finally:
        logger.removeHandler(handler)
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert records, "Django logs the 404"
    assert {r["request_id"] for r in records} == {"req-7"}
    outside = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    RequestIdFilter().filter(outside)
    assert outside.request_id == "-"
    with request_id_context("job-1"):
        inside = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
        RequestIdFilter().filter(inside)
    assert inside.request_id == "job-1"


def test_log_format_json_setting_writes_one_json_object_per_line():
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('motcua.test').warning('Hồ sơ %s', 'ok')"
    )
    env = {
        **os.environ,
        "MOTCUA_LOG_FORMAT": "json",
        "DJANGO_SETTINGS_MODULE": "motcua.config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert record["message"] == "Hồ sơ ok"
    assert record["level"] == "WARNING" and record["logger"] == "motcua.test"
    assert record["request_id"] == "-" and "time" in record
    env["MOTCUA_LOG_FORMAT"] = "text"
    plain = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert "WARNING motcua.test [-] Hồ sơ ok" in plain.stderr


def test_dispatch_task_carries_the_request_id(monkeypatch):
    from motcua.dossiers import tasks

    seen: list[str | None] = []

    def fake_dispatch(event_id: int) -> bool:
        from motcua.ops.requestid import get_request_id

        seen.append(get_request_id())
        return True

    monkeypatch.setattr(tasks, "dispatch", fake_dispatch)
    sent: dict[str, object] = {}
    original = tasks.dispatch_event.apply_async

    def spy(*args, **kwargs):
        sent.update(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(tasks.dispatch_event, "apply_async", spy)
    with request_id_context("req-99"):
        tasks._enqueue(1)
    assert sent["headers"] == {"motcua_request_id": "req-99"}
    assert seen == ["req-99"]


def test_every_celery_task_carries_the_request_id_to_the_worker():
    from types import SimpleNamespace

    from motcua.ops import requestid

    headers: dict[str, object] = {}
    requestid.celery_before_publish(headers=headers)
    assert headers == {}  # outside a request: nothing to carry
    with request_id_context("req-5"):
        requestid.celery_before_publish(headers=headers)
    assert headers == {"motcua_request_id": "req-5"}
    task = SimpleNamespace(request=SimpleNamespace(motcua_request_id="req-5"))
    requestid.celery_task_prerun(task=task)
    assert requestid.get_request_id() == "req-5"
    requestid.celery_task_postrun(task=task)
    assert requestid.get_request_id() is None
    forged = SimpleNamespace(request=SimpleNamespace(motcua_request_id="bad id\n"))
    requestid.celery_task_prerun(task=forged)
    assert requestid.get_request_id() is None


# --------------------------------------------------------------------------------------------
# /metrics
# --------------------------------------------------------------------------------------------


@pytest.fixture
def backlog(commune, version, other_commune):
    """Commune: one overdue (in process, due in 2025), one received; other unit: one pending
    not yet due."""
    overdue = counter_dossier(commune, version)
    overdue = dossier_receive(dossier=overdue, user=commune.receiver, at=MONDAY)
    dossier_assign(dossier=overdue, user=commune.leader, assignee=commune.specialist, at=MONDAY)
    pending = counter_dossier(commune, version)
    pending = dossier_receive(dossier=pending, user=commune.receiver, at=MONDAY)
    Dossier.objects.filter(pk=pending.pk).update(due_at=timezone.now() + dt.timedelta(days=3))
    other = counter_dossier(other_commune, version)
    other = dossier_receive(dossier=other, user=other_commune.receiver, at=MONDAY)
    Dossier.objects.filter(pk=other.pk).update(
        extended_due_at=timezone.now() + timezone.timedelta(days=3)
    )
    counter_dossier(commune, version)  # submitted at the counter, not received: not pending
    # Resolved, the result waiting at the desk (due date long past): not pending, not overdue.
    ready = dossier_receive(
        dossier=counter_dossier(commune, version), user=commune.receiver, at=MONDAY
    )
    Dossier.objects.filter(pk=ready.pk).update(state=State.RESULT_READY)
    return commune.unit.code, other_commune.unit.code


def test_backlog_is_one_aggregate_query(backlog):
    unit_a, unit_b = backlog
    with CaptureQueriesContext(connection) as ctx:
        rows = backlog_by_unit()
    assert len(ctx.captured_queries) == 1
    got = {r.unit_code: (r.pending, r.overdue, r.awaiting_return) for r in rows}
    assert got == {unit_a: (2, 1, 1), unit_b: (1, 0, 0)}


def test_metrics_from_an_allowed_address(client, backlog):
    unit_a, unit_b = backlog
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'motcua_http_requests_total{method="GET",status="200",view="healthz"}' in text
    assert 'motcua_http_request_duration_seconds_bucket{le="0.005",view="healthz"}' in text
    assert f'motcua_dossiers_overdue{{unit="{unit_a}"}} 1.0' in text
    assert f'motcua_dossiers_pending{{unit="{unit_a}"}} 2.0' in text
    assert f'motcua_dossiers_pending{{unit="{unit_b}"}} 1.0' in text
    assert f'motcua_dossiers_awaiting_return{{unit="{unit_a}"}} 1.0' in text
    assert f'motcua_dossiers_awaiting_return{{unit="{unit_b}"}} 0.0' in text
    assert 'motcua_celery_queue_length{queue="celery"} 0.0' in text
    assert "motcua_dossier_events_undispatched" in text
    # No personal data: neither applicant names nor dossier codes.
    assert "Trần Thị Bình" not in text
    for code in Dossier.objects.exclude(code=None).values_list("code", flat=True):
        assert code not in text


@pytest.mark.django_db
def test_metrics_is_404_elsewhere_unless_the_bearer_token_matches(client, settings):
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", **outside).status_code == 404
    settings.MOTCUA_METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong", **outside).status_code == 404
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token", **outside)
    assert ok.status_code == 200
    settings.MOTCUA_METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    settings.MOTCUA_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics").status_code == 404  # 127.0.0.1 no longer listed
    # Behind a proxy the configured header names the client (never trusted by default).
    settings.MOTCUA_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert (
        client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_X_REAL_IP="198.51.100.1").status_code
        == 404
    )


def test_queue_length_is_read_from_a_redis_broker(settings, monkeypatch):
    from motcua.ops import metrics

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "amqp://guest@127.0.0.1//"
    assert metrics.celery_queue_lengths() is None  # RabbitMQ: use its own exporter

    class FakeRedis:
        def llen(self, name: str) -> int:
            assert name == "celery"
            return 7

        def close(self) -> None: ...

    import redis

    monkeypatch.setattr(redis.Redis, "from_url", staticmethod(lambda url, **kw: FakeRedis()))
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    assert metrics.celery_queue_lengths() == {"celery": 7}
