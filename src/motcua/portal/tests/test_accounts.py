"""Citizen accounts: sign-up with a one-time code by e-mail or SMS, sign-in with phone or
e-mail; staff accounts stay out of the portal."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from tests.factories import UserFactory

from motcua.accounts.models import User, UserKind
from motcua.core.errors import DomainError
from motcua.portal.constants import OTP_MAX_ATTEMPTS, OTP_MAX_SENDS
from motcua.portal.models import OneTimeCode
from motcua.portal.notify import LoggingSmsBackend
from motcua.portal.services import citizen_signup, normalise_contact, otp_send

PASSWORD = "Mat-khau-rat-dai-2025"


@pytest.fixture(autouse=True)
def _send_on_commit(monkeypatch):
    """Run `transaction.on_commit` callbacks at once: each test runs inside one transaction
    that never commits, and the code is sent after the commit."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def code_in(text: str) -> str:
    match = re.search(r"\b(\d{6})\b", text)
    assert match
    return match.group(1)


def signup(client: Client, contact: str) -> str:
    response = client.post("/cong-dan/dang-ky/", {"contact": contact})
    assert response.status_code == 302 and response["Location"] == "/cong-dan/dang-ky/xac-thuc/"
    return response["Location"]


@pytest.mark.django_db
def test_signup_by_email_sends_code_and_creates_citizen_signed_in():
    client = Client()
    confirm = signup(client, "Ha.Pham@Example.vn")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ha.pham@example.vn"]
    code = code_in(mail.outbox[0].body)
    response = client.post(
        confirm,
        {"code": code, "full_name": "Phạm Thu Hà", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/cong-dan/ho-so/"
    user = User.objects.get(username="ha.pham@example.vn")
    assert user.kind == UserKind.CITIZEN and user.email == "ha.pham@example.vn"
    assert client.get("/cong-dan/ho-so/").status_code == 200  # signed in


@pytest.mark.django_db
def test_signup_by_phone_uses_the_sms_backend_and_sign_in_with_phone():
    client = Client()
    confirm = signup(client, "+84 912 345 678")
    assert mail.outbox == []
    phone, text = LoggingSmsBackend.outbox[-1]
    assert phone == "0912345678"
    client.post(
        confirm,
        {"code": code_in(text), "full_name": "Phạm Thu Hà", "password1": PASSWORD,
         "password2": PASSWORD},
    )  # fmt: skip
    assert User.objects.get(username="0912345678").phone == "0912345678"
    fresh = Client()
    response = fresh.post(
        "/cong-dan/dang-nhap/", {"username": "0912.345.678", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/cong-dan/ho-so/"


@pytest.mark.django_db
def test_wrong_code_counts_tries_and_locks_after_the_limit():
    otp = otp_send(contact="a@example.vn")
    for _ in range(OTP_MAX_ATTEMPTS):
        with pytest.raises(DomainError, match="không đúng"):
            citizen_signup(token=str(otp.token), code="000000x", full_name="A", password=PASSWORD)
    assert OneTimeCode.objects.get().attempts == OTP_MAX_ATTEMPTS
    right = code_in(mail.outbox[0].body)
    with pytest.raises(DomainError, match="quá nhiều lần"):
        citizen_signup(token=str(otp.token), code=right, full_name="A", password=PASSWORD)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_weak_password_refused_and_the_code_stays_usable():
    otp = otp_send(contact="b@example.vn")
    code = code_in(mail.outbox[0].body)
    with pytest.raises(DomainError):
        citizen_signup(token=str(otp.token), code=code, full_name="B", password="123")
    user = citizen_signup(token=str(otp.token), code=code, full_name="B", password=PASSWORD)
    assert user.is_citizen
    with pytest.raises(DomainError, match="không còn hiệu lực"):
        citizen_signup(token=str(otp.token), code=code, full_name="B", password=PASSWORD)


@pytest.mark.django_db
def test_sends_are_limited_per_destination_and_existing_accounts_refused():
    for _ in range(OTP_MAX_SENDS):
        otp_send(contact="c@example.vn")
    with pytest.raises(DomainError, match="quá nhiều lần"):
        otp_send(contact="c@example.vn")
    UserFactory(username="0987654321", kind=UserKind.CITIZEN)
    with pytest.raises(DomainError, match="đã có tài khoản"):
        otp_send(contact="0987 654 321")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", ("sms", "0912345678")),
        ("+84912345678", ("sms", "0912345678")),
        ("84 912 345 678", ("sms", "0912345678")),
        ("Ten@Mien.VN", ("email", "ten@mien.vn")),
    ],
)
def test_contact_normalisation(raw, expected):
    assert normalise_contact(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "09123456789", "a@b", ""])
def test_bad_contacts_refused(raw):
    with pytest.raises(DomainError):
        normalise_contact(raw)


@pytest.mark.django_db
def test_staff_account_cannot_sign_in_on_the_portal():
    UserFactory(username="canbo", password="mat-khau-thu-nghiem")
    response = Client().post(
        "/cong-dan/dang-nhap/", {"username": "canbo", "password": "mat-khau-thu-nghiem"}
    )
    assert response.status_code == 200
    assert "Tài khoản cán bộ đăng nhập tại trang quản lý" in response.content.decode()


@pytest.mark.django_db
def test_sign_in_attempts_limited_per_ip():
    from motcua.portal.views import LOGIN_MAX_TRIES

    client = Client()
    for _ in range(LOGIN_MAX_TRIES):
        response = client.post("/cong-dan/dang-nhap/", {"username": "x@y.vn", "password": "sai"})
        assert response.status_code == 200
    response = client.post("/cong-dan/dang-nhap/", {"username": "x@y.vn", "password": "sai"})
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()
