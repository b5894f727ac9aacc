from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đã công bố")


class OnlineLevel(models.TextChoices):
    """Nghị định 42/2022 levels; the old levels 3/4 (NĐ 43/2011) map to partial/full."""

    FULL = "full", _("Trực tuyến toàn trình")
    PARTIAL = "partial", _("Trực tuyến một phần")
    NONE = "none", _("Cung cấp thông tin")


LEGACY_LEVEL_TO_ONLINE = {
    1: OnlineLevel.NONE,
    2: OnlineLevel.NONE,
    3: OnlineLevel.PARTIAL,
    4: OnlineLevel.FULL,
}


class ComponentKind(models.TextChoices):
    ORIGINAL = "original", _("Bản chính")
    COPY = "copy", _("Bản sao")
    ORIGINAL_OR_COPY = "either", _("Bản chính hoặc bản sao")


class FeePer(models.TextChoices):
    """What a fee line is counted per (see `services.fee_compute`)."""

    CASE = "case", _("mỗi hồ sơ")
    COPY = "copy", _("mỗi bản")
    PAGE = "page", _("mỗi trang")


HOURS_PER_WORKING_DAY = 8
"""1 working day = 8 working hours (BLLĐ art. 105(1); OpenCPS does the same, DOMAIN §2.1)."""
