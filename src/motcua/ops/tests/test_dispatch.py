"""After-commit work through Celery: "run again or not at all, never half" (issue 8).

(a) a crash inside the service's transaction after the state change leaves the dossier in its
previous state, no event, no outbox row and runs no hook; (b) a worker killed after the commit
but before (or between) the hooks leaves an open outbox row that the sweeper re-runs, each hook
exactly once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from motcua.dossiers import tasks
from motcua.dossiers.constants import State
from motcua.dossiers.hashchain import verify_events
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.tests.conftest import MONDAY, counter_dossier
from motcua.ops.models import EventDispatch, HookRun

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing in the dispatcher swallows it."""


class Counter:
    def __init__(self, name: str) -> None:
        self.name = name
        self.calls: list[int] = []
        self.kill_next = False

    def __call__(self, event_id: int) -> None:
        if self.kill_next:
            self.kill_next = False
            raise WorkerKilled
        self.calls.append(event_id)


@pytest.fixture
def hooks(monkeypatch) -> Iterator[tuple[Counter, Counter]]:
    """Two counting hooks, alone (the other apps' hooks are tested by their apps)."""
    monkeypatch.setattr(tasks, "HOOKS", [])
    first, second = Counter("first"), Counter("second")
    tasks.register(first, name="tests.ops.first")
    tasks.register(second, name="tests.ops.second")
    yield first, second
    tasks.unregister(first)
    tasks.unregister(second)


def new_dossier(commune, version, capture) -> Dossier:
    """A dossier created at the counter, its creation event fully dispatched."""
    with capture(execute=True):
        d = counter_dossier(commune, version)
    for hook in tasks.HOOKS:
        if isinstance(hook, Counter):
            hook.calls.clear()
    return d


def later(minutes: int = 10) -> str:
    return (timezone.now() + dt.timedelta(minutes=minutes)).isoformat()


@pytest.mark.parametrize(
    "target",
    [
        # After dossier.save() (the new state is written), before the event is hashed.
        "motcua.dossiers.models.DossierEvent.seal",
        # After the event is written, when its outbox row is recorded.
        "motcua.dossiers.tasks.schedule",
    ],
)
def test_a_crash_inside_the_transaction_changes_nothing_and_runs_nothing(
    commune, version, hooks, monkeypatch, django_capture_on_commit_callbacks, target
):
    d = new_dossier(commune, version, django_capture_on_commit_callbacks)
    before_state, before_version = d.state, d.version
    events_before = DossierEvent.objects.filter(dossier=d).count()
    outbox_before = EventDispatch.objects.count()

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(target, crash)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
    d.refresh_from_db()
    assert (d.state, d.version, d.code) == (before_state, before_version, None)
    assert DossierEvent.objects.filter(dossier=d).count() == events_before
    assert EventDispatch.objects.count() == outbox_before
    assert callbacks == []
    assert hooks[0].calls == hooks[1].calls == []


def test_hooks_run_once_after_commit_and_are_recorded(
    commune, version, hooks, django_capture_on_commit_callbacks
):
    d = new_dossier(commune, version, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        d = dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
    event = d.events.order_by("-seq").first()
    assert hooks[0].calls == hooks[1].calls == [event.pk]
    row = EventDispatch.objects.get(pk=event.pk)
    assert row.completed_at is not None and row.attempts == 1
    assert set(HookRun.objects.filter(dispatch=row).values_list("hook", flat=True)) >= {
        "tests.ops.first",
        "tests.ops.second",
    }
    # A duplicate delivery of the task (acks_late after a lost ack) runs nothing again.
    assert tasks.dispatch_event.delay(event.pk).get() is True
    assert hooks[0].calls == hooks[1].calls == [event.pk]


def test_b_worker_killed_after_commit_before_hooks_the_sweeper_runs_each_once(
    commune, version, hooks, django_capture_on_commit_callbacks
):
    d = new_dossier(commune, version, django_capture_on_commit_callbacks)
    # The commit happens, then the worker dies before dispatching: never run the callbacks.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        d = dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
    assert len(callbacks) == 1
    event = d.events.order_by("-seq").first()
    assert d.state == State.RECEIVED and d.code
    assert EventDispatch.objects.get(pk=event.pk).completed_at is None
    assert hooks[0].calls == hooks[1].calls == []

    assert tasks.redispatch_stale() == 0  # not stale yet: a slow worker may still be on it
    assert tasks.redispatch_stale(now=later()) == 1
    assert hooks[0].calls == hooks[1].calls == [event.pk]
    assert EventDispatch.objects.get(pk=event.pk).completed_at is not None
    assert tasks.redispatch_stale(now=later()) == 0
    assert hooks[0].calls == hooks[1].calls == [event.pk]
    assert verify_events() == []


def test_b_worker_killed_between_hooks_the_rerun_skips_what_was_done(
    commune, version, hooks, django_capture_on_commit_callbacks
):
    first, second = hooks
    d = new_dossier(commune, version, django_capture_on_commit_callbacks)
    second.kill_next = True
    with pytest.raises(WorkerKilled), django_capture_on_commit_callbacks(execute=True):
        d = Dossier.objects.get(pk=d.pk)
        dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
    event = DossierEvent.objects.filter(dossier_id=d.pk).order_by("-seq").first()
    assert event.action == "receive"  # committed
    assert first.calls == [event.pk] and second.calls == []
    done = set(HookRun.objects.filter(dispatch_id=event.pk).values_list("hook", flat=True))
    assert "tests.ops.first" in done and "tests.ops.second" not in done

    assert tasks.redispatch_stale(now=later()) == 1
    assert first.calls == [event.pk]  # not again
    assert second.calls == [event.pk]  # exactly once
    assert tasks.redispatch_stale(now=later()) == 0


def test_a_failing_hook_does_not_stop_the_others_and_is_retried(
    commune, version, hooks, django_capture_on_commit_callbacks
):
    first, second = hooks
    failures = []

    def flaky(event_id: int) -> None:
        if not failures:
            failures.append(event_id)
            raise ValueError("SMTP down")

    d = new_dossier(commune, version, django_capture_on_commit_callbacks)
    tasks.register(flaky, name="tests.ops.flaky")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            d = dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
        event = d.events.order_by("-seq").first()
        row = EventDispatch.objects.get(pk=event.pk)
        assert row.completed_at is None and row.attempts == 1
        assert first.calls == second.calls == [event.pk]
        assert tasks.redispatch_stale(now=later()) == 1
        row.refresh_from_db()
        assert row.completed_at is not None and row.attempts == 2
        assert first.calls == second.calls == [event.pk]
    finally:
        tasks.unregister(flaky)


def test_the_sweeper_gives_up_after_max_attempts_and_purges_old_rows(
    commune, version, settings, hooks, django_capture_on_commit_callbacks
):
    settings.MOTCUA_DISPATCH_MAX_ATTEMPTS = 2

    def broken(event_id: int) -> None:
        raise ValueError("always")

    d = new_dossier(commune, version, django_capture_on_commit_callbacks)
    tasks.register(broken, name="tests.ops.broken")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            d = dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
        event = d.events.order_by("-seq").first()
        assert tasks.redispatch_stale(now=later()) == 1  # attempt 2
        assert event.pk not in tasks.stale_dispatches(timezone.now() + dt.timedelta(minutes=10))
    finally:
        tasks.unregister(broken)
    EventDispatch.objects.filter(completed_at__isnull=True).update(completed_at=timezone.now())
    tasks.redispatch_stale(now=(timezone.now() + dt.timedelta(days=8)).isoformat())
    assert not EventDispatch.objects.exists() and not HookRun.objects.exists()


def test_hook_names_are_stable():
    def some_hook(event_id: int) -> None: ...

    assert tasks.hook_name(some_hook).endswith("test_hook_names_are_stable.<locals>.some_hook")
    from motcua.reports.hooks import refresh_for_event

    assert tasks.hook_name(refresh_for_event) == "motcua.reports.hooks.refresh_for_event"
