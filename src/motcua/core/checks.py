"""System checks of the deployment (`motcua check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """motcua.W001: in production the cache must be shared by every web process (the log-in
    lockout, the throttles and the counter's double-submit guard count in it), unless a
    process-local cache was chosen on purpose (``MOTCUA_CACHE_URL=locmem://``)."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    if str(getattr(settings, "MOTCUA_CACHE_URL", "")):
        return []
    return [
        Warning(
            "MOTCUA_CACHE_URL is not set: every web process keeps its own cache, so the log-in "
            "lockout, the throttles and the double-submit guard of the counter count per "
            "process (with 4 gunicorn workers, 4 times the allowed failed log-ins).",
            hint="Set MOTCUA_CACHE_URL=redis://<host>:6379/<db> (docs/deploy.md), or "
            "MOTCUA_CACHE_URL=locmem:// for a single web process.",
            id="motcua.W001",
        )
    ]
