"""Access rows of the documents (motcua.documents): the forms as DOCX and the stored generated
documents of a dossier. Same rule as the HTML forms and the dossier page: staff who may read
the dossier of commune A; commune B, citizens and the superuser without a unit get 404/403.
The DOCX routes are fast (python-docx, no WeasyPrint): every allowed role is probed."""

from __future__ import annotations

from tests.matrix_roles import A_READ, Rule

RULES = {
    "backoffice:print_form_docx": Rule(A_READ, note="logged through print_form"),
    "backoffice:ledger_docx": Rule(A_READ, note="logged through ledger"),
    # The matrix world's dossier has no stored document (the after-commit hook does not run in
    # a test transaction), so every role gets 404 here; the allowed set is still A_READ.
    "backoffice:generated_document": Rule(A_READ, note="404 outside the dossier's units"),
}
VALUES = {"backoffice:generated_document": {"doc_id": 1}}
