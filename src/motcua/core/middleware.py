"""Security headers on every response: Content-Security-Policy and Permissions-Policy.

The policy (settings `MOTCUA_CSP`, `MOTCUA_PERMISSIONS_POLICY`) allows scripts and styles from
this origin only, so templates carry no inline `<script>`, no `<style>` and no `style="…"`;
htmx is told not to inject its indicator style (`<meta name="htmx-config">` in base.html).
A view may set its own header first (it is then left alone).

`RequestIdMiddleware` (first in the stack) gives each request the id its log records carry.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from motcua.ops.requestid import (
    HEADER,
    META_KEY,
    new_request_id,
    set_request_id,
    valid_request_id,
)

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
DEFAULT_PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"


class RequestIdMiddleware:
    """Gives every request an id (`X-Request-ID` when valid, else a new one) for the logs
    (`motcua.ops.requestid`) and returns it in the `X-Request-ID` response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # An invalid header is replaced, never echoed or logged.
        rid = valid_request_id(request.META.get(META_KEY)) or new_request_id()
        set_request_id(rid)
        request.request_id = rid  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers[HEADER] = rid
        # Django logs 4xx/5xx answers after the middleware chain: the id is cleared only when
        # the server closes the response.
        response._resource_closers.append(lambda: set_request_id(None))  # type: ignore[attr-defined]
        return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = getattr(settings, "MOTCUA_CSP", DEFAULT_CSP)
        self.permissions = getattr(
            settings, "MOTCUA_PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.csp:
            response.headers.setdefault("Content-Security-Policy", self.csp)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        return response
