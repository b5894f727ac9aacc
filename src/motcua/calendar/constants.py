from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OverrideKind(models.TextChoices):
    HOLIDAY = "holiday", _("Ngày lễ, Tết")
    COMPENSATORY = "compensatory", _("Nghỉ bù")
    SWAP_OFF = "swap_off", _("Nghỉ do hoán đổi ngày làm việc")
    SWAP_WORK = "swap_work", _("Làm bù (hoán đổi)")


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày")
    SAME_DAY = "same_day", _("trong ngày")


OFF_KINDS = {OverrideKind.HOLIDAY, OverrideKind.COMPENSATORY, OverrideKind.SWAP_OFF}
