"""Access rows of the integrations app (/tich-hop/, docs/dev/integrations.md)."""

from __future__ import annotations

from tests.matrix_roles import NOBODY, STAFF, STAFF_B, SUPERUSER, UNIT_ADMIN_A, Rule

RULES = {
    # Webhook delivery log: unit administrators (their units' subscriptions), superusers (all).
    "integrations:webhook_log": Rule(
        frozenset({UNIT_ADMIN_A, STAFF_B, SUPERUSER}),
        post=NOBODY,
        note="unit admins see their units' deliveries only",
    ),
    "integrations:webhook_redeliver": Rule(NOBODY, note="no delivery with that id; POST only"),
    # National-sync report: every staff account, for the units it reads (empty otherwise).
    "integrations:national_report": Rule(STAFF, post=NOBODY, note="each sees the units they read"),
    # Simulated national endpoint: only the HTTP adapter holding MOTCUA["NATIONAL_PORTAL_TOKEN"]
    # (no browser session, no role); it never returns this system's dossiers.
    "integrations:fake_national_status": Rule(NOBODY, note="bearer credential of the adapter"),
    "integrations:fake_national_submissions": Rule(NOBODY, note="bearer credential of the adapter"),
}
