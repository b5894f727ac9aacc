"""Online payments of fees (phí, lệ phí) and financial obligations (NĐ61 art. 22, DOMAIN §1.9).

A `Payment` row is written only by `motcua.payments.services`; the dossier itself is changed
only through `motcua.dossiers.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.payments.constants import PaymentState


class Payment(models.Model):
    """One attempt to pay the amount due for a dossier through a payment provider."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="payments"
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    description = models.CharField(_("nội dung"), max_length=300)
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=PaymentState.choices, default=PaymentState.PENDING
    )
    provider = models.CharField(_("cổng thanh toán"), max_length=200)
    provider_ref = models.CharField(_("mã giao dịch"), max_length=100, unique=True)
    redirect_url = models.CharField(max_length=1000)
    receipt_number = models.CharField(
        _("số biên lai"), max_length=40, unique=True, null=True, blank=True
    )
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    raw_callback = models.JSONField(_("dữ liệu báo về"), default=dict, blank=True)
    receipt_sent_at = models.DateTimeField(_("đã gửi biên lai lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thanh toán trực tuyến")
        verbose_name_plural = _("thanh toán trực tuyến")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["dossier", "state"], name="payment_dossier_state")]

    def __str__(self) -> str:
        return f"{self.provider_ref} ({self.amount} đ, {self.state})"
