"""Security headers on every response: Content-Security-Policy and Permissions-Policy.

The policy (settings `MOTCUA_CSP`, `MOTCUA_PERMISSIONS_POLICY`) allows scripts and styles from
this origin only, so templates carry no inline `<script>`, no `<style>` and no `style="…"`;
htmx is told not to inject its indicator style (`<meta name="htmx-config">` in base.html).
A view may set its own header first (it is then left alone).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
DEFAULT_PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"


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
