"""Failed log-in lockout: after `MOTCUA_LOGIN_MAX_FAILURES` failures for one username from one
IP address within `MOTCUA_LOGIN_LOCK_MINUTES` minutes, that pair is locked for
`MOTCUA_LOGIN_LOCK_MINUTES` minutes (NĐ 13/2023 art. 26–27: technical protection measures).

State lives in the Django cache. With several application processes the cache must be shared
(Redis or the database cache); the default per-process `LocMemCache` locks each process alone.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext

PREFIX = "motcua:login"


def max_failures() -> int:
    return int(getattr(settings, "MOTCUA_LOGIN_MAX_FAILURES", 5))


def lock_seconds() -> int:
    return int(getattr(settings, "MOTCUA_LOGIN_LOCK_MINUTES", 15)) * 60


@dataclass(frozen=True)
class Attempt:
    """Who tries to log in: a username (case-insensitive) from an IP address."""

    username: str
    ip: str

    @classmethod
    def of(cls, username: str, request: HttpRequest | None) -> Attempt:
        ip = str(request.META.get("REMOTE_ADDR") or "-") if request is not None else "-"
        return cls(username=(username or "").strip().lower(), ip=ip)

    @property
    def key(self) -> str:
        digest = hashlib.sha256(f"{self.username}\n{self.ip}".encode()).hexdigest()[:40]
        return f"{PREFIX}:{digest}"


def locked_for(attempt: Attempt) -> int:
    """Seconds the pair stays locked (0 when not locked)."""
    until = cache.get(f"{attempt.key}:lock")
    if until is None:
        return 0
    return max(0, math.ceil(float(until) - time.time()))


def failures(attempt: Attempt) -> int:
    return int(cache.get(f"{attempt.key}:fails") or 0)


def register_failure(attempt: Attempt) -> int:
    """Count one failure; lock the pair when it reaches the maximum. Returns the count."""
    fails_key = f"{attempt.key}:fails"
    cache.add(fails_key, 0, lock_seconds())  # fixed window opened by the first failure
    try:
        count = cache.incr(fails_key)
    except ValueError:  # expired between add and incr
        cache.set(fails_key, 1, lock_seconds())
        count = 1
    if count >= max_failures():
        cache.set(f"{attempt.key}:lock", time.time() + lock_seconds(), lock_seconds())
        cache.delete(fails_key)
    return count


def clear(attempt: Attempt) -> None:
    cache.delete_many([f"{attempt.key}:fails", f"{attempt.key}:lock"])


def locked_message(seconds: int, *, second_step: bool = False) -> str:
    """The lockout's message: of the password log-in, or (`second_step`) of the two-step
    verification code, which is counted apart (motcua.accounts.totp)."""
    n, m = max_failures(), max(1, math.ceil(seconds / 60))
    if second_step:
        locked = ngettext(
            "Tài khoản tạm thời bị khóa do nhập sai mã xác thực hai bước %(n)d lần.",
            "Tài khoản tạm thời bị khóa do nhập sai mã xác thực hai bước %(n)d lần.",
            n,
        )
    else:
        locked = ngettext(
            "Tài khoản tạm thời bị khóa do đăng nhập sai %(n)d lần.",
            "Tài khoản tạm thời bị khóa do đăng nhập sai %(n)d lần.",
            n,
        )
    retry = ngettext(
        "Vui lòng thử lại sau %(m)d phút hoặc liên hệ quản trị đơn vị.",
        "Vui lòng thử lại sau %(m)d phút hoặc liên hệ quản trị đơn vị.",
        m,
    )
    return f"{locked % {'n': n}} {retry % {'m': m}}"
