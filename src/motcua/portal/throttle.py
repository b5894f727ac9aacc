"""Fixed-window counters in the Django cache (look-ups, one-time codes).

With several application processes the cache must be shared (Redis or the database cache);
the per-process default `LocMemCache` only limits each process on its own.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one try under `key`; True while the count stays within `limit` for `window` s."""
    full = f"motcua:portal:{key}"
    cache.add(full, 0, window)
    try:
        count = cache.incr(full)
    except ValueError:  # expired between add and incr
        cache.set(full, 1, window)
        count = 1
    return count <= limit


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR. X-Forwarded-For is not trusted: a reverse proxy must set REMOTE_ADDR."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")
