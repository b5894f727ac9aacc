"""Handing committed dossier events to the broker: one message per batch, not per commit.

After each commit `tasks._enqueue` gives the new event ids here. With a broker (production)
they wait up to `MOTCUA_DISPATCH_BATCH_MS` (default 200 ms) in this process and a daemon thread
sends them as ONE `dossiers.dispatch_event` message, in commit order, with the request id of
each event (header `motcua_request_ids`). Publishing through Celery costs about 1.5 ms of the
web worker per message on the benchmark machine — a fifth of a counter intake — while the
hooks (notifications, documents, webhooks) can wait a fifth of a second. Under load a sync
worker serves ≈ 100 intakes/s, so a 50 ms window shared a message among ≈ 5 of them; 200 ms
cut the web worker's CPU per intake by ≈ 15 % (benchmarks/README.md, 28/11/2026).

Nothing is lost that the outbox would not find again: every event already has its
`ops.EventDispatch` row, committed with it. Events still waiting here when the process ends
normally (gunicorn restart, SIGTERM) are sent at exit; if the process is killed, the beat task
`dossiers.redispatch_stale` re-enqueues their open outbox rows after
`MOTCUA_DISPATCH_STALE_MINUTES`, as when the broker is down.

Eager mode (the embedded default and the tests) and `MOTCUA_DISPATCH_BATCH_MS=0` send at
once, in the committing thread, as before.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

#: Event ids per message at most.
MAX_BATCH = 200

Publish = Callable[[Sequence[int], dict[int, str | None]], None]


def batch_seconds() -> float:
    """How long events wait to share a message; 0 = send at once (always in eager mode)."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return 0.0
    return max(0, int(settings.MOTCUA_DISPATCH_BATCH_MS)) / 1000


class Batcher:
    """Collects (event id, request id) pairs and sends them in batches from a daemon thread."""

    def __init__(self, publish: Publish) -> None:
        self._publish = publish
        self._lock = threading.Lock()
        self._pending: list[tuple[int, str | None]] = []
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._exit_hooked = False

    def add(self, event_ids: Sequence[int], request_id: str | None) -> None:
        with self._lock:
            self._pending.extend((pk, request_id) for pk in event_ids)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="motcua-event-handoff", daemon=True
                )
                self._thread.start()
            if not self._exit_hooked:
                atexit.register(self.flush)
                self._exit_hooked = True
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(batch_seconds())  # let the batch fill
            self._wake.clear()  # an add from now on wakes the next round
            self.flush()

    def flush(self) -> None:
        """Send everything waiting now (also at exit)."""
        with self._lock:
            batch, self._pending = self._pending, []
        for start in range(0, len(batch), MAX_BATCH):
            part = batch[start : start + MAX_BATCH]
            try:
                self._publish([pk for pk, _ in part], dict(part))
            except Exception:  # the outbox sweeper re-enqueues them
                logger.exception("Could not enqueue the hooks of dossier events %s", part)

    def _after_fork(self) -> None:
        """In a forked child: a fresh lock and no thread; what the parent holds is its own."""
        self._lock = threading.Lock()
        self._pending = []
        self._wake = threading.Event()
        self._thread = None


_batchers: list[Batcher] = []


def make_batcher(publish: Publish) -> Batcher:
    batcher = Batcher(publish)
    _batchers.append(batcher)
    return batcher


def _reset_after_fork() -> None:
    for batcher in _batchers:
        batcher._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


def request_ids_header(event_ids: Sequence[int], rids: dict[int, str | None]) -> dict[str, Any]:
    """Message headers: the first event's request id (every task's log context) and, when
    the events come from several requests, each event's."""
    first = rids.get(event_ids[0]) if event_ids else None
    headers: dict[str, Any] = {"motcua_request_id": first} if first else {}
    if len({rids.get(pk) for pk in event_ids}) > 1:
        headers["motcua_request_ids"] = {str(pk): rids.get(pk) for pk in event_ids}
    return headers
