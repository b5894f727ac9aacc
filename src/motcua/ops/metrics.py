"""Prometheus metrics (`/metrics`): HTTP requests, Celery queue depth, dossier backlogs.

Only unit codes and counts are exported — never a name, an identity number or a dossier code.

- `motcua_http_requests_total{view,method,status}` and
  `motcua_http_request_duration_seconds{view}` — `motcua.ops.middleware.MetricsMiddleware`;
  `view` is the URL name (`backoffice:dossier`), so the label set stays small.
- `motcua_celery_queue_length{queue}` — LLEN of the queue on a Redis broker (0 when tasks run
  eagerly; absent on other brokers).
- `motcua_dossiers_pending{unit}` (received, not resolved: Biểu 06's "đang giải quyết"),
  `motcua_dossiers_overdue{unit}` and `motcua_dossiers_awaiting_return{unit}` (results ready at
  the desk) — computed at scrape time by one aggregate query
  (`motcua.ops.selectors.backlog_by_unit`).
- `motcua_dossier_events_undispatched` — committed events whose hooks are not all done.

Several gunicorn workers: set `PROMETHEUS_MULTIPROC_DIR` (an empty directory, emptied at each
start) so that every worker's counters are summed at scrape (docs/deploy.md).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

from django.conf import settings
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

REGISTRY = CollectorRegistry()

REQUESTS = Counter(
    "motcua_http_requests",
    "HTTP requests answered, by URL name, method and status.",
    ["view", "method", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "motcua_http_request_duration_seconds",
    "Time to answer an HTTP request, by URL name.",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)


def celery_queue_lengths() -> dict[str, int] | None:
    """{queue: length} from a Redis broker, {queue: 0} when eager, None otherwise."""
    queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return {queue: 0}
    url = str(getattr(settings, "CELERY_BROKER_URL", ""))
    if not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return {queue: int(client.llen(queue))}
    finally:
        client.close()


class StateCollector(Collector):
    """Gauges read at scrape time from the broker and the database."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from motcua.ops.selectors import backlog_by_unit, undispatched_events

        queue = GaugeMetricFamily(
            "motcua_celery_queue_length", "Tasks waiting in the Celery queue.", labels=["queue"]
        )
        try:
            lengths = celery_queue_lengths()
        except Exception:
            logger.exception("Metrics: the broker's queue length is unavailable")
            lengths = None
        for name, length in (lengths or {}).items():
            queue.add_metric([name], length)
        yield queue
        pending = GaugeMetricFamily(
            "motcua_dossiers_pending",
            "Received dossiers not resolved yet, by unit holding them.",
            labels=["unit"],
        )
        overdue = GaugeMetricFamily(
            "motcua_dossiers_overdue",
            "Dossiers past their appointment date with the clock running, by unit.",
            labels=["unit"],
        )
        awaiting = GaugeMetricFamily(
            "motcua_dossiers_awaiting_return",
            "Resolved dossiers whose result waits at the desk to be returned, by unit.",
            labels=["unit"],
        )
        for row in backlog_by_unit():
            pending.add_metric([row.unit_code], row.pending)
            overdue.add_metric([row.unit_code], row.overdue)
            awaiting.add_metric([row.unit_code], row.awaiting_return)
        yield pending
        yield overdue
        yield awaiting
        yield GaugeMetricFamily(
            "motcua_dossier_events_undispatched",
            "Committed dossier events whose after-commit hooks are not all done.",
            value=undispatched_events(),
        )


STATE = StateCollector()
REGISTRY.register(STATE)


def render() -> bytes:
    """The exposition text: this process's registry, or every worker's in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(STATE)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
