"""OpenID Connect sign-in for citizens (VNeID-style identity provider), with
mozilla-django-oidc (docs/domain/portal.md, "Sign-in with an identity account").

Off unless `OIDC_RP_CLIENT_ID` (and the endpoints) are set in the environment: the settings then
add `CitizenOIDCBackend` to `AUTHENTICATION_BACKENDS`, and the portal's sign-in page shows
"Đăng nhập bằng tài khoản định danh". The two views below answer 404 while it is off.

Accounts: the identity provider's stable subject (`sub`) is the key. The first sign-in creates
a citizen account (`User.kind == "citizen"`, user name `dinhdanh-<sub>`, no usable password)
with the name, phone and e-mail of the claims; later sign-ins refresh those. Nothing else is
matched — not the e-mail (mozilla-django-oidc's default), not the phone — so claims can never
sign somebody into a staff account or into another citizen's account.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from motcua.accounts.models import User, UserKind

logger = logging.getLogger(__name__)

USERNAME_PREFIX = "dinhdanh-"
_SAFE_SUB = re.compile(r"^[A-Za-z0-9._@+-]{1,100}$")


def is_configured() -> bool:
    """Whether OIDC sign-in is configured (client id, endpoints and our backend)."""
    return bool(
        getattr(settings, "OIDC_RP_CLIENT_ID", "")
        and getattr(settings, "OIDC_OP_AUTHORIZATION_ENDPOINT", "")
        and getattr(settings, "OIDC_OP_TOKEN_ENDPOINT", "")
        and getattr(settings, "OIDC_OP_USER_ENDPOINT", "")
        and f"{__name__}.CitizenOIDCBackend" in settings.AUTHENTICATION_BACKENDS
    )


def username_for_sub(sub: str) -> str:
    """`dinhdanh-<sub>`; a subject with other characters or longer than 100 is hashed."""
    sub = str(sub)
    if not _SAFE_SUB.match(sub):
        sub = hashlib.sha256(sub.encode()).hexdigest()
    return f"{USERNAME_PREFIX}{sub}"


def _phone(claims: dict[str, Any]) -> str:
    raw = str(claims.get("phone_number") or "")
    digits = re.sub(r"[\s.\-()]", "", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    return digits[:20]


def _name(claims: dict[str, Any]) -> str:
    name = claims.get("name") or " ".join(
        str(claims.get(k) or "") for k in ("family_name", "middle_name", "given_name")
    )
    return " ".join(str(name).split())[:200]


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    """Creates or updates the citizen account of an identity-provider subject.

    An incomplete configuration (e.g. RS256 without `OIDC_OP_JWKS_ENDPOINT`) is logged and
    turns this backend off instead of raising: Django instantiates every backend on each
    `authenticate()`, so raising would also break the password sign-in of everybody.
    """

    disabled = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().__init__(*args, **kwargs)
        except ImproperlyConfigured as exc:
            logger.error("OIDC sign-in is off: %s", exc)
            self.disabled = True

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"sub {claims.get('sub')}"

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        username = username_for_sub(claims["sub"])
        if User.objects.filter(username__iexact=username).exclude(kind=UserKind.CITIZEN).exists():
            raise SuspiciousOperation("OIDC subject matches a staff account")
        return User.objects.filter(username__iexact=username, kind=UserKind.CITIZEN)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        """As the parent; a token or claims that cannot be trusted (bad signature, nonce,
        audience, subject) end in the failure page instead of an error page."""
        if self.disabled:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as exc:
            logger.warning("OIDC sign-in refused: %s", exc)
            return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """As the parent (signature, nonce), plus the audience: an ID token issued to another
        client of the same provider is refused (mozilla-django-oidc skips `aud`)."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        aud = payload.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("OIDC ID token issued to another client")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """As the parent, plus: the user-info `sub` must be the ID token's (OIDC Core 5.3.2)."""
        claims = super().get_userinfo(access_token, id_token, payload)
        if str(claims.get("sub", "")) != str(payload.get("sub", "")):
            raise SuspiciousOperation("OIDC userinfo sub differs from the ID token's")
        return claims

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> User:
        user = User(
            username=username_for_sub(claims["sub"]),
            kind=UserKind.CITIZEN,
            full_name=_name(claims),
            email=str(claims.get("email") or "")[:254],
            phone=_phone(claims),
        )
        user.set_unusable_password()
        user.save()
        logger.info("Citizen account %s created from an OIDC sign-in", user.pk)
        return user

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        if not user.is_citizen:  # never reached (filtered above); kept as a guard
            raise SuspiciousOperation("OIDC sign-in into a staff account")
        changed = []
        for field, value in (
            ("full_name", _name(claims)),
            ("email", str(claims.get("email") or "")[:254]),
            ("phone", _phone(claims)),
        ):
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
        return user


def oidc_login(request: HttpRequest) -> HttpResponse:
    """Start the sign-in at the identity provider (404 when OIDC is not configured)."""
    if not is_configured():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The identity provider sends the browser back here (404 when not configured)."""
    if not is_configured():
        raise Http404
    return OIDCAuthenticationCallbackView.as_view()(request)
