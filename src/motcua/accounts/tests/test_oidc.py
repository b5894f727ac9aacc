"""OpenID Connect sign-in of citizens (VNeID-style) against a stub provider: the token and
user-info endpoints are answered by patching `requests` in mozilla-django-oidc, the ID token is
a real HS256 JWT checked by the backend."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
from django.test import Client
from tests.factories import UserFactory

from motcua.accounts import oidc
from motcua.accounts.models import User, UserKind

CLIENT_ID = "motcua-portal"
SECRET = "bi-mat-cua-ung-dung-thu-nghiem-0123456789"
AUTH = "https://dinhdanh.example/authorize"
TOKEN = "https://dinhdanh.example/token"
USERINFO = "https://dinhdanh.example/userinfo"


@pytest.fixture
def configured(settings: Any) -> None:
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = AUTH
    settings.OIDC_OP_TOKEN_ENDPOINT = TOKEN
    settings.OIDC_OP_USER_ENDPOINT = USERINFO
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_RP_SCOPES = "openid profile email phone"
    settings.OIDC_USE_PKCE = True
    settings.OIDC_AUTHENTICATION_CALLBACK_URL = "portal:oidc_callback"
    settings.LOGIN_REDIRECT_URL_FAILURE = "/cong-dan/dang-nhap/?dinh-danh=loi"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "motcua.accounts.oidc.CitizenOIDCBackend",
    ]


class _Response:
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self.status_code = 200
        self.headers = {"content-type": "application/json"}
        self.url = ""
        self.text = ""

    def json(self) -> dict[str, Any]:
        return self._data

    def raise_for_status(self) -> None:
        return None


class StubProvider:
    """Answers the token and user-info requests of one sign-in; records what it was sent."""

    def __init__(self, claims: dict[str, Any], *, aud: str = CLIENT_ID) -> None:
        self.claims = claims
        self.aud = aud
        self.nonce = ""
        self.token_requests: list[dict[str, Any]] = []

    def post(self, url: str, data: dict[str, Any], **_kw: Any) -> _Response:
        assert url == TOKEN
        self.token_requests.append(dict(data))
        now = int(time.time())
        id_token = jwt.encode(
            {"iss": "https://dinhdanh.example", "sub": self.claims["sub"], "aud": self.aud,
             "nonce": self.nonce, "iat": now, "exp": now + 300},
            SECRET,
            algorithm="HS256",
        )  # fmt: skip
        return _Response({"access_token": "at-123", "id_token": id_token, "token_type": "Bearer"})

    def get(self, url: str, headers: dict[str, str], **_kw: Any) -> _Response:
        assert url == USERINFO and headers["Authorization"] == "Bearer at-123"
        return _Response(self.claims)


def _sign_in(client: Client, provider: StubProvider, monkeypatch: Any) -> Any:
    start = client.get("/cong-dan/dinh-danh/", {"next": "/cong-dan/ho-so/"})
    assert start.status_code == 302 and start["Location"].startswith(AUTH)
    query = dict(parse_qsl(urlsplit(start["Location"]).query))
    assert query["client_id"] == CLIENT_ID and query["code_challenge_method"] == "S256"
    provider.nonce = query["nonce"]
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", provider.post)
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.get", provider.get)
    return client.get("/cong-dan/dinh-danh/ket-qua/", {"code": "c0de", "state": query["state"]})


CLAIMS = {
    "sub": "038190001234",
    "name": "Nguyễn Thị Hoa",
    "phone_number": "+84912000111",
    "email": "hoa@example.vn",
}


def test_login_page_shows_the_button_only_when_configured(db, settings):
    assert "tài khoản định danh" not in Client().get("/cong-dan/dang-nhap/").content.decode()
    assert Client().get("/cong-dan/dinh-danh/").status_code == 404
    assert Client().get("/cong-dan/dinh-danh/ket-qua/").status_code == 404


def test_new_citizen_is_created_and_signed_in(db, configured, monkeypatch):
    client = Client()
    assert (
        "Đăng nhập bằng tài khoản định danh" in client.get("/cong-dan/dang-nhap/").content.decode()
    )
    provider = StubProvider(dict(CLAIMS))
    done = _sign_in(client, provider, monkeypatch)
    assert done.status_code == 302 and done["Location"] == "/cong-dan/ho-so/"
    assert (
        provider.token_requests[0]["code"] == "c0de"
        and "code_verifier" in provider.token_requests[0]
    )
    user = User.objects.get(username="dinhdanh-038190001234")
    assert user.kind == UserKind.CITIZEN and not user.has_usable_password()
    assert (user.full_name, user.phone, user.email) == (
        "Nguyễn Thị Hoa", "0912000111", "hoa@example.vn"
    )  # fmt: skip
    page = client.get("/cong-dan/ho-so/")
    assert page.status_code == 200 and page.wsgi_request.user == user

    # A later sign-in finds the same account and refreshes its details.
    again = Client()
    provider = StubProvider({**CLAIMS, "name": "Nguyễn Thị Hoa Mai"})
    assert _sign_in(again, provider, monkeypatch).status_code == 302
    assert User.objects.filter(kind=UserKind.CITIZEN).count() == 1
    user.refresh_from_db()
    assert user.full_name == "Nguyễn Thị Hoa Mai"


def test_staff_account_cannot_be_taken_over_by_claims(db, configured, monkeypatch):
    staff = UserFactory(username="canbo.taison", email="hoa@example.vn", kind=UserKind.STAFF)
    # Same e-mail as the staff account (mozilla-django-oidc's default match): a new citizen.
    client = Client()
    assert _sign_in(client, StubProvider(dict(CLAIMS)), monkeypatch).status_code == 302
    assert client.get("/cong-dan/ho-so/").wsgi_request.user.username == "dinhdanh-038190001234"
    # A subject whose user name would be a staff account's: refused, nobody signed in.
    UserFactory(username="dinhdanh-999", kind=UserKind.STAFF)
    intruder = Client()
    failed = _sign_in(intruder, StubProvider({**CLAIMS, "sub": "999"}), monkeypatch)
    assert failed.status_code == 302 and "dinh-danh=loi" in failed["Location"]
    assert not intruder.get("/cong-dan/ho-so/").wsgi_request.user.is_authenticated
    staff.refresh_from_db()
    assert staff.kind == UserKind.STAFF and staff.email == "hoa@example.vn"


def test_token_for_another_client_or_mismatched_userinfo_is_refused(db, configured, monkeypatch):
    client = Client()
    failed = _sign_in(client, StubProvider(dict(CLAIMS), aud="another-app"), monkeypatch)
    assert "dinh-danh=loi" in failed["Location"]
    provider = StubProvider(dict(CLAIMS))
    original_get = provider.get
    provider.get = lambda url, headers, **kw: _Response(
        {**original_get(url, headers).json(), "sub": "other"}
    )  # type: ignore[method-assign]
    failed = _sign_in(Client(), provider, monkeypatch)
    assert "dinh-danh=loi" in failed["Location"]
    assert not User.objects.filter(username__startswith=oidc.USERNAME_PREFIX).exists()


def test_odd_subjects_are_hashed_into_a_safe_user_name():
    assert oidc.username_for_sub("abc-123") == "dinhdanh-abc-123"
    long = oidc.username_for_sub("x" * 300)
    assert long.startswith("dinhdanh-") and len(long) == len("dinhdanh-") + 64


def test_incomplete_configuration_does_not_break_password_sign_in(db, configured, settings):
    """RS256 without a JWKS endpoint: the OIDC backend turns itself off; passwords still work."""
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = UserFactory(username="0912000222", kind=UserKind.CITIZEN)
    user.set_password("mat-khau-rat-dai-2025")
    user.save()
    client = Client()
    response = client.post(
        "/cong-dan/dang-nhap/", {"username": "0912000222", "password": "mat-khau-rat-dai-2025"}
    )
    assert response.status_code == 302 and response["Location"] == "/cong-dan/ho-so/"
    assert oidc.CitizenOIDCBackend().authenticate(None) is None
