"""Error pages (motcua.config.errors): Vietnamese, with the reason the view gave, in the layout
of the side the user is on; problem details under /api/ and Open311's array under /open311/,
also for addresses that match no endpoint. Django's defaults were English and dropped the
reason ("403 Forbidden")."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.http import Http404
from django.test import Client, RequestFactory

from motcua.config import errors
from motcua.dossiers.tests.conftest import make_commune

pytestmark = pytest.mark.django_db


def test_a_refused_officer_reads_the_views_reason_in_the_back_office(client: Client) -> None:
    commune = make_commune()
    client.force_login(commune.specialist)  # not a receiver
    response = client.get("/tiep-nhan/moi/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Chỉ cán bộ tiếp nhận (Một cửa) được tiếp nhận hồ sơ." in page
    assert "Không có quyền truy cập" in page
    assert 'action="/dang-xuat/"' in page  # the back office's layout (log-out form)
    assert '<html lang="vi">' in page


def test_an_unknown_address_is_a_vietnamese_portal_page_for_a_visitor(client: Client) -> None:
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page and "Cổng công dân" in page
    assert "Not Found" not in page


def test_an_officers_unknown_queue_shows_the_views_message(client: Client) -> None:
    commune = make_commune()
    client.force_login(commune.receiver)
    response = client.get("/hang-doi/khong-co/")
    assert response.status_code == 404
    assert "Không có hàng đợi này." in response.content.decode()


@pytest.mark.parametrize(
    ("exception", "shown"),
    [
        (Http404("Không tìm thấy hồ sơ."), "Không tìm thấy hồ sơ."),
        (Http404("No ReformPlan matches the given query."), ""),  # Django's, English
        (Http404(), ""),
        (None, ""),
    ],
)
def test_which_reasons_are_shown(exception: Exception | None, shown: str) -> None:
    assert errors._reason(exception) == shown


def test_an_unknown_api_address_answers_problem_details(client: Client) -> None:
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == 404 and body["instance"] == "/api/v1/khong-co"
    assert body["detail"] == "Địa chỉ này không có trong hệ thống hoặc đã bị thay đổi."


def test_an_unknown_open311_address_answers_open311_errors(client: Client) -> None:
    response = client.get("/open311/v2/khong-co.json")
    assert response.status_code == 404
    [error] = json.loads(response.content)
    assert error["code"] == 404 and "không có trong hệ thống" in error["description"]


def test_a_stale_form_says_what_to_do_and_saves_nothing() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/dang-nhap/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Không gửi được biểu mẫu" in page and "tải lại trang" in page
    assert "CSRF" not in page


def test_a_foreign_host_is_a_vietnamese_400(client: Client) -> None:
    response = client.get("/", HTTP_HOST="ke-gia-mao.example")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_the_500_page_needs_no_database(django_assert_num_queries) -> None:
    request = RequestFactory().get("/ho-so/1/")
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Lỗi hệ thống" in page and "không có thay đổi nào được ghi" in page


def test_error_pages_in_english_for_a_user_who_chose_english(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/khong-co-trang-nay/").content.decode()
    assert "Page not found" in page and '<html lang="en">' in page
