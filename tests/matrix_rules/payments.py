"""Access rows of the payments app (/thanh-toan/, docs/domain/payments.md)."""

from __future__ import annotations

from tests.matrix_roles import NOBODY, Rule

RULES = {
    # POST only; the owner's success is a 302 to the provider's page.
    "payments:start": Rule(NOBODY, note="POST redirects to the provider; GET 405"),
    "payments:sandbox": Rule(NOBODY, note="no payment with that reference: signed request needed"),
    "payments:return": Rule(NOBODY, note="unsigned callback → 400"),
    "payments:notify": Rule(NOBODY, note="unsigned server notice → 400"),
    "payments:receipt": Rule(NOBODY, note="no paid payment with that id"),
    "payments:receipt_pdf": Rule(NOBODY, note="no paid payment with that id"),
}

VALUES = {
    "payments:sandbox": {"ref": "SBKHONGCO"},
    "payments:receipt": {"pk": 987654},
    "payments:receipt_pdf": {"pk": 987654},
}
