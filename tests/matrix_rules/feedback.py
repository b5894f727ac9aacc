"""Access rows of ratings, PAKN (/phan-anh/), Open311 (/open311/v2/) and their API."""

from __future__ import annotations

from typing import Any

from tests.matrix_roles import EVERYONE, LEADER_A, NOBODY, RECEIVER_A, STAFF, Rule

SHELL = "lists only the account's own units (empty elsewhere)"
NO_FEEDBACK = "the matrix world has no PAKN: 404 for everyone"

RULES: dict[str, Rule] = {
    # Public pages: an empty POST re-shows the form with its errors (200).
    "feedback:submit": Rule(EVERYONE),
    "feedback:lookup": Rule(EVERYONE),
    "feedback:published": Rule(EVERYONE, post=NOBODY),
    "feedback:rate_my_dossier": Rule(NOBODY, note="POST only; the owner is redirected"),
    "feedback:rate_by_lookup": Rule(NOBODY, note="needs the receipt's code and secret"),
    # Back office
    "feedback:staff_list": Rule(STAFF, post=NOBODY, note=SHELL),
    "feedback:unhappy": Rule(STAFF, post=NOBODY, note=SHELL),
    "feedback:staff_detail": Rule(NOBODY, note=NO_FEEDBACK),
    "feedback:rate_at_counter": Rule(
        frozenset({RECEIVER_A, LEADER_A}), post=NOBODY, note="dossier of A; empty POST → 422"
    ),
    "feedback:staff_action": Rule(NOBODY, note=NO_FEEDBACK),
    # Open311 GeoReport v2: public reads; an empty POST is refused (400 error array)
    "open311:services": Rule(EVERYONE, post=NOBODY),
    "open311:requests": Rule(EVERYONE, post=NOBODY),
    "open311:request": Rule(NOBODY, note="no published request with that id"),
    # REST API
    # POST /feedback (submit) and GET /feedback (staff list) share one URL.
    "api-v1:feedback_submit": Rule(STAFF, post=NOBODY, note=SHELL + "; empty body refused"),
    "api-v1:feedback_list": Rule(STAFF, post=NOBODY, note=SHELL),
    "api-v1:feedback_status": Rule(NOBODY, note="needs the code and the secret"),
    "api-v1:rating_submit": Rule(NOBODY, note="needs the receipt's code and secret"),
}

VALUES: dict[str, dict[str, Any]] = {
    "feedback:staff_detail": {"pk": 987654},
    "feedback:staff_action": {"pk": 987654, "action": "accept"},
    "open311:request": {"request_id": "PAKN-000000-000000"},
}
