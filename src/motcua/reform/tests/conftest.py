"""Fixtures of the reform app: a commune with staff and dossiers in the first half of 2023."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tests.factories import DossierFactory, MembershipFactory, UnitFactory, UserFactory

from motcua.dossiers.constants import Channel, State
from motcua.dossiers.models import DossierEvent
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=VN)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """Factories hash a password per user; the slow default hasher is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def commune(db: Any) -> Unit:
    district = UnitFactory(code="DTK", name="Huyện Tứ Kỳ", kind="district")
    return UnitFactory(code="XTS", name="Xã Tái Sơn", parent=district)


@pytest.fixture
def other_commune(db: Any) -> Unit:
    return UnitFactory(code="XKH", name="Xã Khác")


@pytest.fixture
def leader(commune: Unit) -> Any:
    user = UserFactory(username="chutich", full_name="Nguyễn Thế Thọ")
    MembershipFactory(user=user, unit=commune, role=Role.LEADER)
    return user


@pytest.fixture
def clerk(commune: Unit) -> Any:
    user = UserFactory(username="vanphong")
    MembershipFactory(user=user, unit=commune, role=Role.SPECIALIST)
    return user


@pytest.fixture
def dossiers_h1_2023(commune: Unit) -> list[Any]:
    """A mix covering every Biểu 06 column for 01/01–30/06/2023 (calendar H1)."""
    made = [
        # carried over from 2022, finished early in January
        DossierFactory(
            unit=commune,
            channel=Channel.COUNTER,
            state=State.RETURNED,
            received_at=at(2022, 12, 20),
            due_at=at(2023, 1, 10, 17),
            finished_at=at(2023, 1, 5),
        ),
        # carried over and still open at the end of June: pending overdue
        DossierFactory(
            unit=commune,
            channel=Channel.ONLINE,
            state=State.IN_PROCESS,
            received_at=at(2022, 12, 28),
            due_at=at(2023, 1, 5, 17),
        ),
        # online, early
        DossierFactory(
            unit=commune,
            channel=Channel.ONLINE,
            state=State.RETURNED,
            received_at=at(2023, 2, 1),
            due_at=at(2023, 2, 6, 17),
            finished_at=at(2023, 2, 2),
        ),
        DossierFactory(
            unit=commune,
            channel=Channel.ONLINE,
            state=State.RESULT_READY,
            received_at=at(2023, 3, 1),
            due_at=at(2023, 3, 6, 17),
            finished_at=at(2023, 3, 6, 10),
        ),
        # counter, late, with an apology letter
        DossierFactory(
            unit=commune,
            channel=Channel.COUNTER,
            state=State.RETURNED,
            received_at=at(2023, 4, 3),
            due_at=at(2023, 4, 6, 17),
            finished_at=at(2023, 4, 12),
        ),
        # postal, rejected after review on time
        DossierFactory(
            unit=commune,
            channel=Channel.POSTAL,
            state=State.REJECTED_AFTER_REVIEW,
            received_at=at(2023, 5, 2),
            due_at=at(2023, 5, 5, 17),
            finished_at=at(2023, 5, 4),
        ),
        # online, withdrawn by the citizen
        DossierFactory(
            unit=commune,
            channel=Channel.ONLINE,
            state=State.WITHDRAWN,
            received_at=at(2023, 5, 10),
            due_at=at(2023, 5, 15, 17),
            closed_at=at(2023, 5, 11),
        ),
        # online, pending within deadline at the end of the period
        DossierFactory(
            unit=commune,
            channel=Channel.ONLINE,
            state=State.IN_PROCESS,
            received_at=at(2023, 6, 29),
            due_at=at(2023, 7, 4, 17),
        ),
        # next period: not counted
        DossierFactory(
            unit=commune,
            channel=Channel.ONLINE,
            state=State.IN_PROCESS,
            received_at=at(2023, 7, 3),
            due_at=at(2023, 7, 6, 17),
        ),
    ]
    DossierEvent.objects.create(dossier=made[4], seq=1, at=at(2023, 4, 6, 16), action="apology")
    return made
