"""Payment providers (cổng thanh toán): the one interface the rest of the app talks to.

A provider turns a payment into a redirect URL (the payer pays on the provider's page) and
checks the callback the provider sends back (browser return and/or server-to-server notice).
`settings.MOTCUA["PAYMENT_PROVIDER"]` names the class by dotted path; the default,
`SandboxProvider`, is a local page where the payer clicks "Thanh toán thành công" or "Hủy".

**A real gateway plugs in here** (docs/domain/payments.md): VNPay (`vnp_SecureHash`,
HMAC-SHA512 over the sorted query string; return URL + IPN), Keypay, or the national payment
platform of the Cổng Dịch vụ công quốc gia (PayGov). Write a class with the two methods of
`PaymentProvider`, keep its keys in the environment, and set the dotted path.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.payments.constants import DEFAULT_PROVIDER, PaymentState


class InvalidCallback(DomainError):
    """A callback whose signature or content cannot be trusted: nothing is changed."""


@dataclass(frozen=True)
class PaymentRedirect:
    redirect_url: str  # where the payer's browser goes to pay
    provider_ref: str  # the provider's transaction reference (unique)


@dataclass(frozen=True)
class CallbackResult:
    provider_ref: str
    state: str  # PaymentState.PAID / FAILED / CANCELLED
    amount: int  # đồng, as the provider reports it
    transaction_id: str  # the provider's own transaction number ("" when none)


class PaymentProvider(Protocol):
    def create_payment(self, *, amount: int, reference: str, return_url: str) -> PaymentRedirect:
        """Register a payment of `amount` đồng described by `reference`; the provider sends
        the payer back to `return_url` (absolute) with the signed result."""
        ...

    def verify_callback(self, data: Mapping[str, str]) -> CallbackResult:
        """The result in a callback, after checking its signature; raises `InvalidCallback`."""
        ...


def provider_path() -> str:
    """The configured provider's dotted path; "" when online payment is off."""
    return str(settings.MOTCUA.get("PAYMENT_PROVIDER", DEFAULT_PROVIDER) or "")


def payments_enabled() -> bool:
    return bool(provider_path())


def get_provider(path: str | None = None) -> PaymentProvider:
    provider: PaymentProvider = import_string(path or provider_path())()
    return provider


# ---------------------------------------------------------------------------------------------
# Sandbox
# ---------------------------------------------------------------------------------------------

SIGNATURE_FIELD = "sig"
SANDBOX_OUTCOMES = {
    "paid": PaymentState.PAID,
    "cancelled": PaymentState.CANCELLED,
    "failed": PaymentState.FAILED,
}


def _sandbox_key() -> bytes:
    secret = str(settings.MOTCUA.get("PAYMENT_SANDBOX_SECRET") or "")
    if secret:
        return secret.encode()
    # Derived from SECRET_KEY so development needs no configuration; never the key itself.
    return hmac.new(settings.SECRET_KEY.encode(), b"motcua.payments.sandbox", "sha256").digest()


def sandbox_sign(fields: Mapping[str, str]) -> str:
    """HMAC-SHA256 (hex) of the fields sorted by name as `k=v&k=v`, the signature excluded."""
    canonical = urlencode(sorted((k, str(v)) for k, v in fields.items() if k != SIGNATURE_FIELD))
    return hmac.new(_sandbox_key(), canonical.encode(), hashlib.sha256).hexdigest()


def sandbox_signed(fields: Mapping[str, str]) -> dict[str, str]:
    data = {k: str(v) for k, v in fields.items() if k != SIGNATURE_FIELD}
    data[SIGNATURE_FIELD] = sandbox_sign(data)
    return data


def sandbox_check(data: Mapping[str, str]) -> dict[str, str]:
    """The fields of `data` if their signature is right; raises `InvalidCallback` otherwise."""
    fields = {k: str(v) for k, v in data.items()}
    given = fields.get(SIGNATURE_FIELD, "")
    if not given or not hmac.compare_digest(given, sandbox_sign(fields)):
        raise InvalidCallback(_("Chữ ký của dữ liệu thanh toán không hợp lệ."), code="signature")
    return fields


class SandboxProvider:
    """A local stand-in for a payment gateway (development, demo, tests).

    `create_payment` returns the URL of the sandbox page `/thanh-toan/sandbox/<ref>/` carrying
    the amount and the return URL, signed. On that page the payer clicks "Thanh toán thành
    công" or "Hủy"; the page redirects to the return URL with `ref`, `status`, `amount`, `txn`
    and `sig` (HMAC-SHA256 with `settings.MOTCUA["PAYMENT_SANDBOX_SECRET"]`), which
    `verify_callback` checks like a real gateway's signed return.
    """

    def create_payment(self, *, amount: int, reference: str, return_url: str) -> PaymentRedirect:
        ref = f"SB{secrets.token_hex(8).upper()}"
        query = sandbox_signed(
            {"ref": ref, "amount": str(amount), "info": reference[:200], "return": return_url}
        )
        url = f"{reverse('payments:sandbox', args=[ref])}?{urlencode(query)}"
        return PaymentRedirect(redirect_url=url, provider_ref=ref)

    def verify_callback(self, data: Mapping[str, str]) -> CallbackResult:
        fields = sandbox_check(data)
        state = SANDBOX_OUTCOMES.get(fields.get("status", ""))
        amount = fields.get("amount", "")
        if state is None or not amount.isdigit() or not fields.get("ref"):
            raise InvalidCallback(_("Dữ liệu thanh toán không đầy đủ."), code="content")
        return CallbackResult(
            provider_ref=fields["ref"],
            state=state,
            amount=int(amount),
            transaction_id=fields.get("txn", ""),
        )
