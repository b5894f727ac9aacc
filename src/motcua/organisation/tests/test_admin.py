"""Django admin (/quan-tri/): units searched by folded name, saved through the services."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.organisation.constants import UnitKind
from motcua.organisation.models import Unit
from motcua.organisation.services import unit_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_unit_search_is_accent_insensitive(admin_client: Any) -> None:
    p = unit_create(code="30", name="Tỉnh Hải Dương", kind=UnitKind.PROVINCE)
    unit_create(code="11098", name="Xã Tái Sơn", kind=UnitKind.COMMUNE, parent=p)
    response = admin_client.get("/quan-tri/organisation/unit/", {"q": "TAI SON"})
    assert response.status_code == 200
    assert "Xã Tái Sơn" in response.content.decode()
    assert "Tỉnh Hải Dương" not in response.content.decode().split("result_list")[-1]


def test_unit_move_in_admin_keeps_paths(admin_client: Any) -> None:
    a = unit_create(code="A", name="Tỉnh A", kind=UnitKind.PROVINCE)
    b = unit_create(code="B", name="Tỉnh B", kind=UnitKind.PROVINCE)
    d = unit_create(code="D", name="Huyện D", kind=UnitKind.DISTRICT, parent=a)
    unit_create(code="C", name="Xã C", kind=UnitKind.COMMUNE, parent=d)
    data = {
        "code": "D",
        "name": "Huyện D",
        "kind": "district",
        "parent": b.pk,
        "valid_from": "",
        "valid_to": "",
        "agency_identifier": "",
        "address": "",
    }
    response = admin_client.post(f"/quan-tri/organisation/unit/{d.pk}/change/", data)
    assert response.status_code == 302
    assert Unit.objects.get(code="C").path == "/B/D/C/"
    # a cycle is refused by the form, nothing changes
    data["parent"] = Unit.objects.get(code="C").pk
    response = admin_client.post(f"/quan-tri/organisation/unit/{d.pk}/change/", data)
    assert response.status_code == 200
    assert Unit.objects.get(code="D").path == "/B/D/"


def test_user_admin_shows_memberships(admin_client: Any) -> None:
    response = admin_client.get("/quan-tri/accounts/user/add/")
    assert response.status_code == 200
    user = admin_client.get("/quan-tri/accounts/user/").context["cl"].result_list[0]
    page = admin_client.get(f"/quan-tri/accounts/user/{user.pk}/change/").content.decode()
    assert "vai trò tại các đơn vị" in page.lower()
