"""Digitisation (/so-hoa/): staff pages of a dossier's digitised components, the citizen's
personal data store (kho dữ liệu cá nhân)."""

from __future__ import annotations

from tests.matrix_roles import A_READ, CITIZENS, NOBODY, Rule

RULES = {
    # GET: staff who may read the dossier of A; POST: an empty form is never accepted (400 for
    # a receiver of A, 403 for the other readers, 404 outside A).
    "digitisation:dossier": Rule(A_READ, post=NOBODY, note="upload by receivers of A only"),
    "digitisation:file": Rule(NOBODY, note="no digitised file with that id"),
    "digitisation:store": Rule(CITIZENS, post=NOBODY, note="each citizen sees their own items"),
    "digitisation:store_file": Rule(NOBODY, note="no store item with that id"),
}
VALUES = {
    "digitisation:file": {"pk": 987654},
    "digitisation:store_file": {"pk": 987654},
}
