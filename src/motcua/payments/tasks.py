"""After-commit work of the payments app (Celery; eager in the embedded default)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


@shared_task(name="payments.tasks.send_receipt")
def send_receipt(payment_id: int) -> int:
    """Send the e-receipt notice of a paid payment to the applicant (SMS and/or e-mail).

    Idempotent: `receipt_sent_at` is set by a conditional update first, so a re-run sends
    nothing. Returns the number of messages sent.
    """
    from motcua.payments.constants import PaymentState
    from motcua.payments.models import Payment
    from motcua.portal.notifications import send_to_applicant

    claimed = Payment.objects.filter(
        pk=payment_id, state=PaymentState.PAID, receipt_sent_at__isnull=True
    ).update(receipt_sent_at=timezone.now())
    if not claimed:
        return 0
    p = Payment.objects.select_related("dossier__procedure_version__procedure").get(pk=payment_id)
    assert p.paid_at is not None
    text = _(
        "Một Cửa: đã nhận %(amount)s đồng cho hồ sơ %(code)s (%(procedure)s) lúc %(at)s. "
        "Số biên lai: %(receipt)s."
    ) % {
        "amount": f"{p.amount:,}".replace(",", "."),
        "code": p.dossier.code or f"#{p.dossier.pk}",
        "procedure": p.dossier.procedure_version.procedure.name,
        "at": timezone.localtime(p.paid_at).strftime("%H:%M %d/%m/%Y"),
        "receipt": p.receipt_number,
    }
    return send_to_applicant(p.dossier, subject=_("Biên lai thanh toán trực tuyến"), text=text)
