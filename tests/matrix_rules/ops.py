"""Access rows of the operational endpoints (motcua.ops)."""

from tests.matrix_roles import EVERYONE, Rule

RULES = {
    # Readiness: public like /healthz; only "ok"/"skipped"/"fail" per check, no error text.
    "ops:readyz": Rule(
        EVERYONE, post=frozenset(), note="GET only; no host, version or error text in it"
    ),
    # Metrics: allowed by client address (MOTCUA_METRICS_ALLOWED_IPS, default 127.0.0.1) or a
    # bearer token. The test client's REMOTE_ADDR is 127.0.0.1, so every role gets it here:
    # the content is unit codes and counts only (no personal data), which the matrix checks.
    # In production nginx must not forward /metrics (docs/deploy.md) or the proxy's address
    # must not be allowed (MOTCUA_CLIENT_IP_HEADER).
    "ops:metrics": Rule(EVERYONE, post=frozenset(), note="IP allow-list; 127.0.0.1 in tests"),
}
