"""`TwoFactorMiddleware`: no staff page before the second step (motcua.accounts.totp).

After the password log-in the session is authenticated but not yet verified. For a staff account
with a confirmed TOTP device every request is sent to the verification page until the code (or
a recovery code) is given; for an account that `MOTCUA["TOTP_REQUIRED_ROLES"]` obliges to use
one (production default: leaders, unit administrators, superusers) but that has none, to the
enrolment page. Exempt: the log-in/log-out pages, the two second-step pages, the language
switch, the health check and the citizen portal. Non-GET requests and the API get 403.

Accounts without a device and without the obligation cost nothing: `User.totp_enabled` is read
with the user row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.accounts import totp

EXEMPT_VIEWS = frozenset(
    {
        "backoffice:login",
        "backoffice:logout",
        "admin:login",
        "admin:logout",
        "totp:verify",
        "totp:enrol",
        "set_language",
        "healthz",
        "lookup",
    }
)
EXEMPT_NAMESPACES = frozenset({"portal"})


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or getattr(user, "is_citizen", False):
            return None
        match = request.resolver_match
        if match is not None and (
            match.view_name in EXEMPT_VIEWS or set(match.namespaces) & EXEMPT_NAMESPACES
        ):
            return None
        if getattr(user, "totp_enabled", False):
            if totp.is_verified(request):
                return None
            target = "totp:verify"
            message = _("Cần nhập mã xác thực hai bước trước khi tiếp tục.")
        elif totp.is_required(user):
            target = "totp:enrol"
            message = _("Tài khoản của bạn phải đăng ký xác thực hai bước trước khi tiếp tục.")
        else:
            return None
        if request.method not in ("GET", "HEAD") or request.path.startswith("/api/"):
            return HttpResponseForbidden(message, content_type="text/plain; charset=utf-8")
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
