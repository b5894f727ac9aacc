"""Forms of the citizen portal (the e-form itself is rendered from JSON Schema, see eform.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.accounts.forms import LockoutAuthenticationForm
from motcua.core.errors import DomainError


class LookupForm(forms.Form):
    ma = forms.CharField(label=_("Mã hồ sơ"), max_length=64)
    secret = forms.CharField(
        label=_("Mã tra cứu (in trên giấy tiếp nhận)"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class ContactForm(forms.Form):
    contact = forms.CharField(
        label=_("Số điện thoại di động hoặc thư điện tử"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "email"}),
    )


class SignupForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    password1 = forms.CharField(
        label=_("Mật khẩu (ít nhất 10 ký tự)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        return data


class CitizenLoginForm(LockoutAuthenticationForm):
    """Sign in with the phone number or e-mail address used at sign-up, and the password."""

    username = forms.CharField(
        label=_("Số điện thoại hoặc thư điện tử"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean_username(self) -> str:
        from motcua.portal.services import normalise_contact

        raw = self.cleaned_data.get("username", "")
        try:
            return normalise_contact(raw)[1]
        except DomainError:
            return str(raw).strip()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not getattr(user, "is_citizen", False):
            raise forms.ValidationError(
                _("Tài khoản cán bộ đăng nhập tại trang quản lý, không tại Cổng công dân."),
                code="staff",
            )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ (không bắt buộc)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("Tôi xác nhận rút hồ sơ này. Hồ sơ đã rút sẽ không được giải quyết tiếp."),
        required=True,
        error_messages={"required": _("Vui lòng đánh dấu xác nhận rút hồ sơ.")},
    )
