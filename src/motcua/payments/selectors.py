"""Reads of the payments app: what a dossier owes and its payments."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalogue.services import fee_compute
from motcua.core.errors import DomainError
from motcua.dossiers.constants import TERMINAL_STATES, State
from motcua.dossiers.models import Dossier
from motcua.payments.constants import PaymentState
from motcua.payments.models import Payment


@dataclass(frozen=True)
class AmountDue:
    amount: int  # đồng
    description: str
    basis: str  # "rules": the catalogue's fee rules; "obligation": the amount notified by staff


def _obligation_due(dossier: Dossier) -> AmountDue | None:
    event = dossier.events.filter(action="financial_obligation").order_by("-seq").first()
    if event is None:
        return None
    if Payment.objects.filter(
        dossier=dossier, state=PaymentState.PAID, paid_at__gte=event.at
    ).exists():
        return None
    try:
        amount = Decimal(str((event.payload or {}).get("amount", "")))
    except InvalidOperation:
        return None
    if amount <= 0 or amount != amount.to_integral_value():
        return None
    description = str((event.payload or {}).get("description") or "") or _(
        "Nghĩa vụ tài chính theo thông báo"
    )
    return AmountDue(int(amount), description[:300], "obligation")


def amount_due(dossier: Dossier) -> AmountDue | None:
    """What the applicant may pay online now, or None.

    - Waiting for a financial obligation (NĐ61 art. 22): the amount the officer notified,
      unless paid since that notice.
    - Otherwise the fee of the procedure version the dossier was submitted under, computed from
      its fee rules (`catalogue.services.fee_compute`, `quantity` = the dossier's copies),
      once per dossier; the lines of the dossier's province in force on the day it was
      received (or submitted; today when neither) replace the national ones when the version
      has some (`catalogue.selectors.fee_rules_for`). Nothing when the fee is zero, depends
      on a page count that is not known yet, or the dossier is closed.
    """
    if dossier.state in TERMINAL_STATES or dossier.state == State.DRAFT:
        return None
    if dossier.state == State.FINANCIAL_OBLIGATION:
        return _obligation_due(dossier)
    if Payment.objects.filter(dossier=dossier, state=PaymentState.PAID).exists():
        return None
    filed_at = dossier.received_at or dossier.submitted_at
    try:
        fee = fee_compute(
            dossier.procedure_version,
            quantity=max(dossier.copies, 1),
            unit=dossier.unit,
            on=timezone.localdate(filed_at) if filed_at else None,
        )
    except DomainError:  # page-based fee: the officer notifies the amount
        return None
    if fee <= 0:
        return None
    name = dossier.procedure_version.procedure.name
    return AmountDue(int(fee), (_("Phí, lệ phí: %(name)s") % {"name": name})[:300], "rules")


def dossier_payments(dossier: Dossier) -> QuerySet[Payment]:
    return Payment.objects.filter(dossier=dossier).order_by("-created_at", "-pk")


def paid_payments(dossier: Dossier) -> QuerySet[Payment]:
    return dossier_payments(dossier).filter(state=PaymentState.PAID)


def payment_get_for_owner(user: Any, pk: int) -> Payment:
    """A paid payment of one of the user's own dossiers; `Payment.DoesNotExist` otherwise."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_citizen", False):
        raise Payment.DoesNotExist
    return Payment.objects.select_related(
        "dossier__procedure_version__procedure", "dossier__unit"
    ).get(pk=pk, dossier__applicant=user, state=PaymentState.PAID)


def payment_context(dossier: Dossier) -> dict[str, object]:
    """What the citizen's dossier page shows: the amount due (with the "Thanh toán" button)
    and the receipts of the paid payments."""
    from motcua.payments.providers import payments_enabled

    return {
        "amount_due": amount_due(dossier) if payments_enabled() else None,
        "receipts": list(paid_payments(dossier)),
    }
