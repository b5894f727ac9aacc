"""The back office's navigation offers only the pages the user's roles open: a read-only
supervisor is not led to pages that answer 403 (backoffice/context_processors.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.factories import MembershipFactory, UnitFactory, UserFactory

from motcua.organisation.constants import Role

pytestmark = pytest.mark.django_db

LINKS = {
    "intake": 'href="/tiep-nhan/moi/"',
    "assigned": 'href="/hang-doi/assigned_to_me/"',
    "reform": 'href="/cai-cach/"',
    "webhooks": 'href="/tich-hop/webhook/"',
}
# (roles held, the role-bound links shown); every staff member also gets the reading pages.
CASES = [
    ((Role.SUPERVISOR,), set()),
    ((Role.RECEIVER,), {"intake", "reform"}),
    ((Role.SPECIALIST,), {"assigned", "reform"}),
    ((Role.LEADER,), {"assigned", "reform"}),
    ((Role.UNIT_ADMIN,), {"reform", "webhooks"}),
    ((Role.RECEIVER, Role.LEADER), {"intake", "assigned", "reform"}),
]


@pytest.mark.parametrize(("roles", "shown"), CASES, ids=["+".join(c[0]) for c in CASES])
def test_links_follow_the_roles(roles: tuple[str, ...], shown: set[str]) -> None:
    user = UserFactory()
    unit = UnitFactory()
    for role in roles:
        MembershipFactory(user=user, unit=unit, role=role)
    client = Client()
    client.force_login(user)
    page = client.get("/").content.decode()
    nav = page[page.index('<nav class="nav">') : page.index("</nav>")]
    assert {name for name, link in LINKS.items() if link in nav} == shown
    assert 'href="/thong-ke/"' in nav and 'href="/hang-doi/overdue/"' in nav
    for name in shown:  # each link shown opens its page
        path = LINKS[name].removeprefix('href="').removesuffix('"')
        assert client.get(path, follow=True).status_code == 200, name
