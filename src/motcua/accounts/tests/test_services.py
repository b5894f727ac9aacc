"""Accounts: staff and citizens are separate kinds of account."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.accounts.models import UserKind
from motcua.accounts.services import user_create_citizen, user_create_staff
from motcua.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    """Password hashing is not under test here; keep the suite fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_create_staff_and_citizen() -> None:
    staff = user_create_staff(username="canbo", password="Hoa-Sen-2023!", full_name="Cán Bộ")
    citizen = user_create_citizen(username="dan", password="Cay-Tre-2023!", full_name="Dân")
    assert staff.kind == UserKind.STAFF and not staff.is_superuser
    assert citizen.kind == UserKind.CITIZEN and citizen.is_citizen
    assert citizen.check_password("Cay-Tre-2023!")


@pytest.mark.parametrize(
    ("username", "password"),
    [("canbo", "123"), ("canbo", "password123"), ("", "Hoa-Sen-2023!")],
    ids=["too-short", "common", "no-username"],
)
def test_password_rules_and_username(username: str, password: str) -> None:
    with pytest.raises(DomainError):
        user_create_staff(username=username, password=password, full_name="X")


def test_duplicate_username_refused() -> None:
    user_create_citizen(username="dan", password="Cay-Tre-2023!", full_name="Dân")
    with pytest.raises(DomainError, match="đã được sử dụng"):
        user_create_staff(username="DAN", password="Hoa-Sen-2023!", full_name="X")
