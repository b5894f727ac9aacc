"""Shared wording: "try again in …" and the lockout's message, in Vietnamese (no plural) and
English (singular and plural)."""

from __future__ import annotations

import pytest
from django.utils import translation

from motcua.accounts.lockout import locked_message
from motcua.core.text import try_again_in


@pytest.mark.parametrize(
    ("seconds", "vi", "en"),
    [
        (0.2, "Vui lòng thử lại sau 1 giây.", "Please try again in 1 second."),
        (18, "Vui lòng thử lại sau 18 giây.", "Please try again in 18 seconds."),
        (60, "Vui lòng thử lại sau 1 phút.", "Please try again in 1 minute."),
        (61, "Vui lòng thử lại sau 2 phút.", "Please try again in 2 minutes."),
        (900, "Vui lòng thử lại sau 15 phút.", "Please try again in 15 minutes."),
    ],
)
def test_try_again_in(seconds: float, vi: str, en: str) -> None:
    with translation.override("vi"):
        assert try_again_in(seconds) == vi
    with translation.override("en"):
        assert try_again_in(seconds) == en


def test_lockout_message_plurals(settings: object) -> None:
    settings.MOTCUA_LOGIN_MAX_FAILURES = 1  # type: ignore[attr-defined]
    with translation.override("en"):
        one = locked_message(60)
        codes = locked_message(900, second_step=True)
    assert one == (
        "The account is temporarily locked after 1 failed sign-in attempt. "
        "Please try again in 1 minute or contact your unit administrator."
    )
    assert codes.startswith("The account is temporarily locked after 1 wrong two-step")
    assert codes.endswith("in 15 minutes or contact your unit administrator.")
    settings.MOTCUA_LOGIN_MAX_FAILURES = 5  # type: ignore[attr-defined]
    with translation.override("vi"):
        assert locked_message(900) == (
            "Tài khoản tạm thời bị khóa do đăng nhập sai 5 lần. "
            "Vui lòng thử lại sau 15 phút hoặc liên hệ quản trị đơn vị."
        )
