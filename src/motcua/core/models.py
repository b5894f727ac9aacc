"""Base models shared by the domain apps, and the personal-data access log.

Core imports no domain app: the access log points at users and units by the lazy
`"app.Model"` references only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """An append-only record was asked to change or disappear."""


class AccessLogAction(models.TextChoices):
    """What was done with the personal data (the purpose recorded with every access)."""

    VIEW_DOSSIER = "view_dossier", _("xem hồ sơ")
    REVEAL_ID = "reveal_id", _("xem đầy đủ số định danh")
    PRINT_FORM = "print_form", _("in biểu mẫu")
    VIEW_LEDGER = "view_ledger", _("xem sổ theo dõi hồ sơ")
    VIEW_LIST = "view_list", _("xem danh sách hồ sơ")
    EXPORT = "export", _("xuất dữ liệu")


class AccessOutcome(models.TextChoices):
    """Whether the read was served. A refused read (another unit's dossier: the page answers
    404) is recorded too, so that probing for other communes' dossiers is visible."""

    GRANTED = "granted", _("được phép")
    DENIED = "denied", _("bị từ chối")


#: The reason recorded with a refused read of a dossier outside the user's units.
DENIED_OUT_OF_SCOPE = "ngoài phạm vi đơn vị"


class AccessLog(models.Model):
    """Nhật ký xử lý dữ liệu cá nhân: one row per read of a dossier's personal data.

    Nghị định 13/2023/NĐ-CP art. 38 requires the controller to "ghi lại và lưu trữ nhật ký hệ
    thống quá trình xử lý dữ liệu cá nhân" (DOMAIN.md §10.1). Append-only: `save` refuses
    updates and `delete` is refused; the admin is read-only.
    """

    at = models.DateTimeField(_("thời điểm"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người truy cập"),
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị"),
    )
    dossier_id = models.BigIntegerField(_("hồ sơ (id)"), null=True, blank=True, db_index=True)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64, blank=True)
    subject = models.CharField(
        _("chủ thể dữ liệu"),
        max_length=200,
        blank=True,
        help_text=_("Số định danh đã che (chỉ 4 số cuối) hoặc mô tả tập dữ liệu."),
    )
    action = models.CharField(_("thao tác"), max_length=32, choices=AccessLogAction.choices)
    purpose = models.CharField(_("mục đích, trang"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    outcome = models.CharField(
        _("kết quả"),
        max_length=8,
        choices=AccessOutcome.choices,
        default=AccessOutcome.GRANTED,
        db_index=True,
    )
    reason = models.CharField(_("lý do từ chối"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("nhật ký truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["unit", "at"], name="accesslog_unit_at"),
            models.Index(fields=["user", "at"], name="accesslog_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.dossier_code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Access log rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Access log rows are append-only.")
