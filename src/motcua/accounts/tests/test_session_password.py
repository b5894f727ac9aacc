"""Session expiry and password rules (NĐ 13/2023/NĐ-CP art. 26–27: technical protection
measures; messages in Vietnamese, STYLE.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation
from tests.factories import UserFactory

from motcua.accounts.models import User

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture(autouse=True)
def fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_session_lasts_at_most_one_working_day_and_ends_with_the_browser():
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


@pytest.mark.django_db
def test_expired_session_is_sent_back_to_the_login_page(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    UserFactory(username="hh_canbo")
    client = Client()
    assert (
        client.post("/dang-nhap/", {"username": "hh_canbo", "password": PASSWORD}).status_code
        == 302
    )
    assert client.get("/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


@pytest.mark.django_db
def test_session_cookie_has_no_persistent_expiry():
    UserFactory(username="hh_canbo2")
    client = Client()
    response = client.post("/dang-nhap/", {"username": "hh_canbo2", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ngan1!", "Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 10 ký tự."),
        ("1234567890123", "Mật khẩu này hoàn toàn là số."),
        ("password123", "Mật khẩu này quá phổ biến."),
        ("nguyenvanan2", "Mật khẩu quá giống với Tên đăng nhập."),
    ],
    ids=["min-length", "numeric", "common", "similar-to-username"],
)
def test_every_password_rule_answers_in_vietnamese(password, message):
    user = User(username="nguyenvanan", full_name="Nguyễn Văn An")
    with translation.override("vi"), pytest.raises(ValidationError) as info:
        validate_password(password, user=user)
    assert message in info.value.messages


def test_a_good_password_passes():
    validate_password("Tre-xanh-Bo-song-2025", user=User(username="nguyenvanan"))
