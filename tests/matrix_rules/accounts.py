"""Access rows of the second factor (motcua.accounts.totp): /xac-thuc-hai-buoc/."""

from __future__ import annotations

from tests.matrix_roles import NOBODY, STAFF, Rule

RULES = {
    # Staff only (citizens 403, anonymous to the log-in page). The enrolment page shows the
    # account's OWN new secret; an empty POST is refused (400). The verification page sends an
    # account without a device to the enrolment page (302).
    "totp:enrol": Rule(STAFF, post=NOBODY, note="own secret only"),
    "totp:verify": Rule(NOBODY, note="no account of the world has a device: 302 to enrolment"),
}
