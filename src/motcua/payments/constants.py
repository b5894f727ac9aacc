"""States of an online payment."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentState(models.TextChoices):
    PENDING = "pending", _("Đang chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Thanh toán không thành công")
    CANCELLED = "cancelled", _("Đã hủy thanh toán")


#: States that end a payment: a later callback for it changes nothing.
FINAL_STATES = frozenset({PaymentState.PAID, PaymentState.FAILED, PaymentState.CANCELLED})

#: Default provider: the local sandbox (development, demo, tests).
DEFAULT_PROVIDER = "motcua.payments.providers.SandboxProvider"
