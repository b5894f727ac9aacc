"""Roles and the Rule type of the authorisation matrix (tests/test_security_matrix.py).

Each app that adds URLs adds a module to `tests/matrix_rules/` with a `RULES` dict (URL name →
Rule) and, when its URLs need path parameters the common ones do not give, a `VALUES` dict
(URL name → kwargs).
"""

from __future__ import annotations

from dataclasses import dataclass

# ---------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------

RECEIVER_A = "receiver_a"
SPECIALIST_A = "specialist_a"
LEADER_A = "leader_a"
UNIT_ADMIN_A = "unit_admin_a"
SUPERVISOR_A = "supervisor_a"
STAFF_B = "staff_b"  # every role in commune B
SUPERUSER = "superuser"  # Django admin only, no unit membership
CITIZEN = "citizen"  # a citizen account, not the applicant
OWNER = "owner"  # the citizen account that is the applicant of the dossier of A
ANONYMOUS = "anonymous"

ROLES = (
    RECEIVER_A,
    SPECIALIST_A,
    LEADER_A,
    UNIT_ADMIN_A,
    SUPERVISOR_A,
    STAFF_B,
    SUPERUSER,
    CITIZEN,
    OWNER,
    ANONYMOUS,
)
A_STAFF = frozenset({RECEIVER_A, SPECIALIST_A, LEADER_A, UNIT_ADMIN_A})
A_READ = A_STAFF | {SUPERVISOR_A}  # may read the dossiers of commune A
STAFF = A_READ | {STAFF_B, SUPERUSER}  # every staff account
CITIZENS = frozenset({CITIZEN, OWNER})
LOGGED_IN = STAFF | CITIZENS
EVERYONE = LOGGED_IN | {ANONYMOUS}
NOBODY: frozenset[str] = frozenset()

# ---------------------------------------------------------------------------------------------
# The expected-access table: URL name → roles that may get a 2xx answer (GET, POST).
# A role outside the set must get 3xx (log-in redirect), 4xx — never 2xx.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    get: frozenset[str]
    post: frozenset[str] | None = None  # None: same as GET
    note: str = ""

    def allowed(self, method: str) -> frozenset[str]:
        if method == "post" and self.post is not None:
            return self.post
        return self.get
