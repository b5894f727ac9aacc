"""API tokens for partner systems and scripts (ADR 0002).

Only a SHA-256 of the token is stored; the token itself is shown once, when created.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    name = models.CharField(_("tên"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("tài khoản"),
    )
    #: Restricts the token to these units (each must be visible to the user); empty: the
    #: user's own units.
    units = models.ManyToManyField(
        "organisation.Unit", blank=True, related_name="+", verbose_name=_("đơn vị")
    )
    scopes = models.JSONField(_("phạm vi"), default=list)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    #: The first characters of the token, to recognise it in a list (not secret).
    prefix = models.CharField(_("tiền tố"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    #: Requests per minute allowed to this token; empty: MOTCUA["API_RATE_LIMIT_PER_MINUTE"].
    rate_limit_per_minute = models.PositiveIntegerField(
        _("số yêu cầu mỗi phút"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def effective_rate_limit(self) -> int:
        """Requests per minute: the token's own limit, else the setting's default."""
        if self.rate_limit_per_minute:
            return int(self.rate_limit_per_minute)
        return int(str(settings.MOTCUA.get("API_RATE_LIMIT_PER_MINUTE", 120)))

    def is_active(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
