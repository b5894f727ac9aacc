"""Rows of the signed result download (portal) — the signing of stored documents."""

from __future__ import annotations

from tests.matrix_roles import NOBODY, Rule

RULES = {
    # The world's dossier has no signed result: even its owner gets 404.
    "portal:my_dossier_result": Rule(NOBODY, note="no signed result in the world"),
}
