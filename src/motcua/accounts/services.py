"""Writes for user accounts. Staff and citizens are separate kinds of account (`User.kind`):
a citizen account can never hold a staff role (organisation.services.membership_grant)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import User, UserKind
from motcua.core.errors import DomainError


def _check_new_user(username: str, password: str, user: User) -> None:
    if not username:
        raise DomainError(_("Tên đăng nhập không được để trống."))
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("Tên đăng nhập “%(u)s” đã được sử dụng.") % {"u": username})
    try:
        validate_password(password, user=user)  # Django's validators (Vietnamese messages)
    except ValidationError as exc:
        raise DomainError(" ".join(str(m) for m in exc.messages)) from exc


def _create(
    *,
    kind: str,
    username: str,
    password: str,
    full_name: str,
    email: str,
    phone: str,
    is_superuser: bool = False,
) -> User:
    username = (username or "").strip()
    user = User(
        username=username,
        full_name=(full_name or "").strip(),
        email=(email or "").strip(),
        phone=(phone or "").strip(),
        kind=kind,
        is_staff=is_superuser,
        is_superuser=is_superuser,
    )
    _check_new_user(username, password, user)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def user_create_staff(
    *,
    username: str,
    password: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    is_superuser: bool = False,
) -> User:
    """A staff account (cán bộ, công chức). Roles come from memberships, granted separately.

    `is_superuser` also opens the Django admin (/quan-tri/) — for data repair only.
    """
    return _create(
        kind=UserKind.STAFF,
        username=username,
        password=password,
        full_name=full_name,
        email=email,
        phone=phone,
        is_superuser=is_superuser,
    )


@transaction.atomic
def user_create_citizen(
    *, username: str, password: str, full_name: str, email: str = "", phone: str = ""
) -> User:
    """A citizen or organisation account (công dân, tổ chức) for the portal."""
    return _create(
        kind=UserKind.CITIZEN,
        username=username,
        password=password,
        full_name=full_name,
        email=email,
        phone=phone,
    )
