"""The authorisation layer (selectors): role matrix as a table (DOMAIN.md §1.1, NĐ61 art. 10(4))."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import User, UserKind
from motcua.core.errors import DomainError, PermissionDenied
from motcua.organisation.constants import Role, UnitKind
from motcua.organisation.models import Unit
from motcua.organisation.selectors import (
    require_role,
    units_for_role,
    user_has_role,
    user_roles,
    visible_unit_ids,
)
from motcua.organisation.services import membership_grant, membership_revoke, unit_create

pytestmark = pytest.mark.django_db


def UserFactory(*, username: str, kind: str = UserKind.STAFF) -> User:
    """A user without password hashing (keeps the table of cases fast)."""
    return User.objects.create(username=username, kind=kind)


R, S, L, A, V = Role.RECEIVER, Role.SPECIALIST, Role.LEADER, Role.UNIT_ADMIN, Role.SUPERVISOR


@pytest.fixture
def world() -> dict[str, object]:
    prov = unit_create(code="30", name="Tỉnh Hải Dương", kind=UnitKind.PROVINCE)
    dist = unit_create(code="298", name="Huyện Tứ Kỳ", kind=UnitKind.DISTRICT, parent=prov)
    ts = unit_create(code="11098", name="Xã Tái Sơn", kind=UnitKind.COMMUNE, parent=dist)
    qp = unit_create(code="11101", name="Xã Quang Phục", kind=UnitKind.COMMUNE, parent=dist)
    other = unit_create(code="01", name="Thành phố Hà Nội", kind=UnitKind.PROVINCE)
    users: dict[str, User] = {}
    for name, role, unit in [
        ("receiver", R, ts),
        ("specialist", S, ts),
        ("leader", L, ts),
        ("unit_admin", A, ts),
        ("supervisor", V, prov),
        ("other_commune", R, qp),
    ]:
        users[name] = UserFactory(username=name)
        membership_grant(user=users[name], unit=unit, role=role)
    users["citizen"] = UserFactory(username="citizen", kind=UserKind.CITIZEN)
    return {"units": {"ts": ts, "qp": qp, "prov": prov, "dist": dist, "other": other}, **users}


# (user, unit, role asked) -> expected
MATRIX = [
    ("receiver", "ts", R, True),
    ("receiver", "ts", S, False),
    ("receiver", "qp", R, False),
    ("specialist", "ts", S, True),
    ("specialist", "ts", L, False),
    ("leader", "ts", L, True),
    ("leader", "ts", R, False),
    ("unit_admin", "ts", A, True),
    ("unit_admin", "qp", A, False),
    ("unit_admin", "ts", L, False),
    ("supervisor", "ts", V, True),
    ("supervisor", "dist", V, True),
    ("supervisor", "prov", V, True),
    ("supervisor", "other", V, False),
    ("supervisor", "ts", R, False),
    ("citizen", "ts", R, False),
    ("citizen", "ts", V, False),
    ("other_commune", "ts", R, False),
    ("other_commune", "qp", R, True),
]


@pytest.mark.parametrize(
    ("who", "where", "role", "expected"),
    MATRIX,
    ids=[f"ND61-art10-{w}-{u}-{r}" for w, u, r, _ in MATRIX],
)
def test_role_matrix(world: dict, who: str, where: str, role: str, expected: bool) -> None:
    user, unit = world[who], world["units"][where]
    assert user_has_role(user, unit, role) is expected
    if expected:
        require_role(user, unit, role)
    else:
        with pytest.raises(PermissionDenied):
            require_role(user, unit, role)


VISIBLE = [
    ("receiver", {"ts"}),
    ("leader", {"ts"}),
    ("supervisor", {"prov", "dist", "ts", "qp"}),
    ("other_commune", {"qp"}),
    ("citizen", set()),
]


@pytest.mark.parametrize(("who", "expected"), VISIBLE, ids=[v[0] for v in VISIBLE])
def test_visible_unit_ids(world: dict, who: str, expected: set[str]) -> None:
    ids = {world["units"][k].pk for k in expected}
    assert visible_unit_ids(world[who]) == ids


def test_units_for_role_supervisor_covers_subtree(world: dict) -> None:
    codes = set(units_for_role(world["supervisor"], V).values_list("code", flat=True))
    assert codes == {"30", "298", "11098", "11101"}
    assert list(units_for_role(world["supervisor"], R)) == []
    assert list(units_for_role(world["citizen"])) == []
    assert [u.code for u in units_for_role(world["leader"], L, S)] == ["11098"]


def test_no_roles_means_an_acting_role(world: dict) -> None:
    ts = world["units"]["ts"]
    assert user_has_role(world["receiver"], ts)
    assert user_has_role(world["unit_admin"], ts)
    assert not user_has_role(world["supervisor"], ts)  # reads only
    assert list(units_for_role(world["supervisor"])) == []


def test_roles_cached_per_user_object(world: dict) -> None:
    user = User.objects.get(username="receiver")
    with CaptureQueriesContext(connection) as ctx:
        user_roles(user)
        user_has_role(user, world["units"]["ts"], R)
        user_has_role(user, world["units"]["qp"], R)
    assert len(ctx.captured_queries) == 1
    assert user_roles(user) == {world["units"]["ts"].pk: {R}}


def test_grant_and_revoke_refresh_cache(world: dict) -> None:
    user, qp = world["receiver"], world["units"]["qp"]
    assert not user_has_role(user, qp, S)
    membership_grant(user=user, unit=qp, role=S)
    assert user_has_role(user, qp, S)
    assert membership_revoke(user=user, unit=qp, role=S) is True
    assert not user_has_role(user, qp, S)
    assert membership_revoke(user=user, unit=qp, role=S) is False


def test_citizen_cannot_be_granted_a_staff_role(world: dict) -> None:
    with pytest.raises(DomainError, match="công dân"):
        membership_grant(user=world["citizen"], unit=world["units"]["ts"], role=R)


def test_anonymous_user_has_no_role(world: dict) -> None:
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not user_has_role(anonymous, world["units"]["ts"])
    assert visible_unit_ids(anonymous) == set()
    assert list(units_for_role(anonymous)) == []


def test_inactive_staff_has_no_role(world: dict) -> None:
    user = User.objects.get(username="leader")
    user.is_active = False
    assert not user_has_role(user, world["units"]["ts"], L)


def test_successor_staff_read_merged_communes(world: dict) -> None:
    """Two-tier 2025 (DOMAIN.md §0.1): the new commune reads the archives of the old ones."""
    from motcua.organisation.services import unit_merge

    new = unit_create(code="N1", name="Xã mới", kind=UnitKind.COMMUNE)
    unit_merge(
        predecessors=[world["units"]["ts"], world["units"]["qp"]],
        successor=new,
        on=__import__("datetime").date(2025, 7, 1),
    )
    staff = UserFactory(username="newstaff")
    membership_grant(user=staff, unit=new, role=R)
    assert visible_unit_ids(staff) == {new.pk, world["units"]["ts"].pk, world["units"]["qp"].pk}
    assert not user_has_role(staff, world["units"]["ts"], R)  # reading only, not acting
    assert Unit.objects.count() == 6
