"""Operational endpoints shared by every deployment."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. No database query (a database outage must not make the
    orchestrator restart healthy workers); readiness is `/readyz` (motcua.ops.views)."""
    return JsonResponse({"status": "ok", "database": connection.vendor})
