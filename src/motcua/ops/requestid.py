"""The request id: one value per HTTP request (or Celery task) attached to every log record.

`motcua.core.middleware.RequestIdMiddleware` takes a valid `X-Request-ID` header (≤ 64
characters of `[A-Za-z0-9._-]`, e.g. nginx's `$request_id`) or makes one, keeps it in a
context variable for the request and returns it in the response header. `RequestIdFilter`
(installed on the handlers by `LOGGING`) adds `request_id` to every record ("-" outside a
request). The after-commit task `dossiers.dispatch_event` carries it in a message header.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
_VALID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "motcua_request_id", default=None
)


def valid_request_id(value: str | None) -> str | None:
    """`value` if it is an acceptable request id, else None."""
    if value and _VALID.fullmatch(value):
        return value
    return None


def new_request_id() -> str:
    return uuid.uuid4().hex


def get_request_id() -> str | None:
    return _current.get()


def set_request_id(value: str | None) -> None:
    """Set the id of the current request (None clears it); invalid values are dropped."""
    _current.set(valid_request_id(value))


@contextmanager
def request_id_context(value: str | None) -> Iterator[str | None]:
    """Set the request id (if valid) for the duration of the block."""
    token = _current.set(valid_request_id(value))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `record.request_id` (the current request id, "-" when there is none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get() or "-"
        return True


# Celery: every task published during a request carries its id in a message header
# (`motcua_request_id`) and a worker sets it for the task's log records. Connected to Celery's
# own signals in `OpsConfig.ready` (these are not Django signals). Eager tasks run in the
# caller's context and already see the id.
HEADER_KEY = "motcua_request_id"


def celery_before_publish(headers: dict[str, object] | None = None, **kwargs: object) -> None:
    rid = _current.get()
    if rid and headers is not None:
        headers.setdefault(HEADER_KEY, rid)


def celery_task_prerun(task: object = None, **kwargs: object) -> None:
    request = getattr(task, "request", None)
    rid = valid_request_id(getattr(request, HEADER_KEY, None))
    if request is not None and rid:
        request._motcua_rid_token = _current.set(rid)


def celery_task_postrun(task: object = None, **kwargs: object) -> None:
    request = getattr(task, "request", None)
    token = getattr(request, "_motcua_rid_token", None)
    if token is not None:
        try:
            _current.reset(token)
        except ValueError:  # set in another context: just clear it
            _current.set(None)
        request._motcua_rid_token = None  # type: ignore[union-attr]
