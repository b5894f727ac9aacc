"""Invalid and extreme dates in every date filter and date field, with everything else valid
(so the value reaches the computation): 31/02, month 13, year 0001 and 9999, time zones.
Expected: no server error, a Vietnamese message where the date is refused."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.test import Client

from tests.matrix_roles import RECEIVER_A
from tests.test_security_matrix import build_world

BAD_DATES = {
    "feb-31": "31/02/2025",
    "month-13": "2025-13-01",
    "year-0001": "01/01/0001",
    "year-9999": "31/12/9999",
    "iso-with-zone": "2025-03-10T09:00:00+14:00",
    "words": "hôm nay",
}
RANGE_MESSAGE = "nằm ngoài khoảng cho phép"
INVALID_MESSAGES = ("Nhập một ngày hợp lệ", "Ngày không hợp lệ", RANGE_MESSAGE)


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.fixture
def world(db):
    world = build_world()
    client = Client(raise_request_exception=False)
    client.force_login(world.users[RECEIVER_A])
    return world, client


def _pages(world):
    common = world.values["__common__"]
    unit_id, unit_code = common["unit_id"], common["unit_code"]
    return {
        "bieu06": ("/thong-ke/", {"unit": unit_id, "date_from": "01/01/2025"}, "date_to"),
        "bieu06-from": ("/thong-ke/", {"unit": unit_id, "date_to": "30/06/2025"}, "date_from"),
        "drill-down": (
            "/thong-ke/ho-so/",
            {"unit": unit_id, "date_from": "01/01/2025", "figure": "received_total"},
            "date_to",
        ),
        "evaluation": (f"/danh-gia/{unit_code}/", {"tu_ngay": "01/01/2025"}, "den_ngay"),
        "evaluation-from": (f"/danh-gia/{unit_code}/", {"den_ngay": "30/06/2025"}, "tu_ngay"),
    }


@pytest.mark.parametrize("date_key", list(BAD_DATES))
@pytest.mark.parametrize(
    "page", ["bieu06", "bieu06-from", "drill-down", "evaluation", "evaluation-from"]
)
def test_date_filters_refuse_bad_dates_in_vietnamese(world, page, date_key):
    world, client = world
    url, params, field = _pages(world)[page]
    response = client.get(url, {**params, field: BAD_DATES[date_key]})
    assert response.status_code < 500, response.status_code
    body = response.content.decode()
    if response.status_code == 200 and "text/html" in response["Content-Type"]:
        assert any(m in body for m in INVALID_MESSAGES), body[:300]


@pytest.mark.parametrize("date_key", ["year-0001", "year-9999", "feb-31"])
def test_reform_plan_form_refuses_bad_dates(world, date_key):
    world, client = world
    code = world.values["__common__"]["unit_code"]
    response = client.post(
        f"/cai-cach/{code}/ke-hoach/",
        {
            "number": "02/KH-UBND",
            "issued_on": BAD_DATES[date_key],
            "title": "Kế hoạch thử",
            "area": "",
        },
    )
    assert response.status_code < 500
    assert any(m in response.content.decode() for m in INVALID_MESSAGES)
