"""Writes of the payments app (online payment of fees, NĐ61 art. 22; DOMAIN §1.9).

`payment_start` creates (or reuses) a pending payment and returns where to send the payer;
`payment_confirm` applies the provider's signed callback once. The dossier row is never
written here: a paid financial obligation is confirmed on the dossier by an officer through
`dossiers.services.dossier_financial_paid` (see docs/domain/payments.md, "Dossier").
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError, PermissionDenied
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.payments import selectors, tasks
from motcua.payments.constants import FINAL_STATES, PaymentState
from motcua.payments.models import Payment
from motcua.payments.providers import (
    InvalidCallback,
    get_provider,
    payments_enabled,
    provider_path,
)

if TYPE_CHECKING:
    from motcua.accounts.models import User

logger = logging.getLogger(__name__)


def default_return_url() -> str:
    base = str(settings.MOTCUA.get("PUBLIC_BASE_URL", "")).rstrip("/")
    return f"{base}{reverse('payments:return')}"


def payment_start(*, user: User, dossier: Dossier | int, return_url: str = "") -> Payment:
    """A pending payment of the amount due for the user's own dossier.

    Only the applicant may pay (anyone else: `PermissionDenied`). The amount comes from
    `selectors.amount_due` (the catalogue's fee rules, or the notified financial obligation).
    Idempotent: a pending payment of the same amount is reused (same provider page); a pending
    one of another amount is cancelled and replaced.
    """
    if not payments_enabled():
        raise DomainError(
            _("Chưa có dịch vụ thanh toán trực tuyến. Vui lòng nộp tại Bộ phận Một cửa.")
        )
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    with transaction.atomic():
        # Serialises two "Thanh toán" taps on the same dossier (a read lock: no dossier write).
        locked = Dossier.objects.select_for_update().select_related("procedure_version").get(pk=pk)
        if locked.applicant_id != user.pk or not getattr(user, "is_citizen", False):
            raise PermissionDenied()
        due = selectors.amount_due(locked)
        if due is None:
            raise DomainError(_("Hồ sơ này hiện không có khoản phí nào cần thanh toán."))
        pending = list(
            Payment.objects.select_for_update().filter(dossier=locked, state=PaymentState.PENDING)
        )
        for p in pending:
            if p.amount == due.amount and p.payer_id == user.pk:
                return p
        for p in pending:
            p.state = PaymentState.CANCELLED
            p.raw_callback = {"replaced": True}
            p.save(update_fields=["state", "raw_callback", "updated_at"])
        path = provider_path()
        reference = _("Hồ sơ %(code)s") % {"code": locked.code or f"#{locked.pk}"}
        redirect = get_provider(path).create_payment(
            amount=due.amount, reference=reference, return_url=return_url or default_return_url()
        )
        return Payment.objects.create(
            dossier=locked,
            payer=user,
            amount=due.amount,
            description=due.description,
            provider=path,
            provider_ref=redirect.provider_ref,
            redirect_url=redirect.redirect_url,
        )


def receipt_number_for(payment: Payment) -> str:
    """`BL<year>-<payment id, 7 digits>`: unique because the id is."""
    assert payment.paid_at is not None
    return f"BL{timezone.localtime(payment.paid_at):%Y}-{payment.pk:07d}"


def payment_confirm(*, provider_ref: str, payload: Mapping[str, Any]) -> Payment:
    """Apply a provider callback (browser return or server notice) to its payment.

    The signature is checked by the payment's provider (`verify_callback`): a forged or altered
    callback raises `InvalidCallback` and changes nothing; so does a "paid" result whose amount
    differs from the payment's. Idempotent: once a payment is paid, failed or cancelled, a
    repeated callback returns it unchanged. When paid: the receipt number and time are recorded
    and the receipt is sent to the payer after the commit (`tasks.send_receipt`).
    """
    payment = Payment.objects.filter(provider_ref=provider_ref).first() if provider_ref else None
    if payment is None:
        raise InvalidCallback(_("Không tìm thấy giao dịch thanh toán."), code="unknown")
    result = get_provider(payment.provider).verify_callback(
        {str(k): str(v) for k, v in payload.items()}
    )
    if result.provider_ref != payment.provider_ref:
        raise InvalidCallback(_("Dữ liệu thanh toán không khớp giao dịch."), code="content")
    with transaction.atomic():
        p = Payment.objects.select_for_update().get(pk=payment.pk)
        if p.state in FINAL_STATES:
            return p
        if result.state == PaymentState.PAID and result.amount != p.amount:
            logger.warning("Payment %s: amount %s reported, %s due", p.pk, result.amount, p.amount)
            raise InvalidCallback(_("Số tiền thanh toán không khớp."), code="amount")
        p.state = result.state
        p.raw_callback = {str(k): str(v) for k, v in payload.items()}
        fields = ["state", "raw_callback", "updated_at"]
        if result.state == PaymentState.PAID:
            p.paid_at = timezone.now()
            p.receipt_number = receipt_number_for(p)
            fields += ["paid_at", "receipt_number"]
            transaction.on_commit(lambda: tasks.send_receipt.delay(p.pk))
        p.save(update_fields=fields)
        if result.state == PaymentState.PAID:  # processing resumes when it waited for it
            dossier_services.dossier_financial_paid_online(
                dossier=p.dossier_id, receipt_number=p.receipt_number or "", provider=p.provider
            )
    return p
