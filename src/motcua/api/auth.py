"""Who is calling: an API token (`Authorization: Bearer mc_…`) or a logged-in staff session.

Both give a `Principal`: the user whose roles the services check, the token's scopes (a
session has them all, its user's roles still apply) and the units the token is limited to.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja.security import HttpBearer, SessionAuth

from motcua.accounts.models import User, UserKind
from motcua.api.constants import ALL_SCOPES
from motcua.api.models import ApiToken
from motcua.api.problems import ApiProblem
from motcua.api.services import api_token_authenticate
from motcua.core.text import try_again_in


@dataclass(frozen=True)
class Principal:
    user: User
    scopes: frozenset[str]
    token: ApiToken | None = None
    #: The token's units (None: all the user's units).
    restricted_unit_ids: frozenset[int] | None = None

    def unit_ids(self) -> set[int]:
        """Units whose dossiers this principal reads: the user's, cut to the token's."""
        from motcua.organisation.selectors import visible_unit_ids

        ids = set(visible_unit_ids(self.user))
        if self.restricted_unit_ids is not None:
            ids &= self.restricted_unit_ids
        return ids


RATE_WINDOW_SECONDS = 60


def rate_limit_check(token: ApiToken, *, now: float | None = None) -> None:
    """Count one request of `token` in the current fixed one-minute window (Django cache);
    over the token's limit → 429 problem with `Retry-After` (seconds to the next window).

    The cache must be shared by the application processes (Redis or the database cache) for
    the limit to hold across them; the per-process default only limits each process."""
    now = time.time() if now is None else now
    window = int(now // RATE_WINDOW_SECONDS)
    key = f"motcua:api:rate:{token.pk}:{window}"
    cache.add(key, 0, RATE_WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW_SECONDS + 5)
        count = 1
    limit = token.effective_rate_limit
    if count > limit:
        retry_after = max(1, math.ceil((window + 1) * RATE_WINDOW_SECONDS - now))
        raise ApiProblem(
            429,
            ngettext(
                "Khóa API đã dùng quá %(limit)s yêu cầu trong một phút.",
                "Khóa API đã dùng quá %(limit)s yêu cầu trong một phút.",
                limit,
            )
            % {"limit": limit}
            + " "
            + try_again_in(retry_after),
            headers={"Retry-After": str(retry_after)},
        )


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        found = api_token_authenticate(token)
        if found is None:
            return None
        rate_limit_check(found)
        units = frozenset(found.units.values_list("pk", flat=True))
        request.user = found.user
        return Principal(
            user=found.user,
            scopes=frozenset(found.scopes),
            token=found,
            restricted_unit_ids=units or None,
        )


class StaffSessionAuth(SessionAuth):
    """Django session of a logged-in, active staff account; CSRF checked on writes."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None  # not a session caller: no CSRF error, let the 401 speak
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user: Any = request.user
        if user.is_authenticated and user.is_active and user.kind == UserKind.STAFF:
            return Principal(user=user, scopes=ALL_SCOPES)
        return None


STAFF_AUTH = [TokenAuth(), StaffSessionAuth()]


def principal(request: HttpRequest, scope: str) -> Principal:
    """The caller, who must hold `scope` (403 otherwise)."""
    who = getattr(request, "auth", None)
    if not isinstance(who, Principal):
        raise ApiProblem(401, _("Cần đăng nhập hoặc khóa API hợp lệ."))
    if scope not in who.scopes:
        raise ApiProblem(403, _("Khóa API không có phạm vi “%(scope)s”.") % {"scope": scope})
    return who
