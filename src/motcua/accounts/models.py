"""User accounts: staff (with unit memberships) and citizens are separate kinds of account."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    STAFF = "staff", _("Cán bộ, công chức")
    CITIZEN = "citizen", _("Công dân, tổ chức")


class User(AbstractUser):
    kind = models.CharField(
        _("loại tài khoản"), max_length=16, choices=UserKind.choices, default=UserKind.STAFF
    )
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    # Set when a TOTP device is confirmed (motcua.accounts.totp): read with the user row by
    # every request, so accounts without a second factor cost no extra query.
    totp_enabled = models.BooleanField(_("bật xác thực hai bước"), default=False)

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_citizen(self) -> bool:
        return self.kind == UserKind.CITIZEN


class TOTPDevice(models.Model):
    """Second factor of a staff account: a TOTP authenticator app (RFC 6238, 30 s, 6 digits).

    The shared secret is stored ENCRYPTED (Fernet, key from `MOTCUA_TOTP_KEY` or derived from
    `SECRET_KEY`; `motcua.accounts.totp`), never in logs. `last_step` is the last time step
    accepted: a code is accepted only for a later step, so a code cannot be replayed."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="totp_device", verbose_name=_("tài khoản")
    )
    secret_encrypted = models.TextField(_("khóa bí mật (đã mã hóa)"), editable=False)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    last_step = models.BigIntegerField(_("bước thời gian đã dùng gần nhất"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thiết bị xác thực hai bước")
        verbose_name_plural = _("thiết bị xác thực hai bước")

    def __str__(self) -> str:
        return f"TOTP {self.user_id}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """One-time recovery code of the second factor: only its SHA-256 is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name=_("tài khoản")
    )
    code_hash = models.CharField(_("mã băm"), max_length=64, db_index=True)
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã khôi phục")
        verbose_name_plural = _("mã khôi phục")
