"""Committed events reach the broker in batches (one message per `MOTCUA_DISPATCH_BATCH_MS`),
in commit order, each with the id of the request that wrote it; eager mode sends at once."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from motcua.dossiers import handoff, tasks
from motcua.ops.requestid import request_id_context


class Spy:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[list[int], dict[int, str | None]]] = []
        self.fail = fail
        self.sent = threading.Event()

    def __call__(self, ids: Any, rids: dict[int, str | None]) -> None:
        self.calls.append((list(ids), dict(rids)))
        self.sent.set()
        if self.fail:
            raise ConnectionError("broker down")


@pytest.fixture
def batched(settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.MOTCUA_DISPATCH_BATCH_MS = 30


def test_events_of_several_commits_share_one_message_in_order(batched: None) -> None:
    spy = Spy()
    batcher = handoff.Batcher(spy)
    batcher.add([1, 2], "req-a")
    batcher.add([3], "req-b")
    batcher.add([4], None)
    assert spy.sent.wait(5)
    time.sleep(0.05)
    assert spy.calls == [([1, 2, 3, 4], {1: "req-a", 2: "req-a", 3: "req-b", 4: None})]


def test_later_events_go_in_the_next_message(batched: None) -> None:
    spy = Spy()
    batcher = handoff.Batcher(spy)
    batcher.add([1], "req-a")
    assert spy.sent.wait(5)
    spy.sent.clear()
    batcher.add([2], "req-b")
    assert spy.sent.wait(5)
    assert [ids for ids, _ in spy.calls] == [[1], [2]]


def test_flush_sends_what_waits_and_a_broker_error_is_logged_not_raised(
    batched: None, caplog: Any
) -> None:
    spy = Spy(fail=True)
    batcher = handoff.Batcher(spy)
    batcher._pending = [(pk, None) for pk in range(handoff.MAX_BATCH + 5)]  # as if added
    batcher.flush()  # at exit, say: every part is tried
    assert [len(ids) for ids, _ in spy.calls] == [handoff.MAX_BATCH, 5]
    assert "Could not enqueue" in caplog.text
    batcher.flush()
    assert len(spy.calls) == 2  # nothing left


def test_a_forked_child_starts_empty(batched: None) -> None:
    batcher = handoff.Batcher(Spy())
    batcher._pending = [(1, None)]
    batcher._after_fork()
    assert batcher._pending == [] and batcher._thread is None


@pytest.mark.parametrize(
    ("rids", "expected"),
    [
        pytest.param({1: "a", 2: "a"}, {"motcua_request_id": "a"}, id="one-request"),
        pytest.param(
            {1: "a", 2: "b"},
            {"motcua_request_id": "a", "motcua_request_ids": {"1": "a", "2": "b"}},
            id="two-requests",
        ),
        pytest.param({1: None, 2: None}, {}, id="outside-a-request"),
    ],
)
def test_request_ids_header(rids: dict[int, str | None], expected: dict[str, Any]) -> None:
    assert handoff.request_ids_header([1, 2], rids) == expected


def test_enqueue_batches_with_a_broker_and_sends_at_once_when_eager(
    settings: Any, monkeypatch: Any
) -> None:
    spy = Spy()
    monkeypatch.setattr(tasks, "_batcher", handoff.Batcher(spy))
    sent: list[tuple[Any, Any]] = []
    monkeypatch.setattr(
        tasks.dispatch_event, "apply_async", lambda args, headers: sent.append((args, headers))
    )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.MOTCUA_DISPATCH_BATCH_MS = 20
    with request_id_context("req-7"):
        tasks._enqueue(10, 11)
    assert spy.sent.wait(5)
    assert spy.calls == [([10, 11], {10: "req-7", 11: "req-7"})] and sent == []
    settings.MOTCUA_DISPATCH_BATCH_MS = 0  # batching off: the committing thread sends
    with request_id_context("req-8"):
        tasks._enqueue(12)
    assert sent == [((12,), {"motcua_request_id": "req-8"})]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MOTCUA_DISPATCH_BATCH_MS = 50
    assert handoff.batch_seconds() == 0.0  # eager: never batched


def test_each_event_of_a_batch_runs_under_its_own_request_id(monkeypatch: Any) -> None:
    from motcua.ops.requestid import get_request_id

    seen: list[tuple[int, str | None]] = []

    def fake_dispatch(event_id: int) -> bool:
        seen.append((event_id, get_request_id()))
        return True

    monkeypatch.setattr(tasks, "dispatch", fake_dispatch)
    headers = handoff.request_ids_header([1, 2, 3], {1: "req-a", 2: "req-b", 3: None})
    tasks.dispatch_event.apply_async((1, 2, 3), headers=headers)  # eager in the tests
    assert seen == [(1, "req-a"), (2, "req-b"), (3, None)]
