"""Second factor for staff (TOTP, RFC 6238) — NĐ 13/2023/NĐ-CP art. 26–27 technical protection
measures; DOMAIN.md §10.1 (RBAC and strong authentication for officers handling personal data)."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client
from tests.factories import MembershipFactory, UnitFactory, UserFactory

from motcua.accounts import totp
from motcua.accounts.models import RecoveryCode, TOTPDevice, UserKind
from motcua.organisation.constants import Role

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture(autouse=True)
def clean(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MOTCUA_LOGIN_MAX_FAILURES = 3
    cache.clear()
    yield
    cache.clear()


def code_at(secret: str, when: float) -> str:
    return pyotp.TOTP(secret).at(int(when))


def enrolled(username: str = "tt_canbo", **extra):
    """A staff account with a confirmed device; returns (user, secret, recovery codes)."""
    user = UserFactory(username=username, **extra)
    _device, secret = totp.totp_start_enrolment(user)
    codes = totp.totp_confirm_enrolment(user, code_at(secret, time.time() - 30))
    assert codes is not None
    return user, secret, codes


def password_login(client: Client, username: str, next_url: str = "/"):
    return client.post(f"/dang-nhap/?next={next_url}", {"username": username, "password": PASSWORD})


# --- Enrolment --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_enrolment_page_shows_secret_and_inline_qr_then_confirms_with_a_code():
    user = UserFactory(username="tt_enrol")
    client = Client()
    client.force_login(user)
    page = client.get("/xac-thuc-hai-buoc/dang-ky/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<img" not in html  # inline SVG, nothing fetched
    device = TOTPDevice.objects.get(user=user)
    secret = totp.device_secret(device)
    assert secret not in device.secret_encrypted  # not stored in plaintext
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    # Reloading keeps the same pending secret (the QR already scanned stays valid).
    client.get("/xac-thuc-hai-buoc/dang-ky/")
    assert totp.device_secret(TOTPDevice.objects.get(user=user)) == secret

    wrong = client.post("/xac-thuc-hai-buoc/dang-ky/", {"code": "000000"})
    assert wrong.status_code == 400
    assert "Mã xác thực không đúng" in wrong.content.decode()
    user.refresh_from_db()
    assert not user.totp_enabled

    ok = client.post("/xac-thuc-hai-buoc/dang-ky/", {"code": pyotp.TOTP(secret).now()})
    assert ok.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", ok.content.decode())
    assert len(codes) == 10
    user.refresh_from_db()
    assert user.totp_enabled
    stored = set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & set(codes)  # hashes only
    assert client.get("/").status_code == 200  # enrolling also verified this session


@pytest.mark.django_db
def test_citizen_cannot_enrol():
    citizen = UserFactory(username="tt_citizen", kind=UserKind.CITIZEN)
    client = Client()
    client.force_login(citizen)
    assert client.get("/xac-thuc-hai-buoc/dang-ky/").status_code == 403


# --- Verification after the password ----------------------------------------------------------


@pytest.mark.django_db
def test_password_alone_does_not_open_the_back_office_for_an_enrolled_officer():
    user, secret, _codes = enrolled()
    client = Client()
    response = password_login(client, user.username, "/hang-doi/overdue/")
    assert response.status_code == 302
    home = client.get("/hang-doi/overdue/")
    assert home.status_code == 302
    assert home["Location"].startswith("/xac-thuc-hai-buoc/?next=")
    assert client.post("/ho-so/1/dinh-danh/").status_code == 403  # no POST before the code
    assert client.get("/quan-tri/").status_code in (302, 403)
    step = client.post(
        "/xac-thuc-hai-buoc/",
        {"code": pyotp.TOTP(secret).now(), "next": "/hang-doi/overdue/"},
    )
    assert step.status_code == 302 and step["Location"] == "/hang-doi/overdue/"
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_wrong_code_is_refused_in_vietnamese_and_counts_towards_the_lockout():
    user, secret, _codes = enrolled()
    client = Client()
    client.force_login(user)
    first = client.post("/xac-thuc-hai-buoc/", {"code": "123456"})
    assert first.status_code == 400
    assert "Mã xác thực không đúng, đã dùng hoặc đã hết hạn. Còn 2 lần thử." in (
        first.content.decode()
    )
    client.post("/xac-thuc-hai-buoc/", {"code": "123456"})
    third = client.post("/xac-thuc-hai-buoc/", {"code": "abc"})
    assert "tạm thời bị khóa" in third.content.decode()
    # Locked: even the right code is refused now.
    locked = client.post("/xac-thuc-hai-buoc/", {"code": pyotp.TOTP(secret).now()})
    html = locked.content.decode()
    assert locked.status_code == 400 and "tạm thời bị khóa" in html
    assert "nhập sai mã xác thực hai bước" in html and "đăng nhập sai" not in html
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_a_code_cannot_be_replayed_in_the_same_time_step():
    user, secret, _codes = enrolled()
    now = time.time()
    code = code_at(secret, now)
    assert totp.totp_verify(user, code, now=now).ok
    again = totp.totp_verify(user, code, now=now)
    assert not again.ok
    # An OLDER step (inside the drift window) is refused too once a later one was used.
    assert not totp.totp_verify(user, code_at(secret, now - 30), now=now).ok
    assert totp.totp_verify(user, code_at(secret, now + 30), now=now + 30).ok


@pytest.mark.django_db
def test_recovery_code_works_once():
    user, _secret, codes = enrolled()
    client = Client()
    client.force_login(user)
    used = client.post("/xac-thuc-hai-buoc/", {"code": codes[0].upper()})
    assert used.status_code == 302
    assert client.get("/").status_code == 200
    assert totp.recovery_codes_left(user) == 9
    other = Client()
    other.force_login(user)
    again = other.post("/xac-thuc-hai-buoc/", {"code": codes[0]})
    assert again.status_code == 400
    assert other.get("/").status_code == 302


@pytest.mark.django_db
def test_secret_is_encrypted_with_a_key_apart_from_the_data(settings):
    user, secret, _codes = enrolled()
    device = TOTPDevice.objects.get(user=user)
    assert secret not in device.secret_encrypted
    settings.MOTCUA_TOTP_KEY = "another key"
    assert totp.pending_secret(user) is None
    assert not totp.totp_verify(user, pyotp.TOTP(secret).now()).ok  # unreadable → refused


# --- Required roles ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "superuser", "must_enrol"),
    [
        (Role.LEADER, False, True),
        (Role.UNIT_ADMIN, False, True),
        (None, True, True),
        (Role.RECEIVER, False, False),
        (Role.SPECIALIST, False, False),
    ],
    ids=["leader", "unit-admin", "superuser", "receiver", "specialist"],
)
def test_required_roles_are_sent_to_enrolment(settings, role, superuser, must_enrol):
    settings.MOTCUA = {
        **settings.MOTCUA,
        "TOTP_REQUIRED_ROLES": ["leader", "unit_admin", "superuser"],
    }
    user = UserFactory(username=f"tt_req_{role}_{superuser}", is_superuser=superuser)
    if role:
        MembershipFactory(user=user, unit=UnitFactory(), role=role)
    client = Client()
    client.force_login(user)
    response = client.get("/")
    if must_enrol:
        assert response.status_code == 302
        assert response["Location"].startswith("/xac-thuc-hai-buoc/dang-ky/?next=")
        assert client.get("/xac-thuc-hai-buoc/dang-ky/").status_code == 200
    else:
        assert response.status_code == 200


def test_production_profile_requires_leaders_admins_and_superusers():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "MOTCUA_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_SETTINGS_MODULE": "motcua.config.settings",
    }
    env.pop("MOTCUA_TOTP_REQUIRED_ROLES", None)
    code = "from django.conf import settings; print(settings.MOTCUA['TOTP_REQUIRED_ROLES'])"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['leader', 'unit_admin', 'superuser']"


def test_embedded_default_keeps_demo_logins_without_second_factor(settings):
    # The test settings are the embedded default (MOTCUA_ENV unset): nobody has to enrol.
    assert list(settings.MOTCUA["TOTP_REQUIRED_ROLES"]) == []


@pytest.mark.django_db
def test_admin_reset_removes_the_second_factor():
    user, _secret, _codes = enrolled()
    totp.totp_reset(user)
    user.refresh_from_db()
    assert not user.totp_enabled
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200
