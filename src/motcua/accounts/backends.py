"""Authentication backend with the failed log-in lockout (`motcua.accounts.lockout`).

It guards every log-in form (back office, citizen portal, /quan-tri/) because they all go
through `django.contrib.auth.authenticate`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from motcua.accounts import lockout


class LockoutModelBackend(ModelBackend):
    """Django's `ModelBackend`, refusing a locked (username, IP) pair before checking the
    password and counting each failure. A failure raises `PermissionDenied`, which makes
    `authenticate()` stop (no second password check by another backend) and return None."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        attempt = lockout.Attempt.of(username, request)
        seconds = lockout.locked_for(attempt)
        if seconds:
            raise PermissionDenied(lockout.locked_message(seconds))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            lockout.register_failure(attempt)
            raise PermissionDenied
        lockout.clear(attempt)
        return user
