"""Scopes of API tokens and the paging limits of the REST API (ADR 0002)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    DOSSIERS_READ = "dossiers:read", _("Đọc hồ sơ, hàng đợi và nhật ký")
    DOSSIERS_WRITE = "dossiers:write", _("Thực hiện thao tác trên hồ sơ")
    STATS_READ = "stats:read", _("Đọc số liệu thống kê (Biểu 06)")


ALL_SCOPES: frozenset[str] = frozenset(Scope.values)

#: The one scope of a citizen's token (`/api/v1/me/…`: own dossiers, drafts, submission,
#: supplements, withdrawal). Never given to staff tokens, and a citizen token has no other.
APPLICANT_SCOPE = "applicant"

#: Prefix of every token: recognisable in logs and by secret scanners.
TOKEN_PREFIX = "mc_"
#: Default and maximum page sizes.
PAGE_DEFAULT = 50
PAGE_MAX = 200
#: The catalogue search reads at most this many rows before paging them (a commune's
#: catalogue has a few hundred procedures; the national one a few thousand).
CATALOGUE_SCAN_LIMIT = 5000
#: `last_used_at` is written at most once per this many seconds per token.
LAST_USED_RESOLUTION_SECONDS = 60
