"""Readiness (`/readyz`) and Prometheus metrics (`/metrics`)."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.core.services import client_ip
from motcua.ops import checks


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database answers, every migration is applied, the cache works and
    (with a broker) the broker answers. 503 otherwise. Only "ok"/"skipped"/"fail" per check."""
    ready, results = checks.readiness()
    return JsonResponse(
        {"status": "ok" if ready else "fail", "checks": results}, status=200 if ready else 503
    )


def metrics_allowed(request: HttpRequest) -> bool:
    """From an address in `MOTCUA_METRICS_ALLOWED_IPS` (addresses or networks), or with
    `Authorization: Bearer <MOTCUA_METRICS_TOKEN>` when that token is set."""
    token = str(getattr(settings, "MOTCUA_METRICS_TOKEN", "") or "")
    if token:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
            return True
    ip = client_ip(request)
    if ip is None:
        return False
    address = ipaddress.ip_address(ip)
    for allowed in getattr(settings, "MOTCUA_METRICS_ALLOWED_IPS", ["127.0.0.1"]):
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition text; 404 to anyone not allowed (the page is not advertised)."""
    if not metrics_allowed(request):
        raise Http404
    from prometheus_client import CONTENT_TYPE_LATEST

    from motcua.ops.metrics import render

    return HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
