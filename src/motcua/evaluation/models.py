"""Configuration of the evaluation: QĐ 766 indicator maxima/thresholds and the publication
flags of TT 01/2018 index 6. Editable in the admin; the indices themselves are computed."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.evaluation.constants import Confidence

_PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class IndicatorConfig(TimeStampedModel):
    """One indicator of QĐ 766/QĐ-TTg (DOMAIN.md §4.2): its point maximum and threshold.

    Defaults come from `data/qd766.json` (loaded by a data migration); an administrator may
    change them without code when VPCP publishes new values.
    """

    code = models.CharField(_("mã chỉ số"), max_length=8, unique=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên chỉ số"), max_length=300)
    pmax = models.DecimalField(
        _("điểm tối đa"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Để trống khi chưa xác định; 0 = chỉ số theo dõi, không tính điểm."),
    )
    threshold = models.DecimalField(
        _("ngưỡng (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_PERCENT,
        help_text=_("Đạt ngưỡng thì được điểm tối đa; để trống: điểm = tỷ lệ × điểm tối đa / 100."),
    )
    warning_target = models.DecimalField(
        _("mục tiêu cảnh báo sớm (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_PERCENT,
        help_text=_("Để trống: dùng ngưỡng, nếu không có ngưỡng thì 100%."),
    )
    warning_margin = models.DecimalField(
        _("biên cảnh báo (điểm %)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        validators=_PERCENT,
        help_text=_("Dưới mục tiêu nhưng không quá biên này: cảnh báo; thấp hơn: không đạt."),
    )
    source = models.CharField(_("nguồn"), max_length=100, blank=True)
    confidence = models.CharField(
        _("độ tin cậy"), max_length=2, choices=Confidence.choices, default=Confidence.PARTIAL
    )
    waits_for = models.CharField(_("chờ phân hệ"), max_length=32, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("chỉ số QĐ 766")
        verbose_name_plural = _("chỉ số QĐ 766")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class UnitPublication(TimeStampedModel):
    """TT 01/2018 index 6: how a unit publishes its procedures (posted at the one-stop desk,
    on the electronic portal). The nearest configured ancestor applies to a unit without a row."""

    unit = models.OneToOneField(
        "organisation.Unit",
        on_delete=models.CASCADE,
        related_name="publication",
        verbose_name=_("đơn vị"),
    )
    posted = models.BooleanField(_("niêm yết tại Bộ phận Một cửa"), default=False)
    electronic = models.BooleanField(_("công khai trên cổng điện tử"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("công khai TTHC của đơn vị")
        verbose_name_plural = _("công khai TTHC của đơn vị")

    def __str__(self) -> str:
        return str(self.unit)
