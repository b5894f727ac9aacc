"""Log-in form of the back office: Django's, with the lockout stated in Vietnamese."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts import lockout


class LockoutAuthenticationForm(AuthenticationForm):
    """Says "locked, try again in N minutes" instead of "wrong password" when the
    (username, IP) pair is locked, and how many tries remain before it would be."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy("Tên đăng nhập hoặc mật khẩu không đúng."),
    }

    def _attempt(self) -> lockout.Attempt:
        return lockout.Attempt.of(self.cleaned_data.get("username") or "", self.request)

    def clean(self) -> dict[str, Any]:
        if self.cleaned_data.get("username"):
            seconds = lockout.locked_for(self._attempt())
            if seconds:
                raise forms.ValidationError(lockout.locked_message(seconds), code="locked")
        return super().clean()

    def get_invalid_login_error(self) -> forms.ValidationError:
        attempt = self._attempt()
        seconds = lockout.locked_for(attempt)
        if seconds:
            return forms.ValidationError(lockout.locked_message(seconds), code="locked")
        left = lockout.max_failures() - lockout.failures(attempt)
        error = super().get_invalid_login_error()
        if 0 < left < lockout.max_failures():
            message = " ".join(str(m) for m in error.messages)
            return forms.ValidationError(
                f"{message} "
                + _("Còn %(n)d lần thử trước khi tài khoản bị tạm khóa.") % {"n": left},
                code="invalid_login",
            )
        return error


class TOTPCodeForm(forms.Form):
    """The 6-digit code of the authenticator app, or (verification only) a recovery code."""

    code = forms.CharField(
        label=gettext_lazy("Mã xác thực"),
        max_length=32,
        strip=True,
        error_messages={"required": gettext_lazy("Vui lòng nhập mã xác thực.")},
    )
