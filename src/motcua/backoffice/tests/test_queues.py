"""Queue pages over HTTP: keyset "Xem tiếp" (full page and htmx), filters, query ceilings
(ANCHORS.md §D: no OFFSET, no COUNT(*) of the whole table on hot lists)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from tests.factories import (
    DossierFactory,
    FieldFactory,
    MembershipFactory,
    ProcedureVersionFactory,
    UnitFactory,
    UserFactory,
)

from motcua.dossiers.constants import State
from motcua.organisation.constants import Role


@pytest.fixture
def setup(db):
    unit = UnitFactory()
    user = UserFactory()
    MembershipFactory(user=user, unit=unit, role=Role.RECEIVER)
    MembershipFactory(user=user, unit=unit, role=Role.SPECIALIST)
    client = Client()
    client.force_login(user)
    return unit, user, client


def make_overdue(unit, n, version=None, **kw):
    version = version or ProcedureVersionFactory()
    late = timezone.now() - dt.timedelta(days=2)
    return [
        DossierFactory(
            unit=unit, procedure_version=version, due_at=late + dt.timedelta(hours=i % 2), **kw
        )
        for i in range(n)
    ]


def ids_in(html: str) -> list[int]:
    return [int(m) for m in re.findall(r'href="/ho-so/(\d+)/"', html)]


def test_queue_pages_follow_xem_tiep_without_gaps_or_duplicates(setup):
    unit, _user, client = setup
    dossiers = make_overdue(unit, 7)
    first = client.get("/hang-doi/overdue/", {"so_dong": 3})
    html = first.content.decode()
    assert first.status_code == 200 and "Quá hạn" in html and "Xem tiếp" in html
    seen = ids_in(html)
    assert len(seen) == 3
    link = re.search(r'hx-get="\?([^"]+)"', html)
    while link:
        query = link.group(1).replace("&amp;", "&")
        partial = client.get(f"/hang-doi/overdue/?{query}", HTTP_HX_REQUEST="true")
        body = partial.content.decode()
        assert "<html" not in body  # htmx gets the rows only, appended in place
        assert len(ids_in(body)) <= 3  # the page size travels with the cursor
        seen += ids_in(body)
        link = re.search(r'hx-get="\?([^"]+)"', body)
    assert sorted(seen) == sorted(d.pk for d in dossiers) and len(seen) == len(set(seen))


def test_queue_without_htmx_serves_the_next_page_as_a_full_page(setup):
    unit, _user, client = setup
    make_overdue(unit, 4)
    html = client.get("/hang-doi/overdue/", {"so_dong": 3}).content.decode()
    href = re.search(r'class="button" href="\?([^"]+)"', html).group(1).replace("&amp;", "&")
    page2 = client.get(f"/hang-doi/overdue/?{href}").content.decode()
    assert "<html" in page2 and len(ids_in(page2)) == 1


def test_queue_filter_by_field(setup):
    unit, _user, client = setup
    make_overdue(unit, 2)
    land = ProcedureVersionFactory(procedure__field=FieldFactory(code="DD", name="Đất đai"))
    wanted = make_overdue(unit, 1, version=land)
    html = client.get("/hang-doi/overdue/", {"linh_vuc": land.procedure.field_id}).content.decode()
    assert ids_in(html) == [wanted[0].pk]
    assert "Đất đai" in html


def test_bad_cursor_answers_400_and_unknown_queue_404(setup):
    _unit, _user, client = setup
    assert client.get("/hang-doi/overdue/", {"sau": "bad!!"}).status_code == 400
    assert client.get("/hang-doi/khong-co/").status_code == 404


@pytest.mark.parametrize("rows", [3, 40])
def test_queue_page_query_count_does_not_grow_with_rows(setup, rows, django_assert_max_num_queries):
    unit, _user, client = setup
    make_overdue(unit, rows, assignee=None)
    client.get("/hang-doi/overdue/")  # warm the calendar cache
    with django_assert_max_num_queries(10):
        response = client.get("/hang-doi/overdue/")
    assert len(ids_in(response.content.decode())) == rows


def test_home_shows_bounded_counts_with_links(setup, django_assert_max_num_queries):
    unit, _user, client = setup
    make_overdue(unit, 2)
    DossierFactory(
        unit=unit, procedure_version=ProcedureVersionFactory(), state=State.SUBMITTED, due_at=None
    )
    client.get("/")
    with django_assert_max_num_queries(17):
        html = client.get("/").content.decode()
    assert 'data-queue="overdue">2<' in html
    assert 'data-queue="to_receive">1<' in html
    assert 'href="/hang-doi/to_receive/"' in html


def test_other_commune_queues_are_empty(setup):
    unit, _user, _client = setup
    make_overdue(unit, 2)
    stranger = UserFactory()
    MembershipFactory(user=stranger, unit=UnitFactory(), role=Role.LEADER)
    client = Client()
    client.force_login(stranger)
    assert ids_in(client.get("/hang-doi/overdue/").content.decode()) == []


def test_the_intake_queue_shows_when_each_dossier_was_submitted(setup):
    """Waiting for receipt, a dossier has no appointment yet: the officer sees when it was
    submitted (local time) instead of an empty "Hẹn trả" column."""
    unit, _user, client = setup
    at = dt.datetime(2026, 11, 26, 1, 30, tzinfo=dt.UTC)  # 08:30 in Asia/Ho_Chi_Minh
    DossierFactory(unit=unit, state=State.SUBMITTED, submitted_at=at, due_at=None)
    html = client.get("/hang-doi/to_receive/").content.decode()
    assert "Nộp lúc" in html and "Hẹn trả" not in html
    assert "08:30 26/11/2026" in html
    overdue = client.get("/hang-doi/overdue/").content.decode()
    assert "Hẹn trả" in overdue and "Nộp lúc" not in overdue
