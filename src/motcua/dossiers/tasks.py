"""Side effects of dossier changes (notifications, documents), run after the commit.

The services never send anything themselves: each appends one `DossierEvent` and calls
`schedule(event_id)`, which registers `dispatch` with `transaction.on_commit`. Other apps
(documents, notifications) add a hook with `@register`; a hook takes the event id, reads what it
needs, and must be idempotent (it may be re-run). A failing hook is logged and does not stop
the others. No Django signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)

Hook = Callable[[int], None]
BatchHook = Callable[[list[int]], None]

#: Hooks called with the id of each committed dossier event, in registration order.
HOOKS: list[Hook] = []
#: Hooks called once with the ids of dossiers written in bulk (imports), after the commit.
BATCH_HOOKS: list[BatchHook] = []


def register(hook: Hook) -> Hook:
    """Add `hook` to the after-commit hooks (usable as a decorator); adding twice is a no-op."""
    if hook not in HOOKS:
        HOOKS.append(hook)
    return hook


def unregister(hook: Hook) -> None:
    if hook in HOOKS:
        HOOKS.remove(hook)


def dispatch(event_id: int) -> None:
    """Run every hook for the committed event `event_id`."""
    for hook in list(HOOKS):
        try:
            hook(event_id)
        except Exception:  # a side effect must never break the others
            logger.exception("Dossier event hook %r failed for event %s", hook, event_id)


def schedule(event_id: int) -> None:
    """Run the hooks for `event_id` once the current transaction commits (never on rollback)."""
    transaction.on_commit(partial(dispatch, event_id))


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
