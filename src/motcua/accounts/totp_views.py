"""Pages of the second factor (motcua.accounts.totp): enrolment and verification. Thin."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from motcua.accounts import lockout, totp
from motcua.accounts.forms import TOTPCodeForm
from motcua.accounts.models import User
from motcua.core.decorators import staff_required


def _staff(request: HttpRequest) -> User:
    """The signed-in staff account (`staff_required` has refused everybody else)."""
    assert isinstance(request.user, User)
    return request.user


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("backoffice:home")


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Đăng ký xác thực hai bước: secret + QR code, confirmed by a code; then the recovery
    codes, shown once."""
    user = _staff(request)
    if user.totp_enabled:
        return render(
            request,
            "accounts/totp_enrol.html",
            {"enrolled": True, "codes_left": totp.recovery_codes_left(user)},
        )
    form = TOTPCodeForm(request.POST if request.method == "POST" else None)
    secret = totp.pending_secret(user)
    if secret is None:
        _device, secret = totp.totp_start_enrolment(user)
    status = 200
    if request.method == "POST" and form.is_valid():
        codes = totp.totp_confirm_enrolment(user, form.cleaned_data["code"])
        if codes is not None:
            totp.mark_verified(request)
            return render(
                request, "accounts/totp_codes.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error("code", _("Mã xác thực không đúng hoặc đã hết hạn. Vui lòng thử lại."))
    if form.is_bound:
        status = 400
    uri = totp.provisioning_uri(user, secret)
    context = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr_svg": totp.qr_svg(uri),
        "next": _next(request),
        "enrolled": False,
    }
    return render(request, "accounts/totp_enrol.html", context, status=status)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of the log-in: the code of the authenticator app or a recovery code."""
    user = _staff(request)
    if not user.totp_enabled:
        return redirect(f"{reverse('totp:enrol')}?{urlencode({'next': _next(request)})}")
    if totp.is_verified(request):
        return redirect(_next(request))
    form = TOTPCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = totp.totp_verify(user, form.cleaned_data["code"])
        if result.ok:
            totp.mark_verified(request)
            if result.used_recovery_code:
                messages.warning(
                    request,
                    _("Bạn đã dùng một mã khôi phục (còn %(n)d mã). Mỗi mã chỉ dùng được một lần.")
                    % {"n": totp.recovery_codes_left(user)},
                )
            return redirect(_next(request))
        if result.locked_seconds:
            form.add_error(None, lockout.locked_message(result.locked_seconds, second_step=True))
        else:
            form.add_error(
                "code",
                _("Mã xác thực không đúng, đã dùng hoặc đã hết hạn. Còn %(n)d lần thử.")
                % {"n": result.tries_left},
            )
    if form.is_bound:
        status = 400
    return render(
        request, "accounts/totp_verify.html", {"form": form, "next": _next(request)}, status=status
    )
