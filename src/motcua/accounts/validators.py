"""Password validators with Vietnamese messages.

Django's Vietnamese catalogue translates every built-in validator message except the error of
`MinimumLengthValidator` (its new "%d character(s)" plural is missing), so that one message is
given here; the rule itself is Django's."""

from __future__ import annotations

from django.contrib.auth.password_validation import (
    MinimumLengthValidator as DjangoMinimumLengthValidator,
)
from django.utils.translation import gettext as _


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    def get_error_message(self) -> str:
        return _("Mật khẩu quá ngắn. Mật khẩu phải có ít nhất %(n)d ký tự.") % {
            "n": self.min_length
        }
