"""Celery end to end on the real Redis broker (127.0.0.1:6379, database 15).

A worker runs in a thread of this process (`celery.contrib.testing.worker.start_worker`) and
the test commits for real (`transaction=True`), so the worker sees the committed dossier event
and runs its hooks through Redis. Skipped, saying why, when Redis does not answer — unless
`MOTCUA_REQUIRE_SERVICES` (or `MOTCUA_REQUIRE_POSTGRES`, set in CI) is set: then it fails.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.db import close_old_connections, connection

from motcua.dossiers import tasks
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.tests.conftest import MONDAY, counter_dossier
from motcua.ops.backup import empty_database
from motcua.ops.models import EventDispatch
from motcua.ops.requestid import get_request_id, request_id_context

BROKER = os.environ.get("MOTCUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    host_port = BROKER.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 6379)), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_worker(settings) -> Iterator[object]:
    if not _redis_answers():
        if os.environ.get("MOTCUA_REQUIRE_SERVICES") or os.environ.get("MOTCUA_REQUIRE_POSTGRES"):
            pytest.fail(f"Redis at {BROKER} is required here but does not answer.")
        pytest.skip(f"Redis at {BROKER} does not answer (start redis-server to run this test).")
    import redis
    from celery.contrib.testing.worker import start_worker

    from motcua.config.celery import app

    redis.Redis.from_url(BROKER).delete("celery")  # nothing left from an earlier run
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = BROKER

    def fresh_connections() -> None:  # the broker connection pools follow broker_url
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.update(broker_url=BROKER, task_always_eager=False)
    fresh_connections()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=5) as w:
            yield w
    finally:
        app.conf.update(**saved)
        fresh_connections()
        # transaction=True ends with a flush: SQLite's append-only triggers refuse its DELETEs
        # (PostgreSQL truncates, which row triggers do not see).
        if connection.vendor == "sqlite":
            empty_database()


@pytest.mark.django_db(transaction=True)
def test_a_committed_event_is_dispatched_by_a_worker_through_redis(
    redis_worker, commune, version, monkeypatch
):
    seen: list[tuple[int, str | None, str]] = []

    def hook(event_id: int) -> None:
        close_old_connections()
        seen.append((event_id, get_request_id(), threading.current_thread().name))

    monkeypatch.setattr(tasks, "HOOKS", [])
    tasks.register(hook, name="tests.ops.redis_hook")
    try:
        d = counter_dossier(commune, version)  # committed: enqueued on Redis
        with request_id_context("req-redis-1"):
            d = dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
        event = DossierEvent.objects.filter(dossier=d).order_by("-seq").first()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if EventDispatch.objects.filter(pk=event.pk, completed_at__isnull=False).exists():
                break
            time.sleep(0.1)
        assert EventDispatch.objects.get(pk=event.pk).completed_at is not None
        ids = [e for e, _, _ in seen]
        assert ids.count(event.pk) == 1
        rid, thread = next((r, t) for e, r, t in seen if e == event.pk)
        assert rid == "req-redis-1"  # carried in the message headers
        assert thread != threading.current_thread().name  # the worker ran it
    finally:
        tasks.unregister(hook)
