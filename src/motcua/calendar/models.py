"""Working-day calendar data: dated overrides on top of the `holidays` base rules, and the
working sessions of a unit. The arithmetic lives in `motcua.calendar.workdays` (pure)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.calendar.constants import OverrideKind
from motcua.core.models import TimeStampedModel


class CalendarOverride(TimeStampedModel):
    """A dated exception to the base calendar. `unit` empty: nationwide."""

    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=16, choices=OverrideKind.choices)
    label = models.CharField(_("nội dung"), max_length=200)
    legal_ref = models.CharField(_("căn cứ"), max_length=300, blank=True)
    unit = models.ForeignKey(
        "organisation.Unit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_overrides",
        verbose_name=_("đơn vị"),
    )

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "unit"], name="override_unique_per_unit"),
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(unit__isnull=True),
                name="override_unique_national",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.label}"


class WorkingSchedule(TimeStampedModel):
    """Working weekdays and sessions of a unit (default 07:30–11:30, 13:30–17:00, Mon–Fri)."""

    unit = models.OneToOneField(
        "organisation.Unit",
        on_delete=models.CASCADE,
        related_name="working_schedule",
        verbose_name=_("đơn vị"),
    )
    weekdays = models.JSONField(
        _("ngày làm việc trong tuần"), default=list, help_text=_("0 = thứ Hai … 6 = Chủ nhật")
    )
    sessions = models.JSONField(
        _("các buổi làm việc"),
        default=list,
        help_text=_('Ví dụ: [["07:30", "11:30"], ["13:30", "17:00"]]'),
    )

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
