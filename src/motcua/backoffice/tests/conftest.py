"""Fixtures of the back-office tests."""

from __future__ import annotations

import pytest
from tests.factories import MembershipFactory, ProcedureVersionFactory, UnitFactory, UserFactory

from motcua.organisation.constants import Role, UnitKind


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The factories hash a password per user; the production hasher takes ~0.3 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    district = UnitFactory(name="Huyện Thử Nghiệm", kind=UnitKind.DISTRICT)
    commune = UnitFactory(name="Xã Hòa Bình", parent=district)
    other = UnitFactory(name="Xã Bên Cạnh", parent=district)
    version = ProcedureVersionFactory(procedure__name="Đăng ký khai sinh thử nghiệm")

    def member(unit, *roles, name):
        user = UserFactory(username=name, full_name=name.title())
        for role in roles:
            MembershipFactory(user=user, unit=unit, role=role)
        return user

    return {
        "district": district,
        "commune": commune,
        "other": other,
        "version": version,
        "procedure": version.procedure,
        "receiver": member(commune, Role.RECEIVER, name="tiepnhan"),
        "specialist": member(commune, Role.SPECIALIST, name="chuyenvien"),
        "leader": member(commune, Role.LEADER, name="lanhdao"),
        "district_staff": member(district, Role.SPECIALIST, name="huyen"),
        "stranger": member(other, Role.RECEIVER, Role.SPECIALIST, Role.LEADER, name="xakhac"),
    }
