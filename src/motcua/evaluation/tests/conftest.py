"""Fixtures of the evaluation tests: a commune inside a district, another commune, officers."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tests.factories import MembershipFactory, UnitFactory, UserFactory

from motcua.organisation.constants import Role, UnitKind
from motcua.organisation.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=VN)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """Factories hash a password per user; the slow default hasher is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def district(db: Any) -> Unit:
    return UnitFactory(code="EVD", name="Huyện Đánh Giá", kind=UnitKind.DISTRICT)


@pytest.fixture
def commune(district: Unit) -> Unit:
    return UnitFactory(code="EVX", name="Xã Đánh Giá", parent=district)


@pytest.fixture
def other_commune(db: Any) -> Unit:
    return UnitFactory(code="EVK", name="Xã Khác Hẳn")


@pytest.fixture
def officer(commune: Unit) -> Any:
    user = UserFactory(username="eva-officer", full_name="Lê Thị Hoa")
    MembershipFactory(user=user, unit=commune, role=Role.SPECIALIST)
    return user
