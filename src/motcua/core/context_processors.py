"""Template context for every page: which back-office links the user's roles lead to.

A supervisor (read only) was offered "Tiếp nhận hồ sơ", "Được giao cho tôi", the reform pages
and the webhook log, each answering 403. The roles come from the per-request role cache
(`organisation.selectors.user_roles`: the query the pages make anyway)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from motcua.organisation.constants import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`nav`: one flag per role-bound link of `backoffice/_nav.html` (staff only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "is_citizen", False):
        return {}
    from motcua.organisation.selectors import STAFF_ROLES, user_roles

    roles: set[str] = set().union(*user_roles(user).values())
    superuser = bool(user.is_superuser)
    return {
        "nav": {
            "intake": superuser or Role.RECEIVER in roles,
            "assigned": superuser or bool(roles & {Role.SPECIALIST, Role.LEADER}),
            "reform": superuser or bool(roles & STAFF_ROLES),
            "webhooks": superuser or Role.UNIT_ADMIN in roles,
        }
    }
