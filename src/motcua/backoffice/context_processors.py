"""Template context for every page: which back-office links the user's roles lead to.

A supervisor (read only) was offered "Tiếp nhận hồ sơ", "Được giao cho tôi", the reform pages
and the webhook log, each answering 403. The roles come from the per-request role cache
(`organisation.selectors.roles_held`: the query the pages make anyway)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from motcua.organisation.constants import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`nav`: one flag per role-bound link of `backoffice/_nav.html` (staff only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "is_citizen", False):
        return {}
    from motcua.dossiers.selectors import QUEUES
    from motcua.organisation.selectors import STAFF_ROLES, roles_held

    roles = roles_held(user)
    superuser = bool(user.is_superuser)
    return {
        "nav": {
            "intake": superuser or Role.RECEIVER in roles,
            # The queue's own roles (`dossiers.selectors.QUEUES`): the link and the queue agree.
            "assigned": superuser or bool(roles & set(QUEUES["assigned_to_me"].roles)),
            "reform": superuser or bool(roles & STAFF_ROLES),
            "webhooks": superuser or Role.UNIT_ADMIN in roles,
        }
    }
