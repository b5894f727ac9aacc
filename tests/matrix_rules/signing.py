"""Access rows of the signing app: the public signature-verification page."""

from __future__ import annotations

from tests.matrix_roles import EVERYONE, NOBODY, Rule

RULES = {
    # Public (anybody can check a signed result); an empty POST gets the page with a form error.
    "signing:verify": Rule(EVERYONE, note="public; empty POST → form error"),
    # A leader signs a stored PDF (POST only; the world has no stored document: 404).
    "signing:document_sign": Rule(NOBODY, note="POST only, leaders of the unit"),
}
