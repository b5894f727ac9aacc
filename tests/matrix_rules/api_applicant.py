"""Rows of the applicant API (`/api/v1/me/…`, motcua.api.applicant)."""

from tests.matrix_roles import CITIZENS, NOBODY, OWNER, Rule

RULES = {
    "api-v1:my_dossiers": Rule(CITIZENS, post=NOBODY, note="each sees only their own"),
    "api-v1:my_dossier": Rule(frozenset({OWNER}), post=NOBODY),
    "api-v1:my_draft": Rule(NOBODY, note="PUT only"),
    "api-v1:my_draft_get": Rule(NOBODY, note="no draft with that key"),
    "api-v1:my_draft_file": Rule(NOBODY, note="no draft with that key"),
    "api-v1:my_draft_submit": Rule(NOBODY, note="no draft with that key"),
    "api-v1:my_dossier_supplement": Rule(NOBODY, note="an empty form is never accepted"),
    "api-v1:my_dossier_withdraw": Rule(NOBODY, note="an empty body is never accepted"),
}
