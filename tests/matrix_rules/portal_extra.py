"""Access rows of the portal URLs added after the first slice (OIDC sign-in)."""

from __future__ import annotations

from tests.matrix_roles import NOBODY, Rule

RULES = {
    # 404 while OIDC is not configured (the test settings); a 302 to the provider otherwise.
    "portal:oidc_login": Rule(NOBODY, note="OIDC not configured → 404"),
    "portal:oidc_callback": Rule(NOBODY, note="OIDC not configured → 404"),
}
