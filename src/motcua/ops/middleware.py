"""Request metrics for Prometheus (`motcua.ops.metrics`)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from motcua.ops.metrics import LATENCY, REQUESTS


class MetricsMiddleware:
    """Counts each answered request and its duration by URL name (never by raw path: the
    label set stays bounded and carries no dossier code)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "<unresolved>"
        LATENCY.labels(view).observe(time.perf_counter() - start)
        REQUESTS.labels(view, request.method or "", str(response.status_code)).inc()
        return response
