"""View decorators shared by the staff-facing apps."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Logged-in staff accounts only (citizens use the portal): 403 for a citizen account."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "is_citizen", False):
            raise PermissionDenied(_("Trang dành cho cán bộ, công chức."))
        return view(request, *args, **kwargs)

    return wrapped
