"""Failed log-in lockout (NĐ 13/2023/NĐ-CP art. 26–27: technical protection measures) and
Vietnamese password messages."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from tests.factories import UserFactory

from motcua.accounts.models import UserKind

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture(autouse=True)
def clean(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MOTCUA_LOGIN_MAX_FAILURES = 3
    settings.MOTCUA_LOGIN_LOCK_MINUTES = 15
    cache.clear()
    yield
    cache.clear()


def login(client: Client, username: str, password: str, url: str = "/dang-nhap/") -> str:
    return client.post(url, {"username": username, "password": password}).content.decode()


@pytest.mark.django_db
def test_lock_after_max_failures_even_with_the_right_password():
    UserFactory(username="canbo1")
    client = Client(REMOTE_ADDR="10.0.0.1")
    first = login(client, "canbo1", "sai")
    assert "Còn 2 lần thử" in first
    login(client, "canbo1", "sai")
    third = login(client, "canbo1", "sai")
    assert "tạm thời bị khóa" in third and "15 phút" in third
    locked = login(client, "canbo1", PASSWORD)
    assert "tạm thời bị khóa" in locked
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lock_is_per_username_and_ip():
    UserFactory(username="canbo2")
    attacker = Client(REMOTE_ADDR="10.0.0.66")
    for _ in range(3):
        login(attacker, "canbo2", "sai")
    colleague = Client(REMOTE_ADDR="10.0.0.2")
    response = colleague.post("/dang-nhap/", {"username": "canbo2", "password": PASSWORD})
    assert response.status_code == 302  # another address is not locked out


@pytest.mark.django_db
def test_success_resets_the_failure_count():
    UserFactory(username="canbo3")
    client = Client(REMOTE_ADDR="10.0.0.3")
    login(client, "canbo3", "sai")
    login(client, "canbo3", "sai")
    assert (
        client.post("/dang-nhap/", {"username": "canbo3", "password": PASSWORD}).status_code == 302
    )
    client.logout()
    assert "Còn 2 lần thử" in login(client, "canbo3", "sai")


@pytest.mark.django_db
def test_lock_expires_after_the_lock_period(monkeypatch):
    import time

    UserFactory(username="canbo4")
    client = Client(REMOTE_ADDR="10.0.0.4")
    for _ in range(3):
        login(client, "canbo4", "sai")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 15 * 60 + 1)
    assert (
        client.post("/dang-nhap/", {"username": "canbo4", "password": PASSWORD}).status_code == 302
    )


@pytest.mark.django_db
def test_the_backend_guards_every_login_form_including_the_portal_and_admin():
    UserFactory(username="congdan1", kind=UserKind.CITIZEN)
    for _ in range(3):
        assert authenticate(None, username="congdan1", password="sai") is None
    assert authenticate(None, username="congdan1", password=PASSWORD) is None  # locked
    cache.clear()
    assert authenticate(None, username="congdan1", password=PASSWORD) is not None


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ngan1!", "Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 10 ký tự."),
        ("1234567890123", "Mật khẩu này hoàn toàn là số."),
        ("password123", "Mật khẩu này quá phổ biến."),
    ],
    ids=["min-length", "numeric", "common"],
)
def test_password_validation_messages_are_vietnamese(password, message):
    with translation.override("vi"), pytest.raises(ValidationError) as info:
        validate_password(password)
    assert message in info.value.messages
