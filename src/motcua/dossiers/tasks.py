"""Side effects of dossier changes (notifications, documents, statistics), run after the commit.

The services never send anything themselves: each appends one `DossierEvent` and calls
`schedule(event_id)`. That writes an outbox row (`ops.EventDispatch`) in the SAME transaction
as the event and, once the transaction commits, enqueues the Celery task
`dossiers.dispatch_event(event_id)` (eager in the embedded default, `acks_late` on a broker).

Other apps add a hook with `@register`; a hook takes the event id, reads what it needs, and
must be idempotent. The dispatcher runs each hook in its own transaction together with the
record of its completion (`ops.HookRun`, unique per event and hook name), so:

- a rollback leaves no event, no outbox row and runs nothing;
- a crash after the commit (worker killed, broker down) leaves the outbox row open: the beat
  task `dossiers.redispatch_stale` re-enqueues it after `MOTCUA_DISPATCH_STALE_MINUTES`, and
  the re-run skips the hooks already recorded and runs the rest ("run again or not at all,
  never half");
- a failing hook is logged, does not stop the others, and is retried by the sweeper (up to
  `MOTCUA_DISPATCH_MAX_ATTEMPTS` dispatches). No Django signals.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from motcua.dossiers import handoff

logger = logging.getLogger(__name__)

Hook = Callable[[int], None]
BatchHook = Callable[[list[int]], None]

#: Hooks called with the id of each committed dossier event, in registration order.
HOOKS: list[Hook] = []
#: The name each hook's completion is recorded under (default: module.qualname).
HOOK_NAMES: dict[Hook, str] = {}
#: Hooks called once with the ids of dossiers written in bulk (imports), after the commit.
BATCH_HOOKS: list[BatchHook] = []


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def hook_name(hook: Hook) -> str:
    """The stable name a hook's completion is recorded under."""
    if hook in HOOK_NAMES:
        return HOOK_NAMES[hook]
    module = getattr(hook, "__module__", None) or "builtins"
    qualname = getattr(hook, "__qualname__", None) or type(hook).__qualname__
    return f"{module}.{qualname}"[:200]


def register(hook: Hook, *, name: str | None = None) -> Hook:
    """Add `hook` to the after-commit hooks (usable as a decorator); adding twice is a no-op.

    `name` (default module.qualname) identifies the hook in the completion records: keep it
    stable across releases, or a re-run after an upgrade runs the renamed hook again."""
    if hook not in HOOKS:
        HOOKS.append(hook)
    if name:
        HOOK_NAMES[hook] = name[:200]
    return hook


def unregister(hook: Hook) -> None:
    if hook in HOOKS:
        HOOKS.remove(hook)
    HOOK_NAMES.pop(hook, None)


_CLAIM_SQL = (
    "INSERT INTO ops_hookrun (dispatch_id, hook, done_at) "
    "SELECT %s, %s, %s WHERE EXISTS ("
    "SELECT 1 FROM ops_eventdispatch WHERE event_id = %s AND completed_at IS NULL) "
    "ON CONFLICT (dispatch_id, hook) DO NOTHING RETURNING id"
)


def _claim(event_id: int, name: str) -> bool:
    """Record `name` as done for `event_id` inside the current transaction; False when it was
    already done (or the dispatch is complete). A concurrent claim waits for ours to end."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, [event_id, name, now, event_id])
        return cursor.fetchone() is not None


def dispatch(event_id: int) -> bool:
    """Run every hook not yet done for the committed event `event_id`; True when all are done.

    Each hook runs in one transaction with its completion record: its database writes and
    the record commit together or not at all."""
    from motcua.dossiers.models import DossierEvent
    from motcua.ops.models import EventDispatch, HookRun

    row = EventDispatch.objects.filter(pk=event_id).first()
    if row is None:
        if not DossierEvent.objects.filter(pk=event_id).exists():
            logger.warning("Dossier event %s does not exist: nothing to dispatch", event_id)
            return False
        row, _ = EventDispatch.objects.get_or_create(pk=event_id)
    if row.completed_at is not None:
        return True
    done = set(HookRun.objects.filter(dispatch_id=event_id).values_list("hook", flat=True))
    ok = True
    for hook in list(HOOKS):
        name = hook_name(hook)
        if name in done:
            continue
        try:
            with transaction.atomic():
                if not _claim(event_id, name):
                    continue  # done meanwhile by another worker
                hook(event_id)
        except Exception:  # a side effect must never break the others
            ok = False
            logger.exception("Dossier event hook %s failed for event %s", name, event_id)
    EventDispatch.objects.filter(pk=event_id, completed_at__isnull=True).update(
        attempts=F("attempts") + 1, completed_at=timezone.now() if ok else None
    )
    return ok


@shared_task(name="dossiers.dispatch_event", bind=True, acks_late=True, ignore_result=True)
def dispatch_event(self: Any, event_id: int, *more_ids: int) -> bool:
    """Celery task: run the hooks of a committed dossier event (see `dispatch`); with
    `more_ids`, of each event of the message in turn (one transaction's events, or a batch of
    several, `dossiers.handoff`), each under the id of the request that wrote it."""
    from motcua.ops.requestid import get_request_id, request_id_context

    # A worker exposes custom message headers on the request (and `OpsConfig.ready` sets the
    # id for every task); eager runs keep them in `request.headers`.
    headers = getattr(self.request, "headers", None) or {}
    rid = getattr(self.request, "motcua_request_id", None) or headers.get("motcua_request_id")
    each = getattr(self.request, "motcua_request_ids", None) or headers.get("motcua_request_ids")
    each = each if isinstance(each, dict) else {}
    results = []
    for pk in (event_id, *more_ids):
        key = str(pk)
        with request_id_context(each[key] if key in each else rid or get_request_id()):
            results.append(dispatch(pk))
    return all(results)


def _publish(event_ids: Sequence[int], rids: dict[int, str | None]) -> None:
    dispatch_event.apply_async(
        tuple(event_ids), headers=handoff.request_ids_header(event_ids, rids)
    )


_batcher = handoff.make_batcher(_publish)


def _enqueue(*event_ids: int) -> None:
    """After the commit: hand the events to the broker — in this process's next batch when a
    broker is used (`dossiers.handoff`), at once in eager mode."""
    from motcua.ops.requestid import get_request_id

    rid = get_request_id()
    if handoff.batch_seconds() > 0:
        _batcher.add(event_ids, rid)
        return
    try:
        _publish(event_ids, dict.fromkeys(event_ids, rid))
    except Exception:  # broker down: the sweeper re-enqueues the open outbox rows later
        if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            raise
        logger.exception("Could not enqueue the hooks of dossier events %s", event_ids)


def schedule(event_id: int, *more_ids: int) -> None:
    """Record the outbox rows of the events in the current transaction and run their hooks,
    in this order and with one broker message, once the transaction commits (never on
    rollback)."""
    from motcua.core.fastinsert import insert_rows
    from motcua.ops.models import EventDispatch

    insert_rows([EventDispatch(event_id=pk) for pk in (event_id, *more_ids)])
    transaction.on_commit(partial(_enqueue, event_id, *more_ids))


def stale_dispatches(now: dt.datetime | None = None) -> list[int]:
    """Ids of committed events whose hooks are not all done after the stale delay."""
    from motcua.ops.models import EventDispatch

    now = now or timezone.now()
    limit = now - dt.timedelta(minutes=_setting("MOTCUA_DISPATCH_STALE_MINUTES", 5))
    return list(
        EventDispatch.objects.filter(
            completed_at__isnull=True,
            created_at__lt=limit,
            attempts__lt=_setting("MOTCUA_DISPATCH_MAX_ATTEMPTS", 10),
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )


@shared_task(name="dossiers.redispatch_stale", ignore_result=True)
def redispatch_stale(now: str | None = None) -> int:
    """Beat job: re-enqueue the open outbox rows older than the stale delay, and purge the
    completed ones older than `MOTCUA_DISPATCH_KEEP_DAYS`. Returns how many were re-enqueued."""
    from motcua.ops.models import EventDispatch

    at = dt.datetime.fromisoformat(now) if now else timezone.now()
    ids = stale_dispatches(at)
    for event_id in ids:
        _enqueue(event_id)
    keep = at - dt.timedelta(days=_setting("MOTCUA_DISPATCH_KEEP_DAYS", 7))
    EventDispatch.objects.filter(completed_at__lt=keep).delete()
    if ids:
        logger.warning("Re-enqueued the hooks of %s stale dossier events", len(ids))
    return len(ids)


@shared_task(name="dossiers.remind_deadlines", ignore_result=True)
def remind_deadlines(now: str | None = None) -> int:
    """Beat job: the daily digest of dossiers due within 1 working day or overdue
    (`motcua.ops.reminders`). Returns how many e-mails were sent."""
    from motcua.ops.reminders import send_deadline_reminders

    return send_deadline_reminders(now=dt.datetime.fromisoformat(now) if now else None)


def register_batch(hook: BatchHook) -> BatchHook:
    """Add a hook for dossiers written in bulk (e.g. `import-dossiers`); adding twice is a no-op."""
    if hook not in BATCH_HOOKS:
        BATCH_HOOKS.append(hook)
    return hook


def dispatch_batch(dossier_ids: list[int]) -> None:
    for hook in list(BATCH_HOOKS):
        try:
            hook(dossier_ids)
        except Exception:
            logger.exception("Dossier batch hook %r failed for %s dossiers", hook, len(dossier_ids))


def schedule_batch(dossier_ids: list[int]) -> None:
    """Run the batch hooks for `dossier_ids` once the current transaction commits."""
    if dossier_ids:
        transaction.on_commit(partial(dispatch_batch, list(dossier_ids)))
