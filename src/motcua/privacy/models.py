"""Personal-data records of the controller (NĐ 13/2023/NĐ-CP; DOMAIN.md §10.1):
the retention schedule, what retention did to dossiers, and breach records (art. 23)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.privacy.constants import BREACH_NOTIFY_HOURS, RecordClass


class RetentionRule(models.Model):
    """How long one class of records keeps its personal data (art. 3(7): "stored only as long
    as needed"). Periods of the archive law are ❓ to verify (DOMAIN.md §1.11): a rule acts only
    once the controller has checked it and set `enabled`."""

    record_class = models.CharField(
        _("loại hồ sơ, dữ liệu"), max_length=32, choices=RecordClass.choices, unique=True
    )
    keep_years = models.PositiveSmallIntegerField(_("thời hạn lưu (năm)"))
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    enabled = models.BooleanField(
        _("đã xác nhận, được áp dụng"),
        default=False,
        help_text=_("Chỉ áp dụng sau khi đã đối chiếu thời hạn với quy định về lưu trữ."),
    )

    class Meta:
        verbose_name = _("thời hạn lưu trữ")
        verbose_name_plural = _("lịch lưu trữ dữ liệu cá nhân")
        ordering = ["record_class"]

    def __str__(self) -> str:
        return f"{self.get_record_class_display()}: {self.keep_years}"


class DossierAnonymisation(models.Model):
    """One dossier whose applicant data retention removed (the dossier row and its
    hash-chained events stay)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="anonymisation"
    )
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64, blank=True)
    at = models.DateTimeField(_("ẩn danh lúc"))
    record_class = models.CharField(_("loại"), max_length=32, choices=RecordClass.choices)
    keep_years = models.PositiveSmallIntegerField(_("thời hạn lưu (năm)"))
    closed_at = models.DateTimeField(_("hồ sơ kết thúc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ đã ẩn danh")
        verbose_name_plural = _("hồ sơ đã ẩn danh")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.dossier_code or f"#{self.dossier_id}"


class BreachRecord(models.Model):
    """Vi phạm quy định bảo vệ dữ liệu cá nhân: A05 must be notified within 72 hours of the
    discovery (NĐ 13/2023 art. 23(1), Mẫu 03); later notices must give reasons."""

    discovered_at = models.DateTimeField(_("phát hiện lúc"))
    description = models.TextField(_("mô tả vi phạm (thời gian, địa điểm, hành vi)"))
    data_types = models.TextField(_("loại dữ liệu cá nhân liên quan"))
    subjects_estimate = models.PositiveIntegerField(_("số chủ thể dữ liệu ước tính"), default=0)
    measures = models.TextField(_("biện pháp khắc phục, giảm thiểu"), blank=True)
    notified_at = models.DateTimeField(_("thông báo A05 lúc"), null=True, blank=True)
    notification_ref = models.CharField(_("số văn bản thông báo"), max_length=100, blank=True)
    late_reason = models.TextField(_("lý do thông báo muộn"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người ghi nhận"),
    )
    created_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("vi phạm dữ liệu cá nhân")
        verbose_name_plural = _("vi phạm dữ liệu cá nhân")
        ordering = ["-discovered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.discovered_at:%Y-%m-%d %H:%M} {self.description[:60]}"

    @property
    def deadline(self) -> dt.datetime:
        """Discovery + 72 hours (art. 23(1))."""
        return self.discovered_at + dt.timedelta(hours=BREACH_NOTIFY_HOURS)
