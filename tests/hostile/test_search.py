"""SQL and pattern tricks in search boxes and filters: `' OR 1=1 --`, `%`, `_`, JSON operators
and very long strings are searched for literally (the ORM binds parameters and escapes LIKE
wildcards) — they never widen a result to "everything"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from motcua.catalogue.selectors import procedure_search
from tests.factories import ProcedureVersionFactory, UserFactory
from tests.matrix_roles import RECEIVER_A
from tests.test_security_matrix import build_world

TRICKS = ["' OR 1=1 --", "%", "_", "%%", "__%", '{"$gt":""}', "' OR ''='", "A" * 5000, "\\"]


@pytest.fixture
def catalogue(db):
    today = timezone.localdate()
    for name in ("Đăng ký khai sinh", "Đăng ký kết hôn", "Cấp bản sao trích lục"):
        ProcedureVersionFactory(procedure__name=name, valid_from=today - dt.timedelta(days=30))


@pytest.mark.parametrize("query", TRICKS)
def test_catalogue_search_takes_tricks_literally(catalogue, query):
    assert list(procedure_search(query)) == []


def test_a_normal_search_still_finds(catalogue):
    assert [p.name for p in procedure_search("khai sinh")] == ["Đăng ký khai sinh"]


@pytest.mark.parametrize("query", TRICKS)
def test_public_catalogue_and_api_list_nothing_for_tricks(catalogue, query):
    client = Client()
    page = client.get("/cong-dan/thu-tuc/", {"q": query})
    assert page.status_code in (200, 400)
    assert "Đăng ký kết hôn" not in page.content.decode()
    api = client.get("/api/v1/procedures", {"q": query})
    assert api.status_code in (200, 400, 422)
    if api.status_code == 200:
        assert api.json()["items"] == []


@pytest.mark.parametrize("query", TRICKS)
def test_back_office_search_and_queue_filters(db, query):
    world = build_world()
    client = Client()
    client.force_login(world.users[RECEIVER_A])
    found = client.get("/tiep-nhan/thu-tuc/", {"q": query})
    assert found.status_code == 200
    assert "Đăng ký khai sinh ma trận" not in found.content.decode()
    queue = client.get(
        "/hang-doi/to_receive/",
        {"linh_vuc": query, "thu_tuc": query, "don_vi": query, "sap_xep": query, "sau": query},
    )
    assert queue.status_code in (200, 400)


def test_login_form_is_not_an_injection_point(db):
    UserFactory(username="tk_that")
    client = Client()
    for username in ("' OR 1=1 --", "tk_that' --", '{"$gt":""}', "%", "tk_th_t"):
        response = client.post("/dang-nhap/", {"username": username, "password": "' OR 1=1 --"})
        assert response.status_code == 200  # the form again, with its error
        assert "_auth_user_id" not in client.session


def test_echoed_search_text_is_escaped(catalogue):
    from .values import XSS, XSS_ESCAPED

    page = Client().get("/cong-dan/thu-tuc/", {"q": XSS}).content.decode()
    assert XSS not in page
    assert XSS_ESCAPED in page  # kept in the search box, as typed, but inert
