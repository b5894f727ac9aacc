"""Readiness checks (`/readyz`): database, migrations, cache, Celery broker.

Each check returns "ok", "skipped" or "fail"; the reason of a failure goes to the log only
(the endpoint is public and must not reveal hosts, versions or error texts).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

#: Monotonic time until which "no unapplied migration" is trusted (per process).
_migrations_ok_until = 0.0
MIGRATIONS_CACHE_SECONDS = 60.0
#: Monotonic time until which a broker that answered is trusted (per process): a load balancer
#: probing every few seconds would otherwise open a broker connection per probe. A failure is
#: never remembered, so a broker back up is seen at the next probe.
_broker_ok_until = 0.0
BROKER_CACHE_SECONDS = 10.0


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_migrations() -> str:
    """Every migration on disk is applied (the migration graph is read at most once a minute
    per process: it costs tens of milliseconds)."""
    global _migrations_ok_until
    if time.monotonic() < _migrations_ok_until:
        return "ok"
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        logger.error("Readiness: %s unapplied migrations", len(plan))
        return "fail"
    _migrations_ok_until = time.monotonic() + MIGRATIONS_CACHE_SECONDS
    return "ok"


def check_cache() -> str:
    key = f"motcua:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return "ok" if ok else "fail"


def check_broker() -> str:
    global _broker_ok_until
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return "skipped"
    if time.monotonic() < _broker_ok_until:
        return "ok"
    from motcua.config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    _broker_ok_until = time.monotonic() + BROKER_CACHE_SECONDS
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "migrations": check_migrations,
    "cache": check_cache,
    "broker": check_broker,
}


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, {check: "ok" | "skipped" | "fail"})."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception:
            logger.exception("Readiness check %s failed", name)
            results[name] = "fail"
    return all(v != "fail" for v in results.values()), results
