"""Interoperability: outgoing webhooks and the sync state with the national portal (Cổng DVCQG).

docs/dev/integrations.md describes both.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookSubscription(models.Model):
    """A partner system that wants to hear about the dossiers of a unit subtree.

    The secret signs every delivery (HMAC-SHA256); it is stored because the signature needs it,
    and shown once, when the subscription is created."""

    name = models.CharField(_("tên"), max_length=200)
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("đơn vị (cả các đơn vị trực thuộc)"),
    )
    target_url = models.URLField(_("địa chỉ nhận"), max_length=500)
    secret = models.CharField(_("khóa ký"), max_length=128, editable=False)
    #: CloudEvents `type` values to send (`vn.motcua.dossier.received`, …); empty: all.
    event_types = models.JSONField(_("loại sự kiện"), default=list, blank=True)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("đăng ký webhook")
        verbose_name_plural = _("đăng ký webhook")
        ordering = ["unit", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} → {self.target_url}"

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DELIVERED = "delivered", _("Đã gửi")
    FAILED = "failed", _("Thất bại")


class WebhookDelivery(models.Model):
    """One dossier event for one subscription. Unique per (subscription, event): the hook may
    run twice, the receiver hears once per attempt with the same CloudEvents `id`."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey("dossiers.DossierEvent", on_delete=models.PROTECT, related_name="+")
    cloudevent_id = models.CharField(_("mã sự kiện CloudEvents"), max_length=80, unique=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=DeliveryState.choices,
        default=DeliveryState.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("mã trả về"), null=True, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("gửi thành công lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("lần gửi webhook")
        verbose_name_plural = _("lần gửi webhook")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="webhook_delivery_unique"
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_due")]


class SyncState(models.TextChoices):
    PENDING = "pending", _("Chờ đồng bộ")
    SYNCED = "synced", _("Đã đồng bộ")
    FAILED = "failed", _("Đồng bộ lỗi")


class NationalSync(models.Model):
    """Where a dossier stands with the national portal (QĐ 766 indicator 1.4)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="national_sync"
    )
    national_id = models.CharField(
        _("mã hồ sơ trên Cổng DVCQG"), max_length=64, blank=True, db_index=True
    )
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=SyncState.choices,
        default=SyncState.PENDING,
        db_index=True,
    )
    #: The last event the portal has heard about; events after it are still to push.
    last_event_id = models.BigIntegerField(_("sự kiện đã đồng bộ"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    synced_at = models.DateTimeField(_("đồng bộ lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("đồng bộ Cổng DVCQG")
        verbose_name_plural = _("đồng bộ Cổng DVCQG")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="national_sync_due")]
