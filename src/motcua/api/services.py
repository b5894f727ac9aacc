"""Writes of the API app: creating, revoking and using API tokens (ADR 0002).

A token is `mc_` + 43 random URL-safe characters (256 bits). Only its SHA-256 is stored, so a
copy of the database does not give access; the clear token is returned once by
`api_token_create` and never again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User, UserKind
from motcua.api.constants import (
    ALL_SCOPES,
    APPLICANT_SCOPE,
    LAST_USED_RESOLUTION_SECONDS,
    TOKEN_PREFIX,
)
from motcua.api.models import ApiToken
from motcua.core.errors import DomainError
from motcua.organisation.models import Unit


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str  # shown once


def api_token_create(
    *,
    user: User,
    name: str,
    scopes: Iterable[str],
    days: int = 90,
    units: Iterable[Unit] = (),
    now: dt.datetime | None = None,
) -> CreatedToken:
    """Create a token for `user` with `scopes`, valid `days` days. `units` restricts it to
    some of the user's units (default: all of them). A citizen's token has the `applicant`
    scope only (`/api/v1/me/…`). Raises `DomainError` on unknown scopes, an inactive account,
    or a unit the user cannot read."""
    from motcua.organisation.selectors import visible_unit_ids

    now = now or timezone.now()
    wanted = sorted(set(scopes))
    if user.kind == UserKind.CITIZEN:
        return _citizen_token_create(user=user, name=name, scopes=wanted, days=days, now=now)
    unknown = [s for s in wanted if s not in ALL_SCOPES]
    if not wanted or unknown:
        raise DomainError(
            _("Phạm vi không hợp lệ: %(bad)s. Các phạm vi: %(all)s.")
            % {"bad": ", ".join(unknown) or "—", "all": ", ".join(sorted(ALL_SCOPES))}
        )
    if not 1 <= days <= 366:
        raise DomainError(_("Thời hạn của khóa phải từ 1 đến 366 ngày."))
    if not user.is_active or user.kind != UserKind.STAFF:
        raise DomainError(_("Chỉ cấp khóa API cho tài khoản cán bộ đang hoạt động."))
    unit_list = list(units)
    visible = visible_unit_ids(user)
    outside = [u.code for u in unit_list if u.pk not in visible]
    if outside:
        raise DomainError(
            _("Tài khoản %(user)s không thuộc đơn vị: %(units)s.")
            % {"user": user.username, "units": ", ".join(outside)}
        )
    return _issue(user=user, name=name, scopes=wanted, days=days, now=now, units=unit_list)


def _citizen_token_create(
    *, user: User, name: str, scopes: list[str], days: int, now: dt.datetime
) -> CreatedToken:
    """A citizen's token: the `applicant` scope only, no units (their own dossiers only)."""
    if scopes != [APPLICANT_SCOPE]:
        raise DomainError(
            _("Khóa API của công dân chỉ có phạm vi “%(scope)s”.") % {"scope": APPLICANT_SCOPE}
        )
    if not 1 <= days <= 366:
        raise DomainError(_("Thời hạn của khóa phải từ 1 đến 366 ngày."))
    if not user.is_active:
        raise DomainError(_("Tài khoản không còn hoạt động."))
    return _issue(user=user, name=name, scopes=scopes, days=days, now=now, units=[])


def _issue(
    *, user: User, name: str, scopes: list[str], days: int, now: dt.datetime, units: list[Unit]
) -> CreatedToken:
    """Store a new token (its hash and display prefix, never the secret) for checked inputs."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name.strip() or user.username,
            user=user,
            scopes=scopes,
            token_hash=token_hash(secret),
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            expires_at=now + dt.timedelta(days=days),
        )
        if units:
            token.units.set(units)
    return CreatedToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken, now: dt.datetime | None = None) -> ApiToken:
    """Revoke the token now (idempotent: an already revoked token keeps its date)."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = now or timezone.now()
            locked.save(update_fields=["revoked_at"])
    return locked


def api_token_authenticate(secret: str, *, now: dt.datetime | None = None) -> ApiToken | None:
    """The active token whose hash matches `secret` (with its active staff user), or None.
    Records `last_used_at`, at most once a minute per token."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = now or timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(secret), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    citizen = token.user.kind == UserKind.CITIZEN
    if citizen and token.scopes != [APPLICANT_SCOPE]:
        return None  # a citizen's token carries the applicant scope and nothing else
    stale = now - dt.timedelta(seconds=LAST_USED_RESOLUTION_SECONDS)
    if token.last_used_at is None or token.last_used_at < stale:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
